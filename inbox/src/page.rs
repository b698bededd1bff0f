//! The inbox page: handoffs urgent first, then each Slack channel, then the latest rejected
//! deliveries. Every received string goes through [`escape_html`]; the page has no script and
//! a strict CSP (see `Reply::new`). Each handoff has a reply box: a plain form post to
//! `/handoffs/<team>/<ticket>/reply` (CSP `form-action 'self'`), with the replies sent so far
//! and what the Worker said to each.

use ferry_shared::hours::format_local;
use ferry_shared::lang::LangCode;
use ferry_shared::reply::{MAX_AGENT_NAME_CHARS, MAX_REPLY_CHARS};
use ferry_shared::report::{Share, Suggestion};
use ferry_shared::wire::AwayReason;
use serde_json::Value;

use crate::{Entry, SiteReport, SlackMessage, State};

/// HTML-escapes `& < > " '`, so text is text in element content and quoted attributes alike.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Slack's three entities (`&amp;` `&lt;` `&gt;`) back to characters, as Slack displays them.
pub(crate) fn slack_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (c, len) = if rest.starts_with("&amp;") {
            ('&', 5)
        } else if rest.starts_with("&lt;") || rest.starts_with("&gt;") {
            (if rest.starts_with("&lt;") { '<' } else { '>' }, 4)
        } else {
            ('&', 1)
        };
        out.push(c);
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

