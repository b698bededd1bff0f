//! `cargo xtask load`: a bounded load test of the chat API in workerd (`wrangler dev`), next to
//! a baseline Worker that answers a fixed JSON in the same runtime.
//!
//! - Set-up as `cargo xtask dev`: tools, widget and site, the Worker, D1 migrations (into a
//!   fresh temporary `--persist-to` folder, removed at the end), a receiver for the handoff
//!   deliveries (the inbox's request handler, verifying signatures, on a free port, quiet) and
//!   `wrangler dev` on a free port, in its own process group.
//! - Open loop: request `j` is due at `j / rate` seconds; a bounded pool of threads, each with
//!   one keep-alive HTTP/1.1 connection, takes the next due request. Latency runs from the due
//!   time, not the send time, so a stalled server shows as latency (no coordinated omission).
//!   Everything is bounded: a request not started within [`GRACE`] of the end is counted as not
//!   sent, and every socket operation has a timeout.
//! - Simulated shoppers: each has its own conversation and a documentation-range address in
//!   `cf-connecting-ip` (never contacted), sends up to three questions the rules answer, or one
//!   message no rule answers (a handoff), so the Worker's per-address limits are not reached.
//! - Report: a table and `target/load-report.json`: throughput, latency percentiles, errors by
//!   kind, 429s, handoffs delivered, workerd's resident memory (sampled each second) and CPU,
//!   and the ratios to the baseline.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::proc::{Server, wait_http_ok};
use crate::setup::Tools;
use crate::util::{Step, root};
use crate::{build, inbox};

pub const USAGE: &str = "cargo xtask load [--rate N] [--secs N] [--handoffs PERCENT] \
                         [--connections N] [--no-baseline]";

/// Requests per second, seconds, handoff share and connections when not given. On a shared
/// 2-core machine Ferry in `wrangler dev` (20% handoffs) fell behind 70 req/s after about 12 s
/// and answered at most about 85 req/s under 100; it also slows as a run goes on. 40 keeps a
/// 30 s run clear of saturation, with room for a busy neighbour.
pub const DEFAULT_RATE: u32 = 40;
pub const DEFAULT_SECS: u32 = 30;
pub const DEFAULT_HANDOFFS: u32 = 20;
pub const DEFAULT_CONNECTIONS: usize = 32;

const MAX_RATE: u32 = 1000;
const MAX_SECS: u32 = 600;
const MAX_CONNECTIONS: usize = 256;
/// Warm-up at the test's rate before measuring (excluded from the figures).
const WARMUP_SECS: u32 = 3;
/// A request not started this long after the last one was due is counted as not sent.
const GRACE: Duration = Duration::from_secs(10);
/// Connect, read and write timeout of every request.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long to wait after the run for the handoffs to reach the receiver.
const DRAIN: Duration = Duration::from_secs(20);
/// Memory growth from the first to the last tenth of the run that is worth a warning.
/// Heap or wasm growth below this is noise (JIT code, caches filling), in bytes.
const HEAP_SLACK_BYTES: u64 = 2 * 1024 * 1024;
const GROWTH_WARNING: f64 = 0.20;
/// Messages per answering shopper.
const MESSAGES_PER_SHOPPER: usize = 3;
/// New handoffs per address in one run; the Worker allows 6 per address per 12 hours.
const HANDOFFS_PER_ADDRESS: usize = 5;
/// The error of a request the generator did not send.
const NOT_SENT: &str = "not sent (generator behind, or stopped)";
/// Linux's USER_HZ: the unit of utime/stime in /proc/<pid>/stat.
const CLOCK_TICKS: f64 = 100.0;

/// Questions the demo site's rules answer: (locale, text).
const ANSWERED: &[(&str, &str)] = &[
    ("en-US", "how long does shipping to Germany take?"),
    ("pt-BR", "quanto tempo demora a entrega para o Brasil?"),
    ("de-DE", "Sind Zollgebühren im Preis enthalten?"),
    ("es-ES", "¿Cuánto cuesta el envío a España?"),
    (
        "fr-FR",
        "Quels moyens de paiement acceptez-vous en France ?",
    ),
    (
        "it-IT",
        "Quanto tempo ci vuole per la spedizione in Italia?",
    ),
    ("en-GB", "Do you ship to Canada?"),
    ("ja-JP", "日本までの配送は何日かかりますか?"),
];

/// Messages no rule answers, or that ask for a person (not urgent): handed off.
const HANDED_OFF: &[(&str, &str)] = &[
    (
        "en-US",
        "Can I order 200 shirts for my boutique at a wholesale price?",
    ),
    ("en-GB", "The linen shirt I received has a torn seam"),
    ("de-DE", "Ich möchte bitte mit einem Mitarbeiter sprechen."),
    ("fr-FR", "Pouvez-vous graver mes initiales sur le casque ?"),
    (
        "ru-RU",
        "Можно ли вышить логотип нашей компании на рубашках?",
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub rate: u32,
    pub secs: u32,
    pub handoffs: u32,
    pub connections: usize,
    pub baseline: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            rate: DEFAULT_RATE,
            secs: DEFAULT_SECS,
            handoffs: DEFAULT_HANDOFFS,
            connections: DEFAULT_CONNECTIONS,
            baseline: true,
        }
    }
}

