//! The local inbox: the agents' view in the demo. A webhook receiver on 127.0.0.1 that
//! verifies Standard Webhooks signatures, prints each handoff in the terminal and lists them on
//! a small HTML page, urgent first. Run alone as the `ferry-inbox` binary (or
//! `cargo xtask inbox`); `cargo xtask dev` and `cargo xtask load` use it as a library.
//!
//! - `POST /handoffs`, `POST /handoffs/<team>`: a JSON `HandoffPayload`, signed with the
//!   `webhook-*` headers. With a secret, a missing or wrong signature is a 401 (counted, shown
//!   in red); without one, deliveries are accepted and marked "unsigned". A redelivery (same
//!   `webhook-id` to the same team) is answered 200 and counted, not listed twice.
//! - `POST /slack/<channel>`: a Slack Block Kit message (unsigned, like Slack's own incoming
//!   webhooks), shown as plain text under `Slack #<channel>`.
//! - `POST /handoffs/<team>/<ticket>/reply`: the page's reply box (a form post, no script):
//!   `agent` and `text`, checked by `ferry_shared::reply::ReplyRequest::validate`. With
//!   `--worker` and a secret the inbox signs the `ReplyRequest` with its secret(s) (Standard
//!   Webhooks, the destination's own key) and POSTs it to the Worker's
//!   `/v1/replies?site=…&destination=…` ([`send_reply`]); the outcome is listed under the
//!   handoff and the browser is sent back to the page (303).
//! - `GET /`: the page. `GET /handoffs`: the received payloads as JSON. `GET /slack`: the Slack
//!   messages as JSON. `GET /report`: the unanswered-questions report (`ferry_shared::report`)
//!   over the handoffs received, per site, as JSON; the page shows it too.
//!
//! Everything a shopper (or any sender) wrote is escaped with [`escape_html`] before it reaches
//! the page, and control characters are blanked before it reaches the terminal.
//!
//! Modules: `routes` answers one request ([`handle`]: state, request and clock in, reply out; no
//! IO); `page` draws the HTML ([`render_page`]); `terminal` prints a line per request; [`cli`]
//! reads the command line of the binary and of `cargo xtask inbox`; `client` POSTs a reply to
//! the Worker. This file holds the state, the reply type and the socket loop ([`listen`],
//! [`serve_on`], [`serve`]).

pub mod cli;
mod client;
mod page;
mod routes;
mod terminal;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};
use ferry_shared::CompiledSite;
use ferry_shared::report::{self, Record, Summary};
use ferry_shared::webhook::Secret;
use ferry_shared::wire::HandoffPayload;
use serde_json::{Value, json};
use tiny_http::{Header, Response, Server};

pub use client::{Outcome, send_reply};
pub use page::{escape_html, render_page};
pub use routes::handle;

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
    /// Replies sent from the page's reply box, oldest first.
    pub replies: Vec<SentReply>,
}

/// A reply sent from the inbox page, and what the Worker said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReply {
    pub agent: String,
    pub text: String,
    pub at: i64,
    pub outcome: Outcome,
}

/// Where the page's replies go: the Worker's Reply API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTarget {
    /// `http://127.0.0.1:<port>` (no trailing slash).
    pub worker: String,
    /// The site file's destination name per inbox team (`default` → `helpdesk` unless given).
    pub destinations: Vec<(String, String)>,
}

impl ReplyTarget {
    pub fn new(worker: &str) -> ReplyTarget {
        ReplyTarget {
            worker: worker.trim_end_matches('/').to_string(),
            destinations: Vec::new(),
        }
    }

    /// Names the site file's destination whose handoffs arrive at `team`.
    pub fn with_destination(mut self, team: &str, destination: &str) -> ReplyTarget {
        self.destinations.retain(|(t, _)| t != team);
        self.destinations
            .push((team.to_string(), destination.to_string()));
        self
    }

    /// The destination of `team`: as given, else `helpdesk` for `default`, else the team's name.
    pub fn destination(&self, team: &str) -> String {
        match self.destinations.iter().find(|(t, _)| t == team) {
            Some((_, d)) => d.clone(),
            None if team == DEFAULT_TEAM => "helpdesk".into(),
            None => team.to_string(),
        }
    }
}

/// A reply the IO layer is to sign and POST (made by [`handle`], performed by [`send_reply`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Where the handoff is in [`State::handoffs`] (the outcome is recorded there).
    pub index: usize,
    /// The full URL: `<worker>/v1/replies?site=…&destination=…`.
    pub url: String,
    /// `webhook-id`: unique per reply sent from this inbox.
    pub webhook_id: String,
    /// The JSON body (a validated `ReplyRequest`).
    pub body: Vec<u8>,
    pub agent: String,
    pub text: String,
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
    /// The latest rejections, newest last, at most `REJECTIONS_SHOWN` (10).
    pub rejections: Vec<Rejection>,
    /// Site files whose vocabularies the report's rule suggestions come from.
    sites: Vec<CompiledSite>,
    /// Where the page's replies go; `None`: the reply box says replies are off.
    pub reply_target: Option<ReplyTarget>,
    /// Replies attempted, for unique `webhook-id`s.
    pub replies_sent: u64,
}

