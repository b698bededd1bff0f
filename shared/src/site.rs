//! The site file: everything a support lead edits, as TOML, and its compiled form.
//!
//! Loading checks everything that could go wrong at request time (bad regexes, unknown
//! topics, languages or placeholders, duplicate ids), so that a [`CompiledSite`] never fails
//! while routing. Errors name the line, the column, the rule and what to fix.

use std::collections::BTreeMap;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::facts::{self, Duties, Facts, FactsFile, Piece, Slot};
use crate::guard::{self, Limits, Turnstile};
use crate::hours::BusinessHours;
use crate::lang::LangCode;
use crate::lexicon::SmallTalk;
use crate::normalize::{ascii_word_boundaries, fold_pattern};
use crate::topic::Topic;
use crate::wire::{Away, AwayReason, Colors, Link, SiteStatus, WIRE_VERSION, WidgetConfig};

/// Largest compiled size of one pattern, in bytes of regex program.
const PATTERN_SIZE_LIMIT: usize = 256 * 1024;
/// Ceiling of the pattern set's lazy DFA cache.
const DFA_CACHE_LIMIT: usize = 32 * 1024 * 1024;
/// Largest compiled size of the whole pattern set.
const SET_SIZE_LIMIT: usize = 64 * 1024 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteFile {
    site: SiteSection,
    #[serde(default)]
    widget: WidgetSection,
    handoff: HandoffSection,
    #[serde(default)]
    hours: Option<Spanned<HoursFile>>,
    #[serde(default)]
    facts: Option<Spanned<FactsFile>>,
    #[serde(default, rename = "rule")]
    rules: Vec<RuleFile>,
    #[serde(default, rename = "destination")]
    destinations: Vec<DestinationFile>,
    #[serde(default, rename = "route")]
    routes: Vec<RouteFile>,
    #[serde(default)]
    limits: Option<LimitsFile>,
    #[serde(default)]
    turnstile: Option<TurnstileFile>,
    /// The site's own answers to small talk: `[smalltalk.greeting] en = "…"` (kinds: greeting,
    /// thanks, goodbye, presence, bot). The engine answers in every language it knows otherwise.
    #[serde(default)]
    smalltalk: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>,
}

/// Abuse limits: `[limits]`. Everything is optional; see [`Limits::default`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    /// Messages per conversation per 10 s (one of [`guard::BURST_TIERS`]).
    #[serde(default)]
    messages_per_conversation: Option<Spanned<u32>>,
    /// Messages per client address per 10 s, across its conversations.
    #[serde(default)]
    messages_per_address: Option<Spanned<u32>>,
    /// New handoffs per client address per `handoff_window_hours` (exact).
    #[serde(default)]
    handoffs_per_address: Option<Spanned<u32>>,
    #[serde(default)]
    handoff_window_hours: Option<Spanned<u32>>,
}

/// A Cloudflare Turnstile challenge before a handoff: `[turnstile]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TurnstileFile {
    /// The public site key, or `var:NAME` (unset or empty there: no challenge).
    site_key: Spanned<String>,
    /// The Worker secret with the secret key (`wrangler secret put NAME`).
    secret: Spanned<String>,
}

/// Where handoffs go: `[[destination]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DestinationFile {
    name: Spanned<String>,
    /// `https://…`, or `var:NAME` to read the URL from the Worker's variable NAME (so the
    /// same site file serves local runs and production).
    url: Spanned<String>,
    /// `json` (the handoff payload) or `slack` (Block Kit). Default `json`.
    #[serde(default)]
    format: Option<Spanned<String>>,
    /// The Worker secret holding this destination's `whsec_…` signing key(s).
    #[serde(default)]
    secret: Option<Spanned<String>>,
}

