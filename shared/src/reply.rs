//! Agents' replies coming back into a conversation: the Reply API's request
//! (`POST /v1/replies`), what the Worker stores and the widget reads (`GET /v1/messages`), and
//! the rules they pass — limits, card masking, the answers' safe markup, replay judgement and
//! the read endpoint's `ETag`.
//!
//! A leaf: it knows the wire's errors, the markup and the masking, nothing else, so the widget
//! can read [`MessagesResponse`] without the router.
//!
//! ## What a reply may contain
//! The answers' markup (`shared::markup`; the widget's `rich.rs` draws it with `textContent`):
//! paragraphs, `1. ` steps, `- ` bullets, `**bold**` and `[label](https://…)` links to the
//! site's `link_hosts`. [`sanitize`] keeps exactly that: card numbers are masked, line breaks
//! become `\n`, control and bidirectional-override characters go, blank-line runs shrink to
//! one, and a link to any other target is written out as `label (target)`, plain text.

use serde::{Deserialize, Serialize};

use crate::markup;
use crate::mask::mask_cards;
use crate::wire::{InputError, InputErrorKind, WIRE_VERSION, check_id, invalid};

/// Longest reply text, in characters (helpdesk answers run longer than shopper messages).
pub const MAX_REPLY_CHARS: usize = 4_000;
/// Longest agent name, in characters.
pub const MAX_AGENT_NAME_CHARS: usize = 80;
/// Most messages one `GET /v1/messages` returns; the next poll asks `after` the last.
pub const MAX_MESSAGES_PER_READ: usize = 50;

fn wire_version() -> u16 {
    WIRE_VERSION
}

/// `POST /v1/replies?site=…&destination=…`: an agent's answer to a handoff, signed with the
/// destination's Standard Webhooks secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    #[serde(default = "wire_version")]
    pub v: u16,
    /// The ticket of the handoff, as the payload gave it (`ticket`).
    pub ticket: String,
    /// The answer, in the answers' markup.
    pub text: String,
    pub agent: Agent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    /// The name the shopper sees ("Ana", "Kestrel support").
    pub name: String,
}

/// The Worker's answer to a [`ReplyRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyResponse {
    pub v: u16,
    /// The message's id in the conversation (what `GET /v1/messages` lists).
    pub id: i64,
    pub ticket: String,
    /// True when this `webhook-id` was stored before: nothing was stored again.
    #[serde(default)]
    pub duplicate: bool,
}

/// One agent message as the widget reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentMessage {
    /// Increasing within a conversation; poll with `after` = the last one seen.
    pub id: i64,
    /// Sanitised markup (see the module docs).
    pub text: String,
    /// The agent's name as the shopper sees it.
    pub agent: String,
    /// The ticket the message answers.
    pub ticket: String,
    /// When it was stored, Unix milliseconds.
    pub at: i64,
}

/// `GET /v1/messages?site=…&conversation=…&after=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagesResponse {
    pub v: u16,
    pub conversation_id: String,
    /// Oldest first, at most [`MAX_MESSAGES_PER_READ`].
    pub messages: Vec<AgentMessage>,
    /// The id to send as `after` next time (the last message's, or `after` itself).
    pub last: i64,
}

impl ReplyRequest {
    /// The ticket's shape, the text's length (not empty, at most [`MAX_REPLY_CHARS`]) and the
    /// agent's name (see [`clean_agent_name`]).
    pub fn validate(&self) -> Result<(), InputError> {
        if self.v != WIRE_VERSION {
            return Err(invalid(
                "v",
                format!(
                    "unsupported wire version {}; this server speaks {WIRE_VERSION}",
                    self.v
                ),
            ));
        }
        check_id("ticket", &self.ticket)?;
        if self.text.trim().is_empty() {
            return Err(invalid("text", "must not be empty".into()));
        }
        let chars = self.text.chars().count();
        if chars > MAX_REPLY_CHARS {
            return Err(InputError {
                field: "text",
                kind: InputErrorKind::TooLarge,
                message: format!("{chars} characters; at most {MAX_REPLY_CHARS} are accepted"),
            });
        }
        clean_agent_name(&self.agent.name).map_err(|why| invalid("agent.name", why.into()))?;
        Ok(())
    }
}

