//! `ferry report [--site SITE.toml] [--json] [--examples N] EXPORT.sql`: the unanswered-questions
//! report over an export of the Worker's D1 database (`wrangler d1 export DB --output x.sql`,
//! `--local` or `--remote`). The grouping is `ferry_shared::report`; this file reads the export
//! (`sqldump`), turns its rows into records and prints the summary.
//!
//! What the Worker stores (edge/src/store.rs): every shopper message in `messages` with the reply
//! it got in `reply_json` (`{"kind":"answer","rule":…,"topic":…}` or `{"kind":"handoff",…}`),
//! each handoff in `handoffs` with its payload (language, urgency and its reasons, topic,
//! question), and each conversation's site in `conversations`.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::ExitCode;

use ferry_shared::CompiledSite;
use ferry_shared::Topic;
use ferry_shared::report::{self, Group, Handled, Options, Record, Share, Suggestion, Summary};
use ferry_shared::wire::{HandoffPayload, Reply, Urgency};
use serde_json::json;

use crate::sqldump::{Dump, Reader};

pub const USAGE: &str = "  ferry report [--site SITE.toml] [--json] [--examples N] EXPORT.sql
                                                 the questions no rule answered in a D1 export
                                                 (wrangler d1 export DB --output EXPORT.sql),
                                                 by language and topic, with rule skeletons
";

/// The tables the report reads.
const TABLES: [&str; 3] = ["conversations", "messages", "handoffs"];

/// The columns of the report's tables in the order the migrations create them, for an
/// export written without column names and without its schema.
pub fn migration_columns(table: &str) -> Option<Vec<String>> {
    let names: &[&str] = match table {
        "conversations" => &[
            "id",
            "site",
            "created_at",
            "updated_at",
            "locale",
            "time_zone",
            "page_url",
            "contact_email",
        ],
        "messages" => &[
            "id",
            "conversation_id",
            "client_message_id",
            "role",
            "text",
            "reply_json",
            "created_at",
        ],
        "handoffs" => &[
            "id",
            "ticket",
            "site",
            "conversation_id",
            "client_message_id",
            "language",
            "urgency",
            "topic",
            "payload_json",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "updated_at",
            "delivered_at",
        ],
        _ => return None,
    };
    Some(names.iter().map(|n| n.to_string()).collect())
}

/// The export's rows as records, and what was left out.
#[derive(Debug, Default)]
pub struct Extract {
    pub records: Vec<Record>,
    /// Messages and handoffs of other sites than the one asked for.
    pub other_sites: usize,
    /// Lines of shopper messages without a readable reply and without a handoff row.
    pub unreadable: Vec<usize>,
    /// Handoffs whose shopper message is not in the export (counted from the handoff).
    pub handoffs_without_message: usize,
}

/// A handoff row: what it adds to its message's record.
struct HandoffRow {
    site: Option<String>,
    record: Option<Record>,
}

fn handoff_row(row: &crate::sqldump::Row) -> HandoffRow {
    let site = row.text("site").map(str::to_string);
    let from_payload = row
        .text("payload_json")
        .and_then(|json| serde_json::from_str::<HandoffPayload>(json).ok())
        .map(|p| Record::from_payload(&p));
    // A payload this build cannot read: the row's own columns.
    let record = from_payload.or_else(|| {
        Some(Record {
            language: row
                .text("language")
                .unwrap_or(report::UNKNOWN_LANGUAGE)
                .to_ascii_lowercase(),
            topic: Topic::parse(row.text("topic")?)?,
            text: String::new(),
            at: row.integer("created_at").unwrap_or(0),
            handled: Handled::HandedOff {
                urgency: serde_json::from_value::<Urgency>(json!(row.text("urgency")?)).ok()?,
                reasons: Vec::new(),
            },
        })
    });
    HandoffRow { site, record }
}

