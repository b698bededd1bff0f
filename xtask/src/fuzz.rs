//! `cargo xtask fuzz [TARGET…] [--secs N]`: runs the cargo-fuzz targets in `fuzz/` for a
//! bounded time each and prints one line per target. Not part of `cargo xtask test`.
//!
//! - Needs a nightly toolchain (libFuzzer's instrumentation); without one it runs stable
//!   with `RUSTC_BOOTSTRAP=1`, which cargo-fuzz accepts. Installs cargo-fuzz when missing.
//! - One libFuzzer process at a time (no `-jobs`/`-fork`), no sanitizer: `shared` has no
//!   unsafe code, and the speed goes to executions.
//! - Corpora live in `target/fuzz-corpus/<target>` (not committed) and grow run after run;
//!   seeds come from `fuzz/seeds/<target>` and, for `site_file`, the bundled site files.
//! - Crashes, hangs (`-timeout`) and out-of-memory inputs land in `fuzz/artifacts/<target>/`;
//!   any new one makes the command fail. Full output: `target/fuzz-logs/<target>.log`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::util::{Step, files_under, human, output, root, run};

struct Target {
    name: &'static str,
    /// libFuzzer `-max_len`: inputs stay bounded, like the real ones.
    max_len: usize,
    /// A libFuzzer dictionary under `fuzz/`.
    dict: Option<&'static str>,
}

const TARGETS: &[Target] = &[
    Target {
        name: "site_file",
        max_len: 4096,
        dict: Some("dicts/site_file.dict"),
    },
    Target {
        // The Worker reads at most 16 KB of a body.
        name: "chat_request",
        max_len: 16 * 1024,
        dict: None,
    },
    Target {
        name: "webhook_verify",
        max_len: 4096,
        dict: None,
    },
    Target {
        // 2,000 characters of up to 4 bytes.
        name: "mask_cards",
        max_len: 8192,
        dict: None,
    },
];

/// Seconds one input may take before libFuzzer calls it a hang.
const HANG_SECS: u64 = 10;
const DEFAULT_SECS: u64 = 60;

/// One target's run, read back from libFuzzer's final stats and the corpus.
struct Outcome {
    name: &'static str,
    secs: f64,
    execs: Option<u64>,
    execs_per_sec: Option<u64>,
    corpus: usize,
    /// New crash, timeout, OOM or leak artifacts.
    findings: Vec<PathBuf>,
    /// The run failed without leaving an artifact (e.g. the build broke).
    failed: Option<String>,
}

pub fn run_cli(args: &[String]) -> Result<()> {
    let (targets, secs) = parse_args(args)?;
    let total = targets.len() + 2;
    let fuzz_dir = root().join("fuzz");

    let step = Step::start(1, total, "Tools (nightly toolchain, cargo-fuzz)");
    let toolchain = ensure_tools()?;
    step.done();

    let names: Vec<&str> = targets.iter().map(|t| t.name).collect();
    let step = Step::start(2, total, &format!("Build {}", names.join(", ")));
    for t in &targets {
        run(toolchain
            .cargo_fuzz()
            .args(["build", "--sanitizer=none", t.name])
            .current_dir(&fuzz_dir))?;
    }
    step.done();

    let mut outcomes = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let step = Step::start(i + 3, total, &format!("Fuzz {} for {secs} s", t.name));
        outcomes.push(fuzz_one(&toolchain, t, secs)?);
        step.done();
    }

    println!("\n\x1b[1mFuzzing summary\x1b[0m");
    let num = |n: Option<u64>| n.map_or_else(|| "?".to_string(), thousands);
    for o in &outcomes {
        let found = match (&o.findings[..], &o.failed) {
            ([], None) => "0".to_string(),
            ([], Some(why)) => format!("? ({why})"),
            (paths, _) => paths
                .iter()
                .map(|p| p.strip_prefix(root()).unwrap_or(p).display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        };
        println!(
            "  {:<15} {:>6.0} s  {:>12} execs  {:>8} execs/s  corpus {:>6}  crashes: {found}",
            o.name,
            o.secs,
            num(o.execs),
            num(o.execs_per_sec),
            thousands(o.corpus as u64),
        );
    }
    let bad: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| !o.findings.is_empty() || o.failed.is_some())
        .collect();
    if !bad.is_empty() {
        let names: Vec<&str> = bad.iter().map(|o| o.name).collect();
        bail!(
            "fuzzing found a problem in {}. Reproduce with `cd fuzz && cargo +nightly fuzz run --sanitizer=none TARGET ARTIFACT`; \
             turn each input into a test in shared/tests/fuzz_regressions.rs",
            names.join(", ")
        );
    }
    Ok(())
}

