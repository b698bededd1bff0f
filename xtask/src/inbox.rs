//! The local inbox: the agents' view in the demo. A webhook receiver on 127.0.0.1 that
//! verifies Standard Webhooks signatures, prints each handoff in the terminal and lists them on
//! a small HTML page, urgent first.
//!
//! - `POST /handoffs`, `POST /handoffs/<team>`: a JSON `HandoffPayload`, signed with the
//!   `webhook-*` headers. With a secret, a missing or wrong signature is a 401 (counted, shown
//!   in red); without one, deliveries are accepted and marked "unsigned". A redelivery (same
//!   `webhook-id` to the same team) is answered 200 and counted, not listed twice.
//! - `POST /slack/<channel>`: a Slack Block Kit message (unsigned, like Slack's own incoming
//!   webhooks), shown as plain text under "Slack #<channel>".
//! - `GET /`: the page. `GET /handoffs`: the received payloads as JSON. `GET /slack`: the Slack
//!   messages as JSON.
//!
//! Everything a shopper (or any sender) wrote is escaped with [`escape_html`] before it reaches
//! the page, and control characters are blanked before it reaches the terminal.

use std::io::Read;
use std::sync::Mutex;

use anyhow::Result;
use ferry_shared::hours::format_local;
use ferry_shared::lang::LangCode;
use ferry_shared::webhook::{self, Secret};
use ferry_shared::wire::{AwayReason, HandoffPayload, Urgency};
use serde_json::{Value, json};
use tiny_http::{Header, Response, Server};

/// Largest accepted request body; larger is a 413.
const MAX_BODY: usize = 256 * 1024;
/// How many recent rejections the page lists (all are counted).
const REJECTIONS_SHOWN: usize = 10;
/// The team of `POST /handoffs`.
const DEFAULT_TEAM: &str = "default";

const JSON: &str = "application/json";
const HTML: &str = "text/html; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// How a stored handoff arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// The `webhook-signature` matched one of the inbox's secrets.
    Verified,
    /// The inbox has no secret, so nothing was checked.
    Unsigned,
}

impl Signature {
    fn as_str(self) -> &'static str {
        match self {
            Signature::Verified => "verified",
            Signature::Unsigned => "unsigned",
        }
    }
}

/// One handoff as the inbox keeps it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The destination's team, from the path (`default` for `/handoffs`).
    pub team: String,
    /// `webhook-id`, or the payload's `id` when the header is absent (unsigned mode).
    pub delivery_id: String,
    pub payload: HandoffPayload,
    /// The body as received, for `GET /handoffs` (keeps fields this build does not know).
    pub raw: Value,
    pub signature: Signature,
    /// 1 for the first delivery, +1 per redelivery.
    pub deliveries: u32,
    /// Unix epoch milliseconds of the first delivery.
    pub received_at: i64,
}

/// One Slack message as the inbox keeps it.
#[derive(Debug, Clone)]
pub struct SlackMessage {
    pub channel: String,
    pub message: Value,
    pub received_at: i64,
}

#[derive(Debug, Clone)]
pub struct Rejection {
    pub at: i64,
    pub path: String,
    pub reason: String,
}

/// Everything the inbox has received. Shared between requests as `Mutex<State>`.
#[derive(Debug, Default)]
pub struct State {
    /// Empty: accept unsigned deliveries.
    secrets: Vec<Secret>,
    pub handoffs: Vec<Entry>,
    pub slack: Vec<SlackMessage>,
    /// Deliveries refused for their signature.
    pub rejected: u64,
    /// The latest rejections, newest last, at most [`REJECTIONS_SHOWN`].
    pub rejections: Vec<Rejection>,
}

impl State {
    /// `secret`: one or more `whsec_…` separated by spaces; `None` accepts unsigned deliveries.
    pub fn new(secret: Option<&str>) -> Result<State> {
        let secrets = match secret {
            Some(text) => Secret::parse_list(text)
                .map_err(|e| anyhow::anyhow!("inbox secret: {e} (expected whsec_<base64>)"))?,
            None => Vec::new(),
        };
        Ok(State {
            secrets,
            ..State::default()
        })
    }

    /// Whether deliveries must carry a valid signature.
    pub fn verifies(&self) -> bool {
        !self.secrets.is_empty()
    }
}