/// The unanswered-questions report over one site's handoffs.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteReport {
    pub site: String,
    /// Whether the site file is known (else the suggestions are content words only).
    pub vocabularies: bool,
    pub summary: Summary,
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

    /// Sends the page's replies to the Worker (see [`ReplyTarget`]).
    pub fn set_reply_target(&mut self, target: ReplyTarget) {
        self.reply_target = Some(target);
    }

    /// Why the reply box is off, or `None` when replies can be sent.
    pub fn replies_off(&self) -> Option<&'static str> {
        if self.reply_target.is_none() {
            Some(
                "start the inbox with --worker http://127.0.0.1:<port> to send replies to the Worker",
            )
        } else if self.secrets.is_empty() {
            Some(
                "replies are signed with the destination's secret: start the inbox with --secret whsec_…",
            )
        } else {
            None
        }
    }

    /// Records what the Worker said to `out`.
    pub fn record(&mut self, out: &Outgoing, outcome: Outcome, now_ms: i64) {
        if let Some(entry) = self.handoffs.get_mut(out.index) {
            entry.replies.push(SentReply {
                agent: out.agent.clone(),
                text: out.text.clone(),
                at: now_ms,
                outcome,
            });
        }
    }

    /// A site file for the report's rule suggestions (replaces one with the same id).
    pub fn add_site(&mut self, site: CompiledSite) {
        self.sites.retain(|s| s.id != site.id);
        self.sites.push(site);
    }

    /// The report over the handoffs received, one per site (by id), each handoff once: a
    /// handoff sent to several teams, or sent again with the shopper's email, has one id.
    pub fn reports(&self) -> Vec<SiteReport> {
        let mut seen = HashSet::new();
        let mut by_site: BTreeMap<&str, Vec<Record>> = BTreeMap::new();
        for entry in &self.handoffs {
            let p = &entry.payload;
            if seen.insert(p.id.as_str()) {
                by_site
                    .entry(p.site.as_str())
                    .or_default()
                    .push(Record::from_payload(p));
            }
        }
        by_site
            .into_iter()
            .map(|(site, records)| {
                let compiled = self.sites.iter().find(|s| s.id == site);
                let summary = report::summarize(&records, &report::Options::default(), |text| {
                    compiled.map(|s| s.vocab_hits(text)).unwrap_or_default()
                });
                SiteReport {
                    site: site.to_string(),
                    vocabularies: compiled.is_some(),
                    summary,
                }
            })
            .collect()
    }
}

/// The site files (`*.toml`) in `dir`, compiled; an error names a file that does not load.
pub fn load_sites(dir: &Path) -> Result<Vec<CompiledSite>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let source = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            CompiledSite::from_toml(&source).map_err(|e| {
                anyhow::anyhow!("{}:{}:{}: {}", path.display(), e.line, e.column, e.message)
            })
        })
        .collect()
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
    /// A reply to POST to the Worker before answering (the IO layer signs and sends it).
    pub outgoing: Option<Outgoing>,
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
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'".into(),
                ),
                ("x-content-type-options", "nosniff".into()),
                ("cache-control", "no-store".into()),
            ],
            event: Event::Nothing,
            outgoing: None,
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

/// `ferry-inbox` and `cargo xtask inbox`: listens, says whether it verifies signatures, and
/// serves until the process ends. `secret`: one or more `whsec_…` separated by spaces;
/// `worker`: the Worker's URL the page's replies go to (`None`: the reply box says replies
/// are off); team `default` replies as destination `helpdesk`, another team as its own name.
pub fn serve(port: u16, secret: Option<String>, worker: Option<String>) -> Result<()> {
    let mut state = State::new(secret.as_deref())?;
    if let Some(url) = worker {
        client::parse_worker_url(&url).map_err(|e| anyhow::anyhow!("--worker {e}"))?;
        let target = ReplyTarget::new(&url);
        println!("replies from the page go to {}/v1/replies", target.worker);
        state.set_reply_target(target);
    }
    let server = listen(port)?;
    // The port bound (`port` 0 picks a free one).
    let port = server
        .server_addr()
        .to_ip()
        .map_or(port, |address| address.port());
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
                let (mut reply, secrets) = {
                    let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
                    let reply = handle(&mut state, &method, &url, &headers, &body, now_ms());
                    if print {
                        terminal::log(&state, &method, &url, &reply.event);
                    }
                    (reply, state.secrets.clone())
                };
                // The POST to the Worker runs without the lock held.
                if let Some(out) = reply.outgoing.take() {
                    let outcome = send_reply(&out, &secrets, now_ms());
                    if print {
                        println!("reply to {}: {}", out.url, outcome.describe());
                    }
                    let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
                    state.record(&out, outcome, now_ms());
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

/// Unix epoch milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
