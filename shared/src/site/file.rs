//! The site file as written: TOML sections deserialized with their spans, so the loader can
//! name the line and column of every mistake. Nothing here is checked; `load` does that.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::facts::FactsFile;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SiteFile {
    pub(super) site: SiteSection,
    #[serde(default)]
    pub(super) widget: WidgetSection,
    pub(super) handoff: HandoffSection,
    #[serde(default)]
    pub(super) hours: Option<Spanned<HoursFile>>,
    #[serde(default)]
    pub(super) facts: Option<Spanned<FactsFile>>,
    #[serde(default, rename = "rule")]
    pub(super) rules: Vec<RuleFile>,
    #[serde(default, rename = "destination")]
    pub(super) destinations: Vec<DestinationFile>,
    #[serde(default, rename = "route")]
    pub(super) routes: Vec<RouteFile>,
    #[serde(default)]
    pub(super) limits: Option<LimitsFile>,
    #[serde(default)]
    pub(super) turnstile: Option<TurnstileFile>,
    /// The site's own answers to small talk: `[smalltalk.greeting] en = "…"` (kinds: greeting,
    /// thanks, goodbye, presence, bot). The engine answers in every language it knows otherwise.
    #[serde(default)]
    pub(super) smalltalk: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>,
    /// The shop's concepts, or more terms for the engine's: `[vocab.headphones] en = […]`.
    #[serde(default)]
    pub(super) vocab: BTreeMap<Spanned<String>, VocabFile>,
}

/// One `[vocab.NAME]` section: language → terms.
pub(super) type VocabFile = BTreeMap<Spanned<String>, Vec<Spanned<String>>>;

/// Abuse limits: `[limits]`. Everything is optional; see [`Limits::default`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LimitsFile {
    /// Messages per conversation per 10 s (one of [`guard::BURST_TIERS`]).
    #[serde(default)]
    pub(super) messages_per_conversation: Option<Spanned<u32>>,
    /// Messages per client address per 10 s, across its conversations.
    #[serde(default)]
    pub(super) messages_per_address: Option<Spanned<u32>>,
    /// New handoffs per client address per `handoff_window_hours` (exact).
    #[serde(default)]
    pub(super) handoffs_per_address: Option<Spanned<u32>>,
    #[serde(default)]
    pub(super) handoff_window_hours: Option<Spanned<u32>>,
}

/// A Cloudflare Turnstile challenge before a handoff: `[turnstile]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TurnstileFile {
    /// The public site key, or `var:NAME` (unset or empty there: no challenge).
    pub(super) site_key: Spanned<String>,
    /// The Worker secret with the secret key (`wrangler secret put NAME`).
    pub(super) secret: Spanned<String>,
}

/// Where handoffs go: `[[destination]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DestinationFile {
    pub(super) name: Spanned<String>,
    /// `https://…`, or `var:NAME` to read the URL from the Worker's variable NAME (so the
    /// same site file serves local runs and production).
    pub(super) url: Spanned<String>,
    /// `json` (the handoff payload) or `slack` (Block Kit). Default `json`.
    #[serde(default)]
    pub(super) format: Option<Spanned<String>>,
    /// The Worker secret holding this destination's `whsec_…` signing key(s).
    #[serde(default)]
    pub(super) secret: Option<Spanned<String>>,
    /// Slack only: the Worker secret with the app's bot token (`xoxb-…`). When it is set,
    /// handoffs are posted with `chat.postMessage` (so agents can reply in the thread);
    /// unset, the incoming webhook at `url` is used.
    #[serde(default)]
    pub(super) bot_token: Option<Spanned<String>>,
    /// Slack only, with `bot_token`: the channel to post in (an id such as `C0123ABCD`).
    #[serde(default)]
    pub(super) channel: Option<Spanned<String>>,
    /// Slack only, with `bot_token`: the Worker secret with the app's signing secret, which
    /// signs the Events API requests that bring thread replies back.
    #[serde(default)]
    pub(super) signing_secret: Option<Spanned<String>>,
    /// The name the shopper sees on replies from this destination (Slack: instead of the
    /// replying member's own name).
    #[serde(default)]
    pub(super) agent_name: Option<Spanned<String>>,
}

