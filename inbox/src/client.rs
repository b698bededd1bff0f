//! The one outgoing call of the inbox: a reply from the page, signed with the inbox's
//! secret(s) (`ferry_shared::webhook`, Standard Webhooks) and POSTed to the Worker's Reply API
//! over a plain HTTP/1.1 connection (`--worker` is `http://127.0.0.1:<port>` or
//! `http://localhost:<port>`: the local `wrangler dev`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use ferry_shared::reply::ReplyResponse;
use ferry_shared::webhook::{self, Secret};
use serde_json::Value;

use crate::Outgoing;

/// How long the Worker has to connect and answer.
const TIMEOUT: Duration = Duration::from_secs(15);
/// Largest answer read from the Worker.
const MAX_ANSWER: u64 = 64 * 1024;

/// What became of a reply sent to the Worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored by the Worker as message `id` of the conversation.
    Sent { id: i64, duplicate: bool },
    /// The Worker answered with an error: its status and message.
    Refused { status: u16, message: String },
    /// The Worker could not be reached or answered something unreadable.
    Failed(String),
}

impl Outcome {
    /// One line for the page and the terminal.
    pub fn describe(&self) -> String {
        match self {
            Outcome::Sent { id, duplicate } => format!(
                "sent: stored as message {id}{}",
                if *duplicate {
                    " (a retry: stored before)"
                } else {
                    ""
                }
            ),
            Outcome::Refused { status, message } => {
                format!("refused by the Worker ({status}): {message}")
            }
            Outcome::Failed(why) => format!("not sent: {why}"),
        }
    }
}

/// `(host:port, path prefix)` of an `http://127.0.0.1:<port>` or `http://localhost:<port>`
/// URL, or why it is not one.
pub fn parse_worker_url(url: &str) -> Result<(String, String), String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        format!("`{url}`: the Worker URL must be http://127.0.0.1:<port> (the local wrangler dev)")
    })?;
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], rest[at..].trim_end_matches('/')),
        None => (rest, ""),
    };
    let (host, port) = authority.rsplit_once(':').ok_or_else(|| {
        format!("`{url}`: the Worker URL needs a port, e.g. http://127.0.0.1:8787")
    })?;
    if host != "127.0.0.1" && host != "localhost" {
        return Err(format!(
            "`{url}`: the inbox sends replies to a local Worker only (127.0.0.1 or localhost)"
        ));
    }
    port.parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| format!("`{url}`: `{port}` is not a port number"))?;
    if path.contains(['?', '#']) {
        return Err(format!("`{url}`: no query or fragment, please"));
    }
    Ok((format!("127.0.0.1:{port}"), path.to_string()))
}

/// The headers that sign `out` at `now_secs`: `webhook-id`, `webhook-timestamp`,
/// `webhook-signature` (one signature per secret).
pub fn signed_headers(out: &Outgoing, secrets: &[Secret], now_secs: i64) -> Vec<(String, String)> {
    vec![
        (webhook::HEADER_ID.into(), out.webhook_id.clone()),
        (webhook::HEADER_TIMESTAMP.into(), now_secs.to_string()),
        (
            webhook::HEADER_SIGNATURE.into(),
            webhook::signature_header(secrets, &out.webhook_id, now_secs, &out.body),
        ),
    ]
}

/// Signs `out` with `secrets` at `now_ms` and POSTs it; never panics, every failure is an
/// [`Outcome`].
pub fn send_reply(out: &Outgoing, secrets: &[Secret], now_ms: i64) -> Outcome {
    match post(out, secrets, now_ms.div_euclid(1000)) {
        Ok((status, body)) => judge(status, &body),
        Err(why) => Outcome::Failed(why),
    }
}

