//! Wire types: what the widget, the Worker and webhook receivers say to each other.
//!
//! Every top-level message carries `v`, the wire version. Version 1 is the only one so far;
//! a request with another version is refused with an error naming the `v` field. Unknown
//! fields are ignored so an older Worker accepts a newer widget's extra hints.
//!
//! This module is compiled into the widget, so it holds data and validation only: no regex,
//! no language models, nothing heavy.

use serde::{Deserialize, Serialize};

use crate::mask::mask_cards;
use crate::topic::Topic;

/// The wire version this build speaks.
pub const WIRE_VERSION: u16 = 1;
/// Largest accepted `POST /v1/chat` body, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Longest accepted message text, in characters (Unicode scalar values).
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest accepted id (site, conversation, client message), in bytes.
pub const MAX_ID_LEN: usize = 64;
/// Longest accepted page URL, in bytes.
pub const MAX_URL_LEN: usize = 2048;
/// Longest Turnstile token accepted (Cloudflare's are up to 2,048 characters).
pub const MAX_TURNSTILE_TOKEN_LEN: usize = 2048;

fn wire_version() -> u16 {
    WIRE_VERSION
}

/// What the widget sends for each shopper message (`POST /v1/chat`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatRequest {
    #[serde(default = "wire_version")]
    pub v: u16,
    /// The site id from the loader's `data-site` attribute.
    pub site: String,
    /// Chosen by the widget once per conversation and kept in the shopper's storage.
    pub conversation_id: String,
    /// Chosen by the widget per message; a retry reuses it, so the edge can deduplicate.
    pub client_message_id: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    /// The browser's locale (`navigator.language`), e.g. `pt-BR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// The browser's IANA time zone, e.g. `America/Sao_Paulo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// The shipping country (ISO 3166-1 alpha-2) when known. The widget may send it; the edge
    /// fills it from the visitor's location when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The language of the previous reply in this conversation, so a short follow-up ("ok",
    /// "e para Portugal?") stays in the conversation's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_language: Option<String>,
    /// What earlier messages named (the last [`ChatResponse::context`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<ConversationContext>,
    /// A Cloudflare Turnstile token, sent when the edge answered `challenge_required` (a site
    /// with `[turnstile]` asks for one before it creates a handoff). Single use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile_token: Option<String>,
}

/// How the shop can reach the shopper, when the shopper gave it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
}

/// The Worker's answer to a [`ChatRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatResponse {
    pub v: u16,
    pub conversation_id: String,
    pub client_message_id: String,
    pub reply: Reply,
    /// What the conversation has named so far; the widget sends it back with the next message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<ConversationContext>,
}

/// What earlier messages of a conversation named, so later questions need not repeat it:
/// after "¿cuánto tarda el envío a México?", "¿los aranceles están incluidos?" is about Mexico.
/// The edge returns it with every reply and the widget sends the last one back (no storage
/// read). It only fills placeholders, after what the message itself names and before the
/// visitor's location and locale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationContext {
    /// The shipping country named (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The size named, as `system value` (`us 8`, `eu 38.5`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
}

/// The longest [`ConversationContext::size`] accepted.
pub const MAX_CONTEXT_SIZE_LEN: usize = 16;

impl ConversationContext {
    pub fn is_empty(&self) -> bool {
        self.country.is_none() && self.size.is_none()
    }
}

/// Either the rules answered, or a person will.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reply {
    Answer(Answer),
    Handoff(Handoff),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Plain text shown to the shopper.
    pub text: String,
    pub topic: Topic,
    /// The id of the rule that answered.
    pub rule: String,
    /// The language the answer is written in.
    pub language: String,
    /// The shopper's own language as detected (may be one the site does not answer in): the
    /// widget speaks it in its own words when it can.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub shopper_language: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    /// The ticket id the shopper can quote; the same on every retry of the same message.
    pub ticket: String,
    /// Plain text shown to the shopper, in `language`.
    pub text: String,
    pub language: String,
    /// The shopper's own language as detected (see [`Answer::shopper_language`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub shopper_language: String,
    pub urgency: Urgency,
    pub topic: Topic,
    /// When a person will have replied by, Unix epoch milliseconds.
    pub reply_by: i64,
    /// Set when nobody is at the inbox right now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away: Option<Away>,
    /// The site wants an email before the ticket is final: the widget asks for one and sends
    /// it to `POST /v1/contact`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub ask_contact: bool,
    /// The form may also ask for the order number.
    #[serde(default, skip_serializing_if = "is_false")]
    pub ask_order_number: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Urgency of a handoff, with the names helpdesks use.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Low => "low",
            Urgency::Normal => "normal",
            Urgency::High => "high",
            Urgency::Urgent => "urgent",
        }
    }
}

