//! The dump reader: wrangler's format, its string escapes, and clear errors.

use super::*;

fn no_columns(_: &str) -> Option<Vec<String>> {
    None
}

fn read(sql: &str) -> Result<Dump, DumpError> {
    Reader {
        tables: &[],
        columns: &no_columns,
    }
    .read(sql)
}

fn text(value: &str) -> Value {
    Value::Text(value.into())
}

#[test]
fn reads_wrangler_exports() {
    // As miniflare's and D1's dumpSql write it (wrangler 4).
    let sql = "PRAGMA defer_foreign_keys=TRUE;\n\
        CREATE TABLE IF NOT EXISTS conversations (\n    id TEXT PRIMARY KEY,\n    site TEXT NOT NULL\n);\n\
        INSERT INTO \"conversations\" (\"id\",\"site\") VALUES('c-1','demo');\n\
        INSERT INTO \"conversations\" (\"id\",\"site\") VALUES('c-2','other');\n\
        DELETE FROM sqlite_sequence;\n\
        INSERT INTO \"sqlite_sequence\" (\"name\",\"seq\") VALUES('messages',2);\n\
        CREATE INDEX messages_by_conversation ON messages (conversation_id, id);\n";
    let dump = read(sql).expect("reads");
    let rows = dump.rows("conversations");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].text("id"), Some("c-1"));
    assert_eq!(rows[1].text("SITE"), Some("other"), "names ignore case");
    assert_eq!(rows[1].line, 7);
    assert_eq!(dump.rows("sqlite_sequence")[0].integer("seq"), Some(2));
    assert!(dump.rows("messages").is_empty());
}

#[test]
fn strings_keep_quotes_newlines_and_unicode() {
    let sql = "INSERT INTO \"m\" (\"a\",\"b\",\"c\",\"d\",\"e\") VALUES(\
        'it''s ''quoted''',\
        replace('two\\nlines','\\n',char(10)),\
        replace(replace('crlf\\r\\nend','\\r',char(13)),'\\n',char(10)),\
        'Olá, 你好, مرحبا, 🚚 — \"double\" ; semicolon -- not a comment /* nor this */',\
        '');";
    let dump = read(sql).expect("reads");
    let row = &dump.rows("m")[0];
    assert_eq!(row.get("a"), Some(&text("it's 'quoted'")));
    assert_eq!(row.get("b"), Some(&text("two\nlines")));
    assert_eq!(row.get("c"), Some(&text("crlf\r\nend")));
    assert_eq!(
        row.get("d"),
        Some(&text(
            "Olá, 你好, مرحبا, 🚚 — \"double\" ; semicolon -- not a comment /* nor this */"
        ))
    );
    assert_eq!(row.get("e"), Some(&text("")));
}

#[test]
fn a_raw_newline_inside_a_string_is_part_of_it_and_lines_still_count() {
    let sql = "INSERT INTO t (a) VALUES('one\ntwo\r\nthree');\nINSERT INTO t (a) VALUES('x');";
    let dump = read(sql).expect("reads");
    let rows = dump.rows("t");
    assert_eq!(rows[0].text("a"), Some("one\ntwo\r\nthree"));
    assert_eq!(rows[1].line, 4);
}

#[test]
fn numbers_null_blobs_and_signs() {
    let sql = "INSERT INTO t (a,b,c,d,e,f,g,h,i) VALUES(NULL,42,-7,1.5,9e999,-9e999,X'00ff',\
        1775466000000,0x1F);";
    let dump = read(sql).expect("reads");
    let row = &dump.rows("t")[0];
    assert_eq!(row.get("a"), Some(&Value::Null));
    assert_eq!(row.text("a"), None);
    assert_eq!(row.get("b"), Some(&Value::Integer(42)));
    assert_eq!(row.get("c"), Some(&Value::Integer(-7)));
    assert_eq!(row.get("d"), Some(&Value::Real(1.5)));
    assert_eq!(row.get("e"), Some(&Value::Real(f64::INFINITY)));
    assert_eq!(row.get("f"), Some(&Value::Real(f64::NEG_INFINITY)));
    assert_eq!(row.get("g"), Some(&Value::Blob(vec![0, 255])));
    assert_eq!(row.integer("h"), Some(1_775_466_000_000));
    assert_eq!(row.integer("i"), Some(31));
    assert_eq!(row.integer("d"), Some(1));
}

