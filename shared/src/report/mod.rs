//! The unanswered-questions report: which questions no rule answered, grouped by the shopper's
//! language and the topic they were tagged with, how many messages each topic and language had
//! answered, and for each group a rule to start from.
//!
//! Pure: the callers turn what they have into [`Record`]s (`ferry report` from a D1 export,
//! the local inbox from the payloads it received) and pass the site's vocabulary lookup
//! (`CompiledSite::vocab_hits`) as a function, so this module knows neither.
//!
//! A handed-off message counts as *by design* when no rule may answer it: an alarm (safety,
//! security, legal), a complaint, a request for a person, or another high-urgency reason (an
//! order weeks late, a double charge, anger). Those are counted but get no rule suggestion.

mod words;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::router::REPEATED_CONTACT;
use crate::topic::Topic;
use crate::wire::{HandoffPayload, Reply, Urgency};

pub use words::content_words;

/// The language tag of a record whose language is not known.
pub const UNKNOWN_LANGUAGE: &str = "und";

/// One shopper message and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The shopper's language as detected (`pt`), or [`UNKNOWN_LANGUAGE`].
    pub language: String,
    pub topic: Topic,
    /// The message as stored (card numbers masked).
    pub text: String,
    /// Unix epoch milliseconds.
    pub at: i64,
    pub handled: Handled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Handled {
    /// A rule answered.
    Answered { rule: String },
    /// A person was asked to. `reasons`: the urgency reasons (`safety:smoke`), empty when not
    /// known (the stored reply does not carry them).
    HandedOff {
        urgency: Urgency,
        #[serde(default)]
        reasons: Vec<String>,
    },
}

impl Record {
    /// The shopper's message `text` sent at `at` and the reply it got (as the Worker stores
    /// it: `messages.reply_json`).
    pub fn from_reply(text: &str, at: i64, reply: &Reply) -> Record {
        let (language, topic, handled) = match reply {
            Reply::Answer(a) => (
                pick_language(&a.shopper_language, &a.language),
                a.topic,
                Handled::Answered {
                    rule: a.rule.clone(),
                },
            ),
            Reply::Handoff(h) => (
                pick_language(&h.shopper_language, &h.language),
                h.topic,
                Handled::HandedOff {
                    urgency: h.urgency,
                    reasons: Vec::new(),
                },
            ),
        };
        Record {
            language,
            topic,
            text: text.to_string(),
            at,
            handled,
        }
    }

    /// A handoff as its webhook payload (or `handoffs.payload_json`) tells it.
    pub fn from_payload(payload: &HandoffPayload) -> Record {
        Record {
            language: pick_language(&payload.language.code, ""),
            topic: payload.topic,
            text: payload.question.clone(),
            at: payload.created_at,
            handled: Handled::HandedOff {
                urgency: payload.urgency.level,
                reasons: payload.urgency.reasons.clone(),
            },
        }
    }

    pub fn is_answered(&self) -> bool {
        matches!(self.handled, Handled::Answered { .. })
    }

    /// Handed off because no rule may answer it (see the module's documentation).
    pub fn is_by_design(&self) -> bool {
        let Handled::HandedOff { urgency, reasons } = &self.handled else {
            return false;
        };
        if BY_DESIGN_TOPICS.contains(&self.topic) {
            return true;
        }
        if reasons.is_empty() {
            // Unknown reasons: the level says whether a rule could have answered.
            return *urgency >= Urgency::High;
        }
        reasons.iter().any(|r| {
            let table = r.split(':').next().unwrap_or_default();
            ["safety", "security", "legal", "high", "complaint"].contains(&table)
                && r != REPEATED_CONTACT
        })
    }
}

/// Topics a person always takes: the alarms, complaints and requests for a person.
pub const BY_DESIGN_TOPICS: [Topic; 5] = [
    Topic::Safety,
    Topic::Security,
    Topic::Legal,
    Topic::Complaint,
    Topic::Human,
];

/// The shopper's language: the detected one, else the reply's, else unknown.
fn pick_language(shopper: &str, reply: &str) -> String {
    let code = [shopper, reply]
        .into_iter()
        .map(str::trim)
        .find(|c| !c.is_empty())
        .unwrap_or(UNKNOWN_LANGUAGE);
    code.to_ascii_lowercase()
}

/// What the report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Example questions per group.
    pub examples: usize,
    /// Content words shown for a group without a shared vocabulary.
    pub words: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            examples: 3,
            words: 5,
        }
    }
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Shopper messages counted.
    pub messages: usize,
    pub answered: usize,
    pub handed_off: usize,
    /// Of `handed_off`: those no rule may answer.
    pub by_design: usize,
    /// Per topic, most messages first.
    pub by_topic: Vec<Share>,
    /// Per shopper language, most messages first.
    pub by_language: Vec<Share>,
    /// The handed-off questions by language and topic: most open questions first.
    pub groups: Vec<Group>,
}

