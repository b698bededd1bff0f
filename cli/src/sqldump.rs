//! Reads the data of a SQL dump as `wrangler d1 export` writes it (locally and in production):
//! `INSERT INTO "table" ("a","b") VALUES('text',12,NULL);`, one row per statement, or the older
//! `INSERT INTO table VALUES(...)` without column names (then the columns come from the dump's
//! `CREATE TABLE`, else from `Reader::columns`). Strings double their quotes (`'it''s'`); a
//! string with line breaks is written `replace('a\nb','\n',char(10))` (and `\r` likewise), which
//! is evaluated here as SQLite would. Other statements (`PRAGMA`, `CREATE INDEX`, `DELETE FROM
//! sqlite_sequence`, triggers, …) are skipped; a malformed `INSERT` is an error naming its line.

use std::collections::HashMap;
use std::rc::Rc;

/// One SQL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// One inserted row: its column names (lower case) and values, and the line its statement
/// starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    columns: Rc<[String]>,
    values: Vec<Value>,
}

impl Row {
    pub fn get(&self, column: &str) -> Option<&Value> {
        let i = self
            .columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(column))?;
        self.values.get(i)
    }

    /// The column's text; `None` for NULL, a number or a missing column.
    pub fn text(&self, column: &str) -> Option<&str> {
        match self.get(column)? {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The column's number (a real is truncated); `None` otherwise.
    pub fn integer(&self, column: &str) -> Option<i64> {
        match self.get(column)? {
            Value::Integer(n) => Some(*n),
            Value::Real(x) if x.is_finite() => Some(*x as i64),
            Value::Text(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

/// The rows of the tables read, by table name (lower case), and the columns of the tables
/// the dump creates.
#[derive(Debug, Default)]
pub struct Dump {
    tables: HashMap<String, Vec<Row>>,
    schemas: HashMap<String, Rc<[String]>>,
}

impl Dump {
    /// The columns of `table` as the dump's `CREATE TABLE` names them.
    pub fn columns(&self, table: &str) -> Option<&[String]> {
        self.schemas
            .get(&table.to_ascii_lowercase())
            .map(|c| &c[..])
    }

    /// The rows inserted into `table`, in the dump's order (none when it has none).
    pub fn rows(&self, table: &str) -> &[Row] {
        self.tables
            .get(&table.to_ascii_lowercase())
            .map_or(&[], Vec::as_slice)
    }
}

/// A malformed dump: what is wrong, and the line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for DumpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// What to read.
pub struct Reader<'a> {
    /// The tables whose rows are kept (lower case); empty: all.
    pub tables: &'a [&'a str],
    /// Column names for `INSERT INTO t VALUES(...)` when the dump has no `CREATE TABLE t`.
    pub columns: &'a dyn Fn(&str) -> Option<Vec<String>>,
}

impl Reader<'_> {
    pub fn read(&self, sql: &str) -> Result<Dump, DumpError> {
        let mut lexer = Lexer::new(sql);
        let mut dump = Dump::default();
        // The last column list per table, shared by its rows.
        let mut shared: HashMap<String, Rc<[String]>> = HashMap::new();
        while let Some(first) = lexer.next()? {
            match &first.tok {
                Tok::Punct(';') => {}
                Tok::Word(w) if is(w, "insert") || is(w, "replace") => {
                    let insert = parse_insert(&mut lexer, first.line, &dump.schemas, self.columns)?;
                    let Some(Insert {
                        table,
                        columns,
                        rows,
                    }) = insert
                    else {
                        continue;
                    };
                    if !self.tables.is_empty() && !self.tables.contains(&table.as_str()) {
                        continue;
                    }
                    let columns = match shared.get(&table) {
                        Some(known) if **known == *columns => known.clone(),
                        _ => {
                            shared.insert(table.clone(), columns.clone());
                            columns
                        }
                    };
                    let list = dump.tables.entry(table).or_default();
                    for values in rows {
                        list.push(Row {
                            line: first.line,
                            columns: columns.clone(),
                            values,
                        });
                    }
                }
                Tok::Word(w) if is(w, "create") => {
                    if let Some((table, columns)) = parse_create(&mut lexer)? {
                        dump.schemas.insert(table, columns.into());
                    }
                }
                _ => skip_statement(&mut lexer, false)?,
            }
        }
        Ok(dump)
    }
}

fn is(word: &str, keyword: &str) -> bool {
    word.eq_ignore_ascii_case(keyword)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A bare word: keyword or identifier.
    Word(String),
    /// A quoted identifier: `"a"`, `` `a` ``, `[a]`.
    Quoted(String),
    Str(String),
    Number(String),
    Blob(Vec<u8>),
    /// Any other character: `( ) , ; . - +` …
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
}

impl Token {
    fn describe(&self) -> String {
        match &self.tok {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Quoted(q) => format!("identifier \"{q}\""),
            Tok::Str(_) => "a string".into(),
            Tok::Number(n) => format!("number {n}"),
            Tok::Blob(_) => "a blob".into(),
            Tok::Punct(c) => format!("`{c}`"),
        }
    }
}

struct Lexer<'s> {
    text: &'s str,
    at: usize,
    line: usize,
    /// The line of the last token read.
    last_line: usize,
    peeked: Option<Option<Token>>,
}

impl<'s> Lexer<'s> {
    fn new(text: &'s str) -> Lexer<'s> {
        Lexer {
            text: text.strip_prefix('\u{feff}').unwrap_or(text),
            at: 0,
            line: 1,
            last_line: 1,
            peeked: None,
        }
    }

    fn error<T>(&self, line: usize, message: impl Into<String>) -> Result<T, DumpError> {
        Err(DumpError {
            line,
            message: message.into(),
        })
    }

    fn peek(&mut self) -> Result<Option<&Token>, DumpError> {
        if self.peeked.is_none() {
            let token = self.lex()?;
            self.peeked = Some(token);
        }
        Ok(self.peeked.as_ref().and_then(Option::as_ref))
    }

    fn next(&mut self) -> Result<Option<Token>, DumpError> {
        match self.peeked.take() {
            Some(token) => Ok(token),
            None => self.lex(),
        }
    }

    /// The next token, or an error naming what was expected at the end of the text.
    fn expect(&mut self, what: &str) -> Result<Token, DumpError> {
        match self.next()? {
            Some(token) => Ok(token),
            None => self.error(
                self.last_line,
                format!("the dump ends after this line, where {what} should be"),
            ),
        }
    }

    fn rest(&self) -> &'s str {
        &self.text[self.at..]
    }

    fn bump(&mut self, c: char) {
        self.at += c.len_utf8();
        if c == '\n' {
            self.line += 1;
        }
    }

    /// Text up to the closing `close` (doubled to escape it when `doubled`), after the opening
    /// character; moves past the closing one.
    fn quoted(&mut self, close: char, doubled: bool, what: &str) -> Result<String, DumpError> {
        let start = self.line;
        let mut out = String::new();
        loop {
            let Some(c) = self.rest().chars().next() else {
                return self.error(
                    start,
                    format!("{what} opened on this line is never closed (expected {close})"),
                );
            };
            self.bump(c);
            if c == close {
                if doubled && self.rest().starts_with(close) {
                    self.bump(close);
                    out.push(close);
                    continue;
                }
                return Ok(out);
            }
            out.push(c);
        }
    }

    fn lex(&mut self) -> Result<Option<Token>, DumpError> {
        // Whitespace and comments.
        loop {
            let rest = self.rest();
            if let Some(c) = rest.chars().next().filter(|c| c.is_whitespace()) {
                self.bump(c);
            } else if rest.starts_with("--") {
                let end = rest.find('\n').unwrap_or(rest.len());
                self.at += end;
            } else if let Some(body) = rest.strip_prefix("/*") {
                let start = self.line;
                let Some(end) = body.find("*/") else {
                    return self.error(start, "a comment opened on this line is never closed");
                };
                for c in rest[..end + 4].chars() {
                    self.bump(c);
                }
            } else {
                break;
            }
        }
        let line = self.line;
        let rest = self.rest();
        let Some(c) = rest.chars().next() else {
            return Ok(None);
        };
        let tok = match c {
            '\'' => {
                self.bump(c);
                Tok::Str(self.quoted('\'', true, "a string")?)
            }
            '"' | '`' => {
                self.bump(c);
                Tok::Quoted(self.quoted(c, true, "a quoted name")?)
            }
            '[' => {
                self.bump(c);
                Tok::Quoted(self.quoted(']', false, "a bracketed name")?)
            }
            'x' | 'X' if rest[1..].starts_with('\'') => {
                self.bump(c);
                self.bump('\'');
                let hex = self.quoted('\'', false, "a blob")?;
                Tok::Blob(decode_hex(&hex).ok_or(DumpError {
                    line,
                    message: format!("X'{hex}' is not a blob: an even number of hex digits"),
                })?)
            }
            c if c.is_ascii_digit()
                || (c == '.' && rest[1..].starts_with(|d: char| d.is_ascii_digit())) =>
            {
                let end = number_end(rest);
                let number = &rest[..end];
                self.at += end;
                Tok::Number(number.to_string())
            }
            c if c.is_alphabetic() || c == '_' => {
                let end = rest
                    .char_indices()
                    .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '$'))
                    .map_or(rest.len(), |(i, _)| i);
                self.at += end;
                Tok::Word(rest[..end].to_string())
            }
            c => {
                self.bump(c);
                Tok::Punct(c)
            }
        };
        self.last_line = line;
        Ok(Some(Token { tok, line }))
    }
}