fn post(out: &Outgoing, secrets: &[Secret], now_secs: i64) -> Result<(u16, Vec<u8>), String> {
    let rest = out.url.strip_prefix("http://").unwrap_or(&out.url);
    let (authority, target) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    let (address, _) = parse_worker_url(&format!("http://{authority}"))?;
    let address = address
        .parse::<std::net::SocketAddr>()
        .map_err(|e| format!("{address}: {e}"))?;
    let mut stream = TcpStream::connect_timeout(&address, TIMEOUT)
        .map_err(|e| format!("cannot reach the Worker at {authority}: {e}"))?;
    let io = |e: std::io::Error| format!("talking to the Worker at {authority}: {e}");
    stream.set_read_timeout(Some(TIMEOUT)).map_err(io)?;
    stream.set_write_timeout(Some(TIMEOUT)).map_err(io)?;
    let mut request = format!(
        "POST {target} HTTP/1.1\r\nhost: {authority}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\nuser-agent: ferry-inbox\r\n",
        out.body.len()
    );
    for (name, value) in signed_headers(out, secrets, now_secs) {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(&out.body);
    stream.write_all(&bytes).map_err(io)?;
    let mut answer = Vec::new();
    stream
        .take(MAX_ANSWER)
        .read_to_end(&mut answer)
        .map_err(io)?;
    parse_response(&answer)
}

/// Status and body of an HTTP/1.1 answer (`content-length`, chunked, or to the end).
fn parse_response(answer: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the Worker's answer has no end of headers")?;
    let head = String::from_utf8_lossy(&answer[..split]);
    let mut body = answer[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or("the Worker's answer has no status line")?;
    let chunked = lines.any(|l| {
        l.split_once(':').is_some_and(|(n, v)| {
            n.trim().eq_ignore_ascii_case("transfer-encoding")
                && v.to_ascii_lowercase().contains("chunked")
        })
    });
    if chunked {
        body = dechunk(&body).ok_or("the Worker's chunked answer is malformed")?;
    }
    Ok((status, body))
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

fn judge(status: u16, body: &[u8]) -> Outcome {
    if (200..300).contains(&status) {
        return match serde_json::from_slice::<ReplyResponse>(body) {
            Ok(r) => Outcome::Sent {
                id: r.id,
                duplicate: r.duplicate,
            },
            Err(e) => Outcome::Failed(format!("the Worker answered {status} but not a reply: {e}")),
        };
    }
    let message = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| {
            String::from_utf8_lossy(body)
                .chars()
                .take(300)
                .collect::<String>()
        });
    Outcome::Refused { status, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_urls_are_local_http_with_a_port() {
        assert_eq!(
            parse_worker_url("http://127.0.0.1:8787/"),
            Ok(("127.0.0.1:8787".into(), String::new()))
        );
        assert_eq!(
            parse_worker_url("http://localhost:9/x/"),
            Ok(("127.0.0.1:9".into(), "/x".into()))
        );
        for (url, says) in [
            ("https://127.0.0.1:8787", "must be http://"),
            ("http://example.com:80", "local Worker only"),
            ("http://127.0.0.1", "needs a port"),
            ("http://127.0.0.1:0", "not a port number"),
            ("http://127.0.0.1:x", "not a port number"),
        ] {
            let err = parse_worker_url(url).expect_err(url);
            assert!(err.contains(says), "{url}: {err}");
        }
    }

    #[test]
    fn answers_are_read_plain_and_chunked() {
        let plain = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";
        assert_eq!(parse_response(plain), Ok((200, b"hello".to_vec())));
        let chunked = b"HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2;x\r\nlo\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked), Ok((401, b"hello".to_vec())));
        assert!(parse_response(b"HTTP/1.1 200 OK\r\n").is_err());
        assert!(
            parse_response(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n").is_err()
        );
        assert_eq!(
            judge(
                404,
                br#"{"error":{"code":"not_found","message":"ticket X"}}"#
            ),
            Outcome::Refused {
                status: 404,
                message: "ticket X".into()
            }
        );
        assert_eq!(
            judge(200, br#"{"v":1,"id":7,"ticket":"T","duplicate":true}"#),
            Outcome::Sent {
                id: 7,
                duplicate: true
            }
        );
        assert!(matches!(judge(200, b"nope"), Outcome::Failed(_)));
    }
}
