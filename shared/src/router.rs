//! The router: one message in, one [`Decision`] out. Pure: the caller passes `now`.

use crate::lang::{self, LangCode};
use crate::site::{CompiledSite, Rule, link_for};
use crate::topic::Topic;
use crate::urgency;
use crate::wire::{Answer, ChatRequest, Handoff, Language, Reply, Urgency, UrgencyTag};

const HOUR_MS: i64 = 3_600_000;

/// What the router decided, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub language: Language,
    pub urgency: UrgencyTag,
    pub outcome: Outcome,
    pub trace: Trace,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Answer {
        rule: String,
        topic: Topic,
        text: String,
        /// The language `text` is written in.
        language: LangCode,
        /// True when the rule had no text in the detected language.
        fallback: bool,
        quick_replies: Vec<String>,
        links: Vec<crate::wire::Link>,
    },
    Handoff {
        topic: Topic,
        text: String,
        language: LangCode,
        fallback: bool,
        /// Unix epoch milliseconds.
        reply_by: i64,
    },
}

/// Why: which rules' patterns fired and which were vetoed by `unless`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    pub matched: Vec<String>,
    pub vetoed: Vec<String>,
}

impl Decision {
    pub fn is_handoff(&self) -> bool {
        matches!(self.outcome, Outcome::Handoff { .. })
    }

    pub fn topic(&self) -> Topic {
        match &self.outcome {
            Outcome::Answer { topic, .. } | Outcome::Handoff { topic, .. } => *topic,
        }
    }

    /// The wire reply; `ticket` is the caller's id for a handoff (ignored for answers).
    pub fn to_reply(&self, ticket: &str) -> Reply {
        match &self.outcome {
            Outcome::Answer {
                rule,
                topic,
                text,
                language,
                quick_replies,
                links,
                ..
            } => Reply::Answer(Answer {
                text: text.clone(),
                topic: *topic,
                rule: rule.clone(),
                language: language.to_string(),
                quick_replies: quick_replies.clone(),
                links: links.clone(),
            }),
            Outcome::Handoff {
                topic,
                text,
                language,
                reply_by,
                ..
            } => Reply::Handoff(Handoff {
                ticket: ticket.to_string(),
                text: text.clone(),
                language: language.to_string(),
                urgency: self.urgency.level,
                topic: *topic,
                reply_by: *reply_by,
            }),
        }
    }
}

/// Lower-cases and folds whitespace; patterns are written against this form.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Routes one shopper message. Never fails: a loaded site has been fully checked.
pub fn route(site: &CompiledSite, req: &ChatRequest, now: i64) -> Decision {
    let text = normalise(&req.text);
    let language = lang::detect(&req.text, &site.languages, req.locale.as_deref());
    let detected = LangCode::parse(&language.code).unwrap_or(site.default_language());
    let urgency = urgency::tag(&text);

    let mut trace = Trace::default();
    let mut best: Option<&Rule> = None;
    let mut last_rule = usize::MAX;
    for pattern in site.patterns.matches(&text).iter() {
        let index = site.pattern_rule[pattern];
        if index == last_rule {
            continue; // several patterns of one rule fired
        }
        last_rule = index;
        let rule = &site.rules[index];
        if rule.unless.iter().any(|u| u.is_match(&text)) {
            trace.vetoed.push(rule.id.clone());
            continue;
        }
        trace.matched.push(rule.id.clone());
        // Highest priority wins; on a tie, the rule earlier in the file (deterministic).
        if best.is_none_or(|b| rule.priority > b.priority) {
            best = Some(rule);
        }
    }

    let outcome = match best {
        // Anything urgent or high goes to a person, even when a rule could answer.
        Some(rule) if urgency.level < Urgency::High => {
            let (lang, text, fallback) = pick(&rule.answer, detected, site.default_language());
            Outcome::Answer {
                rule: rule.id.clone(),
                topic: rule.topic,
                text: text.to_string(),
                language: lang,
                fallback,
                quick_replies: rule.quick_replies.get(&lang).cloned().unwrap_or_default(),
                links: rule
                    .links
                    .iter()
                    .filter_map(|(label, url)| link_for(lang, site.default_language(), label, url))
                    .collect(),
            }
        }
        matched => {
            let topic = if urgency.reasons.iter().any(|r| r.starts_with("safety:")) {
                Topic::Safety
            } else if urgency.reasons.iter().any(|r| r.starts_with("legal:")) {
                Topic::Legal
            } else if urgency.level >= Urgency::High && matched.is_some() {
                Topic::Complaint
            } else {
                matched.map_or(Topic::Other, |r| r.topic)
            };
            let urgent = urgency.level == Urgency::Urgent;
            let texts = if urgent && !site.handoff.urgent_reply.is_empty() {
                &site.handoff.urgent_reply
            } else {
                &site.handoff.reply
            };
            let (lang, text, fallback) = pick(texts, detected, site.default_language());
            let hours = if urgent {
                site.handoff.urgent_reply_within_hours
            } else {
                site.handoff.reply_within_hours
            };
            Outcome::Handoff {
                topic,
                text: text.to_string(),
                language: lang,
                fallback,
                reply_by: now + i64::from(hours) * HOUR_MS,
            }
        }
    };
    Decision {
        language,
        urgency,
        outcome,
        trace,
    }
}

/// The text in `want`, else in the default language (the loader guarantees one of them).
fn pick(
    texts: &std::collections::BTreeMap<LangCode, String>,
    want: LangCode,
    default: LangCode,
) -> (LangCode, &str, bool) {
    match texts.get(&want) {
        Some(t) => (want, t, false),
        None => (
            default,
            texts.get(&default).map_or("", String::as_str),
            true,
        ),
    }
}