/// Which destinations a handoff goes to: `[[route]]`, first match wins.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RouteFile {
    pub(super) to: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) urgency: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) language: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) topic: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SiteSection {
    pub(super) id: Spanned<String>,
    pub(super) name: String,
    pub(super) support_email: String,
    /// Languages the site answers in; the first is the default.
    pub(super) languages: Spanned<Vec<Spanned<String>>>,
    /// Where to look when a text is missing in a language, before the default:
    /// `fallback.pt = ["es"]`.
    #[serde(default)]
    pub(super) fallback: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Days a conversation is kept after its last message (default 30).
    #[serde(default)]
    pub(super) retention_days: Option<Spanned<u32>>,
    /// Storefront origins whose pages may call the chat API (`https://shop.example`, exact
    /// scheme, host and port). The Worker's own origin is always allowed.
    #[serde(default)]
    pub(super) origins: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WidgetSection {
    #[serde(default = "default_brand")]
    pub(super) brand_color: Spanned<String>,
    #[serde(default = "default_on_brand")]
    pub(super) on_brand_color: Spanned<String>,
    #[serde(default)]
    pub(super) greeting: BTreeMap<Spanned<String>, String>,
    #[serde(default)]
    pub(super) quick_replies: BTreeMap<Spanned<String>, Vec<String>>,
    /// Hosts answers may link to besides those of the rules' and facts' links:
    /// `link_hosts = ["help.kestrel.example"]` (host names only, lower case).
    #[serde(default)]
    pub(super) link_hosts: Vec<Spanned<String>>,
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

pub(super) fn default_brand() -> Spanned<String> {
    Spanned::new(0..0, "#1f6feb".into())
}

pub(super) fn default_on_brand() -> Spanned<String> {
    Spanned::new(0..0, "#ffffff".into())
}

/// When people answer: `[hours]`. Without it the inbox counts as staffed around the clock.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HoursFile {
    /// IANA name, e.g. `Europe/Amsterdam`.
    pub(super) time_zone: String,
    /// Weekday → `"09:00-18:00"` (several ranges with commas; absent or `"closed"`: closed).
    pub(super) open: BTreeMap<String, String>,
    /// Local dates closed all day: `["2026-12-25"]`.
    #[serde(default)]
    pub(super) holidays: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HandoffSection {
    /// Business hours until a person replies to a `low` or `normal` handoff.
    pub(super) reply_within_hours: u32,
    /// Business hours for a `high` handoff (default: `reply_within_hours`).
    #[serde(default)]
    pub(super) high_reply_within_hours: Option<u32>,
    /// Calendar hours for an `urgent` handoff: someone is on call.
    pub(super) urgent_reply_within_hours: u32,
    /// What the shopper reads when a person takes over, per language.
    pub(super) reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// The safety-intake reply for urgent handoffs, per language.
    #[serde(default)]
    pub(super) urgent_reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// The reply to an account-security alarm (default: `reply`).
    #[serde(default)]
    pub(super) security_reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// The reply to a legal threat (default: `reply`).
    #[serde(default)]
    pub(super) legal_reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Added to the reply outside business hours (`{opens_at}`, `{reply_by}`).
    #[serde(default)]
    pub(super) away_reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Added instead of `away_reply` on a holiday (default: `away_reply`).
    #[serde(default)]
    pub(super) holiday_reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Ask for an email (when the shopper has not given one) before the ticket is final.
    #[serde(default)]
    pub(super) ask_contact: bool,
    /// Ask for the order number as well (optional for the shopper).
    #[serde(default)]
    pub(super) ask_order_number: bool,
    /// How long a handoff waits for the email before it goes to the team without one.
    #[serde(default)]
    pub(super) contact_wait_minutes: Option<Spanned<u32>>,
    /// Added to the reply when asking for the email.
    #[serde(default)]
    pub(super) ask_contact_reply: BTreeMap<Spanned<String>, Spanned<String>>,
    /// The confirmation once the email is in.
    #[serde(default)]
    pub(super) contact_thanks: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleFile {
    pub(super) id: Spanned<String>,
    pub(super) topic: Spanned<String>,
    #[serde(default)]
    pub(super) priority: i32,
    #[serde(default)]
    pub(super) patterns: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Language-neutral patterns written with concepts: `"{how_long} {ship}"`.
    #[serde(default)]
    pub(super) skeletons: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) unless: Vec<Spanned<String>>,
    pub(super) answer: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub(super) quick_replies: BTreeMap<Spanned<String>, Vec<String>>,
    #[serde(default)]
    pub(super) links: Vec<LinkFile>,
    /// Conditions on the shopper's shipping zone: `when.zones = ["EU"]`, `when.duties = "DAP"`.
    #[serde(default)]
    pub(super) when: Option<WhenFile>,
    /// The size table `{size.*}` placeholders convert with.
    #[serde(default)]
    pub(super) sizes: Option<Spanned<String>>,
    /// `"handoff"`: answer, and still hand the conversation to a person.
    #[serde(default)]
    pub(super) then: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WhenFile {
    #[serde(default)]
    pub(super) zones: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) duties: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LinkFile {
    pub(super) label: BTreeMap<Spanned<String>, String>,
    pub(super) url: Spanned<String>,
}