pub fn parse(args: &[String]) -> Result<Options> {
    let mut opts = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |range: (u64, u64), what: &str| -> Result<u64> {
            let Some(text) = args.next() else {
                bail!(
                    "{arg} needs a value: {what} from {} to {}",
                    range.0,
                    range.1
                );
            };
            match text.parse::<u64>() {
                Ok(n) if (range.0..=range.1).contains(&n) => Ok(n),
                _ => bail!(
                    "{arg} {text}: expected {what}, a whole number from {} to {}",
                    range.0,
                    range.1
                ),
            }
        };
        match arg.as_str() {
            "--rate" => opts.rate = value((1, MAX_RATE.into()), "requests per second")? as u32,
            "--secs" => opts.secs = value((1, MAX_SECS.into()), "seconds")? as u32,
            "--handoffs" => opts.handoffs = value((0, 100), "a percentage")? as u32,
            "--connections" => {
                opts.connections =
                    value((1, MAX_CONNECTIONS as u64), "connections (threads)")? as usize;
            }
            "--no-baseline" => opts.baseline = false,
            other => bail!("unknown option `{other}` for load\n\nusage: {USAGE}"),
        }
    }
    let handoffs = plan_counts(opts.rate, opts.secs, opts.handoffs).1;
    let room = pool(Phase::Measured).len() * HANDOFFS_PER_ADDRESS;
    if handoffs > room {
        bail!(
            "--rate {} × --secs {} × --handoffs {}% is {handoffs} handoffs, more than the \
             {room} that {} shopper addresses carry ({HANDOFFS_PER_ADDRESS} each, under the \
             Worker's 6 per address per 12 h): lower one of them",
            opts.rate,
            opts.secs,
            opts.handoffs,
            pool(Phase::Measured).len()
        );
    }
    Ok(opts)
}

/// Set by Ctrl-C: every loop stops early and everything started is stopped.
static ABORT: AtomicBool = AtomicBool::new(false);

fn aborted() -> bool {
    ABORT.load(Ordering::Relaxed)
}

