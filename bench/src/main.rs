//! The native side of `cargo xtask bench`. One JSON object on stdout per run:
//!
//! - `ferry-bench cold PACK` — load the pack and route the first message, in this fresh
//!   process: `{"load_ms", "first_ms", "cold_ms"}` (xtask runs it several times);
//! - `ferry-bench warm PACK ROUNDS` — the corpus routed ROUNDS times after a warm-up:
//!   `{"p50_us", "p99_us", "messages"}`;
//! - `ferry-bench stages PACK` — the cold start by stage: `{"stages": [[name, ms], …]}`;
//! - `ferry-bench decisions PACK` — one summary line per corpus message (plain text), to
//!   compare with the wasm run.

use std::process::ExitCode;
use std::time::Instant;

use ferry_bench::{CORPUS, load, pack, route_summary};

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// This process's CPU time in ms (Linux: `/proc/self/schedstat`, nanoseconds on a CPU);
/// `None` elsewhere.
fn cpu_ms() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e6)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(f64::NAN)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(name)) = (args.first(), args.get(1)) else {
        eprintln!("usage: ferry-bench cold|warm|stages|decisions PACK [ROUNDS]");
        return ExitCode::FAILURE;
    };
    let Some(toml) = pack(name) else {
        eprintln!("unknown pack {name}");
        return ExitCode::FAILURE;
    };
    let (first_text, first_locale) = CORPUS[0];
    match mode.as_str() {
        "cold" => {
            let c = cpu_ms();
            let t = Instant::now();
            let site = match load(&toml) {
                Ok(site) => site,
                Err(e) => {
                    eprintln!("{name}: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let load_ms = ms(t);
            let t = Instant::now();
            std::hint::black_box(route_summary(&site, first_text, first_locale));
            let first_ms = ms(t);
            let cpu = match (c, cpu_ms()) {
                (Some(a), Some(b)) => format!("{:.3}", b - a),
                _ => "null".to_string(),
            };
            println!(
                "{{\"load_ms\":{load_ms:.3},\"first_ms\":{first_ms:.3},\"cold_ms\":{:.3},\"cold_cpu_ms\":{cpu}}}",
                load_ms + first_ms
            );
        }
        "warm" => {
            let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(20);
            let Ok(site) = load(&toml) else {
                return ExitCode::FAILURE;
            };
            for (text, locale) in CORPUS {
                std::hint::black_box(route_summary(&site, text, *locale));
            }
            let mut times = Vec::with_capacity(rounds * CORPUS.len());
            for _ in 0..rounds {
                for (text, locale) in CORPUS {
                    let t = Instant::now();
                    std::hint::black_box(route_summary(&site, text, *locale));
                    times.push(t.elapsed().as_secs_f64() * 1e6);
                }
            }
            times.sort_by(f64::total_cmp);
            println!(
                "{{\"p50_us\":{:.1},\"p99_us\":{:.1},\"messages\":{}}}",
                percentile(&times, 0.5),
                percentile(&times, 0.99),
                times.len()
            );
        }
        "stages" => {
            let mut stages: Vec<(&'static str, f64)> = Vec::new();
            let mut t = Instant::now();
            let mut mark = |stage: &'static str| {
                stages.push((stage, ms(t)));
                t = Instant::now();
            };
            let site = match ferry_shared::cold::stages(&toml, &mut mark) {
                Ok(site) => site,
                Err(e) => {
                    eprintln!("{name}: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let t = Instant::now();
            std::hint::black_box(route_summary(&site, first_text, first_locale));
            stages.push(("first message (tables built)", ms(t)));
            let t = Instant::now();
            std::hint::black_box(route_summary(&site, CORPUS[1].0, CORPUS[1].1));
            stages.push(("second message", ms(t)));
            let rows: Vec<String> = stages
                .iter()
                .map(|(s, ms)| format!("[{s:?},{ms:.3}]"))
                .collect();
            println!("{{\"stages\":[{}]}}", rows.join(","));
        }
        "decisions" => {
            let Ok(site) = load(&toml) else {
                return ExitCode::FAILURE;
            };
            for (text, locale) in CORPUS {
                println!("{}", route_summary(&site, text, *locale));
            }
        }
        other => {
            eprintln!("unknown mode {other}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
