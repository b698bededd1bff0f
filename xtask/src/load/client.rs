//! The load generator's HTTP/1.1 client: keep-alive connections with a timeout on every
//! socket operation, and the open loop that sends a plan at a fixed rate over a bounded pool of
//! them, latency measured from each request's due time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::aborted;
use super::plan::{Kind, Planned};

/// A request not started this long after the last one was due is counted as not sent.
const GRACE: Duration = Duration::from_secs(10);
/// Connect, read and write timeout of every request.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// The error of a request the generator did not send.
pub(super) const NOT_SENT: &str = "not sent (generator behind, or stopped)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Failure {
    Timeout,
    Connect(String),
    /// The connection broke (reset, closed mid-answer).
    Connection(String),
    /// Not an HTTP/1.1 answer this client understands.
    Protocol(String),
}

impl Failure {
    pub(super) fn label(&self) -> String {
        match self {
            Failure::Timeout => format!("timeout ({} s)", IO_TIMEOUT.as_secs()),
            Failure::Connect(e) => format!("connect error: {e}"),
            Failure::Connection(e) => format!("connection error: {e}"),
            Failure::Protocol(e) => format!("bad response: {e}"),
        }
    }
}

fn io_failure(e: &std::io::Error) -> Failure {
    use std::io::ErrorKind::{TimedOut, WouldBlock};
    match e.kind() {
        WouldBlock | TimedOut => Failure::Timeout,
        kind => Failure::Connection(format!("{kind:?}").to_lowercase()),
    }
}

/// One keep-alive connection, opened on first use and after the server closes it.
pub(super) struct Conn {
    port: u16,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    pub(super) fn new(port: u16) -> Conn {
        Conn { port, stream: None }
    }

    /// Sends one request and reads its answer: (status, body). A reused connection the server
    /// closed while idle is reopened once (the chat API deduplicates on the message id).
    pub(super) fn send(&mut self, request: &[u8]) -> Result<(u16, Vec<u8>), Failure> {
        let mut retried = false;
        loop {
            let reused = self.stream.is_some();
            let stream = match &mut self.stream {
                Some(stream) => stream,
                None => self.stream.insert(connect(self.port)?),
            };
            match exchange(stream, request) {
                Ok((status, body, keep)) => {
                    if !keep {
                        self.stream = None;
                    }
                    return Ok((status, body));
                }
                Err((failure, stale)) => {
                    self.stream = None;
                    if !(stale && reused && !retried) {
                        return Err(failure);
                    }
                    retried = true;
                }
            }
        }
    }
}

fn connect(port: u16) -> Result<BufReader<TcpStream>, Failure> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let stream =
        TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).map_err(|e| match e.kind() {
            std::io::ErrorKind::TimedOut => Failure::Timeout,
            kind => Failure::Connect(format!("{kind:?}").to_lowercase()),
        })?;
    let _ = stream.set_nodelay(true);
    stream
        .set_read_timeout(Some(IO_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(IO_TIMEOUT)))
        .map_err(|e| Failure::Connect(e.to_string()))?;
    Ok(BufReader::new(stream))
}

/// Largest accepted header block and body.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 1024 * 1024;

