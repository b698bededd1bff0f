//! Wire types: what the widget, the Worker and webhook receivers say to each other.
//!
//! Every top-level message carries `v`, the wire version. Version 1 is the only one so far;
//! a request with another version is refused with an error naming the `v` field. Unknown
//! fields are ignored so an older Worker accepts a newer widget's extra hints.
//!
//! This module is compiled into the widget, so it holds data and validation only: no regex,
//! no language models, nothing heavy.

use serde::{Deserialize, Serialize};

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
    /// Stable, machine-readable: `bad_request`, `too_large`, `unknown_site`, ...
    pub code: String,
    /// For people: what was wrong and what to do.
    pub message: String,
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

fn invalid(field: &'static str, message: String) -> InputError {
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

fn check_id(field: &'static str, id: &str) -> Result<(), InputError> {
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
mod tests {
    use super::*;

    fn request(text: &str) -> ChatRequest {
        ChatRequest {
            v: 1,
            site: "demo".into(),
            conversation_id: "c-1".into(),
            client_message_id: "m-1".into(),
            text: text.into(),
            page_url: None,
            locale: Some("pt-BR".into()),
            time_zone: Some("America/Sao_Paulo".into()),
            contact: None,
            country: None,
            previous_language: None,
            turnstile_token: None,
        }
    }

    #[test]
    fn limits_and_fields() {
        assert_eq!(request("olá").validate(), Ok(()));
        let cases: Vec<(ChatRequest, &str, InputErrorKind)> = vec![
            (request("   "), "text", InputErrorKind::Invalid),
            (
                request(&"é".repeat(MAX_TEXT_CHARS + 1)),
                "text",
                InputErrorKind::TooLarge,
            ),
            (
                ChatRequest {
                    v: 2,
                    ..request("hi")
                },
                "v",
                InputErrorKind::Invalid,
            ),
            (
                ChatRequest {
                    site: String::new(),
                    ..request("hi")
                },
                "site",
                InputErrorKind::Invalid,
            ),
            (
                ChatRequest {
                    conversation_id: "a b".into(),
                    ..request("hi")
                },
                "conversation_id",
                InputErrorKind::Invalid,
            ),
            (
                ChatRequest {
                    client_message_id: "x".repeat(65),
                    ..request("hi")
                },
                "client_message_id",
                InputErrorKind::Invalid,
            ),
            (
                ChatRequest {
                    locale: Some("pt_BR!".into()),
                    ..request("hi")
                },
                "locale",
                InputErrorKind::Invalid,
            ),
            (
                ChatRequest {
                    time_zone: Some("Europe/Berlin;".into()),
                    ..request("hi")
                },
                "time_zone",
                InputErrorKind::Invalid,
            ),
            (
                ChatRequest {
                    contact: Some(Contact {
                        email: Some("ana@".into()),
                        ..Contact::default()
                    }),
                    ..request("hi")
                },
                "contact.email",
                InputErrorKind::Invalid,
            ),
        ];
        for (req, field, kind) in cases {
            let err = req.validate().expect_err(field);
            assert_eq!((err.field, err.kind), (field, kind), "{err}");
        }
        // Exactly at the limit is fine; the count is in characters, not bytes.
        assert_eq!(request(&"語".repeat(MAX_TEXT_CHARS)).validate(), Ok(()));
    }

    #[test]
    fn request_roundtrips_and_defaults_version() {
        let json = r#"{"site":"demo","conversation_id":"c","client_message_id":"m","text":"hi","extra":1}"#;
        let req: ChatRequest = serde_json::from_str(json).expect("parses");
        assert_eq!(req.v, WIRE_VERSION);
        let back: ChatRequest =
            serde_json::from_str(&serde_json::to_string(&req).expect("ser")).expect("de");
        assert_eq!(back, req);
    }

    #[test]
    fn reply_is_tagged_by_kind() {
        let reply = Reply::Handoff(Handoff {
            ticket: "FRY-1".into(),
            text: "A person will reply.".into(),
            language: "en".into(),
            shopper_language: String::new(),
            urgency: Urgency::Urgent,
            topic: Topic::Safety,
            reply_by: 1,
            away: Some(Away {
                reason: AwayReason::Holiday,
                opens_at: 2,
            }),
            ask_contact: false,
            ask_order_number: false,
        });
        let json = serde_json::to_value(&reply).expect("ser");
        assert_eq!(json["kind"], "handoff");
        assert_eq!(json["away"]["reason"], "holiday");
        assert_eq!(json["urgency"], "urgent");
        assert_eq!(json["topic"], "safety");
    }

    #[test]
    fn contact_requests_need_a_valid_email() {
        let ok = ContactRequest {
            v: WIRE_VERSION,
            site: "demo".into(),
            conversation_id: "c1".into(),
            ticket: "FRY-7K2M9QXA".into(),
            contact: Contact {
                email: Some("ana@example.com".into()),
                name: None,
                order_number: Some("#10423".into()),
            },
        };
        assert_eq!(ok.validate(), Ok(()));
        let with = |f: &dyn Fn(&mut ContactRequest)| {
            let mut r = ok.clone();
            f(&mut r);
            r.validate().map_err(|e| e.field)
        };
        assert_eq!(with(&|r| r.contact.email = None), Err("contact.email"));
        assert_eq!(
            with(&|r| r.contact.email = Some(String::new())),
            Err("contact.email")
        );
        assert_eq!(
            with(&|r| r.contact.email = Some("ana@".into())),
            Err("contact.email")
        );
        assert_eq!(with(&|r| r.ticket = "FRY 1".into()), Err("ticket"));
        assert_eq!(with(&|r| r.v = 2), Err("v"));
        assert_eq!(with(&|r| r.site = String::new()), Err("site"));
        assert_eq!(
            with(&|r| r.contact.order_number = Some("9".repeat(121))),
            Err("contact.order_number")
        );
    }

    #[test]
    fn emails() {
        for ok in ["ana@example.com", "a.b+c@sub.example.co.uk"] {
            assert!(is_plausible_email(ok), "{ok}");
        }
        for bad in [
            "",
            "ana",
            "ana@",
            "@x.com",
            "ana@x",
            "ana@x..com",
            "a b@x.com",
            "a@b@c.com",
            "ana@-x.com",
        ] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }
}
