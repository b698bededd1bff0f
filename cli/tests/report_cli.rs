//! `ferry report` as shoppers' rule writers run it: the binary over export files.

use std::path::PathBuf;
use std::process::{Command, Output};

/// A small export as `wrangler d1 export` writes it: one answered message, two handed off.
const EXPORT: &str = r#"PRAGMA defer_foreign_keys=TRUE;
CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, site TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, locale TEXT, time_zone TEXT, page_url TEXT, contact_email TEXT);
INSERT INTO "conversations" ("id","site","created_at","updated_at","locale","time_zone","page_url","contact_email") VALUES('c1','demo',1775466000000,1775466000000,'pt-BR',NULL,NULL,NULL);
INSERT INTO "messages" ("id","conversation_id","client_message_id","role","text","reply_json","created_at") VALUES(1,'c1','m1','shopper','Quanto tempo para o Brasil?','{"kind":"answer","text":"10–20 dias","topic":"shipping.time","rule":"shipping-time-country","language":"pt","shopper_language":"pt"}',1775466000000);
INSERT INTO "messages" ("id","conversation_id","client_message_id","role","text","reply_json","created_at") VALUES(2,'c1','m2','shopper',replace('Vocês fazem\nembrulho para presente?','\n',char(10)),'{"kind":"handoff","ticket":"FRY-1","text":"Uma pessoa vai responder.","language":"pt","shopper_language":"pt","urgency":"normal","topic":"other","reply_by":1775469600000}',1775466060000);
INSERT INTO "messages" ("id","conversation_id","client_message_id","role","text","reply_json","created_at") VALUES(3,'c1','m3','shopper','Tem embrulho de presente? It''s for my mum','{"kind":"handoff","ticket":"FRY-2","text":"Uma pessoa vai responder.","language":"pt","shopper_language":"pt","urgency":"normal","topic":"other","reply_by":1775469600000}',1775466120000);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
"#;

fn file(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ferry-report-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("temp file");
    path
}

fn ferry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("ferry runs")
}

#[test]
fn reports_an_export_as_json_and_text() {
    let export = file("ok.sql", EXPORT);
    let path = export.to_str().expect("utf-8 path");
    let out = ferry(&["report", "--site", "edge/sites/demo.toml", "--json", path]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["site"], "demo");
    let summary = &json["summary"];
    assert_eq!(
        (summary["messages"].clone(), summary["answered"].clone()),
        (serde_json::json!(3), serde_json::json!(1))
    );
    assert_eq!(summary["groups"][0]["language"], "pt");
    assert_eq!(summary["groups"][0]["topic"], "other");
    assert_eq!(summary["groups"][0]["questions"], 2);
    assert_eq!(
        summary["groups"][0]["examples"][0],
        "Vocês fazem\nembrulho para presente?"
    );

    let out = ferry(&["report", path]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(text.contains("every site · 3 shopper messages"), "{text}");
    assert!(text.contains("pt · other — 2 questions"), "{text}");
    assert!(
        text.contains("frequent words: embrulho (2), presente (2)"),
        "{text}"
    );
    let _ = std::fs::remove_file(export);
}

#[test]
fn a_malformed_export_names_its_line() {
    let bad = file(
        "bad.sql",
        &format!("{EXPORT}INSERT INTO \"messages\" (\"id\") VALUES(4\n"),
    );
    let path = bad.to_str().expect("utf-8 path");
    let out = ferry(&["report", path]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{path}:8: ")), "{err}");
    let _ = std::fs::remove_file(bad);

    let out = ferry(&["report", "--site"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--site needs a site file"));
    let out = ferry(&["--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("ferry report [--site SITE.toml]"));
}
