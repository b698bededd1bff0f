//! The site file: everything a support lead edits, as TOML, and its compiled form.
//!
//! Loading checks everything that could go wrong at request time (bad regexes, unknown
//! topics, languages or placeholders, duplicate ids), so that a [`CompiledSite`] never fails
//! while routing. Errors name the line, the column, the rule and what to fix.

mod file;
mod load;
mod routing;

use file::SiteFile;
use load::Loader;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use regex::{Regex, RegexSet};

use crate::facts::{Duties, Facts};
use crate::guard::{self, Limits, Turnstile};
use crate::hours::BusinessHours;
use crate::lang::LangCode;
use crate::lexicon::SmallTalk;
use crate::normalize::{ascii_word_boundaries, fold_pattern};
use crate::render::{self, Piece, Slot};
use crate::topic::Topic;
use crate::wire::{Away, AwayReason, Colors, Link, SiteStatus, WIRE_VERSION, WidgetConfig};

/// Largest compiled size of one pattern, in bytes of regex program.
const PATTERN_SIZE_LIMIT: usize = 256 * 1024;
/// Ceiling of the pattern set's lazy DFA cache.
const DFA_CACHE_LIMIT: usize = 32 * 1024 * 1024;
/// Largest compiled size of the whole pattern set.
const SET_SIZE_LIMIT: usize = 64 * 1024 * 1024;

/// A handoff destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub name: String,
    pub url: UrlSource,
    pub format: Format,
    /// Name of the Worker secret with the signing key(s); `None`: deliveries are unsigned.
    /// The Reply API (`POST /v1/replies`) verifies replies from this destination with it.
    pub secret: Option<String>,
    /// A Slack app (bot token, channel) instead of an incoming webhook, when configured.
    pub slack_app: Option<SlackApp>,
    /// The name shoppers see on replies from this destination, when the site sets one.
    pub agent_name: Option<String>,
}

/// A Slack destination posting through the Web API (`chat.postMessage`), so that agents can
/// answer in the message's thread (the Events API brings the replies back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackApp {
    /// Name of the Worker secret with the bot token; while it is unset or empty, the
    /// destination's incoming webhook URL is used instead.
    pub bot_token: String,
    /// The channel to post in.
    pub channel: String,
    /// Name of the Worker secret with the app's signing secret (thread replies).
    pub signing_secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    Literal(String),
    /// A Worker variable holding the URL.
    Var(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Slack,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Slack => "slack",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    to: Vec<usize>,
    urgency: Vec<crate::wire::Urgency>,
    language: Vec<LangCode>,
    topic: Vec<Topic>,
}

/// How long conversations are kept when the site file does not say.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;
/// How long a handoff waits for the shopper's email when the site file does not say.
pub const DEFAULT_CONTACT_WAIT_MINUTES: u32 = 10;

/// Without `[[destination]]`, handoffs go to this one: the Worker's `WEBHOOK_URL`, signed
/// with the secret `WEBHOOK_SECRET` when it is set.
pub const DEFAULT_DESTINATION: &str = "default";

/// Which languages a topic can be matched and answered in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicCoverage {
    pub topic: Topic,
    pub patterns: Vec<LangCode>,
    pub answers: Vec<LangCode>,
}

/// A site file that failed to load: where, which rule, and what to fix — the first mistake,
/// and in `more` every other one found in the same run (each section and each rule is checked
/// on its own, so a support lead sees every mistake at once, not one per run; only a file that
/// is not TOML, or has no valid id or languages, stops at the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// 1-based; 0 when the problem has no single place in the file.
    pub line: usize,
    pub column: usize,
    pub rule: Option<String>,
    pub message: String,
    /// The other mistakes, in file order.
    pub more: Vec<LoadError>,
}

impl LoadError {
    /// This mistake and every other one, in file order.
    pub fn all(&self) -> impl Iterator<Item = &LoadError> {
        std::iter::once(self).chain(self.more.iter())
    }