/// The records of `dump`, only of site `site` when given (a conversation's site comes from
/// `conversations`, else from its handoff; unknown counts as this site).
pub fn extract(dump: &Dump, site: Option<&str>) -> Extract {
    let sites: HashMap<&str, &str> = dump
        .rows("conversations")
        .iter()
        .filter_map(|r| Some((r.text("id")?, r.text("site")?)))
        .collect();
    let mut handoffs: HashMap<(&str, &str), HandoffRow> = HashMap::new();
    for row in dump.rows("handoffs") {
        if let (Some(conversation), Some(message)) =
            (row.text("conversation_id"), row.text("client_message_id"))
        {
            handoffs.insert((conversation, message), handoff_row(row));
        }
    }
    let elsewhere = |conversation: &str, handoff: Option<&HandoffRow>| {
        let known = sites
            .get(conversation)
            .copied()
            .or_else(|| handoff.and_then(|h| h.site.as_deref()));
        matches!((site, known), (Some(want), Some(is)) if want != is)
    };

    let mut out = Extract::default();
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    for row in dump.rows("messages") {
        if row.text("role") != Some("shopper") {
            continue;
        }
        let (Some(conversation), Some(message)) =
            (row.text("conversation_id"), row.text("client_message_id"))
        else {
            out.unreadable.push(row.line);
            continue;
        };
        if !seen.insert((conversation, message)) {
            continue;
        }
        let handoff = handoffs.get(&(conversation, message));
        if elsewhere(conversation, handoff) {
            out.other_sites += 1;
            continue;
        }
        let text = row.text("text").unwrap_or_default();
        let at = row.integer("created_at").unwrap_or(0);
        let reply = row
            .text("reply_json")
            .and_then(|json| serde_json::from_str::<Reply>(json).ok());
        let from_handoff = handoff.and_then(|h| h.record.clone());
        let record = match (reply, from_handoff) {
            // The handoff row knows the urgency's reasons; the message, the text as sent.
            (Some(Reply::Handoff(_)) | None, Some(h)) => Record {
                text: text.to_string(),
                at,
                ..h
            },
            (Some(reply), _) => Record::from_reply(text, at, &reply),
            (None, None) => {
                out.unreadable.push(row.line);
                continue;
            }
        };
        out.records.push(record);
    }
    // Handoffs whose exchange was not recorded (the Worker failed between the two writes).
    for row in dump.rows("handoffs") {
        let (Some(conversation), Some(message)) =
            (row.text("conversation_id"), row.text("client_message_id"))
        else {
            continue;
        };
        if !seen.insert((conversation, message)) {
            continue;
        }
        let Some(handoff) = handoffs.get(&(conversation, message)) else {
            continue;
        };
        if elsewhere(conversation, Some(handoff)) {
            out.other_sites += 1;
            continue;
        }
        if let Some(record) = &handoff.record {
            out.handoffs_without_message += 1;
            out.records.push(record.clone());
        }
    }
    out
}

/// The command line after `report`.
struct Args {
    site: Option<String>,
    json: bool,
    examples: usize,
    export: String,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut site = None;
    let mut json = false;
    let mut examples = Options::default().examples;
    let mut export = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or_else(|| format!("{name} needs {what}\nusage:\n{USAGE}"))
        };
        match name {
            "--site" => site = Some(value("a site file")?),
            "--json" if inline.is_none() => json = true,
            "--examples" => {
                let n = value("a number")?;
                examples = n
                    .parse()
                    .map_err(|_| format!("--examples must be a number, not `{n}`"))?;
            }
            other if other.starts_with("--") => {
                return Err(format!("unknown option `{other}`\nusage:\n{USAGE}"));
            }
            path if export.is_none() => export = Some(path.to_string()),
            extra => return Err(format!("unexpected argument `{extra}`\nusage:\n{USAGE}")),
        }
    }
    let export = export.ok_or_else(|| format!("`report` needs an export file\nusage:\n{USAGE}"))?;
    Ok(Args {
        site,
        json,
        examples,
        export,
    })
}

/// Reads `sql` (the export's text) for `report`.
pub fn read_export(sql: &str) -> Result<Dump, crate::sqldump::DumpError> {
    Reader {
        tables: &TABLES,
        columns: &migration_columns,
    }
    .read(sql)
}

/// `ferry report …` (`args` after `report`).
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("usage:\n{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let args = parse_args(args)?;
    let site = match &args.site {
        Some(path) => {
            let source =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            match CompiledSite::from_toml(&source) {
                Ok(site) => Some(site),
                Err(e) => {
                    eprintln!("{}", crate::load_error(path, &e));
                    eprintln!("fix the site file first (ferry check {path})");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        None => None,
    };
    let sql = if args.export == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("reading stdin: {e}"))?
    } else {
        std::fs::read_to_string(&args.export)
            .map_err(|e| format!("cannot read {}: {e}", args.export))?
    };
    let dump =
        read_export(&sql).map_err(|e| format!("{}:{}: {}", args.export, e.line, e.message))?;
    if dump.columns("messages").is_none()
        && dump.rows("messages").is_empty()
        && dump.rows("handoffs").is_empty()
    {
        return Err(format!(
            "{}: no `messages` table and no handoffs: is it an export of Ferry's D1 database \
             (wrangler d1 export DB --output FILE.sql)?",
            args.export
        ));
    }
    let extract = extract(&dump, site.as_ref().map(|s| s.id.as_str()));
    let options = Options {
        examples: args.examples,
        ..Options::default()
    };
    let summary = report::summarize(&extract.records, &options, |text| match &site {
        Some(site) => site.vocab_hits(text),
        None => Vec::new(),
    });
    let site_id = site.as_ref().map(|s| s.id.as_str());
    let out = if args.json {
        format!("{:#}\n", to_json(&summary, &extract, site_id, &args.export))
    } else {
        to_text(&summary, &extract, site_id, &args.export)
    };
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        // `ferry report … | head`: the reader has what it wanted.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("writing stdout: {e}")),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// `--json`: the summary with what was left out.
pub fn to_json(
    summary: &Summary,
    extract: &Extract,
    site: Option<&str>,
    export: &str,
) -> serde_json::Value {
    json!({
        "site": site,
        "export": export,
        "summary": summary,
        "left_out": {
            "other_sites": extract.other_sites,
            "unreadable_lines": extract.unreadable,
        },
        "handoffs_without_message": extract.handoffs_without_message,
    })
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.1} %", 100.0 * part as f64 / whole as f64)
    }
}

