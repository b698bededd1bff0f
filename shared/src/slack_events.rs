//! Slack's side of a thread reply: verifying the Events API's requests and reading what they
//! say. Pure; the Worker's `slack_events.rs` does the IO.
//!
//! - **Signature** (Slack's "Verifying requests from Slack"): `X-Slack-Signature` is
//!   `v0=<hex HMAC-SHA256 of "v0:{X-Slack-Request-Timestamp}:{raw body}">` with the app's
//!   signing secret; a timestamp more than 5 minutes from the receiver's clock is refused.
//!   Compared in constant time.
//! - **Envelope**: `url_verification` (answer the `challenge`), or an `event_callback` whose
//!   event is a `message` in a thread (`thread_ts` set, not the parent itself) written by a
//!   person. Bot messages (`bot_id`, `subtype: bot_message`), edits and deletions
//!   (`message_changed`, `message_deleted`) and every other subtype are ignored.
//! - **Text**: Slack's `mrkdwn` becomes the answers' markup ([`mrkdwn_to_markup`]); the caller
//!   then runs [`crate::reply::sanitize`] over it like any reply.

use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;

pub const HEADER_SIGNATURE: &str = "x-slack-signature";
pub const HEADER_TIMESTAMP: &str = "x-slack-request-timestamp";
/// How far a request's timestamp may be from the receiver's clock (Slack: five minutes).
pub const TOLERANCE_SECS: i64 = 5 * 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// No signing secret is configured (or it is empty).
    NoSecret,
    MissingHeader(&'static str),
    BadTimestamp,
    TooOld,
    TooNew,
    /// The signature is not `v0=` and 64 hex digits, or does not match.
    NoMatch,
}

impl std::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignatureError::NoSecret => f.write_str("no Slack signing secret is configured"),
            SignatureError::MissingHeader(h) => write!(f, "missing header `{h}`"),
            SignatureError::BadTimestamp => {
                write!(f, "`{HEADER_TIMESTAMP}` is not a Unix time in seconds")
            }
            SignatureError::TooOld => {
                write!(
                    f,
                    "`{HEADER_TIMESTAMP}` is more than {TOLERANCE_SECS} s old"
                )
            }
            SignatureError::TooNew => write!(
                f,
                "`{HEADER_TIMESTAMP}` is more than {TOLERANCE_SECS} s in the future"
            ),
            SignatureError::NoMatch => write!(f, "`{HEADER_SIGNATURE}` does not match"),
        }
    }
}

impl std::error::Error for SignatureError {}

fn mac(secret: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length.
    #[allow(clippy::expect_used)]
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

/// `v0=<hex>`: what Slack sends for `body` at `timestamp` (the header's text, as sent).
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let bytes = mac(secret, timestamp, body).finalize().into_bytes();
    let mut out = String::with_capacity(3 + 64);
    out.push_str("v0=");
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn unhex(text: &str) -> Option<Vec<u8>> {
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|p| Some((digit(p[0])? << 4) | digit(p[1])?))
        .collect()
}

/// Verifies a request from Slack. `header` looks a header up by its lower-case name; `now` is
/// the receiver's clock in Unix seconds.
pub fn verify<'h>(
    secret: &str,
    header: impl Fn(&str) -> Option<&'h str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    if secret.trim().is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let timestamp = header(HEADER_TIMESTAMP)
        .filter(|v| !v.is_empty())
        .ok_or(SignatureError::MissingHeader(HEADER_TIMESTAMP))?;
    let signature = header(HEADER_SIGNATURE)
        .filter(|v| !v.is_empty())
        .ok_or(SignatureError::MissingHeader(HEADER_SIGNATURE))?;
    let ts: i64 = timestamp
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    if ts < now.saturating_sub(TOLERANCE_SECS) {
        return Err(SignatureError::TooOld);
    }
    if ts > now.saturating_add(TOLERANCE_SECS) {
        return Err(SignatureError::TooNew);
    }
    let bytes = signature
        .strip_prefix("v0=")
        .and_then(unhex)
        .filter(|b| b.len() == 32)
        .ok_or(SignatureError::NoMatch)?;
    // `verify_slice` compares in constant time.
    mac(secret, timestamp, body)
        .verify_slice(&bytes)
        .map_err(|_| SignatureError::NoMatch)
}

/// What an Events API request asks of the Worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// Answer `{"challenge": …}` (Slack checks the URL when it is saved).
    UrlVerification { challenge: String },
    /// A person's reply in a thread: turn it into a conversation message.
    ThreadReply(ThreadReply),
    /// Acknowledge and do nothing; the reason is for the log.
    Ignored(&'static str),
}