    /// One error of several: the first, with the rest in `more`. `None` for none.
    fn of(mut errors: Vec<LoadError>) -> Option<LoadError> {
        if errors.is_empty() {
            return None;
        }
        // File order; mistakes with no single place (line 0) last.
        errors.sort_by_key(|e| (e.line == 0, e.line, e.column));
        let mut first = errors.remove(0);
        first.more = errors;
        Some(first)
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.all().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            if e.line > 0 {
                write!(f, "line {}, column {}: ", e.line, e.column)?;
            }
            if let Some(rule) = &e.rule {
                write!(f, "rule `{rule}`: ")?;
            }
            f.write_str(&e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// A site ready to route: patterns compiled once, texts checked, nothing left to fail.
#[derive(Debug)]
pub struct CompiledSite {
    pub id: String,
    pub name: String,
    pub support_email: String,
    /// The first is the default language.
    pub languages: Vec<LangCode>,
    pub(crate) rules: Vec<Rule>,
    /// Every pattern of every rule; `pattern_rule[i]` is the rule of pattern `i`. Word
    /// boundaries are ASCII ones wherever that means the same (see
    /// [`ascii_word_boundaries`]), so the set runs as a DFA on text in any script.
    pub(crate) patterns: RegexSet,
    pub(crate) pattern_rule: Vec<usize>,
    /// The few patterns that need a Unicode word boundary (`\bопт\b`), in their own set.
    pub(crate) unicode_patterns: RegexSet,
    pub(crate) unicode_pattern_rule: Vec<usize>,
    /// The engine's and the site's concepts, and the rules' skeletons.
    pub(crate) concepts: crate::concept::Concepts,
    /// Whether a message no rule understood is read again with typos fixed (on by default;
    /// off only to measure what the pass adds: `ferry eval --no-typos`).
    pub typo_pass: bool,
    pub(crate) handoff: Handoff,
    /// When people answer; reply-by times count these hours.
    pub hours: BusinessHours,
    /// Days a conversation is kept after its last message.
    pub retention_days: u32,
    /// How long a handoff that asked for an email waits for it, in seconds.
    pub contact_wait_secs: u32,
    pub facts: Facts,
    pub destinations: Vec<Destination>,
    /// Storefront origins allowed to call the API from a browser, normalised
    /// ([`guard::normalize_origin`]).
    pub origins: Vec<String>,
    /// Burst and handoff limits.
    pub limits: Limits,
    /// A Turnstile challenge before a handoff, when configured.
    pub turnstile: Option<Turnstile>,
    pub(crate) routes: Vec<Route>,
    /// Per language, where to look before the default language.
    pub(crate) fallback: BTreeMap<LangCode, Vec<LangCode>>,
    /// Every language detection considers, the site's default first (it breaks near-ties).
    pub(crate) detect_order: Vec<LangCode>,
    /// The site's own small-talk answers, replacing the engine's.
    pub(crate) small_talk: BTreeMap<SmallTalk, BTreeMap<LangCode, Vec<Piece>>>,
    widget: WidgetConfig,
}

/// What `ferry check` reports about vocabulary coverage ([`CompiledSite::vocabulary_gaps`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VocabularyGaps {
    /// Concepts used by skeletons, and the site languages they have no terms in.
    pub concepts: Vec<(String, Vec<LangCode>)>,
    /// Rules, and the site languages they have no pattern or skeleton in.
    pub rules: Vec<(String, Vec<LangCode>)>,
    /// Words the typo pass can correct to.
    pub dictionary_words: usize,
}

#[derive(Debug)]
pub(crate) struct Rule {
    pub id: String,
    /// Languages this rule has patterns in.
    pub pattern_languages: Vec<LangCode>,
    pub topic: Topic,
    pub priority: i32,
    pub unless: Vec<Regex>,
    pub answer: BTreeMap<LangCode, Vec<Piece>>,
    pub quick_replies: BTreeMap<LangCode, Vec<String>>,
    pub links: Vec<(BTreeMap<LangCode, String>, String)>,
    /// Only for shoppers in these shipping zones (empty: any).
    pub when_zones: Vec<String>,
    /// Only for shoppers whose zone has this duties policy.
    pub when_duties: Option<Duties>,
    /// The size table for `{size.*}`.
    pub size_table: Option<String>,
    /// Some answer text needs the shopper's country / a size the shopper named.
    pub needs_country: bool,
    pub needs_size: bool,
    /// Answer, then hand off as well.
    pub then_handoff: bool,
}

#[derive(Debug)]
pub(crate) struct Handoff {
    pub reply_within_hours: u32,
    pub high_reply_within_hours: u32,
    pub urgent_reply_within_hours: u32,
    pub reply: BTreeMap<LangCode, Vec<Piece>>,
    pub urgent_reply: BTreeMap<LangCode, Vec<Piece>>,
    pub security_reply: BTreeMap<LangCode, Vec<Piece>>,
    pub legal_reply: BTreeMap<LangCode, Vec<Piece>>,
    pub away_reply: BTreeMap<LangCode, Vec<Piece>>,
    pub holiday_reply: BTreeMap<LangCode, Vec<Piece>>,
    pub ask_contact: bool,
    pub ask_order_number: bool,
    pub ask_contact_reply: BTreeMap<LangCode, Vec<Piece>>,
    pub contact_thanks: BTreeMap<LangCode, Vec<Piece>>,
}

impl CompiledSite {
    /// The names of the site's vocabularies (engine's and shop's) with a term in `text`, in
    /// the order they first occur: what a suggested rule skeleton is built from.
    pub fn vocab_hits(&self, text: &str) -> Vec<String> {
        let folded = crate::normalize::fold(text);
        self.concepts.names_found(&self.concepts.find(&folded))
    }

    /// Parses and compiles a site file. `source` is the TOML text.
    pub fn from_toml(source: &str) -> Result<CompiledSite, LoadError> {
        Self::from_toml_marked(source, &mut |_| {})
    }

    /// [`CompiledSite::from_toml`], calling `mark` with the name of each stage as it ends (the
    /// caller reads the clock: `shared::cold`).
    pub fn from_toml_marked(
        source: &str,
        mark: &mut dyn FnMut(&'static str),
    ) -> Result<CompiledSite, LoadError> {
        let file: SiteFile = toml::from_str(source).map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |s| line_col(source, s.start));
            LoadError {
                line,
                column,
                rule: None,
                message: e.message().trim().to_string(),
                more: Vec::new(),
            }
        })?;
        mark("site TOML parsed");
        Loader {
            source,
            mark: std::cell::RefCell::new(mark),
        }
        .compile(file)
    }