/// Which destinations a handoff goes to: `[[route]]`, first match wins.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteFile {
    to: Vec<Spanned<String>>,
    #[serde(default)]
    urgency: Vec<Spanned<String>>,
    #[serde(default)]
    language: Vec<Spanned<String>>,
    #[serde(default)]
    topic: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteSection {
    id: Spanned<String>,
    name: String,
    support_email: String,
    /// Languages the site answers in; the first is the default.
    languages: Spanned<Vec<Spanned<String>>>,
    /// Where to look when a text is missing in a language, before the default:
    /// `fallback.pt = ["es"]`.
    #[serde(default)]
    fallback: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Days a conversation is kept after its last message (default 30).
    #[serde(default)]
    retention_days: Option<Spanned<u32>>,
    /// Storefront origins whose pages may call the chat API (`https://shop.example`, exact
    /// scheme, host and port). The Worker's own origin is always allowed.
    #[serde(default)]
    origins: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WidgetSection {
    #[serde(default = "default_brand")]
    brand_color: Spanned<String>,
    #[serde(default = "default_on_brand")]
    on_brand_color: Spanned<String>,
    #[serde(default)]
    greeting: BTreeMap<Spanned<String>, String>,
    #[serde(default)]
    quick_replies: BTreeMap<Spanned<String>, Vec<String>>,
    /// Hosts answers may link to besides those of the rules' and facts' links:
    /// `link_hosts = ["help.kestrel.example"]` (host names only, lower case).
    #[serde(default)]
    link_hosts: Vec<Spanned<String>>,
}

impl Default for WidgetSection {
    fn default() -> Self {
        WidgetSection {
            brand_color: default_brand(),
            on_brand_color: default_on_brand(),
            greeting: BTreeMap::new(),
            quick_replies: BTreeMap::new(),
            link_hosts: Vec::new(),
        }
    }
}

fn default_brand() -> Spanned<String> {
    Spanned::new(0..0, "#1f6feb".into())
}

fn default_on_brand() -> Spanned<String> {
    Spanned::new(0..0, "#ffffff".into())
}

/// When people answer: `[hours]`. Without it the inbox counts as staffed around the clock.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HoursFile {
    /// IANA name, e.g. `Europe/Amsterdam`.
    time_zone: String,
    /// Weekday → `"09:00-18:00"` (several ranges with commas; absent or `"closed"`: closed).
    open: BTreeMap<String, String>,
    /// Local dates closed all day: `["2026-12-25"]`.
    #[serde(default)]
    holidays: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HandoffSection {
    /// Business hours until a person replies to a `low` or `normal` handoff.
    reply_within_hours: u32,
    /// Business hours for a `high` handoff (default: `reply_within_hours`).
    #[serde(default)]
    high_reply_within_hours: Option<u32>,
    /// Calendar hours for an `urgent` handoff: someone is on call.
    urgent_reply_within_hours: u32,
    /// What the shopper reads when a person takes over, per language.
    reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// The safety-intake reply for urgent handoffs, per language.
    #[serde(default)]
    urgent_reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// The reply to an account-security alarm (default: `reply`).
    #[serde(default)]
    security_reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// The reply to a legal threat (default: `reply`).
    #[serde(default)]
    legal_reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Added to the reply outside business hours (`{opens_at}`, `{reply_by}`).
    #[serde(default)]
    away_reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Added instead of `away_reply` on a holiday (default: `away_reply`).
    #[serde(default)]
    holiday_reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Ask for an email (when the shopper has not given one) before the ticket is final.
    #[serde(default)]
    ask_contact: bool,
    /// Ask for the order number as well (optional for the shopper).
    #[serde(default)]
    ask_order_number: bool,
    /// How long a handoff waits for the email before it goes to the team without one.
    #[serde(default)]
    contact_wait_minutes: Option<Spanned<u32>>,
    /// Added to the reply when asking for the email.
    #[serde(default)]
    ask_contact_reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// The confirmation once the email is in.
    #[serde(default)]
    contact_thanks: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: Spanned<String>,
    topic: Spanned<String>,
    #[serde(default)]
    priority: i32,
    patterns: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    answer: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    quick_replies: BTreeMap<Spanned<String>, Vec<String>>,
    #[serde(default)]
    links: Vec<LinkFile>,
    /// Conditions on the shopper's shipping zone: `when.zones = ["EU"]`, `when.duties = "DAP"`.
    #[serde(default)]
    when: Option<WhenFile>,
    /// The size table `{size.*}` placeholders convert with.
    #[serde(default)]
    sizes: Option<Spanned<String>>,
    /// `"handoff"`: answer, and still hand the conversation to a person.
    #[serde(default)]
    then: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenFile {
    #[serde(default)]
    zones: Vec<Spanned<String>>,
    #[serde(default)]
    duties: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkFile {
    label: BTreeMap<Spanned<String>, String>,
    url: Spanned<String>,
}

/// A handoff destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub name: String,
    pub url: UrlSource,
    pub format: Format,
    /// Name of the Worker secret with the signing key(s); `None`: deliveries are unsigned.
    pub secret: Option<String>,
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

/// A site file that failed to load: where, which rule, and what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// 1-based; 0 when the problem has no single place in the file.
    pub line: usize,
    pub column: usize,
    pub rule: Option<String>,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}, column {}: ", self.line, self.column)?;
        }
        if let Some(rule) = &self.rule {
            write!(f, "rule `{rule}`: ")?;
        }
        f.write_str(&self.message)
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
    /// Parses and compiles a site file. `source` is the TOML text.
    pub fn from_toml(source: &str) -> Result<CompiledSite, LoadError> {
        let file: SiteFile = toml::from_str(source).map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |s| line_col(source, s.start));
            LoadError {
                line,
                column,
                rule: None,
                message: e.message().trim().to_string(),
            }
        })?;
        Loader { source }.compile(file)
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

    /// A destination by name.
    pub fn destination(&self, name: &str) -> Option<&Destination> {
        self.destinations.iter().find(|d| d.name == name)
    }

    /// The confirmation shown once the shopper's email is in, in `language` or along the
    /// fallback chain; `None` when the site does not ask for contacts. `{reply_by}` is
    /// `reply_by` (epoch ms) in the shopper's zone `tz`.
    pub fn contact_thanks(
        &self,
        language: &str,
        reply_by: i64,
        now: i64,
        tz: Option<&str>,
    ) -> Option<String> {
        let want = LangCode::parse(language).unwrap_or(self.default_language());
        let (lang, pieces, _) = crate::router::pick(self, &self.handoff.contact_thanks, want)?;
        let reply_by = crate::hours::format_for_shopper(reply_by, now, tz, lang);
        facts::fill(
            pieces,
            &facts::Fill {
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

    /// The rule ids in file order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }
}

struct Loader<'s> {
    source: &'s str,
}

impl Loader<'_> {
    fn err<T>(
        &self,
        span: std::ops::Range<usize>,
        rule: Option<&str>,
        message: String,
    ) -> Result<T, LoadError> {
        let (line, column) = if span.is_empty() && span.start == 0 {
            (0, 0)
        } else {
            line_col(self.source, span.start)
        };
        Err(LoadError {
            line,
            column,
            rule: rule.map(str::to_string),
            message,
        })
    }

    fn compile(&self, file: SiteFile) -> Result<CompiledSite, LoadError> {
        let site_id = file.site.id.get_ref().clone();
        if site_id.is_empty()
            || !site_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return self.err(
                file.site.id.span(),
                None,
                "site id must be ASCII letters, digits, `-` or `_`".into(),
            );
        }
        if file.site.languages.get_ref().is_empty() {
            return self.err(
                file.site.languages.span(),
                None,
                "`languages` must name at least one language; the first is the default".into(),
            );
        }
        let mut languages = Vec::new();
        for code in file.site.languages.get_ref() {
            let lang = self.lang(code, None)?;
            if languages.contains(&lang) {
                return self.err(
                    code.span(),
                    None,
                    format!("language `{lang}` is listed twice"),
                );
            }
            languages.push(lang);
        }
        let site_lang = |code: &Spanned<String>,
                         rule: Option<&str>|
         -> Result<LangCode, LoadError> {
            let lang = self.lang(code, rule)?;
            if !languages.contains(&lang) {
                return self.err(
                    code.span(),
                    rule,
                    format!("language `{lang}` is not in [site] languages; add it there or remove this entry"),
                );
            }
            Ok(lang)
        };
        let texts = |map: BTreeMap<Spanned<String>, String>,
                     rule: Option<&str>|
         -> Result<BTreeMap<LangCode, String>, LoadError> {
            map.into_iter()
                .map(|(k, v)| Ok((site_lang(&k, rule)?, v)))
                .collect()
        };
        for color in [&file.widget.brand_color, &file.widget.on_brand_color] {
            if !is_css_hex_color(color.get_ref()) {
                return self.err(
                    color.span(),
                    None,
                    format!(
                        "`{}` is not a colour; write it as #rgb or #rrggbb",
                        color.get_ref()
                    ),
                );
            }
        }

        let facts = match file.facts {
            Some(spanned) => {
                let span = spanned.span();
                Facts::compile(spanned.into_inner()).or_else(|e| self.err(span, None, e))?
            }
            None => Facts::default(),
        };
        // Hosts links in answers may point to: every https link in the file, plus [widget]
        // link_hosts. The widget drops links to anywhere else.
        let mut hosts: Vec<String> = facts.links.values().filter_map(|u| https_host(u)).collect();
        let hours = match file.hours {
            Some(spanned) => {
                let span = spanned.span();
                let h = spanned.into_inner();
                BusinessHours::parse(&h.time_zone, &h.open, &h.holidays)
                    .or_else(|e| self.err(span, None, format!("[hours] {e}")))?
            }
            None => BusinessHours::always_open(),
        };
        let mut handoff_texts = |section: &str,
                                 map: BTreeMap<Spanned<String>, Spanned<String>>,
                                 required: bool|
         -> Result<BTreeMap<LangCode, Vec<Piece>>, LoadError> {
            let mut out = BTreeMap::new();
            for (lang, text) in map {
                let code = site_lang(&lang, None)?;
                self.inline_links(&text, None, &format!("[{section}] {code}"), &mut hosts)?;
                let pieces = facts::parse_template(text.get_ref(), &facts, None)
                    .or_else(|e| self.err(text.span(), None, format!("[{section}] {code}: {e}")))?;
                if let Some(slot) = pieces.iter().find_map(|p| match p {
                    Piece::Slot(slot) if slot.needs_country() || matches!(slot, Slot::Size(_)) => {
                        Some(slot)
                    }
                    _ => None,
                }) {
                    return self.err(
                        text.span(),
                        None,
                        format!("[{section}] {code}: {slot:?} depends on the question; handoff texts can use shop.name, support.email, links.<name>, returns.days, warranty.months, reply_by and opens_at (small-talk texts the same, without reply_by and opens_at)"),
                    );
                }
                out.insert(code, pieces);
            }
            if (required || !out.is_empty()) && !out.contains_key(&languages[0]) {
                return self.err(
                    0..0,
                    None,
                    format!(
                        "[{section}] needs a text in the default language `{}`",
                        languages[0]
                    ),
                );
            }
            Ok(out)
        };
        let handoff = Handoff {
            reply_within_hours: file.handoff.reply_within_hours,
            high_reply_within_hours: file
                .handoff
                .high_reply_within_hours
                .unwrap_or(file.handoff.reply_within_hours),
            urgent_reply_within_hours: file.handoff.urgent_reply_within_hours,
            reply: handoff_texts("handoff.reply", file.handoff.reply, true)?,
            urgent_reply: handoff_texts("handoff.urgent_reply", file.handoff.urgent_reply, false)?,
            security_reply: handoff_texts(
                "handoff.security_reply",
                file.handoff.security_reply,
                false,
            )?,
            legal_reply: handoff_texts("handoff.legal_reply", file.handoff.legal_reply, false)?,
            away_reply: handoff_texts("handoff.away_reply", file.handoff.away_reply, false)?,
            holiday_reply: handoff_texts(
                "handoff.holiday_reply",
                file.handoff.holiday_reply,
                false,
            )?,
            ask_contact: file.handoff.ask_contact,
            ask_order_number: file.handoff.ask_order_number,
            ask_contact_reply: handoff_texts(
                "handoff.ask_contact_reply",
                file.handoff.ask_contact_reply,
                file.handoff.ask_contact,
            )?,
            contact_thanks: handoff_texts(
                "handoff.contact_thanks",
                file.handoff.contact_thanks,
                file.handoff.ask_contact,
            )?,
        };
        let mut small_talk = BTreeMap::new();
        for (kind, texts) in file.smalltalk {
            let Some(k) = SmallTalk::parse(kind.get_ref()) else {
                let known: Vec<_> = SmallTalk::ALL.iter().map(|k| k.as_str()).collect();
                return self.err(
                    kind.span(),
                    None,
                    format!(
                        "[smalltalk.{}] is not a kind of small talk; use one of: {}",
                        kind.get_ref(),
                        known.join(", ")
                    ),
                );
            };
            let section = format!("smalltalk.{}", k.as_str());
            small_talk.insert(k, handoff_texts(&section, texts, false)?);
        }
        let retention_days = match file.site.retention_days {
            Some(days) if !(1..=3650).contains(days.get_ref()) => {
                return self.err(
                    days.span(),
                    None,
                    format!(
                        "retention_days = {}: keep conversations between 1 and 3650 days",
                        days.get_ref()
                    ),
                );
            }
            Some(days) => *days.get_ref(),
            None => DEFAULT_RETENTION_DAYS,
        };
        let contact_wait_secs = match file.handoff.contact_wait_minutes {
            Some(m) if !(1..=720).contains(m.get_ref()) => {
                return self.err(
                    m.span(),
                    None,
                    format!(
                        "contact_wait_minutes = {}: wait between 1 and 720 minutes (a queue delay is at most 12 hours)",
                        m.get_ref()
                    ),
                );
            }
            Some(m) => m.get_ref() * 60,
            None => DEFAULT_CONTACT_WAIT_MINUTES * 60,
        };

        let mut origins = Vec::new();
        for origin in &file.site.origins {
            match guard::normalize_origin(origin.get_ref()) {
                Some(o) if !origins.contains(&o) => origins.push(o),
                Some(o) => {
                    return self.err(origin.span(), None, format!("origin `{o}` is listed twice"));
                }
                None => {
                    return self.err(
                        origin.span(),
                        None,
                        format!(
                            "`{}` is not an origin; write scheme, host and port only, e.g. \"https://shop.example\" (no path)",
                            origin.get_ref()
                        ),
                    );
                }
            }
        }
        let limits = self.limits(file.limits)?;
        let turnstile = match file.turnstile {
            None => None,
            Some(t) => {
                let key = t.site_key.get_ref().trim();
                let var_ok = |name: &str| {
                    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                };
                let key_ok = match key.strip_prefix("var:") {
                    Some(name) => var_ok(name),
                    None => {
                        !key.is_empty() && key.len() <= 128 && !key.contains(char::is_whitespace)
                    }
                };
                if !key_ok {
                    return self.err(
                        t.site_key.span(),
                        None,
                        "site_key: the Turnstile site key (e.g. \"0x4AAAAAAA…\") or `var:NAME` for a Worker variable".into(),
                    );
                }
                if !var_ok(t.secret.get_ref()) {
                    return self.err(
                        t.secret.span(),
                        None,
                        "secret: the NAME of the Worker secret holding the Turnstile secret key (letters, digits, `_`), never the key itself".into(),
                    );
                }
                Some(Turnstile {
                    site_key: key.to_string(),
                    secret: t.secret.into_inner(),
                })
            }
        };

        let mut fallback = BTreeMap::new();
        for (lang, chain) in &file.site.fallback {
            let from = site_lang(lang, None)?;
            let to = chain
                .iter()
                .map(|l| site_lang(l, None))
                .collect::<Result<Vec<_>, _>>()?;
            fallback.insert(from, to);
        }

        let mut rules = Vec::new();
        let mut sources = Vec::new();
        let mut pattern_rule = Vec::new();
        let mut unicode_sources: Vec<String> = Vec::new();
        let mut unicode_pattern_rule = Vec::new();
        for rule in file.rules {
            let id = rule.id.get_ref().clone();
            let rid = Some(id.as_str());
            if id.is_empty() {
                return self.err(rule.id.span(), None, "rule id must not be empty".into());
            }
            if rules.iter().any(|r: &Rule| r.id == id) {
                return self.err(
                    rule.id.span(),
                    rid,
                    "duplicate rule id; every rule needs its own".into(),
                );
            }
            let topic = Topic::parse(rule.topic.get_ref()).map_or_else(
                || {
                    let names: Vec<_> = Topic::ALL.iter().map(|t| t.as_str()).collect();
                    self.err(
                        rule.topic.span(),
                        rid,
                        format!(
                            "unknown topic `{}`; use one of: {}",
                            rule.topic.get_ref(),
                            names.join(", ")
                        ),
                    )
                },
                Ok,
            )?;
            if rule.patterns.is_empty() {
                return self.err(
                    rule.id.span(),
                    rid,
                    "a rule needs at least one pattern".into(),
                );
            }
            let mut pattern_languages = Vec::new();
            for (lang, pats) in &rule.patterns {
                pattern_languages.push(site_lang(lang, rid)?);
                for pat in pats {
                    self.regex(pat, rid)?;
                    let (source, unicode) = ascii_word_boundaries(&fold_pattern(pat.get_ref()));
                    if unicode {
                        unicode_sources.push(source);
                        unicode_pattern_rule.push(rules.len());
                    } else {
                        sources.push(source);
                        pattern_rule.push(rules.len());
                    }
                }
            }
            let unless = rule
                .unless
                .iter()
                .map(|p| self.regex(p, rid))
                .collect::<Result<Vec<_>, _>>()?;
            let size_table = match &rule.sizes {
                Some(name) => match facts.sizes.get(name.get_ref()) {
                    Some(table) => Some((name.get_ref().clone(), table)),
                    None => {
                        let known: Vec<_> = facts.sizes.keys().map(String::as_str).collect();
                        return self.err(
                            name.span(),
                            rid,
                            format!(
                                "no size table `{}` in [facts.sizes] (there are: {})",
                                name.get_ref(),
                                known.join(", ")
                            ),
                        );
                    }
                },
                None => None,
            };
            let mut answer = BTreeMap::new();
            let (mut needs_country, mut needs_size) = (false, false);
            for (lang, text) in &rule.answer {
                let code = site_lang(lang, rid)?;
                self.inline_links(text, rid, &format!("answer.{code}"), &mut hosts)?;
                let pieces = facts::parse_template(
                    text.get_ref(),
                    &facts,
                    size_table.as_ref().map(|(_, t)| *t),
                )
                .or_else(|e| self.err(text.span(), rid, format!("answer.{code}: {e}")))?;
                for piece in &pieces {
                    if let Piece::Slot(slot @ (Slot::ReplyBy | Slot::OpensAt)) = piece {
                        let name = if matches!(slot, Slot::ReplyBy) {
                            "reply_by"
                        } else {
                            "opens_at"
                        };
                        return self.err(
                            text.span(),
                            rid,
                            format!("answer.{code}: `{{{name}}}` belongs in [handoff] texts, where a person takes over"),
                        );
                    }
                    if let Piece::Slot(slot) = piece {
                        needs_country |= slot.needs_country();
                        needs_size |= matches!(slot, facts::Slot::Size(_));
                    }
                }
                answer.insert(code, pieces);
            }
            let mut when_zones = Vec::new();
            let mut when_duties = None;
            if let Some(when) = &rule.when {
                for zone in &when.zones {
                    if !facts.zones.iter().any(|z| &z.name == zone.get_ref()) {
                        let known: Vec<_> = facts.zones.iter().map(|z| z.name.as_str()).collect();
                        return self.err(
                            zone.span(),
                            rid,
                            format!(
                                "unknown shipping zone `{}` (there are: {})",
                                zone.get_ref(),
                                known.join(", ")
                            ),
                        );
                    }
                    when_zones.push(zone.get_ref().clone());
                }
                if let Some(d) = &when.duties {
                    when_duties = Some(Duties::parse(d.get_ref()).map_or_else(
                        || {
                            self.err(
                                d.span(),
                                rid,
                                "when.duties must be \"DDP\" or \"DAP\"".into(),
                            )
                        },
                        Ok,
                    )?);
                }
                needs_country |= !when_zones.is_empty() || when_duties.is_some();
            }
            let then_handoff = match &rule.then {
                None => false,
                Some(t) if t.get_ref() == "handoff" => true,
                Some(t) => {
                    return self.err(
                        t.span(),
                        rid,
                        format!(
                            "then = \"{}\": the only follow-up is \"handoff\"",
                            t.get_ref()
                        ),
                    );
                }
            };
            if !answer.contains_key(&languages[0]) {
                return self.err(
                    rule.id.span(),
                    rid,
                    format!("needs an answer in the default language `{}`", languages[0]),
                );
            }
            let quick_replies = rule
                .quick_replies
                .into_iter()
                .map(|(k, v)| Ok((site_lang(&k, rid)?, v)))
                .collect::<Result<_, LoadError>>()?;
            let mut links = Vec::new();
            for link in rule.links {
                let Some(host) = https_host(link.url.get_ref()) else {
                    return self.err(
                        link.url.span(),
                        rid,
                        "links must be https:// URLs with a host, e.g. https://shop.example/returns".into(),
                    );
                };
                hosts.push(host);
                links.push((texts(link.label, rid)?, link.url.into_inner()));
            }
            rules.push(Rule {
                id,
                pattern_languages,
                topic,
                priority: rule.priority,
                unless,
                answer,
                quick_replies,
                links,
                when_zones,
                when_duties,
                size_table: size_table.map(|(name, _)| name),
                needs_country,
                needs_size,
                then_handoff,
            });
        }
        let set = |sources: &[String]| {
            RegexSetBuilder::new(sources)
                .case_insensitive(true)
                .size_limit(SET_SIZE_LIMIT)
                // A rule pack has thousands of patterns; with the default 2 MB lazy-DFA cache
                // the set keeps rebuilding states (~2.8 ms a message). The cache only grows as
                // needed.
                .dfa_size_limit(DFA_CACHE_LIMIT)
                .build()
                .or_else(|e| {
                    self.err(
                        0..0,
                        None,
                        format!("the rules' patterns together are too large to compile: {e}"),
                    )
                })
        };
        let patterns = set(&sources)?;
        let unicode_patterns = set(&unicode_sources)?;

        let (destinations, routes) = self.handoff_routing(file.destinations, file.routes)?;

        for host in &file.widget.link_hosts {
            if let Err(why) = check_host(host.get_ref()) {
                return self.err(
                    host.span(),
                    None,
                    format!("[widget] link_hosts: `{}` {why}", host.get_ref()),
                );
            }
            hosts.push(host.get_ref().clone());
        }
        hosts.sort();
        hosts.dedup();

        let widget = WidgetConfig {
            v: WIRE_VERSION,
            site: site_id.clone(),
            shop_name: file.site.name.clone(),
            greeting: file
                .widget
                .greeting
                .into_iter()
                .map(|(k, v)| Ok((site_lang(&k, None)?.to_string(), v)))
                .collect::<Result<_, LoadError>>()?,
            quick_replies: file
                .widget
                .quick_replies
                .into_iter()
                .map(|(k, v)| Ok((site_lang(&k, None)?.to_string(), v)))
                .collect::<Result<_, LoadError>>()?,
            colors: Colors {
                brand: file.widget.brand_color.into_inner(),
                on_brand: file.widget.on_brand_color.into_inner(),
            },
            languages: languages.iter().map(|l| l.to_string()).collect(),
            support_email: file.site.support_email.clone(),
            link_hosts: hosts,
            status: None,
            turnstile_site_key: None,
        };
        let detect_order = languages
            .iter()
            .take(1)
            .chain(
                LangCode::ALL
                    .iter()
                    .filter(|l| Some(*l) != languages.first()),
            )
            .copied()
            .collect();
        Ok(CompiledSite {
            id: site_id,
            name: file.site.name,
            support_email: file.site.support_email,
            languages,
            rules,
            patterns,
            pattern_rule,
            unicode_patterns,
            unicode_pattern_rule,
            handoff,
            hours,
            retention_days,
            contact_wait_secs,
            facts,
            destinations,
            origins,
            limits,
            turnstile,
            routes,
            fallback,
            detect_order,
            small_talk,
            widget,
        })
    }

    fn limits(&self, file: Option<LimitsFile>) -> Result<Limits, LoadError> {
        let mut limits = Limits::default();
        let Some(file) = file else {
            return Ok(limits);
        };
        let tiers = guard::BURST_TIERS
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        for (name, value, slot) in [
            (
                "messages_per_conversation",
                file.messages_per_conversation,
                &mut limits.messages_per_conversation,
            ),
            (
                "messages_per_address",
                file.messages_per_address,
                &mut limits.messages_per_address,
            ),
        ] {
            if let Some(v) = value {
                if !guard::BURST_TIERS.contains(v.get_ref()) {
                    return self.err(
                        v.span(),
                        None,
                        format!(
                            "{name} = {}: burst limits count per {} s and come in steps the rate limiter offers: {tiers}",
                            v.get_ref(),
                            guard::BURST_WINDOW_SECS
                        ),
                    );
                }
                *slot = *v.get_ref();
            }
        }
        if let Some(v) = file.handoffs_per_address {
            if !(1..=guard::MAX_HANDOFFS_PER_ADDRESS).contains(v.get_ref()) {
                return self.err(
                    v.span(),
                    None,
                    format!(
                        "handoffs_per_address = {}: allow between 1 and {} new handoffs per address and window",
                        v.get_ref(),
                        guard::MAX_HANDOFFS_PER_ADDRESS
                    ),
                );
            }
            limits.handoffs_per_address = *v.get_ref();
        }
        if let Some(v) = file.handoff_window_hours {
            if !(1..=guard::MAX_HANDOFF_WINDOW_HOURS).contains(v.get_ref()) {
                return self.err(
                    v.span(),
                    None,
                    format!(
                        "handoff_window_hours = {}: a window between 1 and {} hours",
                        v.get_ref(),
                        guard::MAX_HANDOFF_WINDOW_HOURS
                    ),
                );
            }
            limits.handoff_window_secs = v.get_ref() * 3600;
        }
        Ok(limits)
    }

    fn handoff_routing(
        &self,
        files: Vec<DestinationFile>,
        route_files: Vec<RouteFile>,
    ) -> Result<(Vec<Destination>, Vec<Route>), LoadError> {
        if files.is_empty() {
            if let Some(r) = route_files.first() {
                let span = r.to.first().map_or(0..0, Spanned::span);
                return self.err(
                    span,
                    None,
                    "[[route]] needs [[destination]] entries to send to".into(),
                );
            }
            let default = Destination {
                name: DEFAULT_DESTINATION.into(),
                url: UrlSource::Var("WEBHOOK_URL".into()),
                format: Format::Json,
                secret: Some("WEBHOOK_SECRET".into()),
            };
            return Ok((
                vec![default],
                vec![Route {
                    to: vec![0],
                    urgency: vec![],
                    language: vec![],
                    topic: vec![],
                }],
            ));
        }
        let var_name = |n: &str| {
            !n.is_empty()
                && n.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        };
        let mut destinations: Vec<Destination> = Vec::new();
        for d in files {
            let name = d.name.get_ref().clone();
            if destinations.iter().any(|x| x.name == name) {
                return self.err(
                    d.name.span(),
                    None,
                    format!("two destinations are named `{name}`"),
                );
            }
            let url = match d.url.get_ref().strip_prefix("var:") {
                Some(var) if var_name(var) => UrlSource::Var(var.to_string()),
                Some(_) => {
                    return self.err(
                        d.url.span(),
                        None,
                        "`var:` must name a Worker variable in CAPITALS, e.g. var:HELPDESK_URL"
                            .into(),
                    );
                }
                None if d.url.get_ref().starts_with("https://") => {
                    UrlSource::Literal(d.url.get_ref().clone())
                }
                None => {
                    return self.err(
                        d.url.span(),
                        None,
                        "destination url must be https://… or var:NAME (a Worker variable)".into(),
                    );
                }
            };
            let format = match d.format.as_ref().map(|f| f.get_ref().as_str()) {
                None | Some("json") => Format::Json,
                Some("slack") => Format::Slack,
                Some(other) => {
                    let span = d.format.as_ref().map_or(0..0, Spanned::span);
                    return self.err(
                        span,
                        None,
                        format!("format `{other}`: use \"json\" or \"slack\""),
                    );
                }
            };
            let secret = match d.secret {
                Some(s) if var_name(s.get_ref()) => Some(s.into_inner()),
                Some(s) => return self.err(s.span(), None, "secret must name a Worker secret in CAPITALS (set it with `wrangler secret put NAME`)".into()),
                None => None,
            };
            destinations.push(Destination {
                name,
                url,
                format,
                secret,
            });
        }
        let mut routes = Vec::new();
        for r in route_files {
            let mut to = Vec::new();
            for name in &r.to {
                let i = destinations
                    .iter()
                    .position(|d| &d.name == name.get_ref())
                    .map_or_else(
                        || {
                            self.err(
                                name.span(),
                                None,
                                format!("no [[destination]] named `{}`", name.get_ref()),
                            )
                        },
                        Ok,
                    )?;
                to.push(i);
            }
            if to.is_empty() {
                return self.err(
                    0..0,
                    None,
                    "a [[route]] needs `to = [\"destination\", …]`".into(),
                );
            }
            let urgency =
                r.urgency
                    .iter()
                    .map(|u| {
                        serde_json::from_value(serde_json::Value::String(u.get_ref().clone()))
                            .or_else(|_| {
                                self.err(
                                    u.span(),
                                    None,
                                    format!(
                                        "urgency `{}`: use low, normal, high or urgent",
                                        u.get_ref()
                                    ),
                                )
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
            let language = r
                .language
                .iter()
                .map(|l| self.lang(l, None))
                .collect::<Result<Vec<_>, _>>()?;
            let topic = r
                .topic
                .iter()
                .map(|t| {
                    Topic::parse(t.get_ref()).map_or_else(
                        || self.err(t.span(), None, format!("unknown topic `{}`", t.get_ref())),
                        Ok,
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            routes.push(Route {
                to,
                urgency,
                language,
                topic,
            });
        }
        if !routes
            .iter()
            .any(|r| r.urgency.is_empty() && r.language.is_empty() && r.topic.is_empty())
        {
            return self.err(0..0, None, "add a catch-all [[route]] (only `to = [...]`) so that no handoff is left without a destination".into());
        }
        Ok((destinations, routes))
    }

    /// Checks the `[label](url)` links of a shopper-facing text: the url must be https (or a
    /// `{links.name}` placeholder, whose facts link is). Collects their hosts. An error points
    /// at the url itself when it can be found in the file.
    fn inline_links(
        &self,
        text: &Spanned<String>,
        rule: Option<&str>,
        what: &str,
        hosts: &mut Vec<String>,
    ) -> Result<(), LoadError> {
        let span = text.span();
        let raw = self.source.get(span.clone()).unwrap_or("");
        let mut cursor = 0;
        for (label, url) in markup_links(text.get_ref()) {
            let at = raw[cursor..].find(url).map(|i| cursor + i);
            if let Some(at) = at {
                cursor = at + url.len();
            }
            let url = url.trim();
            let placeholder = url
                .strip_prefix("{links.")
                .and_then(|rest| rest.strip_suffix('}'))
                .is_some_and(|name| !name.is_empty() && !name.contains(['{', '}']));
            if placeholder {
                continue;
            }
            match https_host(url) {
                Some(host) => hosts.push(host),
                None => {
                    let start = at.map_or(span.start, |at| span.start + at);
                    return self.err(
                        start..start + url.len().max(1),
                        rule,
                        format!(
                            "{what}: the link [{label}]({url}) must point to an https:// URL (or {{links.name}})"
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    fn lang(&self, code: &Spanned<String>, rule: Option<&str>) -> Result<LangCode, LoadError> {
        LangCode::parse(code.get_ref()).map_or_else(
            || {
                let known: Vec<_> = LangCode::ALL.iter().map(|l| l.as_str()).collect();
                self.err(
                    code.span(),
                    rule,
                    format!(
                        "unknown language code `{}`; use one of: {}",
                        code.get_ref(),
                        known.join(", ")
                    ),
                )
            },
            Ok,
        )
    }

    fn regex(&self, pattern: &Spanned<String>, rule: Option<&str>) -> Result<Regex, LoadError> {
        RegexBuilder::new(&fold_pattern(pattern.get_ref()))
            .case_insensitive(true)
            .size_limit(PATTERN_SIZE_LIMIT)
            .build()
            .or_else(|e| {
                let why = match e {
                    regex::Error::CompiledTooBig(limit) => {
                        format!("pattern is too big (compiled size over {limit} bytes); split it or remove repetition")
                    }
                    other => format!("pattern does not compile: {}", other.to_string().lines().last().unwrap_or("invalid")),
                };
                self.err(pattern.span(), rule, why)
            })
    }
}

/// The `[label](target)` links of an answer's markup, as the widget renders them: the label
/// and the target, each on one line.
fn markup_links(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(mid) = text[from..].find("](").map(|i| from + i) {
        let target = mid + 2;
        let open = text[..mid]
            .rfind(['[', ']', '\n'])
            .filter(|&i| text.as_bytes()[i] == b'[');
        let close = text[target..]
            .find([')', '\n'])
            .map(|i| target + i)
            .filter(|&i| text.as_bytes()[i] == b')');
        match (open, close) {
            (Some(open), Some(close)) => {
                out.push((&text[open + 1..mid], &text[target..close]));
                from = close + 1;
            }
            _ => from = target,
        }
    }
    out
}

/// The host of an `https://` URL, lower case, without port; `None` when the URL is not https,
/// has no valid host name, or has user info (`https://shop.example@elsewhere.example` goes to
/// `elsewhere.example`; the widget refuses such links).
pub(crate) fn https_host(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.contains(['@', '\\']) {
        return None;
    }
    let host = authority.split(':').next()?.to_ascii_lowercase();
    check_host(&host).ok()?;
    Some(host)
}

/// A lower-case host name: dot-separated labels of letters, digits and `-`.
fn check_host(host: &str) -> Result<(), &'static str> {
    if host.is_empty() {
        return Err("is empty; write a host name such as help.kestrel.example");
    }
    if host.contains("://") {
        return Err(
            "is a URL; write the host name only, e.g. kestrel.example for https://kestrel.example/help",
        );
    }
    if host.contains('/') {
        return Err("has a path; write the host name only, e.g. kestrel.example");
    }
    if host.contains(':') {
        return Err("has a port; write the host name only (links are https on the usual port)");
    }
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("must be written in lower case");
    }
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if host.len() > 253 || !host.split('.').all(label_ok) {
        return Err(
            "is not a host name (letters, digits, `-` and dots, e.g. help.kestrel.example)",
        );
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    const SITE: &str = r#"
[site]
id = "shop"
name = "Shop"
support_email = "help@shop.example"
languages = ["en"]

[widget]
link_hosts = ["help.shop.example", "shop.example"]

[hours]
time_zone = "Europe/Amsterdam"
holidays = ["2026-12-25"]
open.mon = "09:00-18:00"
open.tue = "09:00-18:00"
open.wed = "09:00-18:00"
open.thu = "09:00-18:00"
open.fri = "09:00-18:00"

[handoff]
reply_within_hours = 8
urgent_reply_within_hours = 4
reply.en = "A person will reply. [Contact page](https://Contact.Shop.example/form)"

[facts.links]
returns = "https://returns.shop.example/start?x=1"
video = "https://videos.example:8443/pairing"

[[rule]]
id = "returns"
topic = "returns"
patterns.en = ['return']
answer.en = "Start here: [returns]({links.returns}); or see [our guide](https://guide.example/returns)."
links = [{ label.en = "Help", url = "https://shop.example/help#returns" }]
"#;

    fn site() -> CompiledSite {
        CompiledSite::from_toml(SITE).unwrap_or_else(|e| panic!("loads: {e}"))
    }

    /// Epoch ms of a wall-clock time in Amsterdam.
    fn amsterdam(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        chrono_tz::Europe::Amsterdam
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("an unambiguous local time")
            .timestamp_millis()
    }

    #[test]
    fn status_open_weekday_weekend_evening_and_holiday() {
        let site = site();
        // Wednesday 7 January 2026, 10:00: open.
        assert_eq!(
            site.status(amsterdam(2026, 1, 7, 10, 0)),
            SiteStatus {
                open: true,
                away: None,
                reply_within_hours: 8,
            }
        );
        // Saturday 3 January 2026, 20:00: closed until Monday 09:00.
        assert_eq!(
            site.status(amsterdam(2026, 1, 3, 20, 0)),
            SiteStatus {
                open: false,
                away: Some(Away {
                    reason: AwayReason::Closed,
                    opens_at: amsterdam(2026, 1, 5, 9, 0),
                }),
                reply_within_hours: 8,
            }
        );
        // Friday 25 December 2026, 11:00 (within the usual hours): a holiday, open Monday.
        assert_eq!(
            site.status(amsterdam(2026, 12, 25, 11, 0)),
            SiteStatus {
                open: false,
                away: Some(Away {
                    reason: AwayReason::Holiday,
                    opens_at: amsterdam(2026, 12, 28, 9, 0),
                }),
                reply_within_hours: 8,
            }
        );
        // The compiled config has no clock: the edge adds the status per request.
        assert_eq!(site.widget_config().status, None);
        // Without [hours] the inbox counts as staffed around the clock.
        let (head, rest) = SITE.split_once("[hours]").expect("fixture has [hours]");
        let (_, tail) = rest.split_once("[handoff]").expect("fixture has [handoff]");
        let always = CompiledSite::from_toml(&format!("{head}[handoff]{tail}"))
            .unwrap_or_else(|e| panic!("loads without [hours]: {e}"));
        assert!(always.status(amsterdam(2026, 12, 25, 23, 0)).open);
    }

    #[test]
    fn link_hosts_from_links_facts_answers_and_the_explicit_list() {
        assert_eq!(
            site().widget_config().link_hosts,
            [
                "contact.shop.example",
                "guide.example",
                "help.shop.example",
                "returns.shop.example",
                "shop.example",
                "videos.example",
            ]
        );
        let json = serde_json::to_value(site().widget_config()).expect("serializes");
        assert!(json["link_hosts"].is_array());
        assert!(json.get("status").is_none(), "{json}");
    }

    #[test]
    fn bad_link_hosts_are_rejected_at_their_line() {
        let line = SITE
            .lines()
            .position(|l| l.starts_with("link_hosts"))
            .expect("fixture line")
            + 1;
        for (bad, why) in [
            ("https://shop.example", "is a URL"),
            ("shop.example/help", "has a path"),
            ("shop.example:8443", "has a port"),
            ("Shop.example", "lower case"),
            ("shop_example", "not a host name"),
            ("", "is empty"),
        ] {
            let text = SITE.replace("\"help.shop.example\"", &format!("\"{bad}\""));
            let err = CompiledSite::from_toml(&text).expect_err(bad);
            assert_eq!(err.line, line, "{bad}: {err}");
            assert_eq!(err.column, "link_hosts = [".len() + 1, "{bad}: {err}");
            assert!(err.message.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn markup_links_and_hosts() {
        assert_eq!(
            markup_links(
                "See [a](https://x.example/a) and [b c]({links.b}). [no link] (x) [x]\n(y)"
            ),
            [("a", "https://x.example/a"), ("b c", "{links.b}")]
        );
        assert_eq!(markup_links("[a](x"), []);
        assert_eq!(markup_links("1. [a](ftp://x)"), [("a", "ftp://x")]);
        assert_eq!(
            https_host("https://Shop.Example:443/x?y#z").as_deref(),
            Some("shop.example")
        );
        for bad in [
            "http://shop.example",
            "https://",
            "https:///x",
            "https://a b/",
            "https://shop.example@elsewhere.example/",
        ] {
            assert_eq!(https_host(bad), None, "{bad}");
        }
    }
}
