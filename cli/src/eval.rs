//! `ferry eval SITE.toml DATA.csv --text-column C --label-column C --map MAP.toml`: how a
//! site's rules do on labelled messages.
//!
//! Every row is routed as a widget would send it with nothing else known (text alone: no
//! locale, no country), and the decision is scored against the map, which says for each
//! label which topics a rule may answer with and whether the label is answerable at all.
//!
//! - An *automatic answer* is any decision where a rule's text reached the shopper: a plain
//!   answer, or a rule with `then = "handoff"` (its policy text, then a person follows up).
//! - It is *right* when the rule's topic is one of the topics the map allows for the row's
//!   label; otherwise it is a false answer: the costly mistake.
//! - Precision = right answers / automatic answers.
//! - Coverage = automatic answers on answerable rows / answerable rows (and, stricter, right
//!   answers on answerable rows / answerable rows).
//!
//! `--holdout` splits the rows into a half to tune the rules on and a half only to report,
//! by *phrasing skeleton*: a row's content words (lower case, sorted, without the frames
//! every phrasing shares — "can you help me", "I want to", "information about"), hashed. Two
//! phrasings of the same content fall on the same side, so the held-out half asks with
//! vocabulary combinations the tuned half never showed. `--holdout COLUMN` hashes that
//! column's value instead (a template id). The held-out figure is the one that counts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ferry_shared::{CompiledSite, HandoffPlan, Outcome, route};
use serde::Deserialize;

/// The map file: per label, the topics an answer may have and whether rules should answer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    label: BTreeMap<String, LabelSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelSpec {
    /// Whether rules are expected to answer this label (the coverage denominator).
    answerable: bool,
    /// Topics an automatic answer may have and still be right; empty = any answer is wrong.
    #[serde(default)]
    topics: Vec<String>,
}

/// What `ferry eval` needs from the command line.
#[derive(Debug)]
pub struct Options<'a> {
    pub data: &'a str,
    pub text_column: &'a str,
    pub label_column: &'a str,
    pub map: &'a str,
    /// How many false-answer groups to list.
    pub examples: usize,
    /// Exit with failure when precision is below this (0..=1).
    pub fail_under: Option<f64>,
    /// Report a tuned and a held-out half (see the module docs).
    pub holdout: Option<Holdout<'a>>,
}

/// How `--holdout` assigns a row to a half.
#[derive(Debug, Clone, Copy)]
pub enum Holdout<'a> {
    /// By the text's phrasing skeleton.
    Skeleton,
    /// By the value of this column.
    Column(&'a str),
}

/// Words that frame a request in every phrasing and say nothing of its content.
const FRAME_WORDS: &[&str] = &[
    "a",
    "about",
    "am",
    "an",
    "and",
    "any",
    "anything",
    "are",
    "assist",
    "assistance",
    "at",
    "be",
    "been",
    "can",
    "could",
    "do",
    "does",
    "for",
    "from",
    "get",
    "give",
    "go",
    "going",
    "have",
    "help",
    "hey",
    "hi",
    "how",
    "i",
    "id",
    "if",
    "im",
    "in",
    "info",
    "information",
    "is",
    "it",
    "ive",
    "just",
    "know",
    "let",
    "like",
    "ll",
    "m",
    "me",
    "my",
    "need",
    "of",
    "on",
    "or",
    "please",
    "pls",
    "plz",
    "s",
    "see",
    "should",
    "show",
    "some",
    "tell",
    "that",
    "the",
    "there",
    "this",
    "to",
    "trying",
    "u",
    "ur",
    "ve",
    "wanna",
    "want",
    "way",
    "what",
    "when",
    "where",
    "which",
    "who",
    "will",
    "with",
    "would",
    "ya",
    "you",
    "your",
];

/// The content words of `text`, lower case, sorted and unique, joined by spaces.
pub fn skeleton(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !FRAME_WORDS.contains(w))
        .collect();
    words.sort_unstable();
    words.dedup();
    words.join(" ")
}

/// Whether a row with this key belongs to the held-out half (FNV-1a: stable across builds).
pub fn held_out(key: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h % 2 == 1
}

