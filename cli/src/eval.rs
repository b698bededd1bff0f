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
        summary.rows += 1;
        if spec.answerable {
            summary.answerable_rows += 1;
        }
        match answered_by {
            None => summary.handoffs += 1,
            Some((rule, topic, then_handoff)) => {
                let right = spec.topics.iter().any(|t| t == topic.as_str());
                stats.answered += 1;
                summary.answered += 1;
                if then_handoff {
                    stats.answered_then_handoff += 1;
                }
                if spec.answerable {
                    summary.answered_on_answerable += 1;
                }
                if right {
                    stats.right += 1;
                    summary.right += 1;
                    if spec.answerable {
                        summary.right_on_answerable += 1;
                    }
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