/// How many messages of one topic or language were answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// The topic's or the language's name.
    pub name: String,
    pub messages: usize,
    pub answered: usize,
    /// `answered / messages`, 0.0 – 1.0.
    pub share: f64,
}

/// The handed-off questions of one language and topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub language: String,
    pub topic: Topic,
    pub questions: usize,
    /// Of `questions`: those no rule may answer.
    pub by_design: usize,
    /// A few of its questions, the most repeated first, each once.
    pub examples: Vec<String>,
    pub suggestion: Suggestion,
}

impl Group {
    /// The questions a rule could answer.
    pub fn open(&self) -> usize {
        self.questions - self.by_design
    }
}

/// What a rule for a group could start from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Suggestion {
    /// The vocabularies most of the group's open questions hit, in their usual order.
    Rule {
        vocabularies: Vec<String>,
        /// `{shipping} .* {brazil}`.
        pattern: String,
        /// How many of the `of` open questions hit every one of them in this order.
        matches: usize,
        of: usize,
    },
    /// No vocabulary is hit by most of the open questions: their most frequent content words.
    Words { words: Vec<WordCount> },
    /// Every question of the group went to a person by design.
    ByDesign,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordCount {
    pub word: String,
    /// In how many of the open questions it occurs.
    pub questions: usize,
}

/// The report over `records` (in any order). `vocab_hits`: the names of the site's
/// vocabularies with a term in a text, in the order they occur (`CompiledSite::vocab_hits`).
pub fn summarize(
    records: &[Record],
    options: &Options,
    vocab_hits: impl Fn(&str) -> Vec<String>,
) -> Summary {
    let mut ordered: Vec<&Record> = records.iter().collect();
    ordered.sort_by_key(|r| r.at);

    let mut topics: BTreeMap<Topic, (usize, usize)> = BTreeMap::new();
    let mut languages: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut groups: BTreeMap<(&str, Topic), Vec<&Record>> = BTreeMap::new();
    for r in &ordered {
        let answered = usize::from(r.is_answered());
        for counts in [
            topics.entry(r.topic).or_default(),
            languages.entry(r.language.as_str()).or_default(),
        ] {
            counts.0 += 1;
            counts.1 += answered;
        }
        if !r.is_answered() {
            groups
                .entry((r.language.as_str(), r.topic))
                .or_default()
                .push(r);
        }
    }

    let answered = ordered.iter().filter(|r| r.is_answered()).count();
    let by_design = ordered.iter().filter(|r| r.is_by_design()).count();
    let mut groups: Vec<Group> = groups
        .into_iter()
        .map(|((language, topic), questions)| {
            group(language, topic, &questions, options, &vocab_hits)
        })
        .collect();
    groups.sort_by(|a, b| {
        b.open()
            .cmp(&a.open())
            .then(b.questions.cmp(&a.questions))
            .then_with(|| a.language.cmp(&b.language))
            .then(a.topic.cmp(&b.topic))
    });
    Summary {
        messages: ordered.len(),
        answered,
        handed_off: ordered.len() - answered,
        by_design,
        by_topic: shares(topics.into_iter().map(|(t, c)| (t.as_str(), c))),
        by_language: shares(languages.into_iter()),
        groups,
    }
}

/// Shares, most messages first (then by name: the input's order).
fn shares<'a>(counts: impl Iterator<Item = (&'a str, (usize, usize))>) -> Vec<Share> {
    let mut out: Vec<Share> = counts
        .map(|(name, (messages, answered))| Share {
            name: name.to_string(),
            messages,
            answered,
            share: if messages == 0 {
                0.0
            } else {
                answered as f64 / messages as f64
            },
        })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.messages));
    out
}

fn group(
    language: &str,
    topic: Topic,
    questions: &[&Record],
    options: &Options,
    vocab_hits: &impl Fn(&str) -> Vec<String>,
) -> Group {
    let open: Vec<&str> = questions
        .iter()
        .filter(|r| !r.is_by_design())
        .map(|r| r.text.as_str())
        .collect();
    // Examples: the open questions first (they are what a rule would answer).
    let mut pool: Vec<&str> = open.clone();
    pool.extend(
        questions
            .iter()
            .filter(|r| r.is_by_design())
            .map(|r| r.text.as_str()),
    );
    let suggestion = if open.is_empty() {
        Suggestion::ByDesign
    } else {
        suggest(&open, language, options, vocab_hits)
    };
    Group {
        language: language.to_string(),
        topic,
        questions: questions.len(),
        by_design: questions.len() - open.len(),
        examples: examples(&pool, options.examples),
        suggestion,
    }
}

