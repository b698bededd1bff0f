//! `ferry`: the tool for the people who write a shop's rules. It runs the same router code
//! as the Worker (`ferry-shared`), so what it says is what shoppers will get.
//!
//! - `ferry check SITE.toml`: load errors with line and column, and a coverage matrix.
//! - `ferry try SITE.toml "text" [--locale de-DE] [--country BR] [--time-zone Z] [--at T]`:
//!   one decision and why, with the reply-by time and the away notice at instant `T`.
//! - `ferry route SITE.toml`: JSON lines in (`{"text","locale"?,"country"?,"context"?}`), one decision per line out.
//! - `ferry eval SITE.toml DATA.csv --text-column C --label-column C --map MAP.toml`: precision
//!   and coverage of the rules on labelled messages (see `eval.rs`).
//! - `ferry report [--site SITE.toml] [--json] EXPORT.sql`: the questions no rule answered in an
//!   export of the Worker's D1 database, by language and topic (see `report.rs`, `sqldump.rs`).

mod eval;
mod report;
mod sqldump;

use std::io::{BufRead, Write};
use std::process::ExitCode;

use ferry_shared::wire::{ChatRequest, WIRE_VERSION};
use ferry_shared::{CompiledSite, HandoffPlan, LoadError, Outcome, Topic, route};

const USAGE: &str = "\
usage:
  ferry check SITE.toml                          check a site file; print its coverage
  ferry try SITE.toml \"message\" [--locale TAG] [--country CC] [--time-zone ZONE] [--at TIME]
                                                 route one message and explain why; TIME is
                                                 RFC 3339 (2026-11-27T19:30:00+01:00) or
                                                 epoch ms, default 2026-01-01T00:00:00Z
  ferry route SITE.toml < in.jsonl > out.jsonl   route JSON lines {\"text\", \"locale\"?, \"country\"?}
  ferry eval SITE.toml DATA.csv --text-column C --label-column C --map MAP.toml
             [--examples N] [--fail-under 0.98]  precision and coverage on labelled messages
             [--holdout [COLUMN]]                 and on a tuned and a held-out half, split
                                                 by phrasing skeleton (or a template column)
             [--no-typos]                        without the typo pass (to measure what it adds)
";

/// The instant decisions are computed at, for reproducible output (reply-by times).
const FIXED_NOW: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("ferry: {message}");
            ExitCode::from(2)
        }
    }
}