/// What a request did, for the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Nothing,
    /// A new handoff, at this index of [`State::handoffs`].
    Handoff(usize),
    /// A redelivery of the handoff at this index.
    Redelivery(usize),
    /// A new Slack message, at this index of [`State::slack`].
    Slack(usize),
    /// Refused for its signature: why.
    Rejected(String),
    /// Refused as malformed: why.
    BadRequest(String),
}

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    /// Extra headers (the content type is separate).
    pub headers: Vec<(&'static str, String)>,
    pub event: Event,
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: String) -> Reply {
        Reply {
            status,
            content_type,
            body,
            headers: vec![
                (
                    "content-security-policy",
                    "default-src 'none'; style-src 'unsafe-inline'".into(),
                ),
                ("x-content-type-options", "nosniff".into()),
                ("cache-control", "no-store".into()),
            ],
            event: Event::Nothing,
        }
    }

    fn json(status: u16, value: &Value) -> Reply {
        Reply::new(status, JSON, value.to_string())
    }

    fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(
            status,
            &json!({ "error": { "code": code, "message": message } }),
        )
    }

    fn with_event(mut self, event: Event) -> Reply {
        self.event = event;
        self
    }
}

/// Listens on 127.0.0.1:`port` (0 picks a free port).
pub fn listen(port: u16) -> Result<Server> {
    Server::http(("127.0.0.1", port))
        .map_err(|e| anyhow::anyhow!("inbox cannot listen on 127.0.0.1:{port}: {e}"))
}

/// `cargo xtask inbox`: listens, says whether it verifies signatures, and serves until the
/// process ends. `secret`: one or more `whsec_…` separated by spaces.
pub fn serve(port: u16, secret: Option<String>) -> Result<()> {
    let state = State::new(secret.as_deref())?;
    let server = listen(port)?;
    if state.verifies() {
        println!("inbox listening on http://127.0.0.1:{port}/ (verifies signatures)");
    } else {
        println!(
            "inbox listening on http://127.0.0.1:{port}/ \x1b[1;33m(no secret: accepts unsigned \
             deliveries; pass --secret whsec_… or set WEBHOOK_SECRET to verify)\x1b[0m"
        );
    }
    serve_on(&server, &Mutex::new(state), true);
    anyhow::bail!("the inbox stopped accepting connections")
}

/// Answers requests until `server.unblock()` is called or the server stops accepting.
/// `print`: a line in the terminal per request (the load test keeps quiet).
pub fn serve_on(server: &Server, state: &Mutex<State>, print: bool) {
    for mut request in server.incoming_requests() {
        let method = request.method().as_str().to_string();
        let url = request.url().to_string();
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_ascii_lowercase(),
                    h.value.as_str().to_string(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let oversized = request.body_length().is_some_and(|n| n > MAX_BODY);
        let read = if oversized {
            // Answered 413 without reading; one byte over the limit says so to `handle`.
            body.resize(MAX_BODY + 1, 0);
            Ok(0)
        } else {
            request
                .as_reader()
                .take(MAX_BODY as u64 + 1)
                .read_to_end(&mut body)
        };
        let reply = match read {
            Err(e) => Reply::error(400, "bad_request", &format!("could not read the body: {e}")),
            Ok(_) => {
                let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
                let reply = handle(&mut state, &method, &url, &headers, &body, now_ms());
                if print {
                    log(&state, &method, &url, &reply.event);
                }
                reply
            }
        };
        let mut response = Response::from_string(reply.body).with_status_code(reply.status);
        let all =
            std::iter::once(("content-type", reply.content_type.to_string())).chain(reply.headers);
        for (name, value) in all {
            if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                response.add_header(header);
            }
        }
        let _ = request.respond(response);
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Answers one request. `headers` have lower-case names; `now_ms` is the clock signatures are
/// checked against and the page is drawn at.
pub fn handle(
    state: &mut State,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    now_ms: i64,
) -> Reply {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let allow = |allowed: &'static str| {
        let mut reply = Reply::error(
            405,
            "method_not_allowed",
            &format!("{path} accepts {allowed}"),
        );
        reply.headers.push(("allow", allowed.into()));
        reply
    };
    match (method, segments.as_slice()) {
        ("GET", [""]) => Reply::new(200, HTML, render_page(state, now_ms)),
        (_, [""]) => allow("GET"),
        ("GET", ["handoffs"]) => Reply::json(
            200,
            &Value::Array(state.handoffs.iter().map(|e| e.raw.clone()).collect()),
        ),
        ("POST", ["handoffs"]) => receive_handoff(state, DEFAULT_TEAM, path, headers, body, now_ms),
        (_, ["handoffs"]) => allow("GET, POST"),
        (method, ["handoffs", team]) if is_name(team, 32, false) => match method {
            "POST" => receive_handoff(state, team, path, headers, body, now_ms),
            _ => allow("POST"),
        },
        ("GET", ["slack"]) => Reply::json(
            200,
            &Value::Array(
                state
                    .slack
                    .iter()
                    .map(|m| json!({ "channel": m.channel, "message": m.message }))
                    .collect(),
            ),
        ),
        (_, ["slack"]) => allow("GET"),
        (method, ["slack", channel]) if is_name(channel, 80, true) => match method {
            "POST" => receive_slack(state, channel, body, now_ms),
            _ => allow("POST"),
        },
        (_, ["handoffs" | "slack", _]) => Reply::error(
            404,
            "not_found",
            "team and channel names are 1-32 (channels 1-80) of a-z, 0-9 and `-` \
             (channels also `_`), e.g. /handoffs/sales or /slack/support",
        ),
        _ => Reply::error(
            404,
            "not_found",
            "GET / (the page), GET|POST /handoffs, POST /handoffs/<team>, GET /slack, \
             POST /slack/<channel>",
        ),
    }
}

/// `[a-z0-9-]{1,max}` (plus `_` when `underscore`).
fn is_name(name: &str, max: usize, underscore: bool) -> bool {
    (1..=max).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || (underscore && b == b'_')
        })
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn too_large() -> Reply {
    Reply::error(
        413,
        "too_large",
        &format!("the body is larger than {} KiB", MAX_BODY / 1024),
    )
}