/// An agent's name as stored: trimmed, spaces for control characters, card numbers masked;
/// 1 to [`MAX_AGENT_NAME_CHARS`] characters, no markup characters.
pub fn clean_agent_name(name: &str) -> Result<String, &'static str> {
    let cleaned: String = name
        .chars()
        .filter(|c| !is_bidi_control(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return Err("must not be empty");
    }
    if cleaned.chars().count() > MAX_AGENT_NAME_CHARS {
        return Err("is longer than 80 characters");
    }
    if cleaned.contains(['[', ']', '*', '<', '>']) {
        return Err("may not contain [ ] * < or >");
    }
    Ok(mask_cards(&cleaned).into_owned())
}

/// The reply text as stored and shown: card numbers masked and limited to the answers' safe
/// markup, with links kept only to `link_hosts` (see the module docs). At most
/// [`MAX_REPLY_CHARS`] characters.
pub fn sanitize(text: &str, link_hosts: &[String]) -> String {
    let masked = mask_cards(text);
    // Line breaks as `\n`, no control or bidi-override characters (tabs become spaces).
    let mut plain = String::with_capacity(masked.len());
    let mut chars = masked.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    plain.push('\n');
                }
            }
            '\n' => plain.push('\n'),
            '\t' => plain.push(' '),
            '\u{2028}' | '\u{2029}' => plain.push('\n'),
            c if c.is_control() || is_bidi_control(c) => {}
            c => plain.push(c),
        }
    }
    // Trailing spaces off every line; at most one blank line in a row; none at the ends.
    let mut lines: Vec<&str> = Vec::new();
    for line in plain.split('\n').map(str::trim_end) {
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let joined = lines.join("\n");
    let linked = only_allowed_links(&joined, link_hosts);
    match linked.char_indices().nth(MAX_REPLY_CHARS) {
        Some((cut, _)) => {
            let mut short = linked[..cut].to_string();
            short.pop();
            short.push('…');
            short
        }
        None => linked,
    }
}

/// `[label](target)` stays when `target` is https to one of `hosts`; otherwise it becomes
/// `label (target)`, which the widget shows as text.
fn only_allowed_links(text: &str, hosts: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let at = &rest[i..];
        match markup::link_at(at) {
            Some((label, target, after)) => {
                if markup::allowed(target, hosts) {
                    out.push_str(&format!("[{label}]({target})"));
                } else {
                    out.push_str(&format!("{label} ({target})"));
                }
                rest = after;
            }
            None => {
                out.push('[');
                rest = &at[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Unicode's bidirectional embedding, override and isolate controls: they can make a reply
/// read differently from what was written (`Trojan Source`).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What a reply's source id (the `webhook-id`, or Slack's message `ts`) says about it, given
/// the digest stored under the same id, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// First time: store it.
    New,
    /// The same content again (a sender's retry): answer as before, store nothing.
    Duplicate,
    /// The id came before with other content: refused, nothing stored.
    Conflict,
}

/// The replay rule: an id is stored once, its retries are answered as the first time, and an
/// id reused for other content is refused.
pub fn judge(stored_digest: Option<&str>, digest: &str) -> Seen {
    match stored_digest {
        None => Seen::New,
        Some(d) if d == digest => Seen::Duplicate,
        Some(_) => Seen::Conflict,
    }
}

/// The `ETag` of a `GET /v1/messages` answer: the URL names the conversation and `after`, so
/// the last id and the count say what the body holds.
pub fn etag(response: &MessagesResponse) -> String {
    format!("\"m{}-{}\"", response.last, response.messages.len())
}

/// Whether an `If-None-Match` header matches `etag` (a list, weak tags and `*` included).
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || bare(t) == bare(etag))
}

/// The read endpoint's query: `conversation` (an id as the widget chose it) and `after`
/// (0 or the last id seen).
pub fn messages_query(
    conversation: Option<&str>,
    after: Option<&str>,
) -> Result<(String, i64), InputError> {
    let conversation = conversation.unwrap_or("");
    check_id("conversation", conversation)?;
    let after = match after {
        None | Some("") => 0,
        Some(a) => a
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| invalid("after", "must be 0 or a message id".into()))?,
    };
    Ok((conversation.to_string(), after))
}

#[cfg(test)]
mod tests;