/// What the widget needs before the first message (`GET /v1/config?site=`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetConfig {
    pub v: u16,
    pub site: String,
    pub shop_name: String,
    /// Greeting per language code.
    pub greeting: std::collections::BTreeMap<String, String>,
    /// Quick replies offered before the first message, per language code.
    #[serde(default)]
    pub quick_replies: std::collections::BTreeMap<String, Vec<String>>,
    pub colors: Colors,
    /// The languages the site answers in; the first is the default.
    pub languages: Vec<String>,
    pub support_email: String,
    /// Hosts that links in answers may point to (https only); the widget drops links elsewhere.
    #[serde(default)]
    pub link_hosts: Vec<String>,
    /// Whether a person is at the inbox now; computed per request by the edge (None in the
    /// compiled site, where there is no clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SiteStatus>,
    /// The Turnstile site key when the site asks for a challenge before a handoff; set per
    /// request by the edge from the site file's `[turnstile]` (None: no challenge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile_site_key: Option<String>,
}

/// Whether a person is at the inbox at the moment `GET /v1/config` was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteStatus {
    /// Someone is at the inbox now (within business hours, not a holiday).
    pub open: bool,
    /// When closed: why and when it opens again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away: Option<Away>,
    /// The usual reply time for a normal question, in business hours (the site's
    /// `[handoff] reply_within_hours`).
    pub reply_within_hours: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colors {
    /// CSS colour of the launcher and the shopper's bubbles.
    pub brand: String,
    /// CSS colour of text drawn on `brand`.
    pub on_brand: String,
}

/// The body of every error response: `{"error":{"code","message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable, machine-readable.
    pub code: ErrorCode,
    /// For people: what was wrong and what to do.
    pub message: String,
}

/// Every error code the Worker sends, spelled once: the edge maps its errors to these, the
/// widget decides on them (retry, ask for a challenge, show the limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not the JSON expected; the message names the field.
    BadRequest,
    /// 413: the body or the text is over its limit.
    TooLarge,
    /// 404: no bundled site file has this site id.
    UnknownSite,
    /// 404: nothing is served at this path.
    NotFound,
    /// 405: the path accepts other methods (see `allow`).
    MethodNotAllowed,
    /// 403: a page on an origin the site file does not list.
    OriginNotAllowed,
    /// 429: over a burst limit; `retry-after` says when to send again.
    RateLimited,
    /// 429: this address created the site's maximum of new handoffs for now.
    HandoffLimit,
    /// 403: the site asks for a Turnstile token before a handoff.
    ChallengeRequired,
    /// 403: the Turnstile token was invalid, expired or used before.
    ChallengeFailed,
    /// 401: a signed request (a reply, a Slack event) whose signature is missing, forged or
    /// expired, or whose id was used before for other content.
    Unauthorized,
    /// 503: storage or the queue failed; retry the same request.
    Unavailable,
    /// 500: a bug on the server's side.
    Internal,
    /// A code this build does not know (a newer server's).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// Every code, in declaration order (`Unknown` last).
    pub const ALL: [ErrorCode; 14] = [
        ErrorCode::BadRequest,
        ErrorCode::TooLarge,
        ErrorCode::UnknownSite,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::OriginNotAllowed,
        ErrorCode::RateLimited,
        ErrorCode::HandoffLimit,
        ErrorCode::ChallengeRequired,
        ErrorCode::ChallengeFailed,
        ErrorCode::Unauthorized,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
        ErrorCode::Unknown,
    ];

    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::UnknownSite => "unknown_site",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::OriginNotAllowed => "origin_not_allowed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::HandoffLimit => "handoff_limit",
            ErrorCode::ChallengeRequired => "challenge_required",
            ErrorCode::ChallengeFailed => "challenge_failed",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::Unknown => "unknown",
        }
    }

    /// The code named `name`; [`ErrorCode::Unknown`] for a name this build does not know.
    pub fn from_name(name: &str) -> ErrorCode {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == name)
            .unwrap_or(ErrorCode::Unknown)
    }

    /// The HTTP status that carries this code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::TooLarge => 413,
            ErrorCode::UnknownSite | ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::OriginNotAllowed
            | ErrorCode::ChallengeRequired
            | ErrorCode::ChallengeFailed => 403,
            ErrorCode::RateLimited | ErrorCode::HandoffLimit => 429,
            ErrorCode::Unavailable => 503,
            ErrorCode::Internal | ErrorCode::Unknown => 500,
        }
    }
}