/// A message in a thread, as the Worker needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadReply {
    pub channel: String,
    /// The parent message's `ts`: the handoff the Worker posted.
    pub thread_ts: String,
    /// This reply's own `ts` (unique in the channel: the reply's id).
    pub ts: String,
    /// The member who wrote it (`U…`).
    pub user: String,
    /// Slack `mrkdwn`, as sent.
    pub text: String,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    challenge: Option<String>,
    #[serde(default)]
    event: Option<Event>,
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    subtype: Option<String>,
    #[serde(default)]
    bot_id: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    ts: Option<String>,
    #[serde(default)]
    thread_ts: Option<String>,
    #[serde(default)]
    channel: Option<String>,
}

/// Reads a verified Events API body. `Err` when it is not JSON or has no `type`.
pub fn classify(body: &[u8]) -> Result<Incoming, String> {
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| format!("not a Slack event: {e}"))?;
    match envelope.kind.as_str() {
        "url_verification" => match envelope.challenge {
            Some(challenge) if !challenge.is_empty() && challenge.len() <= 512 => {
                Ok(Incoming::UrlVerification { challenge })
            }
            _ => Err("url_verification without a challenge".into()),
        },
        "event_callback" => Ok(event(envelope.event)),
        _ => Ok(Incoming::Ignored("not an event callback")),
    }
}

fn event(event: Option<Event>) -> Incoming {
    let Some(e) = event else {
        return Incoming::Ignored("no event");
    };
    if e.kind != "message" {
        return Incoming::Ignored("not a message");
    }
    if e.bot_id.is_some() || e.subtype.as_deref() == Some("bot_message") {
        return Incoming::Ignored("a bot's message");
    }
    match e.subtype.as_deref() {
        Some("message_changed") => return Incoming::Ignored("an edit"),
        Some("message_deleted") => return Incoming::Ignored("a deletion"),
        Some(_) => return Incoming::Ignored("a message subtype"),
        None => {}
    }
    let (Some(channel), Some(ts), Some(user)) = (e.channel, e.ts, e.user) else {
        return Incoming::Ignored("a message without channel, ts or user");
    };
    let Some(thread_ts) = e.thread_ts.filter(|t| *t != ts) else {
        return Incoming::Ignored("not a reply in a thread");
    };
    let text = e.text.unwrap_or_default();
    if text.trim().is_empty() {
        return Incoming::Ignored("an empty message");
    }
    Incoming::ThreadReply(ThreadReply {
        channel,
        thread_ts,
        ts,
        user,
        text,
    })
}

/// Slack `mrkdwn` as the answers' markup: `<url|label>` → `[label](url)`, `<url>` → `url`,
/// `<#C…|name>` → `#name`, `<@U…>` → `@U…`, `<!here>` and the like dropped, `*bold*` →
/// `**bold**`, and `&lt;` `&gt;` `&amp;` decoded (after the `<…>` sequences are read, so an
/// escaped `&lt;b&gt;` stays the text `<b>`).
pub fn mrkdwn_to_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..open]));
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            out.push_str(&decode_entities(&rest[open..]));
            rest = "";
            break;
        };
        let inner = &after[..close];
        let (target, label) = match inner.split_once('|') {
            Some((t, l)) => (t, Some(l)),
            None => (inner, None),
        };
        if let Some(name) = target.strip_prefix('#') {
            out.push('#');
            out.push_str(&decode_entities(label.unwrap_or(name)));
        } else if let Some(user) = target.strip_prefix('@') {
            out.push('@');
            out.push_str(&decode_entities(label.unwrap_or(user)));
        } else if target.starts_with('!') {
            // <!here>, <!channel>, <!date…|fallback>: the fallback text when there is one.
            if let Some(l) = label {
                out.push_str(&decode_entities(l));
            }
        } else {
            let url = decode_entities(target);
            match label {
                Some(l) => out.push_str(&format!("[{}]({url})", decode_entities(l))),
                None => out.push_str(&url),
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(&decode_entities(rest));
    bold(&out)
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Slack's `*bold*` (a pair on one line, not touching spaces inside) as `**bold**`.
fn bold(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let parts: Vec<&str> = line.split('*').collect();
            if parts.len() < 3 {
                return line.to_string();
            }
            let mut out = String::with_capacity(line.len() + 8);
            let mut i = 0;
            while i < parts.len() {
                out.push_str(parts[i]);
                let inner = parts.get(i + 1);
                let closes = i + 2 < parts.len();
                match inner {
                    Some(inner)
                        if closes
                            && !inner.is_empty()
                            && !inner.starts_with(' ')
                            && !inner.ends_with(' ') =>
                    {
                        out.push_str("**");
                        out.push_str(inner);
                        out.push_str("**");
                        i += 2;
                    }
                    Some(_) => {
                        out.push('*');
                        i += 1;
                    }
                    None => i += 1,
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests;