/// `2026-04-06T09:00:00Z` for Unix epoch milliseconds.
pub(crate) fn iso_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, second_of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (H. Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// The `id` of a handoff's `<article>` (team and ticket are `[a-z0-9-]` and `[A-Za-z0-9_-]`
/// when they come from a route; escaped anyway where used).
pub(crate) fn handoff_anchor(team: &str, ticket: &str) -> String {
    format!("h-{team}-{ticket}")
}

/// `format_local` in UTC (shop-agnostic) followed by the ISO instant.
pub(crate) fn when(ms: i64, now_ms: i64) -> String {
    let local = format_local(ms, now_ms, None, LangCode::En);
    if local.is_empty() {
        iso_utc(ms)
    } else {
        format!("{local} ({})", iso_utc(ms))
    }
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

const STYLE: &str = "\
body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}\
header{background:#1d2330;color:#fff;padding:.8rem 1.2rem}\
header h1{margin:0;font-size:1.2rem}\
header p{margin:.2rem 0 0;color:#c9d1e0}\
main{padding:1rem 1.2rem;max-width:60rem}\
h2{font-size:1.05rem;margin:1.2rem 0 .5rem}\
article{background:#fff;border-left:6px solid #8a94a6;border-radius:6px;padding:.7rem 1rem;\
margin:.6rem 0;box-shadow:0 1px 2px #0002}\
article.urgent{border-color:#d1242f}article.high{border-color:#e36209}\
article.normal{border-color:#1f6feb}article.low{border-color:#8a94a6}\
h3{margin:0 0 .3rem;font-size:1rem}\
.level{font-weight:700;text-transform:uppercase;letter-spacing:.03em}\
.urgent .level{color:#d1242f}.high .level{color:#e36209}.normal .level{color:#1f6feb}\
.low .level{color:#5b6475}\
.muted,.team{color:#5b6475;font-weight:400}\
blockquote{margin:.4rem 0;padding:.4rem .7rem;background:#f4f5f7;border-radius:4px;\
white-space:pre-wrap;overflow-wrap:anywhere}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.4rem 0}\
dt{color:#5b6475}dd{margin:0;overflow-wrap:anywhere}\
.overdue,.bad{color:#d1242f;font-weight:700}.verified{color:#1a7f37}.unsigned{color:#9a6700}\
.away{color:#9a6700}\
ol,ul{margin:.3rem 0;padding-left:1.3rem}li{white-space:pre-wrap;overflow-wrap:anywhere}\
.slack{white-space:pre-wrap;overflow-wrap:anywhere}\
.empty{color:#5b6475}\
table{border-collapse:collapse;width:100%;background:#fff;margin:.4rem 0;box-shadow:0 1px 2px #0002}\
th,td{text-align:left;vertical-align:top;padding:.35rem .6rem;border-bottom:1px solid #e3e6eb}\
th{color:#5b6475;font-weight:600}td ul{margin:0}code{overflow-wrap:anywhere}\
form.reply{display:grid;gap:.25rem;margin:.5rem 0 .2rem;max-width:40rem}\
form.reply textarea,form.reply input{font:inherit;padding:.3rem}\
form.reply button{justify-self:start;font:inherit;padding:.25rem .9rem}\
label{color:#5b6475;font-size:.9rem}";

/// The inbox page: handoffs urgent first (newest first within a level), then each Slack
/// channel. Every received string goes through [`escape_html`].
pub fn render_page(state: &State, now_ms: i64) -> String {
    let mut order: Vec<usize> = (0..state.handoffs.len()).collect();
    order.sort_by(|&a, &b| {
        let (ea, eb) = (&state.handoffs[a], &state.handoffs[b]);
        eb.payload
            .urgency
            .level
            .cmp(&ea.payload.urgency.level)
            .then(eb.payload.created_at.cmp(&ea.payload.created_at))
            .then(b.cmp(&a))
    });

    let mut channels: Vec<&str> = state.slack.iter().map(|m| m.channel.as_str()).collect();
    channels.sort_unstable();
    channels.dedup();

    let mode = if state.verifies() {
        "verifies signatures"
    } else {
        "no secret: accepts unsigned deliveries"
    };
    let replies_off = state.replies_off();
    // A reload would wipe a half-written reply: with the reply box on and a handoff to answer,
    // the page reloads only when asked (the header's link).
    let (refresh, reload) = if replies_off.is_none() && !order.is_empty() {
        ("", " · <a href=\"/\">reload</a>")
    } else {
        ("<meta http-equiv=\"refresh\" content=\"5\">", "")
    };
    let mut html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">{refresh}\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Ferry inbox ({})</title><style>{STYLE}</style></head><body>\n\
         <header><h1>Ferry inbox</h1><p>{} · {} · <span class=\"{}\">rejected: {}</span> · {mode} \
         · as of {}{reload}</p></header>\n<main>\n<h2>Handoffs</h2>\n",
        state.handoffs.len(),
        plural(state.handoffs.len(), "handoff", "handoffs"),
        plural(state.slack.len(), "Slack message", "Slack messages"),
        if state.rejected > 0 { "bad" } else { "muted" },
        state.rejected,
        iso_utc(now_ms),
    );
    if order.is_empty() {
        html.push_str("<p class=\"empty\">No handoffs yet.</p>\n");
    }
    for index in order {
        render_handoff(&mut html, &state.handoffs[index], now_ms, replies_off);
    }
    for report in state.reports() {
        render_report(&mut html, &report);
    }
    for channel in channels {
        html.push_str(&format!("<h2>Slack #{}</h2>\n", escape_html(channel)));
        for message in state.slack.iter().rev().filter(|m| m.channel == channel) {
            render_slack(&mut html, message);
        }
    }
    if !state.rejections.is_empty() {
        html.push_str("<h2>Latest rejected deliveries</h2>\n<ul>\n");
        for r in state.rejections.iter().rev() {
            html.push_str(&format!(
                "<li><span class=\"muted\">{}</span> {} — <span class=\"bad\">{}</span></li>\n",
                iso_utc(r.at),
                escape_html(&r.path),
                escape_html(&r.reason)
            ));
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</main></body></html>\n");
    html
}

fn render_handoff(html: &mut String, entry: &Entry, now_ms: i64, replies_off: Option<&str>) {
    let p = &entry.payload;
    let e = escape_html;
    let level = p.urgency.level.as_str();
    html.push_str(&format!(
        "<article class=\"{level}\" id=\"{}\">\n<h3><span class=\"level\">{level}</span> {} \
         <span class=\"team\">· team {}</span></h3>\n",
        e(&handoff_anchor(&entry.team, &p.ticket)),
        e(&p.ticket),
        e(&entry.team),
    ));
    if !p.urgency.reasons.is_empty() {
        html.push_str(&format!(
            "<div class=\"muted\">reasons: {}</div>\n",
            e(&p.urgency.reasons.join(", "))
        ));
    }
    html.push_str(&format!(
        "<blockquote dir=\"auto\">{}</blockquote>\n<dl>\n",
        e(&p.question)
    ));
    let mut row = |name: &str, value: String| {
        html.push_str(&format!("<dt>{name}</dt><dd>{value}</dd>\n"));
    };
    let source = serde_json::to_value(p.language.source)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    row(
        "Language",
        format!(
            "{} · confidence {:.2} · from {}",
            e(&p.language.code),
            p.language.confidence,
            e(&source)
        ),
    );
    row("Topic", e(p.topic.as_str()));
    if let Some(country) = &p.country {
        row("Country", e(country));
    }
    if let Some(contact) = &p.contact {
        let parts: Vec<String> = [
            ("email", &contact.email),
            ("name", &contact.name),
            ("order", &contact.order_number),
        ]
        .into_iter()
        .filter_map(|(label, value)| value.as_ref().map(|v| format!("{label} {}", e(v))))
        .collect();
        if !parts.is_empty() {
            row("Contact", parts.join(" · "));
        }
    }
    let overdue = if p.reply_by < now_ms {
        " <span class=\"overdue\">overdue</span>"
    } else {
        ""
    };
    row(
        "Reply by",
        format!("{}{overdue}", e(&when(p.reply_by, now_ms))),
    );
    if let Some(away) = &p.away {
        let why = match away.reason {
            AwayReason::Closed => "closed",
            AwayReason::Holiday => "holiday",
        };
        row(
            "Away",
            format!(
                "<span class=\"away\">{why}: nobody at the inbox; opens {}</span>",
                e(&when(away.opens_at, now_ms))
            ),
        );
    }
    if let Some(url) = &p.page_url {
        row("Page", e(url));
    }
    let mut about = format!(
        "site {} · conversation {}",
        e(&p.site),
        e(&p.conversation_id)
    );
    for (name, value) in [("locale", &p.locale), ("time zone", &p.time_zone)] {
        if let Some(value) = value {
            about.push_str(&format!(" · {name} {}", e(value)));
        }
    }
    row("Shopper", about);
    let signature = entry.signature.as_str();
    let mut delivery = format!(
        "<span class=\"{signature}\">{signature}</span> · received {} · created {}",
        iso_utc(entry.received_at),
        iso_utc(p.created_at),
    );
    if entry.deliveries > 1 {
        delivery.push_str(&format!(" · delivered {} times", entry.deliveries));
    }
    row("Delivery", delivery);
    html.push_str("</dl>\n");
    if !p.transcript.is_empty() {
        html.push_str("<div class=\"muted\">Earlier messages</div>\n<ol>\n");
        for line in &p.transcript {
            html.push_str(&format!(
                "<li dir=\"auto\"><b>{}:</b> {}</li>\n",
                e(&line.role),
                e(&line.text)
            ));
        }
        html.push_str("</ol>\n");
    }
    render_reply_box(html, entry, replies_off);
    html.push_str("</article>\n");
}

/// The replies sent to a handoff and the form for the next one (or why replies are off).
fn render_reply_box(html: &mut String, entry: &Entry, replies_off: Option<&str>) {
    let e = escape_html;
    let ticket = &entry.payload.ticket;
    if !entry.replies.is_empty() {
        html.push_str("<div class=\"muted\">Replies</div>\n<ul class=\"replies\">\n");
        for r in &entry.replies {
            let class = match r.outcome {
                crate::Outcome::Sent { .. } => "verified",
                _ => "bad",
            };
            html.push_str(&format!(
                "<li dir=\"auto\"><b>{}:</b> {} <span class=\"muted\">({})</span> \
                 <span class=\"{class}\">{}</span></li>\n",
                e(&r.agent),
                e(&r.text),
                iso_utc(r.at),
                e(&r.outcome.describe()),
            ));
        }
        html.push_str("</ul>\n");
    }
    if let Some(why) = replies_off {
        html.push_str(&format!(
            "<p class=\"muted reply-off\">Reply box off: {}</p>\n",
            e(why)
        ));
        return;
    }
    let id = e(&handoff_anchor(&entry.team, ticket));
    html.push_str(&format!(
        "<form class=\"reply\" method=\"post\" action=\"/handoffs/{}/{}/reply\" \
         accept-charset=\"utf-8\">\n\
         <label for=\"{id}-text\">Reply to {}</label>\n\
         <textarea id=\"{id}-text\" name=\"text\" rows=\"3\" required maxlength=\"{MAX_REPLY_CHARS}\" \
         dir=\"auto\"></textarea>\n\
         <label for=\"{id}-agent\">Your name (the shopper sees it)</label>\n\
         <input id=\"{id}-agent\" name=\"agent\" required maxlength=\"{MAX_AGENT_NAME_CHARS}\" \
         autocomplete=\"name\">\n\
         <button type=\"submit\">Send reply</button>\n</form>\n",
        e(&entry.team),
        e(ticket),
        e(ticket),
    ));
}

/// `name count` pairs, most first: `other 4 · safety 1`.
fn counts(shares: &[Share]) -> String {
    shares
        .iter()
        .map(|s| format!("{} {}", escape_html(&s.name), s.messages))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The unanswered-questions report over one site's handoffs: the groups by language and
/// topic with examples and a suggested rule (`ferry_shared::report`, as `ferry report`).
fn render_report(html: &mut String, report: &SiteReport) {
    let e = escape_html;
    let s = &report.summary;
    let open: usize = s.groups.iter().map(|g| g.open()).sum();
    html.push_str(&format!(
        "<h2>Unanswered questions · site {}</h2>\n<section class=\"report\">\n<p>{} · {} by \
         design (alarms, complaints, requests for a person, high urgency) · {open} a rule could \
         answer</p>\n",
        e(&report.site),
        plural(s.handed_off, "handoff", "handoffs"),
        s.by_design,
    ));
    if s.answered > 0 {
        for (title, shares) in [("topic", &s.by_topic), ("language", &s.by_language)] {
            let rows: Vec<String> = shares
                .iter()
                .map(|x| {
                    format!(
                        "{} {}/{} ({:.0} %)",
                        e(&x.name),
                        x.answered,
                        x.messages,
                        100.0 * x.share
                    )
                })
                .collect();
            html.push_str(&format!(
                "<p class=\"muted\">Answered per {title}: {}</p>\n",
                rows.join(" · ")
            ));
        }
    } else {
        html.push_str(&format!(
            "<p class=\"muted\">By topic: {}. By language: {}. The inbox sees handoffs only: \
             for the share answered per topic and language run <code>ferry report</code> over \
             a D1 export.</p>\n",
            counts(&s.by_topic),
            counts(&s.by_language),
        ));
    }
    html.push_str(
        "<table>\n<tr><th>Language · topic</th><th>Questions</th><th>Examples</th>\
         <th>Suggested rule</th></tr>\n",
    );
    for g in &s.groups {
        let design = match g.by_design {
            0 => String::new(),
            d => format!(" <span class=\"muted\">({d} by design)</span>"),
        };
        let examples: String = g
            .examples
            .iter()
            .map(|x| format!("<li dir=\"auto\">{}</li>", e(x)))
            .collect();
        let suggestion = match &g.suggestion {
            Suggestion::Rule {
                pattern,
                matches,
                of,
                ..
            } => format!(
                "<code>{}</code> <span class=\"muted\">({matches} of {of} hit these in this \
                 order)</span>",
                e(pattern)
            ),
            Suggestion::Words { words } => {
                let list: Vec<String> = words
                    .iter()
                    .map(|w| format!("{} ({})", e(&w.word), w.questions))
                    .collect();
                let why = if report.vocabularies {
                    "no vocabulary of the site is shared by most of them"
                } else {
                    "the site file is not loaded, so no vocabularies"
                };
                format!(
                    "<span class=\"muted\">{why}; frequent words:</span> {}",
                    if list.is_empty() {
                        "none".to_string()
                    } else {
                        list.join(", ")
                    }
                )
            }
            Suggestion::ByDesign => {
                "<span class=\"muted\">by design: a person always takes these</span>".into()
            }
        };
        html.push_str(&format!(
            "<tr><td>{} · {}</td><td>{}{design}</td><td><ul>{examples}</ul></td><td>{suggestion}</td></tr>\n",
            e(&g.language),
            e(g.topic.as_str()),
            g.questions,
        ));
    }
    html.push_str("</table>\n</section>\n");
}

/// The texts of a Block Kit message: header, section text and fields, context elements.
fn slack_texts(message: &Value) -> Vec<String> {
    let text_of = |v: &Value| v.get("text").and_then(Value::as_str).map(str::to_string);
    let mut out = Vec::new();
    for block in message
        .get("blocks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match block.get("type").and_then(Value::as_str) {
            Some("header" | "section") => {
                out.extend(block.get("text").and_then(text_of));
                out.extend(
                    block
                        .get("fields")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(text_of),
                );
            }
            Some("context") => out.extend(
                block
                    .get("elements")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(text_of),
            ),
            _ => {}
        }
    }
    out
}

fn render_slack(html: &mut String, message: &SlackMessage) {
    let fallback = message
        .message
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    html.push_str(&format!(
        "<article>\n<div class=\"muted\">received {}</div>\n<p class=\"slack\" dir=\"auto\"><b>{}</b></p>\n",
        iso_utc(message.received_at),
        escape_html(&slack_unescape(fallback))
    ));
    let texts = slack_texts(&message.message);
    if !texts.is_empty() {
        html.push_str("<ul>\n");
        for text in texts {
            html.push_str(&format!(
                "<li class=\"slack\" dir=\"auto\">{}</li>\n",
                escape_html(&slack_unescape(&text))
            ));
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</article>\n");
}