/// The handoff as it travels on the queue and reaches the inbox webhook (version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffPayload {
    pub v: u16,
    /// Stable across delivery retries; receivers deduplicate on it.
    pub id: String,
    pub ticket: String,
    pub site: String,
    pub conversation_id: String,
    /// Unix epoch milliseconds.
    pub created_at: i64,
    pub language: Language,
    pub urgency: UrgencyTag,
    pub topic: Topic,
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// Unix epoch milliseconds.
    pub reply_by: i64,
    /// The shopper's shipping country when known (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The last messages of the conversation before the question, oldest first (at most
    /// [`TRANSCRIPT_LINES`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transcript: Vec<TranscriptLine>,
    /// Set when the handoff was made outside business hours or on a holiday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away: Option<Away>,
}

/// How many earlier messages a handoff payload carries.
pub const TRANSCRIPT_LINES: usize = 10;

/// One earlier message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptLine {
    /// `shopper` or `bot`.
    pub role: String,
    pub text: String,
    /// Unix epoch milliseconds.
    pub at: i64,
}

/// Nobody is at the inbox right now: why, and when the shop opens again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Away {
    pub reason: AwayReason,
    /// Unix epoch milliseconds.
    pub opens_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwayReason {
    /// Outside the opening hours (evening, weekend).
    Closed,
    /// A holiday in the shop's calendar.
    Holiday,
}

/// A detected language and how it was decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Language {
    pub code: String,
    /// 0.0 – 1.0.
    pub confidence: f32,
    pub source: LanguageSource,
}