/// The length of the number at the start of `text`: `12`, `1.5`, `.5`, `1e-3`, `0x1F`.
fn number_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    if text.len() > 2 && (text.starts_with("0x") || text.starts_with("0X")) {
        return 2 + bytes[2..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
    }
    let digits = |from: usize| {
        from + bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut end = digits(0);
    if bytes.get(end) == Some(&b'.') {
        end = digits(end + 1);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
        if bytes.get(end + 1 + sign).is_some_and(u8::is_ascii_digit) {
            end = digits(end + 1 + sign);
        }
    }
    end
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Skips to the end of the statement (its `;`, or the end of the text). A trigger's body has
/// `;` inside `BEGIN … END`: `trigger` counts those.
fn skip_statement(lexer: &mut Lexer, trigger: bool) -> Result<(), DumpError> {
    let mut depth = 0usize;
    while let Some(token) = lexer.next()? {
        match &token.tok {
            Tok::Punct(';') if depth == 0 => return Ok(()),
            Tok::Word(w) if trigger && (is(w, "begin") || is(w, "case")) => depth += 1,
            Tok::Word(w) if trigger && is(w, "end") => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// A table or column name: a bare word or a quoted identifier (or a string, which SQLite
/// also accepts there).
fn name_of(token: &Token) -> Option<String> {
    match &token.tok {
        Tok::Word(w) | Tok::Quoted(w) | Tok::Str(w) => Some(w.to_ascii_lowercase()),
        _ => None,
    }
}

/// `CREATE [TEMP] TABLE [IF NOT EXISTS] name (columns…)`: the table and its column names.
/// Other `CREATE` statements are skipped.
fn parse_create(lexer: &mut Lexer) -> Result<Option<(String, Vec<String>)>, DumpError> {
    let mut head = Vec::new();
    // Up to the table's name: at most CREATE TEMP TABLE IF NOT EXISTS schema . name.
    loop {
        let Some(token) = lexer.next()? else {
            return Ok(None);
        };
        match &token.tok {
            Tok::Punct(';') => return Ok(None),
            Tok::Punct('(') => break,
            Tok::Word(w) if is(w, "trigger") => {
                skip_statement(lexer, true)?;
                return Ok(None);
            }
            _ => head.push(token),
        }
        if head.len() > 8 {
            skip_statement(lexer, false)?;
            return Ok(None);
        }
    }
    let is_table = head
        .iter()
        .any(|t| matches!(&t.tok, Tok::Word(w) if is(w, "table")));
    let Some(table) = head.last().and_then(name_of).filter(|_| is_table) else {
        skip_statement(lexer, false)?;
        return Ok(None);
    };
    // Column definitions, split at top-level commas; the first word of each names it.
    let mut columns = Vec::new();
    let mut depth = 0usize;
    let mut first_of_part = true;
    loop {
        let token = lexer.expect("the end of CREATE TABLE")?;
        match &token.tok {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') if depth == 0 => break,
            Tok::Punct(')') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                first_of_part = true;
                continue;
            }
            _ if first_of_part => {
                let constraint = matches!(&token.tok, Tok::Word(w)
                    if ["constraint", "primary", "unique", "check", "foreign"]
                        .iter()
                        .any(|k| is(w, k)));
                if !constraint && let Some(name) = name_of(&token) {
                    columns.push(name);
                }
            }
            _ => {}
        }
        first_of_part = false;
    }
    skip_statement(lexer, false)?;
    Ok(Some((table, columns)))
}

struct Insert {
    table: String,
    columns: Rc<[String]>,
    rows: Vec<Vec<Value>>,
}

/// After `INSERT` (or `REPLACE`): `[OR x] INTO name [(columns)] VALUES (…)[, (…)]…;`. `None`
/// for an `INSERT … SELECT` or `DEFAULT VALUES`, which hold no data.
fn parse_insert(
    lexer: &mut Lexer,
    line: usize,
    schemas: &HashMap<String, Rc<[String]>>,
    known: &dyn Fn(&str) -> Option<Vec<String>>,
) -> Result<Option<Insert>, DumpError> {
    let bad = |token: &Token, expected: &str| DumpError {
        line: token.line,
        message: format!(
            "malformed INSERT: expected {expected}, found {}",
            token.describe()
        ),
    };
    let mut token = lexer.expect("INTO")?;
    if matches!(&token.tok, Tok::Word(w) if is(w, "or")) {
        lexer.expect("a conflict clause")?;
        token = lexer.expect("INTO")?;
    }
    if !matches!(&token.tok, Tok::Word(w) if is(w, "into")) {
        return Err(bad(&token, "INTO"));
    }
    let token = lexer.expect("the table's name")?;
    let mut table = name_of(&token).ok_or_else(|| bad(&token, "the table's name"))?;
    if matches!(
        lexer.peek()?,
        Some(Token {
            tok: Tok::Punct('.'),
            ..
        })
    ) {
        lexer.next()?;
        let token = lexer.expect("the table's name")?;
        table = name_of(&token).ok_or_else(|| bad(&token, "the table's name"))?;
    }
    let what = format!("INSERT INTO {table}");
    let mut token = lexer.expect("VALUES")?;
    let columns: Rc<[String]> = if token.tok == Tok::Punct('(') {
        let mut names = Vec::new();
        loop {
            let t = lexer.expect("a column name")?;
            names.push(name_of(&t).ok_or_else(|| bad(&t, "a column name"))?);
            let t = lexer.expect("`,` or `)`")?;
            match t.tok {
                Tok::Punct(',') => {}
                Tok::Punct(')') => break,
                _ => return Err(bad(&t, "`,` or `)` in the column list")),
            }
        }
        token = lexer.expect("VALUES")?;
        names.into()
    } else if let Some(columns) = schemas.get(&table) {
        columns.clone()
    } else if let Some(columns) = known(&table) {
        columns.into()
    } else {
        return Err(DumpError {
            line,
            message: format!(
                "{what} names no columns, and the dump has no CREATE TABLE {table} before it"
            ),
        });
    };
    match &token.tok {
        Tok::Word(w) if is(w, "values") => {}
        Tok::Word(w) if is(w, "select") || is(w, "default") || is(w, "with") => {
            skip_statement(lexer, false)?;
            return Ok(None);
        }
        _ => return Err(bad(&token, "VALUES")),
    }
    let mut rows = Vec::new();
    loop {
        let open = lexer.expect("`(`")?;
        if open.tok != Tok::Punct('(') {
            return Err(bad(&open, "`(` before the values"));
        }
        let mut values = Vec::new();
        loop {
            values.push(value(lexer, &what)?);
            let t = lexer.expect("`,` or `)`")?;
            match t.tok {
                Tok::Punct(',') => {}
                Tok::Punct(')') => break,
                _ => return Err(bad(&t, &format!("`,` or `)` after value {}", values.len()))),
            }
        }
        if values.len() != columns.len() {
            return Err(DumpError {
                line: open.line,
                message: format!(
                    "{what}: {} values for {} columns ({})",
                    values.len(),
                    columns.len(),
                    columns.join(", ")
                ),
            });
        }
        rows.push(values);
        match lexer.next()? {
            None => break,
            Some(t) if t.tok == Tok::Punct(';') => break,
            Some(t) if t.tok == Tok::Punct(',') => {}
            // ON CONFLICT …, RETURNING …: the values are what matters here.
            Some(Token {
                tok: Tok::Word(_), ..
            }) => {
                skip_statement(lexer, false)?;
                break;
            }
            Some(t) => return Err(bad(&t, "`;` or `,` after the row")),
        }
    }
    Ok(Some(Insert {
        table,
        columns,
        rows,
    }))
}

/// One value: a string, a number (signed), NULL, TRUE / FALSE, a blob, or the functions a
/// dump writes strings with: `replace(x, 'from', 'to')` and `char(10, …)`.
fn value(lexer: &mut Lexer, what: &str) -> Result<Value, DumpError> {
    let token = lexer.expect("a value")?;
    let unsupported = |token: &Token| DumpError {
        line: token.line,
        message: format!(
            "{what}: unsupported value {} (expected a string, a number, NULL, a blob, \
             replace(…) or char(…))",
            token.describe()
        ),
    };
    Ok(match token.tok {
        Tok::Str(s) => Value::Text(s),
        Tok::Blob(b) => Value::Blob(b),
        Tok::Number(n) => number(&n, false),
        Tok::Punct(sign @ ('-' | '+')) => {
            let t = lexer.expect("a number")?;
            match &t.tok {
                Tok::Number(n) => number(n, sign == '-'),
                _ => return Err(unsupported(&t)),
            }
        }
        Tok::Word(ref w) if is(w, "null") => Value::Null,
        Tok::Word(ref w) if is(w, "true") => Value::Integer(1),
        Tok::Word(ref w) if is(w, "false") => Value::Integer(0),
        Tok::Word(ref w) if is(w, "replace") || is(w, "char") => {
            let replace = is(w, "replace");
            let open = lexer.expect("`(`")?;
            if open.tok != Tok::Punct('(') {
                return Err(unsupported(&token));
            }
            let mut args = Vec::new();
            loop {
                args.push(value(lexer, what)?);
                let t = lexer.expect("`,` or `)`")?;
                match t.tok {
                    Tok::Punct(',') => {}
                    Tok::Punct(')') => break,
                    _ => return Err(unsupported(&t)),
                }
            }
            let fail = |message: &str| DumpError {
                line: token.line,
                message: format!("{what}: {message}"),
            };
            if replace {
                match args.as_slice() {
                    [Value::Text(x), Value::Text(from), Value::Text(to)] => {
                        // SQLite: an empty pattern leaves the text as it is.
                        Value::Text(if from.is_empty() {
                            x.clone()
                        } else {
                            x.replace(from.as_str(), to)
                        })
                    }
                    [Value::Null, _, _] | [_, Value::Null, _] | [_, _, Value::Null] => Value::Null,
                    _ => return Err(fail("replace(…) takes three strings here")),
                }
            } else {
                let mut text = String::new();
                for arg in &args {
                    let c = match arg {
                        Value::Integer(n) => u32::try_from(*n).ok().and_then(char::from_u32),
                        _ => None,
                    };
                    text.push(c.ok_or_else(|| fail("char(…) takes code points"))?);
                }
                Value::Text(text)
            }
        }
        _ => return Err(unsupported(&token)),
    })
}

fn number(text: &str, negative: bool) -> Value {
    let integer = if let Some(hex) = text.strip_prefix("0x").or(text.strip_prefix("0X")) {
        i64::from_str_radix(hex, 16).ok()
    } else {
        text.parse::<i64>().ok()
    };
    match integer {
        Some(n) => Value::Integer(if negative { n.wrapping_neg() } else { n }),
        // Too large for an integer, a fraction or an exponent (`9e999` is infinity).
        None => {
            let x = text.parse::<f64>().unwrap_or(f64::NAN);
            Value::Real(if negative { -x } else { x })
        }
    }
}

#[cfg(test)]
mod tests;