pub fn run(opts: &Options) -> Result<()> {
    ctrlc::set_handler(|| ABORT.store(true, Ordering::Relaxed))?;
    let total = if opts.baseline { 5 } else { 4 };
    println!(
        "load test: {} req/s for {} s ({} requests, {}% handoffs), {} connections, \
         after {WARMUP_SECS} s of warm-up",
        opts.rate,
        opts.secs,
        plan_counts(opts.rate, opts.secs, opts.handoffs).0,
        opts.handoffs,
        opts.connections
    );

    let step = Step::start(1, total, "Tools and builds (as `cargo xtask dev`)");
    let tools = crate::setup::ensure(false)?;
    build::site(&tools)?;
    build::worker(&tools, false)?;
    step.done();

    let step = Step::start(2, total, "Fresh local D1, receiver and wrangler dev");
    let state = TempDir::new("ferry-load-state")?;
    build::migrate_local(&tools, Some(state.path()))?;
    let secret = new_secret()?;
    let receiver = Receiver::start(&secret)?;
    let base = format!("http://127.0.0.1:{}", receiver.port);
    let vars = [
        ("WEBHOOK_URL", format!("{base}/handoffs")),
        ("ONCALL_SLACK_URL", format!("{base}/slack/oncall")),
        ("SALES_WEBHOOK_URL", format!("{base}/handoffs/sales")),
        ("RU_TEAM_WEBHOOK_URL", format!("{base}/handoffs/ru")),
        ("WEBHOOK_SECRET", secret.clone()),
        // The demo waits 10 minutes for the shopper's email; here a second.
        ("CONTACT_WAIT_SECONDS", "1".into()),
        ("DELIVERY_RETRY_SCHEDULE", "1s,1s,1s,1s,1s,1s".into()),
    ];
    let log = root().join("target/load-wrangler.log");
    let mut ferry = Target::start(&tools, &root().join("edge"), &state, &vars, &log, "Ferry")?;
    step.done();

    let step = Step::start(3, total, "Ferry: check, warm up, measure");
    let result = measure(&mut ferry, opts, Some(&receiver));
    ferry.stop();
    let ferry_figures = result?;
    drop(receiver);
    drop(state);
    step.done();

    let baseline_figures = if opts.baseline && !aborted() {
        let step = Step::start(4, total, "Baseline Worker: start, warm up, measure");
        let state = TempDir::new("ferry-load-baseline")?;
        let log = root().join("target/load-baseline-wrangler.log");
        let dir = root().join("xtask/load/baseline");
        let mut baseline = Target::start(&tools, &dir, &state, &[], &log, "baseline")?;
        let result = measure(&mut baseline, opts, None);
        baseline.stop();
        step.done();
        Some(result?)
    } else {
        None
    };

    Step::start(total, total, "Report");
    let report = report(opts, &ferry_figures, baseline_figures.as_ref());
    let path = root().join("target/load-report.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report)? + "\n")
        .with_context(|| format!("write {}", path.display()))?;
    println!("\n    written to {}", path.display());
    if aborted() {
        bail!("stopped by Ctrl-C: the figures cover only part of the run");
    }
    Ok(())
}

// ----------------------------------------------------------------------------------------
// The servers
// ----------------------------------------------------------------------------------------

/// A folder under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path =
            std::env::temp_dir().join(format!("{prefix}-{}-{nanos:08x}", std::process::id()));
        std::fs::create_dir_all(&path).with_context(|| format!("create {}", path.display()))?;
        Ok(TempDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A port the system says is free right now.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).context("bind 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// `wrangler dev` for one Worker, its output in a log file.
struct Target {
    name: &'static str,
    port: u16,
    inspector: u16,
    node: PathBuf,
    server: Option<Server>,
}

impl Target {
    fn start(
        tools: &Tools,
        dir: &Path,
        state: &TempDir,
        vars: &[(&str, String)],
        log: &Path,
        name: &'static str,
    ) -> Result<Target> {
        let port = free_port()?;
        let inspector = free_port()?;
        let out = File::create(log).with_context(|| format!("create {}", log.display()))?;
        let mut cmd = tools.wrangler();
        cmd.current_dir(dir)
            .args(["dev", "--ip", "127.0.0.1", "--port", &port.to_string()])
            .args(["--inspector-port", &inspector.to_string(), "--persist-to"])
            .arg(state.path())
            .arg("--show-interactive-dev-session=false")
            .args(
                vars.iter()
                    .flat_map(|(k, v)| ["--var".to_string(), format!("{k}:{v}")]),
            )
            .stdin(Stdio::null())
            .stderr(out.try_clone()?)
            .stdout(out);
        let mut server = Server::spawn(&format!("wrangler dev ({name})"), &mut cmd)?;
        println!(
            "    {name}: wrangler dev on 127.0.0.1:{port} (pid {}, log {})",
            server.pid(),
            log.display()
        );
        if let Err(e) = wait_http_ok(port, "/healthz", Duration::from_secs(180), &mut server) {
            server.stop(Duration::from_secs(5));
            return Err(e.context(format!("see {}:\n{}", log.display(), tail(log, 20))));
        }
        Ok(Target {
            name,
            port,
            inspector,
            node: tools.node.clone(),
            server: Some(server),
        })
    }

    fn pid(&self) -> Option<u32> {
        self.server.as_ref().map(Server::pid)
    }

    /// The Worker isolate's JavaScript heap in use after two full garbage collections, in
    /// bytes (`xtask/load/heap.mjs` over the inspector). What the process's RSS cannot tell:
    /// memory the Worker keeps, as opposed to memory V8 or the local runtime has not returned.
    fn heap_after_gc(&self) -> Option<u64> {
        let out = Command::new(&self.node)
            .arg(root().join("xtask/load/heap.mjs"))
            .arg(self.inspector.to_string())
            .output()
            .ok()?;
        if !out.status.success() {
            println!(
                "    \x1b[1;33mWARNING\x1b[0m {}: no heap reading: {}",
                self.name,
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        let value: Value = serde_json::from_slice(&out.stdout).ok()?;
        value
            .get("usedSize")
            .and_then(Value::as_f64)
            .map(|b| b as u64)
    }

    /// Ferry's WebAssembly linear memory, from `/healthz` (it only grows, so a leak in the
    /// Rust code shows here). `None` for the baseline.
    fn wasm_memory(&self) -> Option<u64> {
        let mut conn = Conn::new(self.port);
        let request = format!(
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: keep-alive\r\n\r\n",
            self.port
        );
        let (_, body) = conn.send(request.as_bytes()).ok()?;
        let value: Value = serde_json::from_slice(&body).ok()?;
        value.get("wasm_memory_bytes").and_then(Value::as_u64)
    }

    fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            println!("    stopping {} (pid {})", server.name, server.pid());
            server.stop(Duration::from_secs(5));
        }
    }
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The handoff receiver: the inbox's request handler (signatures verified) without its
/// terminal output, on a free port.
struct Receiver {
    port: u16,
    server: Arc<tiny_http::Server>,
    state: Arc<Mutex<inbox::State>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    fn start(secret: &str) -> Result<Receiver> {
        let server = Arc::new(inbox::listen(0)?);
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .context("the receiver has no IP address")?;
        let state = Arc::new(Mutex::new(inbox::State::new(Some(secret))?));
        let thread = {
            let (server, state) = (Arc::clone(&server), Arc::clone(&state));
            std::thread::spawn(move || inbox::serve_on(&server, &state, false))
        };
        println!("    receiver on 127.0.0.1:{port}");
        Ok(Receiver {
            port,
            server,
            state,
            thread: Some(thread),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, inbox::State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tickets received, and deliveries refused for their signature.
    fn tickets(&self) -> (HashSet<String>, u64) {
        let state = self.lock();
        let tickets = state
            .handoffs
            .iter()
            .map(|e| e.payload.ticket.clone())
            .collect();
        (tickets, state.rejected)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `whsec_` and the standard base64 of 24 random bytes from `/dev/urandom` (as `xtask dev`).
fn new_secret() -> Result<String> {
    let mut key = [0u8; 24];
    File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut key))
        .context("could not read /dev/urandom for the webhook secret")?;
    use base64::Engine;
    Ok(format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    ))
}

fn run_id() -> String {
    let mut bytes = [0u8; 4];
    let _ = File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ----------------------------------------------------------------------------------------
// The plan: every request of a run, built before it starts
// ----------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Answer,
    Handoff,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Answer => "answer",
            Kind::Handoff => "handoff",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Check,
    Warmup,
    Measured,
}

/// The shopper addresses of a phase (documentation ranges, RFC 5737: never contacted).
fn pool(phase: Phase) -> Vec<String> {
    let nets: &[&str] = match phase {
        Phase::Check | Phase::Warmup => &["192.0.2"],
        Phase::Measured => &["198.51.100", "203.0.113"],
    };
    nets.iter()
        .flat_map(|net| (1..=254).map(move |host| format!("{net}.{host}")))
        .collect()
}

/// One request of the plan.
#[derive(Debug, Clone)]
struct Planned {
    bytes: Vec<u8>,
    expect: Kind,
    text: &'static str,
}

/// (requests, handoffs) of a run.
fn plan_counts(rate: u32, secs: u32, handoff_pct: u32) -> (usize, usize) {
    let total = rate as usize * secs as usize;
    (
        total,
        (0..total).filter(|&j| is_handoff(j, handoff_pct)).count(),
    )
}

/// Spreads the handoffs evenly: request `j` is one when the running share crosses a whole one.
fn is_handoff(j: usize, pct: u32) -> bool {
    let pct = pct as usize;
    (j + 1) * pct / 100 > j * pct / 100
}

/// The requests of one phase. Answering shoppers send [`MESSAGES_PER_SHOPPER`] questions about
/// a second apart (`rate` shoppers interleave); a handing-off shopper sends one message.
fn plan(phase: Phase, total: usize, rate: u32, handoff_pct: u32, port: u16) -> Vec<Planned> {
    let run = format!(
        "load{}{}",
        run_id(),
        match phase {
            Phase::Check => "c",
            Phase::Warmup => "w",
            Phase::Measured => "m",
        }
    );
    let addresses = pool(phase);
    let width = rate.max(1) as usize;
    let (mut answers, mut handoffs) = (0usize, 0usize);
    (0..total)
        .map(|j| {
            let (conversation, address, (locale, text), expect) = if phase == Phase::Check {
                // Every text once, each its own shopper.
                let all: Vec<_> = ANSWERED
                    .iter()
                    .map(|t| (*t, Kind::Answer))
                    .chain(HANDED_OFF.iter().map(|t| (*t, Kind::Handoff)))
                    .collect();
                let (t, kind) = all[j % all.len()];
                (
                    format!("{run}-c{j}"),
                    addresses[j % addresses.len()].clone(),
                    t,
                    kind,
                )
            } else if is_handoff(j, handoff_pct) {
                let h = handoffs;
                handoffs += 1;
                (
                    format!("{run}-h{h}"),
                    addresses[h % addresses.len()].clone(),
                    HANDED_OFF[h % HANDED_OFF.len()],
                    Kind::Handoff,
                )
            } else {
                let a = answers;
                answers += 1;
                let block = width * MESSAGES_PER_SHOPPER;
                let shopper = a / block * width + a % block % width;
                let round = a % block / width;
                (
                    format!("{run}-a{shopper}"),
                    // Offset from the handoff shoppers', so addresses share the load evenly.
                    addresses[(shopper + addresses.len() / 2) % addresses.len()].clone(),
                    ANSWERED[(shopper + round) % ANSWERED.len()],
                    Kind::Answer,
                )
            };
            let body = json!({
                "site": "demo",
                "conversation_id": conversation,
                "client_message_id": format!("{run}-m{j}"),
                "text": text,
                "locale": locale,
                "page_url": format!("http://127.0.0.1:{port}/"),
            })
            .to_string();
            let head = format!(
                "POST /v1/chat?site=demo HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
                 Content-Type: application/json\r\nOrigin: http://127.0.0.1:{port}\r\n\
                 CF-Connecting-IP: {address}\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            let mut bytes = head.into_bytes();
            bytes.extend_from_slice(body.as_bytes());
            Planned {
                bytes,
                expect,
                text,
            }
        })
        .collect()
}

// ----------------------------------------------------------------------------------------
// HTTP/1.1 over keep-alive connections
// ----------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Failure {
    Timeout,
    Connect(String),
    /// The connection broke (reset, closed mid-answer).
    Connection(String),
    /// Not an HTTP/1.1 answer this client understands.
    Protocol(String),
}

impl Failure {
    fn label(&self) -> String {
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
struct Conn {
    port: u16,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn new(port: u16) -> Conn {
        Conn { port, stream: None }
    }

    /// Sends one request and reads its answer: (status, body). A reused connection the server
    /// closed while idle is reopened once (the chat API deduplicates on the message id).
    fn send(&mut self, request: &[u8]) -> Result<(u16, Vec<u8>), Failure> {
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
struct Outcome {
    /// From the time it was due to the end of its answer; `None` if nothing came back.
    latency: Option<Duration>,
    /// Since the start of the run, when the answer was complete.
    done_at: Option<Duration>,
    status: Option<u16>,
    /// `None`: as expected (or a 429, counted apart).
    error: Option<String>,
    ticket: Option<String>,
}

/// Counters the progress line reads while the run goes on.
#[derive(Debug, Default)]
struct Counters {
    sent: AtomicU64,
    done: AtomicU64,
    errors: AtomicU64,
    limited: AtomicU64,
}

/// Checks one answer against what the plan expected. `check_kind`: the Ferry API, not the
/// baseline. Returns (error, handoff ticket).
fn judge(
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
fn generate(
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

// ----------------------------------------------------------------------------------------
// Memory and CPU of the runtime
// ----------------------------------------------------------------------------------------

/// One process in /proc.
#[derive(Debug, Clone)]
struct Proc {
    pid: u32,
    parent: u32,
    group: u32,
    name: String,
    /// utime + stime, in [`CLOCK_TICKS`].
    ticks: u64,
}

fn processes() -> Vec<Proc> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
        // utime stime ...; comm may hold spaces and parentheses: split at the last ')'.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let field = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
        let (Some(parent), Some(group), Some(utime), Some(stime)) =
            (field(1), field(2), field(11), field(12))
        else {
            continue;
        };
        all.push(Proc {
            pid,
            parent: parent as u32,
            group: group as u32,
            name: stat[open + 1..close].to_string(),
            ticks: utime + stime,
        });
    }
    all
}

/// The processes started by `root_pid`: its group and every descendant.
fn family(root_pid: u32) -> Vec<Proc> {
    let all = processes();
    let mut members: HashSet<u32> = all
        .iter()
        .filter(|p| p.group == root_pid || p.pid == root_pid)
        .map(|p| p.pid)
        .collect();
    loop {
        let before = members.len();
        for p in &all {
            if members.contains(&p.parent) {
                members.insert(p.pid);
            }
        }
        if members.len() == before {
            break;
        }
    }
    all.into_iter()
        .filter(|p| members.contains(&p.pid))
        .collect()
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// The resident memory of the workerd processes under `root_pid`, in KiB.
fn workerd_rss(root_pid: u32) -> Option<u64> {
    let workerd: Vec<u32> = family(root_pid)
        .into_iter()
        .filter(|p| p.name.starts_with("workerd"))
        .map(|p| p.pid)
        .collect();
    (!workerd.is_empty()).then(|| workerd.iter().filter_map(|&p| rss_kb(p)).sum())
}

/// The 1-minute load average (0 if unknown).
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0.0)
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// CPU ticks so far of workerd and of everything else in the family (wrangler's node).
fn cpu_ticks(root_pid: u32) -> (u64, u64) {
    family(root_pid).into_iter().fold((0, 0), |(w, o), p| {
        if p.name.starts_with("workerd") {
            (w + p.ticks, o)
        } else {
            (w, o + p.ticks)
        }
    })
}

// ----------------------------------------------------------------------------------------
// One measured target
// ----------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
struct Memory {
    /// KiB, one sample a second from the start of the measured run.
    samples: Vec<u64>,
}

impl Memory {
    fn first(&self) -> Option<u64> {
        self.samples.first().copied()
    }
    fn last(&self) -> Option<u64> {
        self.samples.last().copied()
    }
    fn max(&self) -> Option<u64> {
        self.samples.iter().copied().max()
    }
    /// Mean of the last tenth over the mean of the first tenth, minus one.
    fn growth(&self) -> Option<f64> {
        let n = self.samples.len();
        if n < 2 {
            return None;
        }
        let tenth = (n / 10).max(1);
        let mean = |s: &[u64]| s.iter().sum::<u64>() as f64 / s.len() as f64;
        let (first, last) = (
            mean(&self.samples[..tenth]),
            mean(&self.samples[n - tenth..]),
        );
        (first > 0.0).then(|| last / first - 1.0)
    }
}

#[derive(Debug, Clone, Default)]
struct Figures {
    name: String,
    scheduled: usize,
    sent: usize,
    completed: usize,
    /// Seconds from the first due time until the last request ended.
    took: f64,
    throughput: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    /// p50 of the requests due in the first and in the last tenth of the run (a trend).
    p50_tenths: (f64, f64),
    errors: BTreeMap<String, u64>,
    rate_limited: u64,
    memory: Memory,
    /// The Worker's JS heap after GC (bytes): after warm-up, after the run.
    /// The Worker's JS heap after GC (bytes): after warm-up, half-way, after the run. The first
    /// half still warms up (JIT code, caches); growth in the second half is what is kept.
    heap: (Option<u64>, Option<u64>, Option<u64>),
    /// Ferry's wasm linear memory (bytes): after warm-up, after the run.
    wasm: (Option<u64>, Option<u64>),
    /// Percent of one core over the run: (workerd, wrangler's node).
    cpu: (f64, f64),
    /// The machine's 1-minute load average at the end of the run, and its CPU count: a busy
    /// neighbour shows here.
    load: (f64, usize),
    /// (handoffs answered, delivered to the receiver, seconds waited, refused signatures)
    handoffs: Option<(usize, usize, f64, u64)>,
}

impl Figures {
    fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Checks each text once, warms up, runs the measured plan with progress, drains the handoffs.
fn measure(target: &mut Target, opts: &Options, receiver: Option<&Receiver>) -> Result<Figures> {
    let ferry = receiver.is_some();
    let port = target.port;
    let root_pid = target.pid().context("the target is not running")?;

    // 1. Each text once, one at a time: the answers are what the plan expects.
    let texts = ANSWERED.len() + HANDED_OFF.len();
    let check = plan(Phase::Check, texts, 1, 0, port);
    let mut conn = Conn::new(port);
    for planned in &check {
        let (status, body) = conn
            .send(&planned.bytes)
            .map_err(|f| anyhow::anyhow!("{}: first request failed: {}", target.name, f.label()))?;
        let (error, _) = judge(status, &body, planned.expect, ferry);
        if let Some(error) = error {
            println!(
                "    \x1b[1;33mWARNING\x1b[0m {}: `{}`: {error}: {}",
                target.name,
                planned.text,
                String::from_utf8_lossy(&body)
                    .chars()
                    .take(300)
                    .collect::<String>()
            );
        }
        if !ferry {
            let value: Value = serde_json::from_slice(&body).unwrap_or_default();
            let sent = String::from_utf8_lossy(&planned.bytes);
            let echoed = value.get("ip").and_then(Value::as_str).unwrap_or("none");
            if !sent.contains(&format!("CF-Connecting-IP: {echoed}\r\n")) {
                println!(
                    "    \x1b[1;33mWARNING\x1b[0m the baseline saw cf-connecting-ip {echoed}, \
                     not the address sent: per-address limits see one shopper"
                );
            }
            break;
        }
    }
    println!(
        "    {}: {} texts checked; warming up for {WARMUP_SECS} s",
        target.name,
        if ferry { texts } else { 1 }
    );

    // 2. Warm-up at the test's rate, excluded from the figures.
    let warm = plan(
        Phase::Warmup,
        (opts.rate * WARMUP_SECS) as usize,
        opts.rate,
        opts.handoffs,
        port,
    );
    let counters = Counters::default();
    let (warm_outcomes, _) = generate(
        port,
        &warm,
        opts.rate,
        opts.connections,
        ferry,
        &counters,
        &mut |_| {},
    );
    let warm_errors = warm_outcomes.iter().filter(|o| o.error.is_some()).count();
    if warm_errors > 0 {
        println!(
            "    \x1b[1;33mWARNING\x1b[0m {warm_errors} of {} warm-up requests failed (first: {})",
            warm.len(),
            warm_outcomes
                .iter()
                .find_map(|o| o.error.clone())
                .unwrap_or_default()
        );
    }
    if aborted() {
        bail!("stopped by Ctrl-C");
    }

    // 3. The measured run, with a progress line and a memory sample each second.
    let measured = plan(
        Phase::Measured,
        opts.rate as usize * opts.secs as usize,
        opts.rate,
        opts.handoffs,
        port,
    );
    let counters = Counters::default();
    let heap_before = target.heap_after_gc();
    let mut heap_mid = None;
    let wasm_before = target.wasm_memory();
    let mut memory = Memory::default();
    memory.samples.extend(workerd_rss(root_pid));
    let cpu_start = (cpu_ticks(root_pid), Instant::now());
    let total = measured.len();
    let (outcomes, elapsed) = generate(
        port,
        &measured,
        opts.rate,
        opts.connections,
        ferry,
        &counters,
        &mut |elapsed| {
            if heap_mid.is_none() && elapsed.as_secs() * 2 >= u64::from(opts.secs) {
                heap_mid = Some(target.heap_after_gc());
            }
            let rss = workerd_rss(root_pid);
            memory.samples.extend(rss);
            let (sent, done) = (
                counters.sent.load(Ordering::Relaxed),
                counters.done.load(Ordering::Relaxed),
            );
            let due = ((elapsed.as_secs_f64() * f64::from(opts.rate)) as u64).min(total as u64);
            println!(
                "    {:>4}s  sent {sent:>6}/{total}  behind {:>4}  done {done:>6}  in flight {:>3}  \
                 errors {:>4}  429s {:>3}  workerd {}",
                elapsed.as_secs(),
                due.saturating_sub(sent),
                sent.saturating_sub(done),
                counters.errors.load(Ordering::Relaxed),
                counters.limited.load(Ordering::Relaxed),
                rss.map_or("?".into(), |kb| format!("{} MB", kb / 1024)),
            );
        },
    );
    memory.samples.extend(workerd_rss(root_pid));
    let ((w0, n0), t0) = cpu_start;
    let (w1, n1) = cpu_ticks(root_pid);
    let wall = t0.elapsed().as_secs_f64().max(0.001);
    let pct = |a: u64, b: u64| b.saturating_sub(a) as f64 / CLOCK_TICKS / wall * 100.0;

    let mut figures = Figures {
        name: target.name.to_string(),
        scheduled: total,
        memory,
        cpu: (pct(w0, w1), pct(n0, n1)),
        load: (load_average(), cpus()),
        ..Figures::default()
    };
    let mut latencies = Vec::new();
    let mut last_done = Duration::ZERO;
    let mut tickets = Vec::new();
    for outcome in &outcomes {
        if outcome.error.as_deref() != Some(NOT_SENT) {
            figures.sent += 1;
        }
        if let Some(latency) = outcome.latency {
            figures.completed += 1;
            latencies.push(latency.as_secs_f64() * 1000.0);
        }
        if let Some(done) = outcome.done_at {
            last_done = last_done.max(done);
        }
        if outcome.status == Some(429) {
            figures.rate_limited += 1;
        }
        if let Some(error) = &outcome.error {
            *figures.errors.entry(error.clone()).or_default() += 1;
        }
        tickets.extend(outcome.ticket.clone());
    }
    let tenth = |range: std::ops::Range<usize>| {
        let mut part: Vec<f64> = outcomes[range]
            .iter()
            .filter_map(|o| o.latency.map(|l| l.as_secs_f64() * 1000.0))
            .collect();
        part.sort_by(f64::total_cmp);
        percentile(&part, 50.0)
    };
    let n = outcomes.len();
    figures.p50_tenths = (tenth(0..n / 10), tenth(n - n / 10..n));
    latencies.sort_by(f64::total_cmp);
    figures.p50 = percentile(&latencies, 50.0);
    figures.p90 = percentile(&latencies, 90.0);
    figures.p99 = percentile(&latencies, 99.0);
    figures.max = latencies.last().copied().unwrap_or_default();
    // Completed answers over the time from the start to the last answer, at least the span
    // of the schedule (`secs`), so a run that keeps up shows the rate.
    let window = last_done.max(Duration::from_secs(u64::from(opts.secs)));
    figures.throughput = figures.completed as f64 / window.as_secs_f64();
    figures.took = elapsed.as_secs_f64();

    // 4. The handoffs: wait until each answered ticket has reached the receiver.
    if let Some(receiver) = receiver {
        let wanted: HashSet<String> = tickets.into_iter().collect();
        let started = Instant::now();
        print!(
            "    waiting up to {} s for {} handoffs to be delivered",
            DRAIN.as_secs(),
            wanted.len()
        );
        let _ = std::io::stdout().flush();
        let (delivered, rejected) = loop {
            let (got, rejected) = receiver.tickets();
            let delivered = wanted.intersection(&got).count();
            if delivered == wanted.len() || started.elapsed() > DRAIN || aborted() {
                break (delivered, rejected);
            }
            std::thread::sleep(Duration::from_millis(250));
        };
        let waited = started.elapsed().as_secs_f64();
        println!(": {delivered} arrived after {waited:.1} s");
        figures.handoffs = Some((wanted.len(), delivered, waited, rejected));
    }
    // 5. What the Worker itself holds now, against the same readings after warm-up.
    figures.heap = (heap_before, heap_mid.flatten(), target.heap_after_gc());
    figures.wasm = (wasm_before, target.wasm_memory());
    Ok(figures)
}

// ----------------------------------------------------------------------------------------
// The report
// ----------------------------------------------------------------------------------------

fn mb(kb: Option<u64>) -> String {
    kb.map_or("-".into(), |kb| format!("{:.0} MB", kb as f64 / 1024.0))
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

fn report(opts: &Options, ferry: &Figures, baseline: Option<&Figures>) -> Value {
    let columns: Vec<&Figures> = std::iter::once(ferry).chain(baseline).collect();
    let row = |label: &str, cell: &dyn Fn(&Figures) -> String, ratio: Option<String>| {
        let mut line = format!("    {label:<26}");
        for f in &columns {
            line.push_str(&format!("{:>14}", cell(f)));
        }
        if let Some(r) = ratio {
            line.push_str(&format!("{r:>16}"));
        }
        println!("{line}");
    };
    let with_baseline = baseline.is_some();
    let times = |a: f64, b: Option<f64>| {
        with_baseline.then(|| {
            b.and_then(|b| ratio(a, b))
                .map_or("-".into(), |r| format!("{r:.2}×"))
        })
    };
    println!(
        "\n    {} req/s for {} s, {}% handoffs, {} connections (latency from each request's \
         due time)\n",
        opts.rate, opts.secs, opts.handoffs, opts.connections
    );
    row(
        "",
        &|f| f.name.clone(),
        with_baseline.then(|| "Ferry/baseline".to_string()),
    );
    row("requests scheduled", &|f| f.scheduled.to_string(), None);
    row("sent", &|f| f.sent.to_string(), None);
    row("completed", &|f| f.completed.to_string(), None);
    row("run took (s)", &|f| format!("{:.1}", f.took), None);
    row(
        "throughput (req/s)",
        &|f| format!("{:.1}", f.throughput),
        times(ferry.throughput, baseline.map(|b| b.throughput)),
    );
    for (label, get) in [
        (
            "latency p50 (ms)",
            (|f: &Figures| f.p50) as fn(&Figures) -> f64,
        ),
        ("latency p90 (ms)", |f: &Figures| f.p90),
        ("latency p99 (ms)", |f: &Figures| f.p99),
        ("latency max (ms)", |f: &Figures| f.max),
    ] {
        row(
            label,
            &|f| format!("{:.1}", get(f)),
            times(get(ferry), baseline.map(get)),
        );
    }
    row(
        "p50 first→last 10% (ms)",
        &|f| format!("{:.0}→{:.0}", f.p50_tenths.0, f.p50_tenths.1),
        None,
    );
    row("errors", &|f| f.error_count().to_string(), None);
    row("429 (rate limited)", &|f| f.rate_limited.to_string(), None);
    let bytes = |b: Option<u64>| b.map_or("-".into(), |b| format!("{:.1} MB", b as f64 / 1e6));
    let pair = |(a, b): (Option<u64>, Option<u64>)| match (a, b) {
        (Some(_), Some(_)) => format!("{} → {}", bytes(a), bytes(b)),
        _ => "-".into(),
    };
    row(
        "JS heap after GC: start, ½, end",
        &|f| match f.heap {
            (Some(a), Some(m), Some(b)) => {
                format!("{} {} {}", bytes(Some(a)), bytes(Some(m)), bytes(Some(b)))
                    .replace(" MB", "")
            }
            _ => "-".into(),
        },
        None,
    );
    row("Worker wasm memory", &|f| pair(f.wasm), None);
    row("workerd RSS after warm-up", &|f| mb(f.memory.first()), None);
    row("workerd RSS at the end", &|f| mb(f.memory.last()), None);
    row("workerd RSS max", &|f| mb(f.memory.max()), None);
    row(
        "RSS growth (1st→last 10%)",
        &|f| {
            f.memory
                .growth()
                .map_or("-".into(), |g| format!("{:+.1}%", g * 100.0))
        },
        None,
    );
    row(
        "CPU workerd (% of a core)",
        &|f| format!("{:.0}%", f.cpu.0),
        None,
    );
    row("CPU wrangler node", &|f| format!("{:.0}%", f.cpu.1), None);
    row(
        "load average (1 min)",
        &|f| format!("{:.1}/{} CPUs", f.load.0, f.load.1),
        None,
    );
    if let Some((answered, delivered, waited, rejected)) = ferry.handoffs {
        println!(
            "\n    handoffs: {delivered} of {answered} delivered to the receiver \
             ({:.1} s after the run; {rejected} refused for their signature)",
            waited
        );
        if delivered < answered {
            println!(
                "    \x1b[1;33mWARNING\x1b[0m {} handoffs did not arrive within {} s",
                answered - delivered,
                DRAIN.as_secs()
            );
        }
    }
    for f in &columns {
        for (kind, count) in &f.errors {
            println!("    {} error: {kind}: {count}", f.name);
        }
        if f.rate_limited > 0 {
            println!(
                "    \x1b[1;33mWARNING\x1b[0m {}: {} requests answered 429: the simulated \
                 shoppers hit a rate limit",
                f.name, f.rate_limited
            );
        }
        // What the Worker keeps: its JS heap after GC and its wasm linear memory. These are the
        // figures that say "no memory growth"; the process's RSS also counts the local runtime
        // (workerd with miniflare's D1, Queues, Durable Objects and inspector), which grows per
        // request it handles even for the fixed-JSON baseline.
        if let (_, Some(a), Some(b)) = f.heap
            && b > a + HEAP_SLACK_BYTES
            && (b as f64) > (a as f64) * (1.0 + GROWTH_WARNING)
        {
            println!(
                "    \x1b[1;33mWARNING\x1b[0m {}: the Worker's JS heap after GC grew from {:.1} to \
                     {:.1} MB over the second half of the run: something is kept per request",
                f.name,
                a as f64 / 1e6,
                b as f64 / 1e6
            );
        }
        if let (Some(a), Some(b)) = f.wasm
            && b > a + HEAP_SLACK_BYTES
        {
            println!(
                "    \x1b[1;33mWARNING\x1b[0m {}: the Worker's wasm memory grew from {:.1} to \
                     {:.1} MB over the run",
                f.name,
                a as f64 / 1e6,
                b as f64 / 1e6
            );
        }
        if let Some(g) = f.memory.growth().filter(|g| *g > GROWTH_WARNING) {
            println!(
                "    note {}: workerd's RSS grew {:.0}% from the first to the last tenth of the run; \
                 that is the local runtime's own memory (compare the baseline), not the Worker's \
                 (its heap after GC and wasm memory are above)",
                f.name,
                g * 100.0,
            );
        }
        if f.load.0 > f.load.1 as f64 {
            println!(
                "    \x1b[1;33mWARNING\x1b[0m {}: the machine was busy (load average {:.1} on {} \
                 CPUs): the latencies include waiting for a CPU",
                f.name, f.load.0, f.load.1
            );
        }
        let rising = f.p50_tenths.1 > 5.0 * f.p50_tenths.0.max(1.0);
        if f.throughput < 0.95 * f64::from(opts.rate) || f.completed < f.scheduled || rising {
            println!(
                "    \x1b[1;33mWARNING\x1b[0m {}: saturated: {:.1} of {} req/s answered, p50 went \
                 from {:.0} ms (first tenth) to {:.0} ms (last tenth); lower --rate",
                f.name, f.throughput, opts.rate, f.p50_tenths.0, f.p50_tenths.1
            );
        }
    }

    let figures = |f: &Figures| {
        json!({
            "requests_scheduled": f.scheduled,
            "sent": f.sent,
            "completed": f.completed,
            "took_s": round(f.took),
            "throughput_rps": round(f.throughput),
            "latency_ms": {
                "p50": round(f.p50), "p90": round(f.p90), "p99": round(f.p99), "max": round(f.max),
                "p50_first_tenth": round(f.p50_tenths.0), "p50_last_tenth": round(f.p50_tenths.1),
            },
            "errors": f.error_count(),
            "errors_by_kind": f.errors,
            "rate_limited_429": f.rate_limited,
            "worker_js_heap_after_gc_bytes": { "after_warmup": f.heap.0, "half_way": f.heap.1, "end": f.heap.2 },
            "worker_wasm_memory_bytes": { "after_warmup": f.wasm.0, "end": f.wasm.1 },
            "workerd_rss_kib": {
                "after_warmup": f.memory.first(),
                "end": f.memory.last(),
                "max": f.memory.max(),
                "growth_first_to_last_tenth": f.memory.growth().map(round),
                "samples": f.memory.samples,
            },
            "cpu_percent_of_one_core": { "workerd": round(f.cpu.0), "wrangler_node": round(f.cpu.1) },
            "load_average_1min": round(f.load.0),
            "cpus": f.load.1,
            "handoffs": f.handoffs.map(|(answered, delivered, waited, rejected)| json!({
                "answered": answered,
                "delivered": delivered,
                "waited_s": round(waited),
                "refused_signatures": rejected,
            })),
        })
    };
    let ratios = baseline.map(|b| {
        json!({
            "p50": ratio(ferry.p50, b.p50).map(round),
            "p99": ratio(ferry.p99, b.p99).map(round),
            "throughput": ratio(ferry.throughput, b.throughput).map(round),
        })
    });
    json!({
        "options": {
            "rate": opts.rate,
            "secs": opts.secs,
            "handoff_percent": opts.handoffs,
            "connections": opts.connections,
            "warmup_secs": WARMUP_SECS,
        },
        "ferry": figures(ferry),
        "baseline": baseline.map(figures),
        "ferry_over_baseline": ratios,
        "unix_ms": inbox::now_ms(),
    })
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_shared::CompiledSite;
    use ferry_shared::wire::ChatRequest;
    use std::collections::HashMap;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn options_and_their_errors() {
        assert_eq!(parse(&[]).expect("defaults"), Options::default());
        let opts = parse(&args(&[
            "--rate",
            "80",
            "--secs",
            "5",
            "--handoffs",
            "0",
            "--no-baseline",
        ]))
        .expect("valid");
        assert_eq!(
            (opts.rate, opts.secs, opts.handoffs, opts.baseline),
            (80, 5, 0, false)
        );
        for (bad, says) in [
            (&["--rate"][..], "--rate needs a value"),
            (&["--rate", "0"], "from 1 to 1000"),
            (&["--rate", "fast"], "--rate fast"),
            (&["--handoffs", "101"], "a percentage"),
            (&["--connections", "0"], "connections"),
            (&["--sec", "3"], "unknown option `--sec`"),
            (&["--rate", "1000", "--secs", "600"], "handoffs, more than"),
        ] {
            let err = parse(&args(bad)).expect_err("invalid").to_string();
            assert!(err.contains(says), "{bad:?}: {err}");
        }
    }

    #[test]
    fn the_plan_spreads_handoffs_and_keeps_under_the_limits() {
        assert_eq!(plan_counts(50, 30, 20), (1500, 300));
        assert_eq!(plan_counts(10, 10, 0).1, 0);
        assert_eq!(plan_counts(10, 10, 100).1, 100);
        let planned = plan(Phase::Measured, 1500, 50, 20, 9);
        assert_eq!(
            planned.iter().filter(|p| p.expect == Kind::Handoff).count(),
            300
        );
        let text = |p: &Planned| String::from_utf8_lossy(&p.bytes).into_owned();
        let header = |p: &Planned, name: &str| {
            text(p)
                .lines()
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
                .unwrap_or_default()
        };
        let body = |p: &Planned| -> Value {
            let t = text(p);
            serde_json::from_str(t.split("\r\n\r\n").nth(1).unwrap_or_default()).expect("json")
        };
        let mut per_conversation: HashMap<String, usize> = HashMap::new();
        let mut handoffs_per_address: HashMap<String, usize> = HashMap::new();
        let mut ids = HashSet::new();
        for p in &planned {
            let b = body(p);
            let request: ChatRequest = serde_json::from_value(b.clone()).expect("a ChatRequest");
            assert_eq!(request.validate(), Ok(()));
            let address = header(p, "CF-Connecting-IP:");
            assert!(
                address.starts_with("198.51.100.") || address.starts_with("203.0.113."),
                "{address}"
            );
            assert_eq!(header(p, "Origin:"), "http://127.0.0.1:9");
            *per_conversation.entry(request.conversation_id).or_default() += 1;
            if p.expect == Kind::Handoff {
                *handoffs_per_address.entry(address).or_default() += 1;
            }
            assert!(ids.insert(request.client_message_id));
        }
        assert!(
            per_conversation
                .values()
                .all(|&n| n <= MESSAGES_PER_SHOPPER)
        );
        assert!(
            handoffs_per_address
                .values()
                .all(|&n| n <= HANDOFFS_PER_ADDRESS)
        );
    }

    #[test]
    fn the_texts_route_as_planned_on_the_demo_site() {
        let source = std::fs::read_to_string(root().join("edge/sites/demo.toml")).expect("read");
        let site = CompiledSite::from_toml(&source).expect("the demo site loads");
        let texts = ANSWERED
            .iter()
            .map(|t| (t, false))
            .chain(HANDED_OFF.iter().map(|t| (t, true)));
        for ((locale, text), handoff) in texts {
            // From JSON, so fields the wire gains later take their defaults.
            let request: ChatRequest = serde_json::from_value(json!({
                "site": "demo",
                "conversation_id": "c",
                "client_message_id": "m",
                "text": text,
                "locale": locale,
            }))
            .expect("a ChatRequest");
            let decision = ferry_shared::route(&site, &request, 1_800_000_000_000);
            assert_eq!(decision.is_handoff(), handoff, "{text}: {decision:?}");
        }
    }

    #[test]
    fn baseline_has_the_edge_compatibility_date() {
        let date = |path: &str| {
            std::fs::read_to_string(root().join(path))
                .expect("read")
                .lines()
                .find(|l| l.starts_with("compatibility_date"))
                .map(str::to_string)
        };
        assert_eq!(
            date("xtask/load/baseline/wrangler.toml"),
            date("edge/wrangler.toml")
        );
    }

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

    #[test]
    fn memory_growth_and_percentiles() {
        let memory = Memory {
            samples: (0..30).map(|i| 100 + i * 2).collect(),
        };
        let growth = memory.growth().expect("growth");
        assert!((growth - (156.0 / 102.0 - 1.0)).abs() < 1e-9, "{growth}");
        let sorted: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&sorted, 50.0), 50.0);
        assert_eq!(percentile(&sorted, 99.0), 99.0);
        assert_eq!(percentile(&[], 99.0), 0.0);
    }
}