/// Writes the request, reads status, headers and a Content-Length or chunked body.
/// Ok: (status, body, keep-alive). Err: (failure, whether nothing at all came back, i.e. the
/// server had closed the connection before this request).
fn exchange(
    stream: &mut BufReader<TcpStream>,
    request: &[u8],
) -> Result<(u16, Vec<u8>, bool), (Failure, bool)> {
    if let Err(e) = stream.get_mut().write_all(request) {
        let stale = matches!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
        );
        return Err((io_failure(&e), stale));
    }
    let mut line = Vec::new();
    match stream.read_until(b'\n', &mut line) {
        Ok(0) => return Err((Failure::Connection("closed before answering".into()), true)),
        Ok(_) => {}
        Err(e) => {
            let stale = e.kind() == std::io::ErrorKind::ConnectionReset;
            return Err((io_failure(&e), stale));
        }
    }
    let fail = |f: Failure| Err((f, false));
    let status_line = String::from_utf8_lossy(&line).trim_end().to_string();
    let mut parts = status_line.split(' ');
    let (Some(version), Some(code)) = (parts.next(), parts.next()) else {
        return fail(Failure::Protocol(format!("status line `{status_line}`")));
    };
    let Ok(status) = code.parse::<u16>() else {
        return fail(Failure::Protocol(format!("status line `{status_line}`")));
    };
    let mut keep = version == "HTTP/1.1";
    let (mut length, mut chunked, mut head) = (None, false, line.len());
    loop {
        line.clear();
        match stream.read_until(b'\n', &mut line) {
            Ok(0) => return fail(Failure::Connection("closed in the headers".into())),
            Ok(n) => head += n,
            Err(e) => return fail(io_failure(&e)),
        }
        if head > MAX_HEAD {
            return fail(Failure::Protocol("headers larger than 64 KiB".into()));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end();
        if text.is_empty() {
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            return fail(Failure::Protocol(format!("header line `{text}`")));
        };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
        match name.as_str() {
            "content-length" => match value.parse::<usize>() {
                Ok(n) if n <= MAX_BODY => length = Some(n),
                _ => return fail(Failure::Protocol(format!("content-length {value}"))),
            },
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "connection" => keep = !value.eq_ignore_ascii_case("close"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            if let Err(e) = stream.read_until(b'\n', &mut line) {
                return fail(io_failure(&e));
            }
            let size = String::from_utf8_lossy(&line);
            let size = size.trim().split(';').next().unwrap_or_default();
            let Ok(size) = usize::from_str_radix(size, 16) else {
                return fail(Failure::Protocol(format!("chunk size `{size}`")));
            };
            if body.len() + size > MAX_BODY {
                return fail(Failure::Protocol("body larger than 1 MiB".into()));
            }
            let start = body.len();
            body.resize(start + size + 2, 0);
            if let Err(e) = stream.read_exact(&mut body[start..]) {
                return fail(io_failure(&e));
            }
            body.truncate(start + size);
            if size == 0 {
                // Trailers end with an empty line; the chunk's CRLF was read above.
                break;
            }
        }
    } else if let Some(length) = length {
        body.resize(length, 0);
        if let Err(e) = stream.read_exact(&mut body) {
            return fail(io_failure(&e));
        }
    } else if status != 204 && status != 304 {
        // No length: the body runs to the end of the connection.
        if let Err(e) = stream.take(MAX_BODY as u64).read_to_end(&mut body) {
            return fail(io_failure(&e));
        }
        keep = false;
    }
    Ok((status, body, keep))
}

// ----------------------------------------------------------------------------------------
// The generator
// ----------------------------------------------------------------------------------------

/// What happened to one request.
#[derive(Debug, Clone)]
pub(super) struct Outcome {
    /// From the time it was due to the end of its answer; `None` if nothing came back.
    pub(super) latency: Option<Duration>,
    /// Since the start of the run, when the answer was complete.
    pub(super) done_at: Option<Duration>,
    pub(super) status: Option<u16>,
    /// `None`: as expected (or a 429, counted apart).
    pub(super) error: Option<String>,
    pub(super) ticket: Option<String>,
}

/// Counters the progress line reads while the run goes on.
#[derive(Debug, Default)]
pub(super) struct Counters {
    pub(super) sent: AtomicU64,
    pub(super) done: AtomicU64,
    pub(super) errors: AtomicU64,
    pub(super) limited: AtomicU64,
}

/// Checks one answer against what the plan expected. `check_kind`: the Ferry API, not the
/// baseline. Returns (error, handoff ticket).
pub(super) fn judge(
    status: u16,
    body: &[u8],
    expect: Kind,
    check_kind: bool,
) -> (Option<String>, Option<String>) {
    if status == 429 {
        return (None, None);
    }
    if status != 200 {
        return (Some(format!("HTTP {status}")), None);
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return (Some("HTTP 200 but not JSON".into()), None);
    };
    let kind = value
        .pointer("/reply/kind")
        .and_then(Value::as_str)
        .unwrap_or("none");
    if !check_kind {
        return (None, None);
    }
    if kind != expect.as_str() {
        return (
            Some(format!(
                "wrong reply kind (expected {}, got {kind})",
                expect.as_str()
            )),
            None,
        );
    }
    let ticket = value
        .pointer("/reply/ticket")
        .and_then(Value::as_str)
        .map(str::to_string);
    (None, ticket)
}

/// Runs `plan` open-loop at `rate`, at most `connections` requests at a time. `tick` is called
/// about once a second from this thread while the run goes on, with the elapsed time.
pub(super) fn generate(
    port: u16,
    plan: &[Planned],
    rate: u32,
    connections: usize,
    check_kind: bool,
    counters: &Counters,
    tick: &mut dyn FnMut(Duration),
) -> (Vec<Outcome>, Duration) {
    let start = Instant::now() + Duration::from_millis(50);
    let due = |j: usize| Duration::from_secs_f64(j as f64 / f64::from(rate));
    let last_due = due(plan.len().saturating_sub(1));
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; plan.len()]);
    let threads = connections.min(plan.len()).max(1);
    let running = AtomicUsize::new(threads);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut conn = Conn::new(port);
                let mut mine = Vec::new();
                loop {
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    if j >= plan.len() {
                        break;
                    }
                    let due_at = start + due(j);
                    let now = Instant::now();
                    if due_at > now {
                        std::thread::sleep(due_at - now);
                    }
                    if aborted() || Instant::now() > start + last_due + GRACE {
                        mine.push((
                            j,
                            Outcome {
                                latency: None,
                                done_at: None,
                                status: None,
                                error: Some(NOT_SENT.into()),
                                ticket: None,
                            },
                        ));
                        counters.errors.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    counters.sent.fetch_add(1, Ordering::Relaxed);
                    let result = conn.send(&plan[j].bytes);
                    let finished = Instant::now();
                    let outcome = match result {
                        Ok((status, body)) => {
                            let (error, ticket) = judge(status, &body, plan[j].expect, check_kind);
                            if status == 429 {
                                counters.limited.fetch_add(1, Ordering::Relaxed);
                            }
                            Outcome {
                                latency: Some(finished.saturating_duration_since(due_at)),
                                done_at: Some(finished.saturating_duration_since(start)),
                                status: Some(status),
                                error,
                                ticket,
                            }
                        }
                        Err(failure) => Outcome {
                            latency: None,
                            done_at: None,
                            status: None,
                            error: Some(failure.label()),
                            ticket: None,
                        },
                    };
                    counters.done.fetch_add(1, Ordering::Relaxed);
                    if outcome.error.is_some() {
                        counters.errors.fetch_add(1, Ordering::Relaxed);
                    }
                    mine.push((j, outcome));
                }
                let mut all = outcomes.lock().unwrap_or_else(|e| e.into_inner());
                for (j, outcome) in mine {
                    all[j] = Some(outcome);
                }
                running.fetch_sub(1, Ordering::Relaxed);
            });
        }
        // Progress, about once a second, until every thread is done (bounded: every request
        // is started by the grace deadline and ends within its timeouts).
        let mut next_tick = Duration::from_secs(1);
        while running.load(Ordering::Relaxed) > 0 {
            std::thread::sleep(Duration::from_millis(50));
            let elapsed = start.elapsed();
            if elapsed >= next_tick {
                tick(elapsed);
                next_tick += Duration::from_secs(1);
            }
        }
    });
    let elapsed = start.elapsed();
    let outcomes = outcomes
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|o| {
            o.unwrap_or(Outcome {
                latency: None,
                done_at: None,
                status: None,
                error: Some("lost".into()),
                ticket: None,
            })
        })
        .collect();
    (outcomes, elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn reads_content_length_and_chunked_answers_over_keep_alive() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(socket.try_clone().expect("clone"));
            for answer in [
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi".to_string(),
                "HTTP/1.1 429 Too Many\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    .to_string(),
            ] {
                let mut line = String::new();
                let mut length = 0;
                loop {
                    line.clear();
                    reader.read_line(&mut line).expect("read");
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().expect("length");
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).expect("body");
                socket.write_all(answer.as_bytes()).expect("write");
            }
        });
        let mut conn = Conn::new(port);
        let request = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(conn.send(request), Ok((200, b"hi".to_vec())));
        assert_eq!(conn.send(request), Ok((429, b"abc".to_vec())));
        server.join().expect("server");
        let (error, _) = judge(429, b"", Kind::Answer, true);
        assert_eq!(error, None);
        let (error, _) = judge(200, br#"{"reply":{"kind":"answer"}}"#, Kind::Handoff, true);
        assert_eq!(
            error.as_deref(),
            Some("wrong reply kind (expected handoff, got answer)")
        );
        let (error, ticket) = judge(
            200,
            br#"{"reply":{"kind":"handoff","ticket":"T-1"}}"#,
            Kind::Handoff,
            true,
        );
        assert_eq!((error, ticket.as_deref()), (None, Some("T-1")));
    }
}