    /// What `GET /v1/config` returns for this site, without `status` (which needs the time:
    /// the edge sets it per request from [`CompiledSite::status`]).
    pub fn widget_config(&self) -> &WidgetConfig {
        &self.widget
    }

    /// Whether a person is at the inbox at `now_ms` (epoch ms), and the usual reply time.
    pub fn status(&self, now_ms: i64) -> SiteStatus {
        let away = self.away(now_ms);
        SiteStatus {
            open: away.is_none(),
            away,
            reply_within_hours: self.handoff.reply_within_hours,
        }
    }

    /// `None` when the inbox is staffed at `now_ms`; otherwise why not and when it opens.
    pub fn away(&self, now_ms: i64) -> Option<Away> {
        match self.hours.status(now_ms) {
            crate::hours::Status::Open => None,
            crate::hours::Status::Closed { opens_at } => Some(Away {
                reason: AwayReason::Closed,
                opens_at,
            }),
            crate::hours::Status::Holiday { opens_at } => Some(Away {
                reason: AwayReason::Holiday,
                opens_at,
            }),
        }
    }

    pub fn default_language(&self) -> LangCode {
        self.languages[0]
    }

    /// Per topic that has rules: the languages with patterns and those with answers.
    pub fn coverage(&self) -> Vec<TopicCoverage> {
        let mut out: Vec<TopicCoverage> = Vec::new();
        for rule in &self.rules {
            let i = match out.iter().position(|c| c.topic == rule.topic) {
                Some(i) => i,
                None => {
                    out.push(TopicCoverage {
                        topic: rule.topic,
                        patterns: Vec::new(),
                        answers: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            let row = &mut out[i];
            row.patterns.extend(rule.pattern_languages.iter().copied());
            row.answers.extend(rule.answer.keys().copied());
            row.patterns.sort();
            row.patterns.dedup();
            row.answers.sort();
            row.answers.dedup();
        }
        out.sort_by_key(|c| c.topic);
        out
    }

    /// The concepts the site's skeletons use that lack some of the site's languages, and the
    /// rules without a pattern or skeleton in some site language: (rule, languages).
    pub fn vocabulary_gaps(&self) -> VocabularyGaps {
        VocabularyGaps {
            concepts: self.concepts.gaps(&self.languages),
            rules: self
                .rules
                .iter()
                .filter_map(|r| {
                    let missing: Vec<LangCode> = self
                        .languages
                        .iter()
                        .filter(|l| !r.pattern_languages.contains(l))
                        .copied()
                        .collect();
                    (!missing.is_empty()).then(|| (r.id.clone(), missing))
                })
                .collect(),
            dictionary_words: self.concepts.dictionary_words(),
        }
    }

    /// A destination by name.
    pub fn destination(&self, name: &str) -> Option<&Destination> {
        self.destinations.iter().find(|d| d.name == name)
    }

    /// The confirmation shown once the shopper's email is in, in `language` or along the
    /// fallback chain; `None` when the site does not ask for contacts. `{reply_by}` is the
    /// deadline `reply_by` (epoch ms) as a phrase in the shopper's zone `tz`
    /// ([`crate::hours::for_shopper`]).
    pub fn contact_thanks(
        &self,
        language: &str,
        reply_by: i64,
        now: i64,
        tz: Option<&str>,
    ) -> Option<String> {
        let want = LangCode::parse(language).unwrap_or(self.default_language());
        let (lang, pieces, _) = self.pick(&self.handoff.contact_thanks, want)?;
        let reply_by =
            crate::hours::for_shopper(crate::hours::TimePhrase::By, reply_by, now, tz, lang);
        render::fill(
            pieces,
            &render::Fill {
                shop_name: &self.name,
                support_email: &self.support_email,
                facts: &self.facts,
                lang,
                country: None,
                size_row: None,
                reply_by: Some(&reply_by),
                opens_at: None,
            },
        )
    }

    /// The destinations a handoff with these tags goes to: the first `[[route]]` that
    /// matches (the loader guarantees a catch-all, so never empty).
    pub fn destinations_for(
        &self,
        urgency: crate::wire::Urgency,
        language: &str,
        topic: Topic,
    ) -> Vec<&Destination> {
        let lang = LangCode::parse(language);
        let route = self.routes.iter().find(|r| {
            (r.urgency.is_empty() || r.urgency.contains(&urgency))
                && (r.language.is_empty() || lang.is_some_and(|l| r.language.contains(&l)))
                && (r.topic.is_empty() || r.topic.contains(&topic))
        });
        match route {
            Some(r) => r.to.iter().map(|i| &self.destinations[*i]).collect(),
            None => self.destinations.iter().take(1).collect(),
        }
    }

    /// The text in `want`, else along the site's fallback chain, else in the default language.
    /// The flag says a fallback happened. `None` only for a map the loader would have refused.
    pub(crate) fn pick<'t, T>(
        &self,
        texts: &'t std::collections::BTreeMap<LangCode, T>,
        want: LangCode,
    ) -> Option<(LangCode, &'t T, bool)> {
        let chain = self
            .fallback
            .get(&want)
            .into_iter()
            .flatten()
            .copied()
            .chain(std::iter::once(self.default_language()));
        crate::render::pick(texts, want, chain)
    }

    /// The rule ids in file order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }
}

fn is_css_hex_color(s: &str) -> bool {
    let hex = s.strip_prefix('#').unwrap_or("");
    matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

pub(crate) fn link_for(
    lang: LangCode,
    default: LangCode,
    label: &BTreeMap<LangCode, String>,
    url: &str,
) -> Option<Link> {
    let text = label.get(&lang).or_else(|| label.get(&default))?;
    Some(Link {
        label: text.clone(),
        url: url.to_string(),
    })
}