fn receive_handoff(
    state: &mut State,
    team: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
    now_ms: i64,
) -> Reply {
    if body.len() > MAX_BODY {
        return too_large();
    }
    let signature = if state.verifies() {
        let checked = webhook::verify(
            &state.secrets,
            |name| header(headers, name),
            body,
            now_ms.div_euclid(1000),
        );
        if let Err(e) = checked {
            let reason = e.to_string();
            state.rejected += 1;
            state.rejections.push(Rejection {
                at: now_ms,
                path: path.to_string(),
                reason: reason.clone(),
            });
            if state.rejections.len() > REJECTIONS_SHOWN {
                state.rejections.remove(0);
            }
            return Reply::error(401, "bad_signature", &reason).with_event(Event::Rejected(reason));
        }
        Signature::Verified
    } else {
        Signature::Unsigned
    };
    let parsed = serde_json::from_slice::<HandoffPayload>(body)
        .and_then(|payload| serde_json::from_slice::<Value>(body).map(|raw| (payload, raw)));
    let (payload, raw) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let why = format!("not a handoff payload: {e}");
            return Reply::error(400, "bad_request", &why).with_event(Event::BadRequest(why));
        }
    };
    let delivery_id = header(headers, webhook::HEADER_ID)
        .filter(|id| !id.is_empty())
        .unwrap_or(&payload.id)
        .to_string();
    // A redelivery goes to the same destination; the same id at another team is that team's copy.
    if let Some(index) = state
        .handoffs
        .iter()
        .position(|e| e.team == team && e.delivery_id == delivery_id)
    {
        state.handoffs[index].deliveries += 1;
        return Reply::json(200, &json!({ "ok": true, "duplicate": true }))
            .with_event(Event::Redelivery(index));
    }
    state.handoffs.push(Entry {
        team: team.to_string(),
        delivery_id,
        payload,
        raw,
        signature,
        deliveries: 1,
        received_at: now_ms,
    });
    Reply::json(200, &json!({ "ok": true })).with_event(Event::Handoff(state.handoffs.len() - 1))
}