#[derive(Debug, Default, Clone)]
struct LabelStats {
    rows: usize,
    answered: usize,
    right: usize,
    /// Answered by a rule that also handed off (`then = "handoff"`).
    answered_then_handoff: usize,
}

/// Totals of one evaluation.
#[derive(Debug, Default, PartialEq)]
pub struct Summary {
    pub rows: usize,
    pub answerable_rows: usize,
    pub answered: usize,
    pub right: usize,
    pub answered_on_answerable: usize,
    pub right_on_answerable: usize,
    pub handoffs: usize,
}

impl Summary {
    /// Counts one row.
    fn add(&mut self, answerable: bool, answered: bool, right: bool) {
        self.rows += 1;
        self.answerable_rows += usize::from(answerable);
        if !answered {
            self.handoffs += 1;
            return;
        }
        self.answered += 1;
        self.answered_on_answerable += usize::from(answerable);
        self.right += usize::from(right);
        self.right_on_answerable += usize::from(right && answerable);
    }

    pub fn precision(&self) -> Option<f64> {
        ratio(self.right, self.answered)
    }

    pub fn coverage(&self) -> Option<f64> {
        ratio(self.answered_on_answerable, self.answerable_rows)
    }

    pub fn right_coverage(&self) -> Option<f64> {
        ratio(self.right_on_answerable, self.answerable_rows)
    }
}

fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "-".to_string(), |r| format!("{:.1}%", r * 100.0))
}

