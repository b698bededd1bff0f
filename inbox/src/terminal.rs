//! What the inbox prints per request: a block per new handoff, a line per redelivery, Slack
//! message, rejection or refusal. Sender text goes through [`plain`] first.

use ferry_shared::wire::Urgency;
use serde_json::Value;

use crate::page::{plural, slack_unescape, when};
use crate::{Entry, Event, Signature, State, now_ms};

/// Text safe to print: control characters (escape sequences, carriage returns, newlines)
/// become spaces, so a sender cannot restyle or rewrite the terminal.
pub(crate) fn plain(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// One request's line(s) in the terminal (`serve_on` with `print`).
pub(crate) fn log(state: &State, method: &str, url: &str, event: &Event) {
    match event {
        Event::Nothing => {}
        Event::Handoff(index) => {
            if let Some(entry) = state.handoffs.get(*index) {
                print_handoff(entry);
            }
        }
        Event::Redelivery(index) => {
            if let Some(entry) = state.handoffs.get(*index) {
                println!(
                    "\x1b[2m[inbox] redelivery of {} (team {}, delivered {} times)\x1b[0m",
                    plain(&entry.payload.ticket),
                    entry.team,
                    entry.deliveries
                );
            }
        }
        Event::Slack(index) => {
            if let Some(m) = state.slack.get(*index) {
                let text = m
                    .message
                    .get("text")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                println!(
                    "\n\x1b[1;35m[inbox] Slack #{}\x1b[0m {}",
                    m.channel,
                    plain(&slack_unescape(text))
                );
            }
        }
        Event::Rejected(why) => eprintln!(
            "\x1b[1;31m[inbox] rejected {method} {}: bad signature: {why} (rejected: {})\x1b[0m",
            plain(url),
            state.rejected
        ),
        Event::BadRequest(why) => eprintln!(
            "\x1b[33m[inbox] refused {method} {}: {}\x1b[0m",
            plain(url),
            plain(why)
        ),
    }
}

/// A new handoff: level, ticket, team, language, topic, signature, then the question,
/// contact, reply-by, away and transcript length.
fn print_handoff(entry: &Entry) {
    let h = &entry.payload;
    let level = h.urgency.level.as_str().to_uppercase();
    let colour = match h.urgency.level {
        Urgency::Urgent => "\x1b[1;31m",
        Urgency::High => "\x1b[1;33m",
        _ => "\x1b[1;36m",
    };
    let signature = match entry.signature {
        Signature::Verified => "\x1b[32mverified\x1b[0m",
        Signature::Unsigned => "\x1b[33munsigned\x1b[0m",
    };
    println!(
        "\n{colour}[inbox] {level}\x1b[0m {} · team {} · {} · language {} ({:.2}, {:?}) · topic {} · {signature}",
        plain(&h.ticket),
        entry.team,
        plain(&h.site),
        plain(&h.language.code),
        h.language.confidence,
        h.language.source,
        h.topic.as_str()
    );
    if !h.urgency.reasons.is_empty() {
        println!("        reasons: {}", plain(&h.urgency.reasons.join(", ")));
    }
    println!("        \u{201c}{}\u{201d}", plain(&h.question));
    if let Some(email) = h.contact.as_ref().and_then(|c| c.email.as_deref()) {
        println!("        contact: {}", plain(email));
    }
    let now = now_ms();
    let overdue = if h.reply_by < now {
        " \x1b[1;31moverdue\x1b[0m"
    } else {
        ""
    };
    println!("        reply by: {}{overdue}", when(h.reply_by, now));
    if let Some(away) = &h.away {
        println!(
            "        away ({:?}): opens {}",
            away.reason,
            when(away.opens_at, now)
        );
    }
    if !h.transcript.is_empty() {
        println!(
            "        transcript: {}",
            plural(h.transcript.len(), "earlier message", "earlier messages")
        );
    }
}