fn parse_args(args: &[String]) -> Result<(Vec<&'static Target>, u64)> {
    let mut targets = Vec::new();
    let mut secs = DEFAULT_SECS;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "--secs" {
            let value = it
                .next()
                .ok_or_else(|| anyhow::anyhow!("--secs needs a number of seconds"))?;
            secs = value
                .parse()
                .ok()
                .filter(|&s| s > 0)
                .ok_or_else(|| anyhow::anyhow!("--secs {value}: not a number of seconds"))?;
        } else if let Some(t) = TARGETS.iter().find(|t| t.name == arg) {
            if !targets.iter().any(|x: &&Target| x.name == t.name) {
                targets.push(t);
            }
        } else {
            let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
            bail!(
                "unknown fuzz target or option `{arg}`; targets: {} (options: --secs N)",
                names.join(", ")
            );
        }
    }
    if targets.is_empty() {
        targets = TARGETS.iter().collect();
    }
    Ok((targets, secs))
}

/// How cargo-fuzz is invoked: `cargo +nightly fuzz`, or stable with `RUSTC_BOOTSTRAP=1`.
struct Toolchain {
    nightly: bool,
}

impl Toolchain {
    fn cargo_fuzz(&self) -> Command {
        let mut cmd = Command::new("cargo");
        if self.nightly {
            cmd.arg("+nightly");
        } else {
            cmd.env("RUSTC_BOOTSTRAP", "1");
        }
        cmd.arg("fuzz");
        // `cargo xtask` runs under the workspace's toolchain; let rustup pick afresh.
        for var in ["CARGO", "RUSTC", "RUSTUP_TOOLCHAIN", "CARGO_TARGET_DIR"] {
            cmd.env_remove(var);
        }
        cmd
    }
}

fn ensure_tools() -> Result<Toolchain> {
    let toolchains = output(Command::new("rustup").args(["toolchain", "list"])).unwrap_or_default();
    let nightly = toolchains.lines().any(|l| l.starts_with("nightly"));
    if nightly {
        println!("    ok  nightly toolchain");
    } else {
        println!(
            "    ..  no nightly toolchain: using stable with RUSTC_BOOTSTRAP=1 \
             (`rustup toolchain install nightly` for the usual setup)"
        );
    }
    let version = output(Command::new("cargo").args(["fuzz", "--version"]));
    match version {
        Some(v) => println!("    ok  {}", v.trim()),
        None => {
            println!("    ..  installing cargo-fuzz (cargo install --locked, about 2 minutes)");
            run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
        }
    }
    Ok(Toolchain { nightly })
}