/// Up to `n` distinct texts (the same after trimming and case folding), the most repeated
/// first, then in the order given.
fn examples(texts: &[&str], n: usize) -> Vec<String> {
    let mut seen: Vec<(String, &str, usize)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for text in texts {
        let key = crate::normalize::fold(text.trim());
        match index.get(&key) {
            Some(&i) => seen[i].2 += 1,
            None => {
                index.insert(key.clone(), seen.len());
                seen.push((key, text.trim(), 1));
            }
        }
    }
    // Stable: equal counts keep their first-seen order.
    seen.sort_by_key(|(_, _, n)| std::cmp::Reverse(*n));
    seen.into_iter()
        .take(n)
        .map(|(_, text, _)| text.to_string())
        .collect()
}

/// The rule skeleton for `texts` (the open questions of one group).
fn suggest(
    texts: &[&str],
    language: &str,
    options: &Options,
    vocab_hits: &impl Fn(&str) -> Vec<String>,
) -> Suggestion {
    let hits: Vec<Vec<String>> = texts
        .iter()
        .map(|t| {
            let mut names = vocab_hits(t);
            // Each name once, where it first occurs.
            let mut seen = Vec::with_capacity(names.len());
            names.retain(|n| {
                let fresh = !seen.contains(n);
                if fresh {
                    seen.push(n.clone());
                }
                fresh
            });
            names
        })
        .collect();
    let shared = usual_order(&hits);
    if shared.is_empty() {
        return Suggestion::Words {
            words: frequent_words(texts, language, options.words),
        };
    }
    let matches = hits.iter().filter(|h| in_order(h, &shared)).count();
    Suggestion::Rule {
        pattern: shared
            .iter()
            .map(|n| format!("{{{n}}}"))
            .collect::<Vec<_>>()
            .join(" .* "),
        vocabularies: shared,
        matches,
        of: texts.len(),
    }
}

/// The names more than half of `hits` contain, ordered by where they usually stand among
/// themselves (their mean position; ties in the order first seen).
fn usual_order(hits: &[Vec<String>]) -> Vec<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for names in hits {
        for name in names {
            match counts.iter_mut().find(|(n, _)| n == name) {
                Some((_, c)) => *c += 1,
                None => counts.push((name, 1)),
            }
        }
    }
    let shared: Vec<&str> = counts
        .into_iter()
        .filter(|(_, c)| 2 * c > hits.len())
        .map(|(n, _)| n)
        .collect();
    // Each name's positions among the shared names of each text that has it.
    let mut positions: Vec<(usize, usize)> = vec![(0, 0); shared.len()];
    for names in hits {
        let mine = names.iter().filter(|n| shared.contains(&n.as_str()));
        for (position, name) in mine.enumerate() {
            if let Some(i) = shared.iter().position(|s| s == name) {
                positions[i].0 += position;
                positions[i].1 += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..shared.len()).collect();
    // Compare mean positions p_a / n_a < p_b / n_b without division.
    order.sort_by(|&a, &b| {
        let (pa, na) = positions[a];
        let (pb, nb) = positions[b];
        (pa * nb).cmp(&(pb * na))
    });
    order.into_iter().map(|i| shared[i].to_string()).collect()
}

/// Whether `names` holds every one of `wanted` in that order (others may come between).
fn in_order(names: &[String], wanted: &[String]) -> bool {
    let mut rest = names.iter();
    wanted.iter().all(|w| rest.any(|n| n == w))
}

/// The `n` content words most of `texts` (in `language`) use, with how many texts use each
/// (each text counts a word once); ties in the order first seen. Only words of two or more
/// texts when there are such words.
fn frequent_words(texts: &[&str], language: &str, n: usize) -> Vec<WordCount> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for text in texts {
        let mut mine = content_words(text, language);
        let mut seen = Vec::new();
        mine.retain(|w| {
            let fresh = !seen.contains(w);
            if fresh {
                seen.push(w.clone());
            }
            fresh
        });
        for word in mine {
            match counts.iter_mut().find(|(w, _)| *w == word) {
                Some((_, c)) => *c += 1,
                None => counts.push((word, 1)),
            }
        }
    }
    counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    // Words several questions share, when there are any: a word of one question is noise.
    if counts.first().is_some_and(|(_, c)| *c > 1) {
        counts.retain(|(_, c)| *c > 1);
    }
    counts
        .into_iter()
        .take(n)
        .map(|(word, questions)| WordCount { word, questions })
        .collect()
}

#[cfg(test)]
mod tests;