fn receive_slack(state: &mut State, channel: &str, body: &[u8], now_ms: i64) -> Reply {
    if body.len() > MAX_BODY {
        return too_large();
    }
    let message = match serde_json::from_slice::<Value>(body) {
        Ok(message)
            if message.get("text").is_some_and(Value::is_string)
                || message.get("blocks").is_some_and(Value::is_array) =>
        {
            message
        }
        Ok(_) => {
            let why = "a Slack message needs `text` or `blocks`".to_string();
            return Reply::error(400, "bad_request", &why).with_event(Event::BadRequest(why));
        }
        Err(e) => {
            let why = format!("not JSON: {e}");
            return Reply::error(400, "bad_request", &why).with_event(Event::BadRequest(why));
        }
    };
    state.slack.push(SlackMessage {
        channel: channel.to_string(),
        message,
        received_at: now_ms,
    });
    // What Slack's incoming webhooks answer.
    Reply::new(200, TEXT, "ok".into()).with_event(Event::Slack(state.slack.len() - 1))
}

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
fn slack_unescape(text: &str) -> String {
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
fn iso_utc(ms: i64) -> String {
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

/// `format_local` in UTC (shop-agnostic) followed by the ISO instant.
fn when(ms: i64, now_ms: i64) -> String {
    let local = format_local(ms, now_ms, None, LangCode::En);
    if local.is_empty() {
        iso_utc(ms)
    } else {
        format!("{local} ({})", iso_utc(ms))
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
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
.empty{color:#5b6475}";

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
    let mut html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"5\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Ferry inbox ({})</title><style>{STYLE}</style></head><body>\n\
         <header><h1>Ferry inbox</h1><p>{} · {} · <span class=\"{}\">rejected: {}</span> · {mode} \
         · as of {}</p></header>\n<main>\n<h2>Handoffs</h2>\n",
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
        render_handoff(&mut html, &state.handoffs[index], now_ms);
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

fn render_handoff(html: &mut String, entry: &Entry, now_ms: i64) {
    let p = &entry.payload;
    let e = escape_html;
    let level = p.urgency.level.as_str();
    html.push_str(&format!(
        "<article class=\"{level}\">\n<h3><span class=\"level\">{level}</span> {} \
         <span class=\"team\">· team {}</span></h3>\n",
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
    html.push_str("</article>\n");
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

/// Text safe to print: control characters (escape sequences, carriage returns, newlines)
/// become spaces, so a sender cannot restyle or rewrite the terminal.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn log(state: &State, method: &str, url: &str, event: &Event) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_shared::Topic;
    use ferry_shared::webhook::{TOLERANCE_SECS, signature_header};
    use ferry_shared::wire::{Away, Contact, Language, LanguageSource, TranscriptLine, UrgencyTag};
    use std::io::Write;
    use std::net::TcpStream;
    use std::sync::Arc;
    use std::time::Duration;

    type Headers = Vec<(String, String)>;

    const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    const OTHER_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /// 2026-04-06T09:00:00Z.
    const NOW: i64 = 1_775_466_000_000;
    const HOUR: i64 = 3_600_000;
    const SCRIPT: &str = "<script>alert(1)</script>";
    const IMG: &str = "\"><img src=x onerror=alert(1)>";

    fn payload(ticket: &str, level: Urgency, created_at: i64) -> HandoffPayload {
        HandoffPayload {
            v: 1,
            id: format!("id-{ticket}"),
            ticket: ticket.into(),
            site: "demo".into(),
            conversation_id: "c-1".into(),
            created_at,
            language: Language {
                code: "pt".into(),
                confidence: 0.93,
                source: LanguageSource::Text,
            },
            urgency: UrgencyTag {
                level,
                reasons: vec!["safety:smoke".into()],
            },
            topic: Topic::Safety,
            question: "O carregador está soltando fumaça".into(),
            page_url: Some("https://shop.example/p/charger".into()),
            locale: Some("pt-BR".into()),
            time_zone: Some("America/Sao_Paulo".into()),
            contact: Some(Contact {
                email: Some("ana@example.com".into()),
                name: Some("Ana Souza".into()),
                order_number: Some("#10423".into()),
            }),
            reply_by: created_at + 8 * HOUR,
            country: Some("BR".into()),
            transcript: vec![TranscriptLine {
                role: "shopper".into(),
                text: "oi".into(),
                at: created_at - 60_000,
            }],
            away: None,
        }
    }

    fn body(p: &HandoffPayload) -> Vec<u8> {
        serde_json::to_vec(p).expect("serializes")
    }

    fn signed(secret: &str, id: &str, ts_secs: i64, body: &[u8]) -> Vec<(String, String)> {
        let secrets = Secret::parse_list(secret).expect("secret");
        vec![
            ("content-type".into(), JSON.into()),
            (webhook::HEADER_ID.into(), id.into()),
            (webhook::HEADER_TIMESTAMP.into(), ts_secs.to_string()),
            (
                webhook::HEADER_SIGNATURE.into(),
                signature_header(&secrets, id, ts_secs, body),
            ),
        ]
    }

    /// POSTs `p` to `path`, signed with `SECRET` at `NOW`, webhook-id = the payload id.
    fn post_signed(state: &mut State, path: &str, p: &HandoffPayload) -> Reply {
        let body = body(p);
        let headers = signed(SECRET, &p.id, NOW / 1000, &body);
        handle(state, "POST", path, &headers, &body, NOW)
    }

    fn page(state: &mut State) -> String {
        let reply = handle(state, "GET", "/", &[], &[], NOW);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.content_type, HTML);
        reply.body
    }

    /// The `<article>` that mentions `ticket`.
    fn article<'a>(html: &'a str, ticket: &str) -> &'a str {
        let at = html.find(ticket).expect("ticket on the page");
        let start = html[..at].rfind("<article").expect("inside an article");
        let end = at + html[at..].find("</article>").expect("article ends");
        &html[start..end]
    }

    fn error_code(reply: &Reply) -> String {
        let value: Value = serde_json::from_str(&reply.body).expect("JSON error body");
        value["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn signed_handoffs_are_verified_and_listed() {
        let mut state = State::new(Some(SECRET)).expect("secret");
        let p = payload("FRY-SIGNED1", Urgency::High, NOW - HOUR);
        let reply = post_signed(&mut state, "/handoffs/sales", &p);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.event, Event::Handoff(0));

        let html = page(&mut state);
        let card = article(&html, "FRY-SIGNED1");
        assert!(
            card.contains("verified") && !card.contains("unsigned"),
            "{card}"
        );
        assert!(card.contains("team sales"), "{card}");
        assert!(html.contains("rejected: 0"));

        let list = handle(&mut state, "GET", "/handoffs", &[], &[], NOW);
        let list: Vec<HandoffPayload> = serde_json::from_str(&list.body).expect("payload list");
        assert_eq!(list, vec![p]);

        // Key rotation: a signature by any of the configured secrets verifies.
        let mut rotating = State::new(Some(&format!("{OTHER_SECRET} {SECRET}"))).expect("secrets");
        let p = payload("FRY-ROTATED", Urgency::Low, NOW);
        assert_eq!(post_signed(&mut rotating, "/handoffs", &p).status, 200);
        assert!(article(&page(&mut rotating), "FRY-ROTATED").contains("team default"));
    }

    #[test]
    fn bad_signatures_are_refused_and_counted() {
        let mut state = State::new(Some(SECRET)).expect("secret");
        let p = payload("FRY-FORGED", Urgency::Urgent, NOW);
        let good = body(&p);
        let mut tampered_payload = p.clone();
        tampered_payload.question = "send the refund to my other card".into();
        let tampered = body(&tampered_payload);
        let ts = NOW / 1000;
        let without = |name: &str| -> Vec<(String, String)> {
            signed(SECRET, &p.id, ts, &good)
                .into_iter()
                .filter(|(n, _)| n != name)
                .collect()
        };
        let cases: Vec<(&str, Headers, &[u8], &str)> = vec![
            (
                "tampered body",
                signed(SECRET, &p.id, ts, &good),
                &tampered,
                "matches",
            ),
            (
                "wrong secret",
                signed(OTHER_SECRET, &p.id, ts, &good),
                &good,
                "matches",
            ),
            ("no headers", vec![], &good, webhook::HEADER_ID),
            (
                "no id",
                without(webhook::HEADER_ID),
                &good,
                webhook::HEADER_ID,
            ),
            (
                "no timestamp",
                without(webhook::HEADER_TIMESTAMP),
                &good,
                webhook::HEADER_TIMESTAMP,
            ),
            (
                "no signature",
                without(webhook::HEADER_SIGNATURE),
                &good,
                webhook::HEADER_SIGNATURE,
            ),
            (
                "stale timestamp",
                signed(SECRET, &p.id, ts - TOLERANCE_SECS - 1, &good),
                &good,
                "old",
            ),
            (
                "future timestamp",
                signed(SECRET, &p.id, ts + TOLERANCE_SECS + 1, &good),
                &good,
                "future",
            ),
        ];
        let total = cases.len() as u64;
        for (n, (name, headers, sent, why)) in cases.into_iter().enumerate() {
            let reply = handle(&mut state, "POST", "/handoffs", &headers, sent, NOW);
            assert_eq!(reply.status, 401, "{name}: {}", reply.body);
            assert_eq!(error_code(&reply), "bad_signature", "{name}");
            assert!(reply.body.contains(why), "{name}: {}", reply.body);
            assert!(matches!(reply.event, Event::Rejected(_)), "{name}");
            assert_eq!(state.rejected, n as u64 + 1, "{name}");
        }
        assert!(state.handoffs.is_empty());
        let html = page(&mut state);
        assert!(html.contains(&format!("rejected: {total}")), "{html}");
        assert!(!html.contains("FRY-FORGED"));

        // The same delivery, correctly signed, still goes through afterwards.
        assert_eq!(post_signed(&mut state, "/handoffs", &p).status, 200);
        assert_eq!(state.rejected, total);
    }

    #[test]
    fn without_a_secret_deliveries_are_unsigned() {
        let mut state = State::new(None).expect("no secret");
        assert!(!state.verifies());
        let bare = payload("FRY-BARE", Urgency::Normal, NOW);
        let reply = handle(&mut state, "POST", "/handoffs", &[], &body(&bare), NOW);
        assert_eq!(reply.status, 200, "{}", reply.body);
        // Signature headers are not checked (there is nothing to check them with).
        let forged = payload("FRY-FORGED-OK", Urgency::Normal, NOW);
        let forged_body = body(&forged);
        let headers = signed(OTHER_SECRET, &forged.id, 1, &forged_body);
        let reply = handle(&mut state, "POST", "/handoffs", &headers, &forged_body, NOW);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(state.rejected, 0);

        let html = page(&mut state);
        for ticket in ["FRY-BARE", "FRY-FORGED-OK"] {
            let card = article(&html, ticket);
            assert!(
                card.contains("unsigned") && !card.contains("verified"),
                "{card}"
            );
        }
        // Not JSON, or not a handoff: 400, and not a signature rejection.
        for bad in [&b"not json"[..], br#"{"v":1}"#] {
            let reply = handle(&mut state, "POST", "/handoffs", &[], bad, NOW);
            assert_eq!(
                (reply.status, error_code(&reply).as_str()),
                (400, "bad_request")
            );
        }
        assert_eq!((state.rejected, state.handoffs.len()), (0, 2));
    }

    #[test]
    fn urgent_first_then_newest_first() {
        let mut state = State::new(Some(SECRET)).expect("secret");
        // Posted in an order that matches neither urgency nor time.
        let sent = [
            ("FRY-LOW-A", Urgency::Low, NOW - 5 * HOUR),
            ("FRY-NORMAL-OLD", Urgency::Normal, NOW - 4 * HOUR),
            ("FRY-URGENT-OLD", Urgency::Urgent, NOW - 3 * HOUR),
            ("FRY-HIGH-A", Urgency::High, NOW - HOUR),
            ("FRY-NORMAL-NEW", Urgency::Normal, NOW - HOUR),
            ("FRY-URGENT-NEW", Urgency::Urgent, NOW - 2 * HOUR),
        ];
        for (ticket, level, at) in sent {
            let reply = post_signed(&mut state, "/handoffs", &payload(ticket, level, at));
            assert_eq!(reply.status, 200, "{ticket}");
        }
        let html = page(&mut state);
        let expected = [
            "FRY-URGENT-NEW",
            "FRY-URGENT-OLD",
            "FRY-HIGH-A",
            "FRY-NORMAL-NEW",
            "FRY-NORMAL-OLD",
            "FRY-LOW-A",
        ];
        let positions: Vec<usize> = expected
            .iter()
            .map(|t| html.find(t).unwrap_or_else(|| panic!("{t} missing")))
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "order on the page: {positions:?}"
        );
    }

    #[test]
    fn shopper_text_is_escaped() {
        let mut state = State::new(Some(SECRET)).expect("secret");
        let mut p = payload("FRY-HOSTILE", Urgency::Urgent, NOW);
        p.question = format!("{SCRIPT} {IMG} & 'quoted'");
        p.transcript = vec![
            TranscriptLine {
                role: "shopper".into(),
                text: IMG.into(),
                at: NOW - 1,
            },
            TranscriptLine {
                role: SCRIPT.into(),
                text: SCRIPT.into(),
                at: NOW,
            },
        ];
        p.contact = Some(Contact {
            email: Some(format!("a@b.co{IMG}")),
            name: Some(SCRIPT.into()),
            order_number: Some(IMG.into()),
        });
        p.page_url = Some(format!("https://shop.example/?q={IMG}"));
        p.urgency.reasons = vec![SCRIPT.into()];
        p.language.code = IMG.into();
        p.country = Some(SCRIPT.into());
        p.site = IMG.into();
        p.conversation_id = SCRIPT.into();
        p.locale = Some(IMG.into());
        p.time_zone = Some(SCRIPT.into());
        assert_eq!(post_signed(&mut state, "/handoffs", &p).status, 200);
        // Slack text is shown decoded (as Slack would), so its entities must not become markup.
        let slack = json!({
            "text": "&lt;script&gt;alert(1)&lt;/script&gt;",
            "blocks": [{ "type": "section", "text": { "type": "mrkdwn", "text": IMG } }],
        });
        let slack = serde_json::to_vec(&slack).expect("json");
        assert_eq!(
            handle(&mut state, "POST", "/slack/x", &[], &slack, NOW).status,
            200
        );

        let html = page(&mut state);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("onerror=alert(1)>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("&amp; &#39;quoted&#39;"));

        assert_eq!(
            escape_html(r#"a & b < c > d " e ' f"#),
            "a &amp; b &lt; c &gt; d &quot; e &#39; f"
        );
        assert_eq!(escape_html("é 語 ok"), "é 語 ok");
    }

    #[test]
    fn redeliveries_are_listed_once() {
        let mut state = State::new(Some(SECRET)).expect("secret");
        let p = payload("FRY-TWICE", Urgency::Normal, NOW);
        assert_eq!(
            post_signed(&mut state, "/handoffs", &p).event,
            Event::Handoff(0)
        );
        let again = post_signed(&mut state, "/handoffs", &p);
        assert_eq!(again.status, 200);
        assert_eq!(again.event, Event::Redelivery(0));

        let html = page(&mut state);
        assert_eq!(html.matches("FRY-TWICE").count(), 1, "{html}");
        assert!(article(&html, "FRY-TWICE").contains("delivered 2 times"));
        let list = handle(&mut state, "GET", "/handoffs", &[], &[], NOW);
        let list: Vec<Value> = serde_json::from_str(&list.body).expect("list");
        assert_eq!(list.len(), 1);

        // The same handoff at another team's destination is that team's copy.
        assert_eq!(
            post_signed(&mut state, "/handoffs/ru", &p).event,
            Event::Handoff(1)
        );
        // A different delivery id is a different handoff, even for the same ticket.
        let mut other = p.clone();
        other.id = "id-other".into();
        assert_eq!(
            post_signed(&mut state, "/handoffs", &other).event,
            Event::Handoff(2)
        );
        let html = page(&mut state);
        assert_eq!(html.matches("delivered 2 times").count(), 1);
    }

    #[test]
    fn slack_messages_show_under_their_channel() {
        let mut state = State::new(Some(SECRET)).expect("secret");
        let mut p = payload("FRY-SLACK1", Urgency::Urgent, NOW);
        p.question = "Is <b>this</b> & that safe?".into();
        let message = ferry_shared::slack::block_kit(
            &p,
            "tomorrow 09:00",
            &[("shopper".to_string(), "the cable is hot".to_string())],
        );
        let sent = serde_json::to_vec(&message).expect("json");
        // Slack's incoming webhooks are unsigned: accepted even though the inbox has a secret.
        let reply = handle(&mut state, "POST", "/slack/support", &[], &sent, NOW);
        assert_eq!((reply.status, reply.body.as_str()), (200, "ok"));
        let other = json!({ "text": "hello ops" }).to_string();
        let reply = handle(&mut state, "POST", "/slack/ops", &[], other.as_bytes(), NOW);
        assert_eq!(reply.status, 200);

        let html = page(&mut state);
        let support = html.find("Slack #support").expect("support section");
        let ops = html.find("Slack #ops").expect("ops section");
        let (first, second) = (support.min(ops), support.max(ops));
        let section = |start: usize| {
            let end = if start == first { second } else { html.len() };
            &html[start..end]
        };
        let support_html = section(support);
        assert!(support_html.contains("FRY-SLACK1"), "{support_html}");
        assert!(support_html.contains("the cable is hot"));
        assert!(support_html.contains("tomorrow 09:00"));
        // Slack's `&lt;b&gt;` shows as the text `<b>`, which the page escapes once.
        assert!(support_html.contains("Is &lt;b&gt;this&lt;/b&gt; &amp; that safe?"));
        assert!(!support_html.contains("&amp;lt;"));
        assert!(!support_html.contains("hello ops"));
        assert!(section(ops).contains("hello ops"));
        assert_eq!(html.matches("No handoffs yet").count(), 1);

        let list = handle(&mut state, "GET", "/slack", &[], &[], NOW);
        let list: Vec<Value> = serde_json::from_str(&list.body).expect("list");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["channel"], "support");
        assert_eq!(list[0]["message"], message);

        for bad in [&b"nope"[..], br#"{"attachments":[]}"#] {
            let reply = handle(&mut state, "POST", "/slack/support", &[], bad, NOW);
            assert_eq!(reply.status, 400);
        }
    }

    #[test]
    fn reply_by_overdue_and_away() {
        let mut state = State::new(None).expect("no secret");
        let mut late = payload("FRY-LATE", Urgency::Normal, NOW - 10 * HOUR);
        late.reply_by = NOW - HOUR;
        let mut away = payload("FRY-AWAY", Urgency::Low, NOW);
        // 2026-04-07T09:00:00Z, tomorrow as seen from NOW.
        away.reply_by = 1_775_552_400_000;
        away.away = Some(Away {
            reason: AwayReason::Holiday,
            opens_at: 1_775_552_400_000,
        });
        for p in [&late, &away] {
            assert_eq!(
                handle(&mut state, "POST", "/handoffs", &[], &body(p), NOW).status,
                200
            );
        }
        let html = page(&mut state);
        let late_card = article(&html, "FRY-LATE");
        assert!(late_card.contains("overdue"), "{late_card}");
        assert!(late_card.contains("2026-04-06T08:00:00Z"), "{late_card}");
        let away_card = article(&html, "FRY-AWAY");
        assert!(!away_card.contains("overdue"), "{away_card}");
        assert!(
            away_card.contains("tomorrow 09:00 UTC (2026-04-07T09:00:00Z)"),
            "{away_card}"
        );
        assert!(away_card.contains("holiday"), "{away_card}");
        assert!(!late_card.contains("holiday"));
    }

    #[test]
    fn iso_times_match_the_calendar() {
        // Expected values from `date -u -d @SECONDS +%Y-%m-%dT%H:%M:%SZ`.
        for (ms, want) in [
            (0, "1970-01-01T00:00:00Z"),
            (1_775_466_000_000, "2026-04-06T09:00:00Z"),
            (951_782_400_000, "2000-02-29T00:00:00Z"),
            (4_102_444_799_000, "2099-12-31T23:59:59Z"),
            (-1, "1969-12-31T23:59:59Z"),
        ] {
            assert_eq!(iso_utc(ms), want, "{ms}");
        }
    }

    #[test]
    fn routes_limits_and_headers() {
        let mut state = State::new(None).expect("no secret");
        let page = handle(&mut state, "GET", "/?refresh=1", &[], &[], NOW);
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<meta charset=\"utf-8\">"));
        let header = |r: &Reply, name: &str| {
            r.headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            header(&page, "content-security-policy").as_deref(),
            Some("default-src 'none'; style-src 'unsafe-inline'")
        );
        assert_eq!(
            header(&page, "x-content-type-options").as_deref(),
            Some("nosniff")
        );

        let big = vec![b' '; MAX_BODY + 1];
        for path in ["/handoffs", "/handoffs/sales", "/slack/support"] {
            let reply = handle(&mut state, "POST", path, &[], &big, NOW);
            assert_eq!(
                (reply.status, error_code(&reply).as_str()),
                (413, "too_large"),
                "{path}"
            );
        }
        let long_team = format!("/handoffs/{}", "a".repeat(33));
        for (method, path, status) in [
            ("GET", "/nope", 404),
            ("POST", "/handoffs/Sales", 404),
            ("POST", "/handoffs/a_b", 404),
            ("POST", long_team.as_str(), 404),
            ("POST", "/handoffs/sales/x", 404),
            ("GET", "/handoffs/sales", 405),
            ("DELETE", "/handoffs", 405),
            ("POST", "/", 405),
            ("POST", "/slack", 405),
            ("GET", "/slack/support", 405),
        ] {
            let reply = handle(&mut state, method, path, &[], b"{}", NOW);
            assert_eq!(reply.status, status, "{method} {path}");
            let code = error_code(&reply);
            assert!(!code.is_empty(), "{method} {path}: {}", reply.body);
            if status == 405 {
                assert!(header(&reply, "allow").is_some(), "{method} {path}");
            }
        }
        // Exactly at the limit is read (and here refused only as not a handoff).
        let at_limit = vec![b' '; MAX_BODY];
        assert_eq!(
            handle(&mut state, "POST", "/handoffs", &[], &at_limit, NOW).status,
            400
        );
        assert!(State::new(Some("whsec_not base64!")).is_err());
    }

    #[test]
    fn terminal_text_has_no_control_characters() {
        assert_eq!(plain("a\x1b[2Jb\r\nc\u{9b}d"), "a [2Jb  c d");
        assert_eq!(slack_unescape("&lt;a&gt; &amp;lt; & &x;"), "<a> &lt; & &x;");
    }

    /// Writes one HTTP/1.1 request and reads the whole answer (the server closes it).
    fn exchange(port: u16, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream.write_all(request).expect("write");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read");
        answer
    }

    #[test]
    fn serves_over_a_socket() {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("listen"));
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .expect("an IP address");
        let state = Arc::new(Mutex::new(State::new(Some(SECRET)).expect("secret")));
        let thread = {
            let (server, state) = (Arc::clone(&server), Arc::clone(&state));
            std::thread::spawn(move || serve_on(&server, &state, false))
        };

        // The server checks signatures against the real clock.
        let now = now_ms();
        let p = payload("FRY-SOCKET1", Urgency::Urgent, now);
        let sent = body(&p);
        let mut request = format!(
            "POST /handoffs/sales HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {JSON}\r\n\
             Content-Length: {}\r\nConnection: close\r\n",
            sent.len()
        );
        for (name, value) in signed(SECRET, &p.id, now / 1000, &sent)
            .into_iter()
            .filter(|(n, _)| n != "content-type")
        {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(&sent);
        let posted = exchange(port, &bytes);
        assert!(posted.starts_with("HTTP/1.1 200"), "{posted}");

        let forged = String::from_utf8(bytes)
            .expect("utf-8")
            .replace("FRY-SOCKET1", "FRY-SOCKET2");
        let refused = exchange(port, forged.as_bytes());
        assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");

        let got = exchange(
            port,
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        );
        assert!(got.starts_with("HTTP/1.1 200"), "{got}");
        let lower = got.to_ascii_lowercase();
        assert!(
            lower.contains("content-type: text/html; charset=utf-8"),
            "{got}"
        );
        assert!(
            lower.contains("content-security-policy: default-src 'none'"),
            "{got}"
        );
        assert!(got.contains("FRY-SOCKET1"), "{got}");
        assert!(!got.contains("FRY-SOCKET2"));
        assert!(got.contains("rejected: 1"));

        server.unblock();
        thread.join().expect("the server thread ends");
        assert_eq!(state.lock().map(|s| s.handoffs.len()).unwrap_or(0), 1);
    }
}