/// `path:line:column: error: rule `id`: what` for a site file that does not load.
fn load_error(path: &str, e: &LoadError) -> String {
    let rule = e
        .rule
        .as_ref()
        .map(|r| format!("rule `{r}`: "))
        .unwrap_or_default();
    format!("{path}:{}:{}: error: {rule}{}", e.line, e.column, e.message)
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    if args.first().is_some_and(|c| c == "report") {
        return report::run(&args[1..]);
    }
    let (command, path) = match (args.first(), args.get(1)) {
        (Some(c), Some(p)) => (c.as_str(), p.as_str()),
        (Some(c), None) if c == "--help" || c == "-h" || c == "help" => {
            print!("{USAGE}{}", report::USAGE);
            return Ok(ExitCode::SUCCESS);
        }
        _ => return Err(format!("missing arguments\n{USAGE}{}", report::USAGE)),
    };
    let source = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let mut site = match CompiledSite::from_toml(&source) {
        Ok(site) => site,
        Err(e) => {
            eprintln!("{}", load_error(path, &e));
            if command != "check" {
                eprintln!("fix the site file first (ferry check {path})");
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    match command {
        "check" => {
            check(&site, path);
            Ok(ExitCode::SUCCESS)
        }
        "try" => {
            let text = args
                .get(2)
                .ok_or_else(|| format!("`try` needs a message\n{USAGE}"))?;
            let locale = option(args, "--locale");
            let country = option(args, "--country");
            let time_zone = option(args, "--time-zone");
            let now = match option(args, "--at") {
                Some(at) => parse_instant(&at)?,
                None => FIXED_NOW,
            };
            let mut req = request(&site, text, locale.as_deref(), country.as_deref());
            req.time_zone = time_zone;
            explain(&site, &req, now);
            Ok(ExitCode::SUCCESS)
        }
        "route" => route_lines(&site),
        "eval" => {
            // `--no-typos`: measure what the typo pass adds (run with and without).
            site.typo_pass = !args.iter().any(|a| a == "--no-typos");
            let data = args
                .get(2)
                .filter(|a| !a.starts_with("--"))
                .ok_or_else(|| format!("`eval` needs a CSV file\n{USAGE}"))?;
            let required = |name: &str| {
                option(args, name).ok_or_else(|| format!("`eval` needs {name}\n{USAGE}"))
            };
            let (text_column, label_column, map) = (
                required("--text-column")?,
                required("--label-column")?,
                required("--map")?,
            );
            let examples = match option(args, "--examples") {
                Some(n) => n
                    .parse()
                    .map_err(|_| format!("--examples must be a number, not `{n}`"))?,
                None => 20,
            };
            let fail_under = match option(args, "--fail-under") {
                Some(p) => Some(
                    p.parse::<f64>()
                        .ok()
                        .filter(|p| (0.0..=1.0).contains(p))
                        .ok_or_else(|| {
                            format!("--fail-under must be between 0 and 1, not `{p}`")
                        })?,
                ),
                None => None,
            };
            // `--holdout` alone splits by phrasing skeleton; `--holdout COLUMN` by a column.
            let holdout_column = option(args, "--holdout").filter(|v| !v.starts_with("--"));
            let holdout = if let Some(col) = holdout_column.as_deref() {
                Some(eval::Holdout::Column(col))
            } else if args.iter().any(|a| a == "--holdout") {
                Some(eval::Holdout::Skeleton)
            } else {
                None
            };
            let opts = eval::Options {
                data,
                text_column: &text_column,
                label_column: &label_column,
                map: &map,
                examples,
                fail_under,
                holdout,
            };
            let (report, summary) = eval::run(&site, &opts)?;
            print!("{report}");
            let below = fail_under.is_some_and(|min| summary.precision().unwrap_or(1.0) < min);
            Ok(if below {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        other => Err(format!(
            "unknown command `{other}`\n{USAGE}{}",
            report::USAGE
        )),
    }
}

fn option(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn request(
    site: &CompiledSite,
    text: &str,
    locale: Option<&str>,
    country: Option<&str>,
) -> ChatRequest {
    ChatRequest {
        v: WIRE_VERSION,
        site: site.id.clone(),
        conversation_id: "cli".into(),
        client_message_id: "cli".into(),
        text: text.into(),
        page_url: None,
        locale: locale.map(str::to_string),
        time_zone: None,
        contact: None,
        country: country.map(str::to_ascii_uppercase),
        previous_language: None,
        context: None,
        turnstile_token: None,
    }
}

fn check(site: &CompiledSite, path: &str) {
    let coverage = site.coverage();
    println!(
        "{path}: ok — site `{}` ({}), {} rules, languages {}",
        site.id,
        site.name,
        site.rule_ids().count(),
        join(&site.languages)
    );
    println!();
    print!("{:<20}", "topic");
    for lang in &site.languages {
        print!("{:>4}", lang.as_str());
    }
    println!();
    for topic in Topic::ALL {
        let Some(row) = coverage.iter().find(|c| c.topic == topic) else {
            continue;
        };
        print!("{:<20}", topic.as_str());
        for lang in &site.languages {
            let cell = match (row.patterns.contains(lang), row.answers.contains(lang)) {
                (true, true) => "✓",
                (true, false) => "p",
                (false, true) => "a",
                (false, false) => "·",
            };
            print!("{cell:>4}");
        }
        println!();
    }
    println!(
        "\n✓ patterns and answer · p patterns only (answers fall back) · a answer only (never matched in that language) · · neither"
    );
    let uncovered: Vec<_> = Topic::ALL
        .iter()
        .filter(|t| !coverage.iter().any(|c| c.topic == **t))
        .map(|t| t.as_str())
        .collect();
    if !uncovered.is_empty() {
        println!(
            "topics with no rule (always handed to a person): {}",
            uncovered.join(", ")
        );
    }
    let gaps = site.vocabulary_gaps();
    println!();
    if gaps.concepts.is_empty() {
        println!("vocabularies: every concept the skeletons use has terms in every site language");
    } else {
        println!("vocabularies without terms in a site language (their skeletons skip it):");
        for (name, missing) in &gaps.concepts {
            println!("  {{{name}}}: {}", join(missing));
        }
    }
    if gaps.rules.is_empty() {
        println!("rules: every rule has a pattern or skeleton in every site language");
    } else {
        println!("rules without a pattern or skeleton in a site language (never matched there):");
        for (rule, missing) in &gaps.rules {
            println!("  {rule}: {}", join(missing));
        }
    }
    println!(
        "typo pass: {} vocabulary words of 5+ letters",
        gaps.dictionary_words
    );
}

fn join(langs: &[ferry_shared::lang::LangCode]) -> String {
    langs
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `--at`: RFC 3339 or Unix epoch milliseconds.
fn parse_instant(text: &str) -> Result<i64, String> {
    if let Ok(ms) = text.parse::<i64>() {
        return Ok(ms);
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|e| {
            format!(
                "--at `{text}`: {e}; write e.g. 2026-11-27T19:30:00+01:00 or epoch milliseconds"
            )
        })
}

fn explain(site: &CompiledSite, req: &ChatRequest, now: i64) {
    let d = route(site, req, now);
    if let Some((code, source)) = &d.country {
        println!("country   {code} (from {source:?})");
    }
    println!(
        "language  {} (confidence {:.2}, from {:?}); reply in {}{}",
        d.language.code,
        d.language.confidence,
        d.language.source,
        d.reply_language(),
        if d.reply_language().as_str() == d.language.code {
            ""
        } else {
            " (the site's fallback)"
        }
    );
    println!(
        "urgency   {}{}",
        d.urgency.level.as_str(),
        if d.urgency.reasons.is_empty() {
            String::new()
        } else {
            format!(" ({})", d.urgency.reasons.join(", "))
        }
    );
    println!(
        "matched   {}",
        if d.trace.matched.is_empty() {
            "-".into()
        } else {
            d.trace.matched.join(", ")
        }
    );
    if !d.trace.corrected.is_empty() {
        let fixes: Vec<String> = d
            .trace
            .corrected
            .iter()
            .map(|(typed, read)| format!("{typed} → {read}"))
            .collect();
        println!(
            "typos     {} (read as the vocabulary word)",
            fixes.join(", ")
        );
    }
    if !d.trace.vetoed.is_empty() {
        println!(
            "vetoed    {} (an `unless` pattern matched)",
            d.trace.vetoed.join(", ")
        );
    }
    match &d.outcome {
        Outcome::Answer {
            rule,
            topic,
            text,
            language,
            fallback,
            ..
        } => {
            println!(
                "decision  answer by rule `{rule}` (topic {topic}) in {language}{}",
                if *fallback {
                    " (fallback: no text in the detected language)"
                } else {
                    ""
                }
            );
            println!("\n{text}");
        }
        Outcome::Handoff(HandoffPlan {
            topic,
            text,
            language,
            fallback,
            rule,
            ..
        }) => {
            let answered = rule
                .as_ref()
                .map(|r| format!(" after rule `{r}` answered (then = \"handoff\")"))
                .unwrap_or_default();
            println!(
                "decision  handoff to a person (topic {topic}){answered} in {language}{}",
                if *fallback { " (fallback)" } else { "" }
            );
            if let Some(reason) = &d.trace.overridden_by {
                println!("          a rule matched, but {reason} sends this to a person");
            }
            if let Outcome::Handoff(HandoffPlan { reply_by, away, .. }) = &d.outcome {
                let shop = |ms| {
                    ferry_shared::hours::format_local(
                        ms,
                        now,
                        Some(site.hours.tz_name()),
                        ferry_shared::lang::LangCode::En,
                    )
                };
                println!("reply by  {} ({})", shop(*reply_by), site.hours.tz_name());
                let to: Vec<String> = site
                    .destinations_for(d.urgency.level, &d.language.code, d.topic())
                    .iter()
                    .map(|dest| format!("{} ({})", dest.name, dest.format.as_str()))
                    .collect();
                println!("to        {}", to.join(", "));
                if let Some(away) = away {
                    println!(
                        "away      {:?}: opens {} ({})",
                        away.reason,
                        shop(away.opens_at),
                        site.hours.tz_name()
                    );
                }
            }
            println!("\n{text}");
        }
    }
}

fn route_lines(site: &CompiledSite) -> Result<ExitCode, String> {
    #[derive(serde::Deserialize)]
    struct Line {
        text: String,
        #[serde(default)]
        locale: Option<String>,
        #[serde(default)]
        country: Option<String>,
        /// What earlier messages named (a reply's `context`).
        #[serde(default)]
        context: Option<ferry_shared::wire::ConversationContext>,
    }
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = false;
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line.map_err(|e| format!("reading stdin: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let value = match serde_json::from_str::<Line>(&line) {
            Ok(input) => {
                let mut req = request(
                    site,
                    &input.text,
                    input.locale.as_deref(),
                    input.country.as_deref(),
                );
                req.context = input.context;
                let d = route(site, &req, FIXED_NOW);
                let (kind, rule, language, text) = match &d.outcome {
                    Outcome::Answer {
                        rule,
                        language,
                        text,
                        ..
                    } => (
                        "answer",
                        Some(rule.as_str()),
                        language.as_str(),
                        text.as_str(),
                    ),
                    // `rule` is set when a rule answered before handing off (`then = "handoff"`).
                    Outcome::Handoff(HandoffPlan {
                        language,
                        text,
                        rule,
                        ..
                    }) => ("handoff", rule.as_deref(), language.as_str(), text.as_str()),
                };
                // `language` is the shopper's language as detected (the tag a handoff carries);
                // `reply_language` the one the text is written in (the site's fallback chain).
                // `context`: what the conversation has named, for the next line's `context`.
                serde_json::json!({
                    "kind": kind, "topic": d.topic(), "rule": rule,
                    "language": d.language.code, "reply_language": language,
                    "urgency": d.urgency.level, "reasons": d.urgency.reasons, "text": text,
                    "context": d.context,
                })
            }
            Err(e) => {
                failed = true;
                eprintln!(
                    "ferry route: line {}: {e}; expected {{\"text\": \"...\", \"locale\": \"..\"?, \"country\": \"BR\"?}}",
                    n + 1
                );
                serde_json::json!({ "error": format!("line {}: {e}", n + 1) })
            }
        };
        writeln!(out, "{value}").map_err(|e| format!("writing stdout: {e}"))?;
    }
    out.flush().map_err(|e| format!("writing stdout: {e}"))?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
