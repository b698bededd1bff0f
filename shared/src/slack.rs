//! A handoff as a Slack message (Block Kit), for shops whose inbox is a Slack channel.
//!
//! Shopper text is hostile until escaped. Slack gives `<…>` sequences meaning (`<!channel>`
//! pings everyone, `<@U123>` a person, `<https://x|label>` a link with any label), and
//! `&amp;`-style entities are decoded for display; so every string that comes from a payload
//! goes through [`escape`], which is exactly Slack's rule: `&`, `<`, `>` become `&amp;`,
//! `&lt;`, `&gt;`, nothing else changes. On top of that:
//! - text objects carrying payload text are `mrkdwn` with `verbatim: true`, so Slack does not
//!   turn bare URLs, `#channel` names or mentions in them into links;
//! - the message sets `unfurl_links`/`unfurl_media` to false, so Slack fetches nothing from a
//!   URL a shopper typed;
//! - the question and transcript lines pass through [`crate::mask::mask_cards`] again
//!   (idempotent), in case the caller forgot.
//!
//! Text is cut to fit Slack's limits (3,000 characters per section text, 2,000 per field,
//! 150 per header) after escaping, never inside an entity, and a cut ends with `…`.
//!
//! Bare `@channel` / `@here` typed by a shopper stay text: messages posted through the API or
//! an incoming webhook only ping for the `<!channel>` form (unless the poster sets
//! `link_names`, which this message does not).

use serde_json::{Value, json};

use crate::mask::mask_cards;
use crate::wire::{HandoffPayload, Urgency};

/// The question quote's budget, below Slack's 3,000-character section limit.
pub const QUESTION_MAX_CHARS: usize = 2_900;
/// How many of the latest transcript lines the message shows.
pub const TRANSCRIPT_LINES: usize = 5;

const FIELD_MAX_CHARS: usize = 1_900;
const HEADER_MAX_CHARS: usize = 150;
const TRANSCRIPT_LINE_MAX_CHARS: usize = 500;
const FALLBACK_QUESTION_CHARS: usize = 200;

/// Slack's escaping: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`; nothing else changes.
pub fn escape(text: &str) -> String {
    limited(text, usize::MAX, "\n")
}