/// One line of an example: whitespace runs as one space, at most 120 characters.
fn one_line(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(120) {
        Some((at, _)) => format!("{}…", &flat[..at]),
        None => flat,
    }
}

fn share_table(out: &mut String, title: &str, column: &str, shares: &[Share]) {
    out.push_str(&format!(
        "\n{title}\n  {column:<20} {:>9} {:>9} {:>8}\n",
        "messages", "answered", "share"
    ));
    for s in shares {
        out.push_str(&format!(
            "  {:<20} {:>9} {:>9} {:>8}\n",
            s.name,
            s.messages,
            s.answered,
            percent(s.answered, s.messages)
        ));
    }
}

fn group_text(out: &mut String, n: usize, g: &Group, site: Option<&str>) {
    let questions = if g.questions == 1 {
        "1 question".to_string()
    } else {
        format!("{} questions", g.questions)
    };
    let design = match g.by_design {
        0 => String::new(),
        d if d == g.questions => ", all by design (a person always takes these)".into(),
        d => format!(" ({d} by design)"),
    };
    out.push_str(&format!(
        "\n{n:>3}. {} · {} — {questions}{design}\n",
        g.language, g.topic
    ));
    for example in &g.examples {
        out.push_str(&format!("       \"{}\"\n", one_line(example)));
    }
    match &g.suggestion {
        Suggestion::Rule {
            pattern,
            matches,
            of,
            ..
        } => out.push_str(&format!(
            "     suggested rule: {pattern}   ({matches} of {of} hit these in this order)\n"
        )),
        Suggestion::Words { words } => {
            let why = match site {
                Some(_) => "no vocabulary of the site is shared by most of them",
                None => "vocabularies unknown without --site",
            };
            let list: Vec<String> = words
                .iter()
                .map(|w| format!("{} ({})", w.word, w.questions))
                .collect();
            let list = if list.is_empty() {
                "none".to_string()
            } else {
                list.join(", ")
            };
            out.push_str(&format!("     {why}; frequent words: {list}\n"));
        }
        Suggestion::ByDesign => {}
    }
}

/// The report as text.
pub fn to_text(summary: &Summary, extract: &Extract, site: Option<&str>, export: &str) -> String {
    let mut out = format!(
        "Unanswered questions — {} · {} shopper messages in {export}\n",
        site.map_or("every site".to_string(), |s| format!("site {s}")),
        summary.messages
    );
    out.push_str(&format!(
        "  {} answered by a rule ({}), {} handed off ({} by design: alarms, complaints, \
         requests for a person, high urgency)\n",
        summary.answered,
        percent(summary.answered, summary.messages),
        summary.handed_off,
        summary.by_design,
    ));
    if summary.messages > 0 {
        share_table(&mut out, "Answered per topic", "topic", &summary.by_topic);
        share_table(
            &mut out,
            "Answered per language",
            "language",
            &summary.by_language,
        );
    }
    let open: usize = summary.groups.iter().map(Group::open).sum();
    out.push_str(&format!(
        "\nHanded-off questions by language and topic ({open} a rule could answer)\n"
    ));
    if summary.groups.is_empty() {
        out.push_str("  none\n");
    }
    for (i, g) in summary.groups.iter().enumerate() {
        group_text(&mut out, i + 1, g, site);
    }
    let mut notes = Vec::new();
    if extract.other_sites > 0 {
        notes.push(format!(
            "{} messages of other sites left out",
            extract.other_sites
        ));
    }
    if !extract.unreadable.is_empty() {
        let lines: Vec<String> = extract
            .unreadable
            .iter()
            .take(10)
            .map(usize::to_string)
            .collect();
        notes.push(format!(
            "{} shopper messages without a readable reply left out (lines {}{})",
            extract.unreadable.len(),
            lines.join(", "),
            if extract.unreadable.len() > 10 {
                ", …"
            } else {
                ""
            }
        ));
    }
    if extract.handoffs_without_message > 0 {
        notes.push(format!(
            "{} handoffs without their message in the export, counted from the handoff",
            extract.handoffs_without_message
        ));
    }
    if !notes.is_empty() {
        out.push_str(&format!("\nNote: {}.\n", notes.join("; ")));
    }
    out
}

#[cfg(test)]
mod tests;