#[test]
fn inserts_without_column_names_take_them_from_the_dump_or_the_caller() {
    let sql = "CREATE TABLE \"handoffs\" (id TEXT PRIMARY KEY, \"ticket\" TEXT NOT NULL UNIQUE,\n\
        status TEXT CHECK (status IN ('a', 'b')), n INTEGER DEFAULT (0),\n\
        UNIQUE (id, ticket), CONSTRAINT c CHECK (n >= 0));\n\
        INSERT INTO handoffs VALUES('h-1','FRY-1','a',3);\n\
        INSERT INTO main.\"other\" VALUES('x', 'y'), ('z', NULL);";
    let known = |table: &str| (table == "other").then(|| vec!["p".to_string(), "q".to_string()]);
    let dump = Reader {
        tables: &[],
        columns: &known,
    }
    .read(sql)
    .expect("reads");
    let row = &dump.rows("handoffs")[0];
    assert_eq!(row.text("ticket"), Some("FRY-1"));
    assert_eq!(row.integer("n"), Some(3));
    let other = dump.rows("other");
    assert_eq!(other.len(), 2);
    assert_eq!(other[1].text("p"), Some("z"));
    assert_eq!(other[1].get("q"), Some(&Value::Null));

    let err = read("INSERT INTO mystery VALUES(1);").expect_err("no columns known");
    assert_eq!(err.line, 1);
    assert!(err.message.contains("no CREATE TABLE mystery"), "{err}");
}

#[test]
fn other_statements_are_skipped_even_triggers_with_semicolons() {
    let sql = "-- a comment; with a semicolon\n\
        /* block; comment */\n\
        BEGIN TRANSACTION;\n\
        CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n\
          INSERT INTO log (x) VALUES (CASE WHEN new.a > 1 THEN 'big' ELSE 'small' END);\n\
          UPDATE t SET a = 1;\n\
        END;\n\
        INSERT INTO t (a) SELECT 1;\n\
        INSERT OR REPLACE INTO t (a) VALUES('kept') ON CONFLICT DO NOTHING;\n\
        CREATE VIEW v AS SELECT 'x; y' AS z;\n\
        COMMIT;";
    let dump = read(sql).expect("reads");
    assert!(
        dump.rows("log").is_empty(),
        "the trigger's body is not data"
    );
    let rows = dump.rows("t");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].text("a"), Some("kept"));
}

#[test]
fn only_the_tables_asked_for_are_kept() {
    let sql = "INSERT INTO a (x) VALUES(1);\nINSERT INTO b (x) VALUES(2);";
    let dump = Reader {
        tables: &["b"],
        columns: &no_columns,
    }
    .read(sql)
    .expect("reads");
    assert!(dump.rows("a").is_empty());
    assert_eq!(dump.rows("b").len(), 1);
}

#[test]
fn malformed_dumps_name_the_line() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "INSERT INTO t (a) VALUES('ok');\nINSERT INTO t (a) VALUES('never closed);\n\n",
            2,
            "never closed",
        ),
        (
            "\n\nINSERT INTO t (a, b) VALUES('x');",
            3,
            "1 values for 2 columns",
        ),
        (
            "INSERT INTO t (a) VALUES('x' 'y');",
            1,
            "`,` or `)` after value 1",
        ),
        (
            "INSERT INTO t (a)\nVALUES(now());",
            2,
            "unsupported value `now`",
        ),
        ("INSERT INTO t (a) VALUES(X'abc');", 1, "not a blob"),
        ("INSERT t (a) VALUES(1);", 1, "expected INTO"),
        (
            "INSERT INTO t (a) VALUES(1,\n\n",
            1,
            "the dump ends after this line",
        ),
        (
            "INSERT INTO t (a) VALUES(1) + 2;",
            1,
            "`;` or `,` after the row",
        ),
        (
            "INSERT INTO t (a) VALUES(replace('a', 1, 2));",
            1,
            "three strings",
        ),
        ("/* open\n\n", 1, "comment"),
        (
            "INSERT INTO t (a) VALUES(-'x');",
            1,
            "unsupported value a string",
        ),
    ];
    for (sql, line, says) in cases {
        let err = read(sql).expect_err(sql);
        assert_eq!(err.line, *line, "{sql:?}: {err}");
        assert!(err.to_string().contains(says), "{sql:?}: {err}");
    }
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_fine() {
    let sql = "\u{feff}PRAGMA x;\r\nINSERT INTO t (a) VALUES('y');\r\n";
    let dump = read(sql).expect("reads");
    assert_eq!(dump.rows("t")[0].line, 2);
}
