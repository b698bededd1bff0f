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
//! - `GET /`: the page. `GET /handoffs`: the received payloads as JSON. `GET /slack`: the Slack
//!   messages as JSON. `GET /report`: the unanswered-questions report (`ferry_shared::report`)
//!   over the handoffs received, per site, as JSON; the page shows it too.
//!
//! Everything a shopper (or any sender) wrote is escaped with [`escape_html`] before it reaches
//! the page, and control characters are blanked before it reaches the terminal.
//!
//! Modules: `routes` answers one request ([`handle`]: state, request and clock in, reply out; no
//! IO); `page` draws the HTML ([`render_page`]); `terminal` prints a line per request; [`cli`]
//! reads the command line of the binary and of `cargo xtask inbox`. This file holds the state,
//! the reply type and the socket loop ([`listen`], [`serve_on`], [`serve`]).

pub mod cli;
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

/// `ferry-inbox` and `cargo xtask inbox`: listens, says whether it verifies signatures, and
/// serves until the process ends. `secret`: one or more `whsec_…` separated by spaces.
pub fn serve(port: u16, secret: Option<String>) -> Result<()> {
    let state = State::new(secret.as_deref())?;
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
                let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
                let reply = handle(&mut state, &method, &url, &headers, &body, now_ms());
                if print {
                    terminal::log(&state, &method, &url, &reply.event);
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
