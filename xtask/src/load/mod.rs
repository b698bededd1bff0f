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
//!   Everything is bounded: a request not started within `client::GRACE` of the end is counted as not
//!   sent, and every socket operation has a timeout.
//! - Simulated shoppers: each has its own conversation and a documentation-range address in
//!   `cf-connecting-ip` (never contacted), sends up to three questions the rules answer, or one
//!   message no rule answers (a handoff), so the Worker's per-address limits are not reached.
//! - Report: a table and `target/load-report.json`: throughput, latency percentiles, errors by
//!   kind, 429s, handoffs delivered, workerd's resident memory (sampled each second) and CPU,
//!   and the ratios to the baseline.
//!
//! Modules: `plan` builds every request of a run before it starts; `client` is the HTTP/1.1
//! client and the open-loop generator; `readings` reads memory and CPU from /proc; `report`
//! holds the figures of a run and prints and writes them. This file parses the options, starts
//! the servers and measures one target.

mod client;
mod plan;
mod readings;
mod report;

use std::collections::HashSet;
use std::fs::File;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use ferry_inbox as inbox;
use serde_json::Value;

use crate::build;
use crate::dev::new_secret;
use crate::proc::{Server, wait_http_ok};
use crate::setup::Tools;
use crate::util::{Step, root};

use client::{Conn, Counters, NOT_SENT, generate, judge};
use plan::{ANSWERED, HANDED_OFF, HANDOFFS_PER_ADDRESS, Kind, Phase, plan, plan_counts, pool};
use readings::{CLOCK_TICKS, Memory, cpu_ticks, cpus, load_average, workerd_rss};
use report::{Figures, Split, percentile, report};

pub const USAGE: &str = "cargo xtask load [--rate N] [--secs N] [--handoffs PERCENT] \
                         [--connections N] [--no-baseline] [--past-saturation]";

/// Requests per second, seconds, handoff share and connections when not given. On a shared
/// 2-core machine Ferry in `wrangler dev` (20% handoffs) fell behind 70 req/s after about 12 s
/// and answered at most about 85 req/s under 100; it also slows as a run goes on. 40 keeps a
/// 30 s run clear of saturation, with room for a busy neighbour.
pub const DEFAULT_RATE: u32 = 40;
pub const DEFAULT_SECS: u32 = 30;
pub const DEFAULT_HANDOFFS: u32 = 20;
pub const DEFAULT_CONNECTIONS: usize = 32;

/// `--past-saturation`: a rate the one local runtime cannot hold (it answered at most about
/// 85 req/s before answers stopped awaiting storage), for a shorter run without the baseline.
/// What it shows is back-pressure (requests wait for a connection: latency from the due time
/// grows, late ones are not sent) and that no handoff the Worker acknowledged is lost.
pub const SATURATION_RATE: u32 = 200;
pub const SATURATION_SECS: u32 = 20;

const MAX_RATE: u32 = 1000;
const MAX_SECS: u32 = 600;
const MAX_CONNECTIONS: usize = 256;
/// Warm-up at the test's rate before measuring (excluded from the figures).
const WARMUP_SECS: u32 = 3;
/// How long to wait after the run for the handoffs to reach the receiver, counted from the
/// last one that arrived (a saturated run leaves a backlog on the queue that still moves).
const DRAIN: Duration = Duration::from_secs(20);

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
            "--past-saturation" => {
                opts.rate = SATURATION_RATE;
                opts.secs = SATURATION_SECS;
                opts.baseline = false;
            }
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

// ----------------------------------------------------------------------------------------
// One measured target
// ----------------------------------------------------------------------------------------

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
    let (mut most_behind, mut most_in_flight) = (0, 0);
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
            most_behind = most_behind.max(due.saturating_sub(sent));
            most_in_flight = most_in_flight.max(sent.saturating_sub(done));
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
        backlog: (most_behind, most_in_flight),
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
    // Answers and handoffs apart: a shop asks how fast an answer comes back, and a handoff
    // awaits storage and the queue by design.
    for (kind, split) in [
        (Kind::Answer, &mut figures.answers),
        (Kind::Handoff, &mut figures.handed_off),
    ] {
        let mut part: Vec<f64> = measured
            .iter()
            .zip(&outcomes)
            .filter(|(planned, _)| planned.expect == kind)
            .filter_map(|(_, o)| o.latency.map(|l| l.as_secs_f64() * 1000.0))
            .collect();
        part.sort_by(f64::total_cmp);
        *split = Split::of(&part);
    }
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
            "    waiting for {} handoffs to be delivered (until {} s pass without one)",
            wanted.len(),
            DRAIN.as_secs()
        );
        let _ = std::io::stdout().flush();
        let (mut last, mut moved) = (usize::MAX, Instant::now());
        let (delivered, rejected) = loop {
            let (got, rejected) = receiver.tickets();
            let delivered = wanted.intersection(&got).count();
            if delivered != last {
                (last, moved) = (delivered, Instant::now());
            }
            if delivered == wanted.len() || moved.elapsed() > DRAIN || aborted() {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let past = parse(&args(&["--past-saturation"])).expect("valid");
        assert_eq!(
            (past.rate, past.secs, past.baseline),
            (SATURATION_RATE, SATURATION_SECS, false)
        );
        for (bad, says) in [
            (&["--rate"][..], "--rate needs a value"),
            (&["--rate", "0"], "from 1 to 1000"),
            (&["--rate", "fast"], "--rate fast"),
            (&["--handoffs", "101"], "a percentage"),
            (&["--connections", "0"], "connections"),
            (&["--sec", "3"], "unknown option `--sec`"),
            (&["--rate", "1000", "--secs", "600"], "handoffs, more than"),
            (
                &["--past-saturation", "--secs", "600"],
                "handoffs, more than",
            ),
        ] {
            let err = parse(&args(bad)).expect_err("invalid").to_string();
            assert!(err.contains(says), "{bad:?}: {err}");
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
}