/// The Slack message (`text` fallback, `blocks`, unfurling off) for one handoff.
///
/// - `reply_by_text`: the reply-by time as the inbox should read it (e.g. from
///   [`crate::hours::format_local`] in the shop's zone).
/// - `transcript`: the conversation so far as `(role, text)`, oldest first; the last
///   [`TRANSCRIPT_LINES`] are shown. Pass `&[]` when there is none.
pub fn block_kit(
    p: &HandoffPayload,
    reply_by_text: &str,
    transcript: &[(String, String)],
) -> Value {
    let level = p.urgency.level;
    let (emoji, label) = urgency_label(level);
    let question = mask_cards(&p.question);

    let fallback = format!(
        "{emoji} {label} handoff {} ({}, {}): {}",
        escape(&p.ticket),
        escape(&p.language.code),
        p.topic.as_str(),
        limited(&question, FALLBACK_QUESTION_CHARS, " "),
    );

    let mut blocks = vec![json!({
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": limited(&format!("{emoji} {label} · {}", p.ticket), HEADER_MAX_CHARS, " "),
            "emoji": true,
        },
    })];

    let confidence = if p.language.confidence.is_finite() {
        format!(
            "{:.0}%",
            (p.language.confidence.clamp(0.0, 1.0) * 100.0).round()
        )
    } else {
        "?".to_string()
    };
    let source = serde_json::to_value(p.language.source)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut fields = vec![
        field(
            "Language",
            &format!("{} · {confidence} · {source}", p.language.code),
        ),
        field("Topic", p.topic.as_str()),
        field("Reply by", reply_by_text),
    ];
    if let Some(contact) = &p.contact {
        for (name, value) in [
            ("Email", &contact.email),
            ("Name", &contact.name),
            ("Order", &contact.order_number),
        ] {
            if let Some(value) = value {
                fields.push(field(name, &mask_cards(value)));
            }
        }
    }
    if let Some(country) = &p.country {
        fields.push(field("Country", country));
    }
    blocks.push(json!({ "type": "section", "fields": fields }));

    blocks.push(json!({
        "type": "section",
        "text": mrkdwn(format!(
            "*Question*\n{}",
            quoted(&question, QUESTION_MAX_CHARS)
        )),
    }));

    if !transcript.is_empty() {
        let start = transcript.len().saturating_sub(TRANSCRIPT_LINES);
        let lines: Vec<String> = transcript[start..]
            .iter()
            .map(|(role, text)| {
                format!(
                    "*{}:* {}",
                    limited(role, 40, " "),
                    limited(&mask_cards(text), TRANSCRIPT_LINE_MAX_CHARS, " ")
                )
            })
            .collect();
        blocks.push(json!({
            "type": "section",
            "text": mrkdwn(format!("*Recent messages*\n{}", lines.join("\n"))),
        }));
    }

    if !p.urgency.reasons.is_empty() {
        let reasons = limited(&p.urgency.reasons.join(", "), QUESTION_MAX_CHARS, " ");
        blocks.push(json!({
            "type": "context",
            "elements": [mrkdwn(format!("Urgency reasons: {reasons}"))],
        }));
    }

    let mut context = Vec::new();
    if let Some(url) = &p.page_url {
        context.push(mrkdwn(format!(
            "Page: {}",
            limited(url, FIELD_MAX_CHARS, " ")
        )));
    }
    let mut about = format!(
        "Site {} · conversation {}",
        limited(&p.site, 100, " "),
        limited(&p.conversation_id, 100, " ")
    );
    for (name, value) in [("locale", &p.locale), ("time zone", &p.time_zone)] {
        if let Some(value) = value {
            about.push_str(&format!(" · {name} {}", limited(value, 100, " ")));
        }
    }
    context.push(mrkdwn(about));
    blocks.push(json!({ "type": "context", "elements": context }));

    json!({
        "text": fallback,
        "blocks": blocks,
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

fn urgency_label(level: Urgency) -> (&'static str, &'static str) {
    match level {
        Urgency::Urgent => ("🔴", "Urgent"),
        Urgency::High => ("🟠", "High"),
        Urgency::Normal => ("🔵", "Normal"),
        Urgency::Low => ("⚪", "Low"),
    }
}

/// A `mrkdwn` text object whose content Slack takes as written (no auto-linking).
fn mrkdwn(text: String) -> Value {
    json!({ "type": "mrkdwn", "text": text, "verbatim": true })
}

/// A section field: bold label, escaped value.
fn field(label: &str, value: &str) -> Value {
    mrkdwn(format!(
        "*{label}*\n{}",
        limited(value, FIELD_MAX_CHARS, "\n")
    ))
}

/// `text` as a Slack block quote, escaped, at most `max` characters.
fn quoted(text: &str, max: usize) -> String {
    format!("> {}", limited(text, max.saturating_sub(2), "\n> "))
}

/// Escapes `text`, writes each newline as `newline` (and drops carriage returns), and cuts
/// the result to at most `max` characters, ending a cut with `…`. Never cuts an entity.
fn limited(text: &str, max: usize, newline: &str) -> String {
    let pieces = || {
        text.chars().filter(|&c| c != '\r').map(move |c| match c {
            '&' => Piece::Str("&amp;"),
            '<' => Piece::Str("&lt;"),
            '>' => Piece::Str("&gt;"),
            '\n' => Piece::Str(newline),
            c => Piece::Char(c),
        })
    };
    let total: usize = pieces().map(|p| p.len()).sum();
    let cut = total > max;
    let budget = if cut { max.saturating_sub(1) } else { total };
    let mut out = String::with_capacity(text.len().min(budget.saturating_mul(4)));
    let mut used = 0;
    for piece in pieces() {
        if used + piece.len() > budget {
            break;
        }
        used += piece.len();
        match piece {
            Piece::Str(s) => out.push_str(s),
            Piece::Char(c) => out.push(c),
        }
    }
    if cut && max > 0 {
        out.push('…');
    }
    out
}

#[derive(Clone, Copy)]
enum Piece<'a> {
    Str(&'a str),
    Char(char),
}

impl Piece<'_> {
    /// Length in characters, as Slack counts.
    fn len(self) -> usize {
        match self {
            Piece::Str(s) => s.chars().count(),
            Piece::Char(_) => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_follows_slacks_rule() {
        let cases = [
            ("<!channel> hi", "&lt;!channel&gt; hi"),
            ("<!here|here>", "&lt;!here|here&gt;"),
            ("<@U1>", "&lt;@U1&gt;"),
            ("<#C123|general>", "&lt;#C123|general&gt;"),
            ("<https://x|y>", "&lt;https://x|y&gt;"),
            ("a &amp; b", "a &amp;amp; b"),
            ("&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;"),
            (
                "*bold* _it_ `code` \"q\" 'a' é 語",
                "*bold* _it_ `code` \"q\" 'a' é 語",
            ),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(escape(input), want, "{input}");
        }
    }

    #[test]
    fn limits_never_cut_an_entity() {
        assert_eq!(limited("abc", 3, " "), "abc");
        assert_eq!(limited("abcd", 3, " "), "ab…");
        // `&lt;` is 4 characters: it fits whole or not at all.
        assert_eq!(limited("a<b", 5, " "), "a…");
        assert_eq!(limited("a<b", 6, " "), "a&lt;b");
        assert_eq!(limited("a\r\nb", 10, "\n> "), "a\n> b");
        assert_eq!(quoted("one\ntwo", 100), "> one\n> two");
        let long = "x".repeat(5_000);
        assert_eq!(
            quoted(&long, QUESTION_MAX_CHARS).chars().count(),
            QUESTION_MAX_CHARS
        );
    }
}
