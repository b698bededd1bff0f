//! The figures of one measured target, and the report: a table next to the baseline, warnings,
//! and `target/load-report.json`.

use std::collections::BTreeMap;

use ferry_inbox as inbox;
use serde_json::{Value, json};

use super::readings::Memory;
use super::{DRAIN, Options, WARMUP_SECS};

/// Heap or wasm growth below this is noise (JIT code, caches filling), in bytes.
const HEAP_SLACK_BYTES: u64 = 2 * 1024 * 1024;
/// Memory growth from the first to the last tenth of the run that is worth a warning.
const GROWTH_WARNING: f64 = 0.20;
/// The targets for answers against the fixed-JSON baseline (all its requests): p50 and p99.
/// Reported as met or not, never asserted (a busy machine moves them).
pub(super) const ANSWER_TARGETS: (f64, f64) = (1.5, 3.0);

/// Latency of one kind of request (answers or handoffs), in ms from each request's due time.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Split {
    pub(super) completed: usize,
    pub(super) p50: f64,
    pub(super) p90: f64,
    pub(super) p99: f64,
    pub(super) max: f64,
}

impl Split {
    pub(super) fn of(sorted: &[f64]) -> Split {
        Split {
            completed: sorted.len(),
            p50: percentile(sorted, 50.0),
            p90: percentile(sorted, 90.0),
            p99: percentile(sorted, 99.0),
            max: sorted.last().copied().unwrap_or_default(),
        }
    }

    fn json(&self) -> Value {
        json!({
            "completed": self.completed,
            "p50": round(self.p50), "p90": round(self.p90), "p99": round(self.p99),
            "max": round(self.max),
        })
    }
}

/// What one measured target did (`measure` fills it, [`report`] shows it).
#[derive(Debug, Clone, Default)]
pub(super) struct Figures {
    pub(super) name: String,
    pub(super) scheduled: usize,
    pub(super) sent: usize,
    pub(super) completed: usize,
    /// Seconds from the first due time until the last request ended.
    pub(super) took: f64,
    pub(super) throughput: f64,
    pub(super) p50: f64,
    pub(super) p90: f64,
    pub(super) p99: f64,
    pub(super) max: f64,
    /// p50 of the requests due in the first and in the last tenth of the run (a trend).
    pub(super) p50_tenths: (f64, f64),
    pub(super) errors: BTreeMap<String, u64>,
    pub(super) rate_limited: u64,
    pub(super) memory: Memory,
    /// The Worker's JS heap after GC (bytes): after warm-up, half-way, after the run. The first
    /// half still warms up (JIT code, caches); growth in the second half is what is kept.
    pub(super) heap: (Option<u64>, Option<u64>, Option<u64>),
    /// Ferry's wasm linear memory (bytes): after warm-up, after the run.
    pub(super) wasm: (Option<u64>, Option<u64>),
    /// Percent of one core over the run: (workerd, wrangler's node).
    pub(super) cpu: (f64, f64),
    /// The machine's 1-minute load average at the end of the run, and its CPU count: a busy
    /// neighbour shows here.
    pub(super) load: (f64, usize),
    /// (handoffs answered, delivered to the receiver, seconds waited, refused signatures)
    pub(super) handoffs: Option<(usize, usize, f64, u64)>,
    /// The requests planned as answers, and as handoffs (the baseline answers all alike).
    pub(super) answers: Split,
    pub(super) handed_off: Split,
    /// Back-pressure, the most seen at a progress line: requests due but not yet sent (they
    /// wait for a connection), and requests sent but not answered (in flight).
    pub(super) backlog: (u64, u64),
}

impl Figures {
    fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

pub(super) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn mb(kb: Option<u64>) -> String {
    kb.map_or("-".into(), |kb| format!("{:.0} MB", kb as f64 / 1024.0))
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

pub(super) fn report(opts: &Options, ferry: &Figures, baseline: Option<&Figures>) -> Value {
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
    let ferry_only = |f: &Figures, v: f64| {
        if f.handoffs.is_some() {
            format!("{v:.1}")
        } else {
            "-".into()
        }
    };
    for (label, get) in [
        (
            "answers p50 (ms)",
            (|f: &Figures| f.answers.p50) as fn(&Figures) -> f64,
        ),
        ("answers p99 (ms)", |f: &Figures| f.answers.p99),
        ("handoffs p50 (ms)", |f: &Figures| f.handed_off.p50),
        ("handoffs p99 (ms)", |f: &Figures| f.handed_off.p99),
    ] {
        // Against the baseline's figure for all its requests (p50 or p99 alike).
        let all = if label.contains("p50") {
            |f: &Figures| f.p50
        } else {
            |f: &Figures| f.p99
        };
        row(
            label,
            &|f| ferry_only(f, get(f)),
            times(get(ferry), baseline.map(all)),
        );
    }
    row(
        "p50 first→last 10% (ms)",
        &|f| format!("{:.0}→{:.0}", f.p50_tenths.0, f.p50_tenths.1),
        None,
    );
    row("most due, not yet sent", &|f| f.backlog.0.to_string(), None);
    row("most in flight", &|f| f.backlog.1.to_string(), None);
    row(
        "not sent (back-pressure)",
        &|f| f.scheduled.saturating_sub(f.sent).to_string(),
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
    let targets = baseline.map(|b| {
        let p50 = ratio(ferry.answers.p50, b.p50);
        let p99 = ratio(ferry.answers.p99, b.p99);
        let met = p50.is_some_and(|r| r <= ANSWER_TARGETS.0)
            && p99.is_some_and(|r| r <= ANSWER_TARGETS.1);
        println!(
            "\n    answers against the baseline: p50 {} (target ≤ {}×), p99 {} (target ≤ {}×): {}",
            p50.map_or("-".into(), |r| format!("{r:.2}×")),
            ANSWER_TARGETS.0,
            p99.map_or("-".into(), |r| format!("{r:.2}×")),
            ANSWER_TARGETS.1,
            if met { "met" } else { "NOT met" }
        );
        json!({
            "answers_p50_over_baseline_p50": p50.map(round),
            "answers_p99_over_baseline_p99": p99.map(round),
            "target_p50": ANSWER_TARGETS.0,
            "target_p99": ANSWER_TARGETS.1,
            "met": met,
        })
    });
    if let Some((answered, delivered, waited, rejected)) = ferry.handoffs {
        println!(
            "\n    handoffs: {delivered} of {answered} acknowledged to the shopper delivered to the \
             receiver, {} lost ({:.1} s after the run; {rejected} refused for their signature)",
            answered - delivered,
            waited
        );
        if delivered < answered {
            println!(
                "    \x1b[1;33mWARNING\x1b[0m {} handoffs did not arrive ({} s passed without a delivery): lost",
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
            "answers_latency_ms": f.answers.json(),
            "handoffs_latency_ms": f.handed_off.json(),
            "back_pressure": {
                "most_due_not_sent": f.backlog.0,
                "most_in_flight": f.backlog.1,
                "not_sent": f.scheduled.saturating_sub(f.sent),
            },
            "cpu_percent_of_one_core": { "workerd": round(f.cpu.0), "wrangler_node": round(f.cpu.1) },
            "load_average_1min": round(f.load.0),
            "cpus": f.load.1,
            "handoffs": f.handoffs.map(|(answered, delivered, waited, rejected)| json!({
                "answered": answered,
                "delivered": delivered,
                "waited_s": round(waited),
                "refused_signatures": rejected,
                "lost": answered - delivered,
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
        "answer_targets": targets,
        "unix_ms": inbox::now_ms(),
    })
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

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