fn fuzz_one(toolchain: &Toolchain, t: &Target, secs: u64) -> Result<Outcome> {
    let root = root();
    let fuzz_dir = root.join("fuzz");
    let corpus = root.join("target/fuzz-corpus").join(t.name);
    std::fs::create_dir_all(&corpus).with_context(|| format!("create {}", corpus.display()))?;
    seed(t, &corpus)?;
    let artifacts = fuzz_dir.join("artifacts").join(t.name);
    let before = files_under(&artifacts);
    let logs = root.join("target/fuzz-logs");
    std::fs::create_dir_all(&logs)?;
    let log_path = logs.join(format!("{}.log", t.name));
    let log = File::create(&log_path).with_context(|| format!("create {}", log_path.display()))?;

    let mut cmd = toolchain.cargo_fuzz();
    cmd.args(["run", "--sanitizer=none", t.name])
        .arg(&corpus)
        .arg("--")
        .arg(format!("-max_total_time={secs}"))
        .arg(format!("-max_len={}", t.max_len))
        .arg(format!("-timeout={HANG_SECS}"))
        .arg("-rss_limit_mb=2048")
        .arg("-print_final_stats=1");
    if let Some(dict) = t.dict {
        cmd.arg(format!("-dict={}", fuzz_dir.join(dict).display()));
    }
    cmd.current_dir(&fuzz_dir)
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log));
    println!(
        "    one job, -max_len={}, -timeout={HANG_SECS}s; log: {}",
        t.max_len,
        log_path.strip_prefix(&root).unwrap_or(&log_path).display()
    );
    let started = Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("could not start cargo fuzz run {}", t.name))?;
    let took = started.elapsed();

    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    let findings: Vec<PathBuf> = files_under(&artifacts)
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect();
    let failed = (!status.success() && findings.is_empty()).then(|| {
        format!(
            "cargo fuzz exited with {status}; see {}",
            log_path.strip_prefix(&root).unwrap_or(&log_path).display()
        )
    });
    for f in &findings {
        println!("    \x1b[1;31mfound\x1b[0m {}", f.display());
    }
    let corpus_size = std::fs::read_dir(&corpus).map_or(0, |d| d.flatten().count());
    println!("    ran {}", human(took));
    Ok(Outcome {
        name: t.name,
        secs: took.as_secs_f64(),
        execs: stat(&text, "stat::number_of_executed_units:"),
        execs_per_sec: stat(&text, "stat::average_exec_per_sec:"),
        corpus: corpus_size,
        findings,
        failed,
    })
}

/// Copies the committed seeds (and, for `site_file`, the bundled site files) into the corpus.
fn seed(t: &Target, corpus: &Path) -> Result<()> {
    let root = root();
    let mut seeds = files_under(&root.join("fuzz/seeds").join(t.name));
    if t.name == "site_file" {
        seeds.extend(
            files_under(&root.join("edge/sites"))
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "toml")),
        );
    }
    for from in seeds {
        let Some(name) = from.file_name() else {
            continue;
        };
        let to = corpus.join(format!("seed-{}", name.to_string_lossy()));
        std::fs::copy(&from, &to)
            .with_context(|| format!("copy {} to {}", from.display(), to.display()))?;
    }
    Ok(())
}

/// The number after `key` in libFuzzer's `-print_final_stats` output.
fn stat(log: &str, key: &str) -> Option<u64> {
    log.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix(key))
        .and_then(|v| v.trim().parse().ok())
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_and_numbers() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (all, secs) = parse_args(&[]).expect("no args");
        assert_eq!((all.len(), secs), (TARGETS.len(), DEFAULT_SECS));
        let (some, secs) =
            parse_args(&args(&["mask_cards", "--secs", "5", "mask_cards"])).expect("args");
        assert_eq!(
            (some.iter().map(|t| t.name).collect::<Vec<_>>(), secs),
            (vec!["mask_cards"], 5)
        );
        assert!(parse_args(&args(&["nope"])).is_err());
        assert!(parse_args(&args(&["--secs"])).is_err());
        assert!(parse_args(&args(&["--secs", "0"])).is_err());
        let log = "#5 DONE\nstat::number_of_executed_units: 676713\nstat::average_exec_per_sec:     11093\n";
        assert_eq!(stat(log, "stat::number_of_executed_units:"), Some(676_713));
        assert_eq!(stat(log, "stat::average_exec_per_sec:"), Some(11_093));
        assert_eq!(stat("", "stat::x:"), None);
        assert_eq!(thousands(676_713), "676,713");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
    }
}