/// Runs the evaluation and returns the report text and the summary.
pub fn run(site: &CompiledSite, opts: &Options<'_>) -> Result<(String, Summary), String> {
    let map_source =
        std::fs::read_to_string(opts.map).map_err(|e| format!("cannot read {}: {e}", opts.map))?;
    let map: MapFile =
        toml::from_str(&map_source).map_err(|e| format!("{}: {}", opts.map, e.message().trim()))?;
    for (label, spec) in &map.label {
        for topic in &spec.topics {
            if ferry_shared::Topic::parse(topic).is_none() {
                return Err(format!(
                    "{}: label `{label}`: unknown topic `{topic}`",
                    opts.map
                ));
            }
        }
    }

    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(opts.data)
        .map_err(|e| format!("cannot read {}: {e}", opts.data))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{}: {e}", opts.data))?
        .clone();
    // A UTF-8 byte-order mark would otherwise stick to the first column's name.
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| {
                format!(
                    "{}: no column `{name}` (columns: {})",
                    opts.data,
                    headers
                        .iter()
                        .map(|h| h.trim_start_matches('\u{feff}'))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    };
    let text_col = column(opts.text_column)?;
    let label_col = column(opts.label_column)?;
    let holdout_col = match opts.holdout {
        Some(Holdout::Column(name)) => Some(column(name)?),
        _ => None,
    };
    // The tuned and the held-out half, when `--holdout` is given.
    let mut halves = [Summary::default(), Summary::default()];

    let mut per_label: BTreeMap<String, LabelStats> = BTreeMap::new();
    // (label, rule, topic) -> (count, first example)
    let mut false_answers: BTreeMap<(String, String, String), (usize, String)> = BTreeMap::new();
    let mut unmapped: BTreeMap<String, usize> = BTreeMap::new();
    let mut summary = Summary::default();

    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{}: row {}: {e}", opts.data, i + 2))?;
        let (Some(text), Some(label)) = (record.get(text_col), record.get(label_col)) else {
            return Err(format!("{}: row {}: missing columns", opts.data, i + 2));
        };
        let Some(spec) = map.label.get(label) else {
            *unmapped.entry(label.to_string()).or_default() += 1;
            continue;
        };
        let decision = route(
            site,
            &crate::request(site, text, None, None),
            crate::FIXED_NOW,
        );
        let answered_by = match &decision.outcome {
            Outcome::Answer { rule, topic, .. } => Some((rule.as_str(), *topic, false)),
            Outcome::Handoff(HandoffPlan {
                rule: Some(rule),
                topic,
                ..
            }) => Some((rule.as_str(), *topic, true)),
            Outcome::Handoff(HandoffPlan { rule: None, .. }) => None,
        };
        let stats = per_label.entry(label.to_string()).or_default();
        stats.rows += 1;
        let right = answered_by
            .is_some_and(|(_, topic, _)| spec.topics.iter().any(|t| t == topic.as_str()));
        summary.add(spec.answerable, answered_by.is_some(), right);
        if let Some(how) = opts.holdout {
            let key = match (how, holdout_col) {
                (Holdout::Column(_), Some(col)) => record.get(col).unwrap_or("").to_string(),
                _ => skeleton(text),
            };
            halves[usize::from(held_out(&key))].add(spec.answerable, answered_by.is_some(), right);
        }
        match answered_by {
            None => {}
            Some((rule, topic, then_handoff)) => {
                stats.answered += 1;
                if then_handoff {
                    stats.answered_then_handoff += 1;
                }
                if right {
                    stats.right += 1;
                } else {
                    let entry = false_answers
                        .entry((label.to_string(), rule.to_string(), topic.to_string()))
                        .or_insert_with(|| (0, text.to_string()));
                    entry.0 += 1;
                }
            }
        }
    }
    if !unmapped.is_empty() {
        let list: Vec<String> = unmapped
            .iter()
            .map(|(l, n)| format!("{l} ({n} rows)"))
            .collect();
        return Err(format!(
            "{}: labels not in {}: {}; add them to the map (answerable and topics) so that every row is scored",
            opts.data,
            opts.map,
            list.join(", ")
        ));
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} rows from {} (text `{}`, label `{}`), routed with text only (no locale, no country)\n",
        summary.rows, opts.data, opts.text_column, opts.label_column
    );
    let then_handoff: usize = per_label.values().map(|s| s.answered_then_handoff).sum();
    let _ = writeln!(
        out,
        "automatic answers  {:>6}  ({} of them then handed to a person)",
        summary.answered, then_handoff
    );
    let _ = writeln!(
        out,
        "  right topic      {:>6}  precision {}",
        summary.right,
        pct(summary.precision())
    );
    let _ = writeln!(
        out,
        "  false answers    {:>6}",
        summary.answered - summary.right
    );
    let _ = writeln!(out, "handoffs           {:>6}", summary.handoffs);
    let _ = writeln!(
        out,
        "answerable rows    {:>6}  coverage {} answered, {} answered right",
        summary.answerable_rows,
        pct(summary.coverage()),
        pct(summary.right_coverage())
    );
    if let Some(how) = opts.holdout {
        let by = match how {
            Holdout::Skeleton => "phrasing skeleton (content words)".to_string(),
            Holdout::Column(name) => format!("column `{name}`"),
        };
        let _ = writeln!(
            out,
            "\nsplit by {by}; the held-out half is the figure that counts:"
        );
        for (name, half) in [("tuned half", &halves[0]), ("held-out half", &halves[1])] {
            let _ = writeln!(
                out,
                "  {name:<14} {:>6} rows  precision {:>6}  coverage {:>6} answered, {:>6} answered right",
                half.rows,
                pct(half.precision()),
                pct(half.coverage()),
                pct(half.right_coverage())
            );
        }
        if let (Some(t), Some(h)) = (halves[0].right_coverage(), halves[1].right_coverage()) {
            let _ = writeln!(
                out,
                "  gap            {:.1} points of coverage answered right",
                (t - h) * 100.0
            );
        }
    }

    let width = per_label.keys().map(String::len).max().unwrap_or(5).max(5);
    let _ = writeln!(
        out,
        "\n{:<width$}  {:>10}  {:>5}  {:>8}  {:>5}  {:>5}  {:>9}  {:>8}",
        "label", "answerable", "rows", "answered", "right", "false", "precision", "coverage"
    );
    for (label, s) in &per_label {
        let answerable = map.label.get(label).is_some_and(|m| m.answerable);
        let _ = writeln!(
            out,
            "{:<width$}  {:>10}  {:>5}  {:>8}  {:>5}  {:>5}  {:>9}  {:>8}",
            label,
            if answerable { "yes" } else { "no" },
            s.rows,
            s.answered,
            s.right,
            s.answered - s.right,
            pct(ratio(s.right, s.answered)),
            pct(ratio(s.answered, s.rows)),
        );
    }

    let mut worst: Vec<_> = false_answers.into_iter().collect();
    worst.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
    if worst.is_empty() {
        let _ = writeln!(out, "\nno false answers");
    } else {
        let _ = writeln!(
            out,
            "\nworst false answers (label → rule (topic), count, an example):"
        );
        for ((label, rule, topic), (count, example)) in worst.iter().take(opts.examples) {
            let _ = writeln!(
                out,
                "  {count:>4}  {label} → {rule} ({topic})  \"{example}\""
            );
        }
        if worst.len() > opts.examples {
            let rest: usize = worst.iter().skip(opts.examples).map(|(_, (n, _))| n).sum();
            let _ = writeln!(
                out,
                "  ... {} more groups ({rest} rows)",
                worst.len() - opts.examples
            );
        }
    }
    if let Some(min) = opts.fail_under {
        let p = summary.precision().unwrap_or(1.0);
        let _ = writeln!(
            out,
            "\nprecision {} {} the required {}",
            pct(Some(p)),
            if p >= min { "meets" } else { "is below" },
            pct(Some(min))
        );
    }
    Ok((out, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrasings_of_the_same_content_share_a_skeleton() {
        let same = [
            "could you help me cancel my order?",
            "I want to cancel my order",
            "cancel order please",
            "how do I cancel an order",
        ];
        for text in same {
            assert_eq!(skeleton(text), "cancel order", "{text}");
        }
        assert_eq!(skeleton("how can I cancel a purchase"), "cancel purchase");
        assert_ne!(skeleton("cancel my order"), skeleton("track my order"));
        assert_eq!(skeleton("Cancel, ORDER!!"), skeleton("order cancel"));
    }

    #[test]
    fn the_split_is_stable_and_roughly_half() {
        let keys: Vec<String> = (0..2000).map(|i| format!("skeleton {i}")).collect();
        let held = keys.iter().filter(|k| held_out(k)).count();
        assert!((900..=1100).contains(&held), "{held} of 2000 held out");
        assert_eq!(held_out("cancel order"), held_out("cancel order"));
    }

    #[test]
    fn the_report_gives_both_halves() {
        let dir = std::env::temp_dir().join(format!("ferry-eval-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let data = dir.join("rows.csv");
        let map = dir.join("map.toml");
        let mut csv = String::from("text,label\n");
        for (i, word) in ["order", "parcel", "package", "purchase", "item", "shoes"]
            .iter()
            .enumerate()
        {
            csv.push_str(&format!("where is my {word},track\n"));
            csv.push_str(&format!("what is the weather {i},chat\n"));
        }
        std::fs::write(&data, csv).expect("write csv");
        std::fs::write(
            &map,
            "[label.track]\nanswerable = true\ntopics = [\"order.track\"]\n[label.chat]\nanswerable = false\n",
        )
        .expect("write map");
        let site = CompiledSite::from_toml(
            r#"
[site]
id = "t"
name = "T"
support_email = "help@t.example"
languages = ["en"]

[handoff]
reply_within_hours = 24
urgent_reply_within_hours = 2
reply.en = "A person will reply."

[[rule]]
id = "track"
topic = "order.track"
patterns.en = ['where is my (order|parcel)']
answer.en = "Track it here."
"#,
        )
        .expect("site loads");
        let (data_s, map_s) = (
            data.to_string_lossy().to_string(),
            map.to_string_lossy().to_string(),
        );
        let opts = Options {
            data: &data_s,
            text_column: "text",
            label_column: "label",
            map: &map_s,
            examples: 5,
            fail_under: None,
            holdout: Some(Holdout::Skeleton),
        };
        let (report, summary) = run(&site, &opts).expect("runs");
        assert_eq!(summary.rows, 12);
        assert_eq!(summary.answered, 2, "{report}");
        let tuned = report
            .lines()
            .find(|l| l.trim_start().starts_with("tuned half"))
            .expect(&report);
        let held = report
            .lines()
            .find(|l| l.trim_start().starts_with("held-out half"))
            .expect(&report);
        let rows = |line: &str| -> usize {
            line.split_whitespace()
                .find_map(|w| w.parse().ok())
                .expect("a row count")
        };
        assert_eq!(rows(tuned) + rows(held), 12, "{report}");
        assert!(report.contains("gap"), "{report}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