impl Eq for Language {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LanguageSource {
    /// The message text alone decided.
    Text,
    /// The writing system decided (e.g. Hangul, kana).
    Script,
    /// The browser locale decided, the text being too short or unclear.
    Locale,
    /// The conversation's earlier messages decided, the text being too short or unclear.
    Conversation,
    /// Nothing decided; the site's default language.
    Default,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrgencyTag {
    pub level: Urgency,
    /// Why: the lexicon entries that fired, e.g. `safety:smoke`.
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// A request field that is missing, malformed or too large.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub field: &'static str,
    pub kind: InputErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputErrorKind {
    Invalid,
    TooLarge,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`: {}", self.field, self.message)
    }
}

impl std::error::Error for InputError {}

impl ChatRequest {
    /// Checks the limits and shapes that serde cannot. The text is checked as sent; callers
    /// trim nothing, so what the shopper typed is what is stored.
    pub fn validate(&self) -> Result<(), InputError> {
        check_common(self.v, &self.site, &self.conversation_id)?;
        check_id("client_message_id", &self.client_message_id)?;
        if self.text.trim().is_empty() {
            return Err(invalid("text", "must not be empty".into()));
        }
        let chars = self.text.chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(InputError {
                field: "text",
                kind: InputErrorKind::TooLarge,
                message: format!(
                    "{chars} characters; at most {MAX_TEXT_CHARS} are accepted, split the message"
                ),
            });
        }
        if self
            .page_url
            .as_ref()
            .is_some_and(|url| url.len() > MAX_URL_LEN)
        {
            return Err(invalid(
                "page_url",
                format!("longer than {MAX_URL_LEN} bytes"),
            ));
        }
        if self.locale.as_ref().is_some_and(|l| !is_locale_tag(l)) {
            return Err(invalid(
                "locale",
                "must be a BCP 47 tag such as `en` or `pt-BR`".into(),
            ));
        }
        if let Some(tz) = &self.time_zone {
            let ok = !tz.is_empty()
                && tz.len() <= 64
                && tz
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
            if !ok {
                return Err(invalid(
                    "time_zone",
                    "must be an IANA time zone such as `Europe/Berlin`".into(),
                ));
            }
        }
        if self
            .country
            .as_ref()
            .is_some_and(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            return Err(invalid(
                "country",
                "must be an ISO 3166-1 alpha-2 code such as `BR`".into(),
            ));
        }
        if self
            .previous_language
            .as_ref()
            .is_some_and(|l| !is_locale_tag(l))
        {
            return Err(invalid(
                "previous_language",
                "must be a language code such as `pt`".into(),
            ));
        }
        if let Some(contact) = &self.contact {
            contact.validate()?;
        }
        if let Some(context) = &self.context {
            if context
                .country
                .as_ref()
                .is_some_and(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()))
            {
                return Err(invalid(
                    "context.country",
                    "must be an ISO 3166-1 alpha-2 code such as `MX`, as the last reply gave it"
                        .into(),
                ));
            }
            if context.size.as_ref().is_some_and(|s| {
                s.is_empty()
                    || s.len() > MAX_CONTEXT_SIZE_LEN
                    || !s
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b" .".contains(&b))
            }) {
                return Err(invalid(
                    "context.size",
                    format!(
                        "must be a size such as `us 8`, at most {MAX_CONTEXT_SIZE_LEN} bytes, as the last reply gave it"
                    ),
                ));
            }
        }
        if self
            .turnstile_token
            .as_ref()
            .is_some_and(|t| t.is_empty() || t.len() > MAX_TURNSTILE_TOKEN_LEN)
        {
            return Err(invalid(
                "turnstile_token",
                format!(
                    "must be 1 to {MAX_TURNSTILE_TOKEN_LEN} bytes, as the Turnstile widget gives it"
                ),
            ));
        }
        Ok(())
    }
}

impl Contact {
    /// A plausible email when given; name and order number at most 120 characters.
    pub fn validate(&self) -> Result<(), InputError> {
        if self.email.as_ref().is_some_and(|e| !is_plausible_email(e)) {
            return Err(invalid(
                "contact.email",
                "is not an email address (expected name@domain.tld)".into(),
            ));
        }
        for (field, value) in [
            ("contact.name", &self.name),
            ("contact.order_number", &self.order_number),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > 120) {
                return Err(invalid(field, "longer than 120 characters".into()));
            }
        }
        Ok(())
    }
}

/// Masks the card numbers in `field` in place (see [`crate::mask`]).
fn mask_field(field: &mut String) {
    if let std::borrow::Cow::Owned(masked) = mask_cards(field) {
        *field = masked;
    }
}

impl Contact {
    /// Masks card numbers in every field (email, name, order number).
    pub fn mask(&mut self) {
        for field in [&mut self.email, &mut self.name, &mut self.order_number]
            .into_iter()
            .flatten()
        {
            mask_field(field);
        }
    }
}

impl ChatRequest {
    /// Masks card numbers in every free-text field: the text, the page URL and the contact.
    /// The edge calls it before anything is routed, stored, queued, sent or logged. The other
    /// fields are not typed by the shopper: ids the widget chooses, the browser's locale and
    /// time zone, a Turnstile token.
    pub fn mask(&mut self) {
        mask_field(&mut self.text);
        if let Some(url) = self.page_url.as_mut() {
            mask_field(url);
        }
        if let Some(contact) = self.contact.as_mut() {
            contact.mask();
        }
    }
}

/// What the widget sends when the shopper leaves an email for a handoff that asked for one
/// (`POST /v1/contact`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRequest {
    #[serde(default = "wire_version")]
    pub v: u16,
    pub site: String,
    pub conversation_id: String,
    /// The ticket of the handoff the contact is for.
    pub ticket: String,
    pub contact: Contact,
}

/// The Worker's answer to a [`ContactRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactResponse {
    pub v: u16,
    pub ticket: String,
    /// Localized confirmation for the shopper.
    pub text: String,
}

impl ContactRequest {
    /// Masks card numbers in every field of the contact (see [`ChatRequest::mask`]).
    pub fn mask(&mut self) {
        self.contact.mask();
    }

    /// The email is required here; ids and lengths as in a chat request.
    pub fn validate(&self) -> Result<(), InputError> {
        check_common(self.v, &self.site, &self.conversation_id)?;
        check_id("ticket", &self.ticket)?;
        if self.contact.email.as_deref().is_none_or(str::is_empty) {
            return Err(invalid(
                "contact.email",
                "is required: the email the shop should answer".into(),
            ));
        }
        self.contact.validate()
    }
}

/// A field's value is not acceptable (also the Reply API's, `reply.rs`).
pub(crate) fn invalid(field: &'static str, message: String) -> InputError {
    InputError {
        field,
        kind: InputErrorKind::Invalid,
        message,
    }
}

/// The wire version, and the site and conversation ids every request carries.
fn check_common(v: u16, site: &str, conversation_id: &str) -> Result<(), InputError> {
    if v != WIRE_VERSION {
        return Err(invalid(
            "v",
            format!("unsupported wire version {v}; this server speaks {WIRE_VERSION}"),
        ));
    }
    check_id("site", site)?;
    check_id("conversation_id", conversation_id)
}

/// An id (site, conversation, message, ticket): 1 to [`MAX_ID_LEN`] ASCII letters, digits,
/// `-` and `_`.
pub(crate) fn check_id(field: &'static str, id: &str) -> Result<(), InputError> {
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return Err(invalid(
            field,
            format!("must be 1 to {MAX_ID_LEN} characters"),
        ));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(invalid(
            field,
            "may contain only ASCII letters, digits, `-` and `_`".into(),
        ));
    }
    Ok(())
}

/// `en`, `pt-BR`, `zh-Hant-TW`: alphanumeric subtags of 1–8 joined by `-`.
pub fn is_locale_tag(tag: &str) -> bool {
    tag.len() <= 35
        && tag.split('-').enumerate().all(|(i, part)| {
            let len_ok = if i == 0 {
                (2..=3).contains(&part.len())
            } else {
                (1..=8).contains(&part.len())
            };
            len_ok && part.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// A deliberately plain check: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn is_plausible_email(email: &str) -> bool {
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
}

#[cfg(test)]
mod tests;
