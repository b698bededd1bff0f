//! `cargo xtask bench`: the router's cold start and per-message cost, compiled to wasm and run
//! in Node's V8 (the engine inside workerd), and natively. Writes `target/router-bench.json`
//! and prints a table. Not part of `cargo xtask test`: figures are reported, never asserted.
//!
//! - cold: a fresh process per run (`node bench/js/driver.mjs … cold`, `ferry-bench cold`):
//!   instantiate (wasm) + load the pack + route the first message; the median of `--runs`;
//! - warm: the corpus of `bench/src/lib.rs` (14 languages) routed `--rounds` times: p50, p99;
//! - stages: the cold start by stage (`shared::cold`), once each side;
//! - decisions: the corpus's decisions in wasm and natively must be the same (else an error);
//! - the Worker (`edge/build/index_bg.wasm`, when built): gzip bytes and what is in it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::setup::Tools;
use crate::size::gzip_len;
use crate::util::{root, run};

const PACKS: [&str; 2] = ["demo", "generated-1000"];

#[derive(Debug)]
pub struct Options {
    runs: usize,
    rounds: usize,
    packs: Vec<String>,
}

pub fn parse(args: &[String]) -> Result<Options> {
    let mut opts = Options {
        runs: 5,
        rounds: 20,
        packs: PACKS.iter().map(|p| p.to_string()).collect(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| -> Result<String> {
            it.next()
                .cloned()
                .with_context(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--runs" => opts.runs = value("--runs")?.parse().context("--runs N")?,
            "--rounds" => opts.rounds = value("--rounds")?.parse().context("--rounds N")?,
            "--packs" => {
                opts.packs = value("--packs")?.split(',').map(str::to_string).collect();
                if let Some(p) = opts.packs.iter().find(|p| !PACKS.contains(&p.as_str())) {
                    bail!("unknown pack `{p}` (packs: {})", PACKS.join(", "));
                }
            }
            other => bail!("bench: unknown option `{other}` (--runs N, --rounds N, --packs a,b)"),
        }
    }
    if opts.runs < 1 || opts.rounds < 1 {
        bail!("--runs and --rounds must be at least 1");
    }
    Ok(opts)
}

/// Builds both sides: the native binary and the wasm package (size profile, wasm-bindgen
/// `--target nodejs`, wasm-opt -Oz, as the Worker is built). Returns (binary, package dir).
fn build(tools: &Tools) -> Result<(PathBuf, PathBuf)> {
    let root = root();
    run(Command::new("cargo")
        .args([
            "build",
            "--package",
            "ferry-bench",
            "--release",
            "--bin",
            "ferry-bench",
        ])
        .current_dir(&root))?;
    run(Command::new("cargo")
        .args([
            "build",
            "--package",
            "ferry-bench",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm",
        ])
        .current_dir(&root))?;
    let pkg = root.join("target/bench-wasm");
    let _ = std::fs::remove_dir_all(&pkg);
    run(Command::new(&tools.wasm_bindgen)
        .args(["--target", "nodejs", "--no-typescript", "--out-dir"])
        .arg(&pkg)
        .arg(root.join("target/wasm32-unknown-unknown/wasm/ferry_bench.wasm")))?;
    let wasm = pkg.join("ferry_bench_bg.wasm");
    run(Command::new(&tools.wasm_opt)
        .args(["-Oz", "--strip-debug", "--strip-producers"])
        .args([
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
        ])
        .arg(&wasm)
        .arg("-o")
        .arg(&wasm))?;
    Ok((root.join("target/release/ferry-bench"), pkg))
}

/// Starts one run of a side with these arguments.
type Starter = Box<dyn Fn(&[&str]) -> Command>;

/// One side of the benchmark: how to start a run of it.
struct Side {
    name: &'static str,
    command: Starter,
}

impl Side {
    fn stdout(&self, args: &[&str]) -> Result<String> {
        let mut cmd = (self.command)(args);
        let out = cmd
            .output()
            .with_context(|| format!("{}: could not start {args:?}", self.name))?;
        if !out.status.success() {
            bail!(
                "{} {args:?} failed ({}): {}",
                self.name,
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn json(&self, args: &[&str]) -> Result<Value> {
        let text = self.stdout(args)?;
        serde_json::from_str(text.trim())
            .with_context(|| format!("{} {args:?}: not JSON: {text}", self.name))
    }
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    xs.retain(|x| x.is_finite());
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    (n > 0).then(|| {
        if n % 2 == 1 {
            xs[n / 2]
        } else {
            (xs[n / 2 - 1] + xs[n / 2]) / 2.0
        }
    })
}

fn round(x: Option<f64>, places: i32) -> Value {
    let k = 10f64.powi(places);
    x.map_or(Value::Null, |x| json!((x * k).round() / k))
}

/// Cold runs (each a fresh process), then the medians of every figure they print.
fn cold(side: &Side, pack: &str, runs: usize) -> Result<Value> {
    let mut samples: Vec<Value> = Vec::new();
    for _ in 0..runs {
        samples.push(side.json(&["cold", pack])?);
    }
    let keys: Vec<String> = samples
        .first()
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let mut out = serde_json::Map::new();
    for key in keys {
        let xs = samples
            .iter()
            .filter_map(|s| s.get(&key).and_then(Value::as_f64))
            .collect();
        out.insert(key, round(median(xs), 3));
    }
    out.insert("runs".into(), json!(runs));
    Ok(Value::Object(out))
}

pub fn run_cli(opts: &Options) -> Result<()> {
    let tools = crate::setup::ensure(false)?;
    let (native_bin, pkg) = build(&tools)?;
    let driver = root().join("bench/js/driver.mjs");
    let node = tools.node.clone();
    let wasm = Side {
        name: "wasm",
        command: Box::new(move |args| {
            let mut cmd = Command::new(&node);
            cmd.arg(&driver).arg(&pkg).args(args);
            cmd
        }),
    };
    let native = Side {
        name: "native",
        command: Box::new(move |args| {
            let mut cmd = Command::new(&native_bin);
            cmd.args(args);
            cmd
        }),
    };
    let wasm_package = root().join("target/bench-wasm/ferry_bench_bg.wasm");
    let mut packs = serde_json::Map::new();
    for pack in &opts.packs {
        println!("    bench: {pack}");
        let mut sides = serde_json::Map::new();
        let mut decisions = Vec::new();
        for side in [&wasm, &native] {
            let cold = cold(side, pack, opts.runs)?;
            let warm = side.json(&["warm", pack, &opts.rounds.to_string()])?;
            let stages = side.json(&["stages", pack])?;
            decisions.push(side.stdout(&["decisions", pack])?);
            sides.insert(
                side.name.into(),
                json!({
                    "cold_ms": cold["cold_ms"],
                    "cold_cpu_ms": cold.get("cold_cpu_ms").cloned().unwrap_or(Value::Null),
                    "cold": cold,
                    "warm_p50_us": warm["p50_us"],
                    "warm_p99_us": warm["p99_us"],
                    "warm_messages": warm["messages"],
                    "stages": stages["stages"],
                }),
            );
        }
        if decisions[0] != decisions[1] {
            bail!(
                "{pack}: wasm and native decide differently\nwasm:\n{}\nnative:\n{}",
                decisions[0],
                decisions[1]
            );
        }
        sides.insert(
            "corpus_messages".into(),
            json!(decisions[0].lines().count()),
        );
        packs.insert(pack.clone(), Value::Object(sides));
    }
    let worker = worker_report(&root().join("edge/build/index_bg.wasm"))?;
    let report = json!({
        "note": "cold: instantiate (wasm) + load + first message in a fresh process, median of `runs`; cold_cpu_ms: the process's CPU time over the same span (wasm: all of Node's threads). warm: per message over the corpus. Wall-clock figures depend on the machine's load.",
        "packs": packs,
        "bench_wasm_gzip_bytes": gzip_file(&wasm_package)?,
        "wasm_gzip_bytes": worker["gzip_bytes"],
        "worker": worker,
    });
    let path = root().join("target/router-bench.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report)? + "\n")
        .with_context(|| format!("write {}", path.display()))?;
    print!("{}", render(&report));
    println!("    written to {}", path.display());
    Ok(())
}

fn gzip_file(path: &Path) -> Result<Value> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(json!(gzip_len(&bytes)?)),
        Err(_) => Ok(Value::Null),
    }
}

fn render(report: &Value) -> String {
    let mut out = String::from(
        "\n  pack             side    cold ms  cold CPU ms  warm p50 µs  warm p99 µs\n",
    );
    let cell = |v: &Value| v.as_f64().map_or("—".to_string(), |x| format!("{x:.1}"));
    for (pack, sides) in report["packs"].as_object().into_iter().flatten() {
        for side in ["wasm", "native"] {
            let s = &sides[side];
            out.push_str(&format!(
                "  {pack:<16} {side:<6} {:>8} {:>12} {:>12} {:>12}\n",
                cell(&s["cold_ms"]),
                cell(&s["cold_cpu_ms"]),
                cell(&s["warm_p50_us"]),
                cell(&s["warm_p99_us"]),
            ));
        }
    }
    for (pack, sides) in report["packs"].as_object().into_iter().flatten() {
        out.push_str(&format!(
            "\n  cold start by stage, {pack} (ms):   wasm    native\n"
        ));
        let wasm = sides["wasm"]["stages"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let native = sides["native"]["stages"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let find = |rows: &[Value], name: &str| {
            rows.iter()
                .find(|r| r[0].as_str() == Some(name))
                .map_or("—".to_string(), |r| cell(&r[1]))
        };
        for row in &wasm {
            let name = row[0].as_str().unwrap_or("?");
            out.push_str(&format!(
                "    {name:<44} {:>8} {:>8}\n",
                cell(&row[1]),
                find(&native, name)
            ));
        }
    }
    let w = &report["worker"];
    match w["gzip_bytes"].as_u64() {
        Some(gz) => {
            out.push_str(&format!(
                "\n  Worker {}: {} bytes, {gz} gzip\n",
                w["path"].as_str().unwrap_or(""),
                w["bytes"]
            ));
            for s in w["sections"].as_array().into_iter().flatten() {
                out.push_str(&format!(
                    "    section {:<24} {:>9} bytes {:>9} gzip\n",
                    s["name"].as_str().unwrap_or("?"),
                    s["bytes"],
                    s["gzip_bytes"]
                ));
            }
            for s in w["embedded"].as_array().into_iter().flatten() {
                out.push_str(&format!(
                    "    embedded {:<23} {:>9} bytes {:>9} gzip\n",
                    s["name"].as_str().unwrap_or("?"),
                    s["bytes"],
                    s["gzip_bytes"]
                ));
            }
            for s in w["code_by_crate"].as_array().into_iter().flatten().take(15) {
                out.push_str(&format!(
                    "    code of {:<24} {:>9} bytes\n",
                    s["crate"].as_str().unwrap_or("?"),
                    s["bytes"]
                ));
            }
        }
        None => out.push_str(&format!(
            "\n  Worker: {}\n",
            w["missing"].as_str().unwrap_or("not built")
        )),
    }
    out
}

/// The Worker's size and what is in it: sections, the data files compiled in (raw and gzip
/// alone), and code bytes per crate from the unoptimised build's name section (wasm-opt strips
/// names from the shipped file).
fn worker_report(path: &Path) -> Result<Value> {
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(json!({
            "path": path.display().to_string(),
            "gzip_bytes": Value::Null,
            "missing": format!("{} is not built (run `cargo xtask build`); wasm_gzip_bytes is null", path.display()),
        }));
    };
    let mut sections = Vec::new();
    for s in wasm::sections(&bytes)? {
        sections.push(json!({
            "name": s.name,
            "bytes": s.body.len(),
            "gzip_bytes": gzip_len(s.body)?,
        }));
    }
    let root = root();
    let mut embedded = Vec::new();
    for (name, files) in [
        (
            "shared/lexicon/*.toml",
            crate::util::files_under(&root.join("shared/lexicon")),
        ),
        (
            "shared/concepts/*.toml",
            crate::util::files_under(&root.join("shared/concepts")),
        ),
        (
            "shared/lid-model/lid.bin",
            vec![root.join("shared/lid-model/lid.bin")],
        ),
        (
            "shared/data/countries.toml",
            vec![root.join("shared/data/countries.toml")],
        ),
        (
            "edge/sites/*.toml",
            crate::util::files_under(&root.join("edge/sites")),
        ),
    ] {
        let mut all = Vec::new();
        for f in files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "toml" || e == "bin"))
        {
            all.extend(std::fs::read(f).unwrap_or_default());
        }
        embedded.push(json!({"name": name, "bytes": all.len(), "gzip_bytes": gzip_len(&all)?}));
    }
    let unoptimised = root.join("target/wasm32-unknown-unknown/release/ferry_edge.wasm");
    let code_by_crate = match std::fs::read(&unoptimised) {
        Ok(raw) => wasm::code_by_crate(&raw)?
            .into_iter()
            .map(|(krate, n)| json!({"crate": krate, "bytes": n}))
            .collect(),
        Err(_) => Vec::new(),
    };
    Ok(json!({
        "path": path.strip_prefix(&root).unwrap_or(path).display().to_string(),
        "bytes": bytes.len(),
        "gzip_bytes": gzip_len(&bytes)?,
        "sections": sections,
        "embedded": embedded,
        "code_by_crate_from": unoptimised.strip_prefix(&root).unwrap_or(&unoptimised).display().to_string(),
        "code_by_crate": code_by_crate,
    }))
}

/// Just enough of the wasm binary format for a size report.
mod wasm {
    use anyhow::{Result, bail};
    use std::collections::BTreeMap;

    pub struct Section<'a> {
        pub name: String,
        pub body: &'a [u8],
    }

    fn leb(bytes: &[u8], pos: &mut usize) -> Result<u64> {
        let mut out = 0u64;
        for shift in (0..64).step_by(7) {
            let Some(&b) = bytes.get(*pos) else {
                bail!("wasm: truncated integer")
            };
            *pos += 1;
            out |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(out);
            }
        }
        bail!("wasm: integer too long")
    }

    fn name(bytes: &[u8], pos: &mut usize) -> Result<String> {
        let len = leb(bytes, pos)? as usize;
        let Some(s) = bytes.get(*pos..*pos + len) else {
            bail!("wasm: truncated name")
        };
        *pos += len;
        Ok(String::from_utf8_lossy(s).into_owned())
    }

    pub fn sections(bytes: &[u8]) -> Result<Vec<Section<'_>>> {
        if bytes.get(..4) != Some(b"\0asm") {
            bail!("not a wasm module");
        }
        let mut pos = 8;
        let mut out = Vec::new();
        while pos < bytes.len() {
            let id = bytes[pos];
            pos += 1;
            let len = leb(bytes, &mut pos)? as usize;
            let Some(body) = bytes.get(pos..pos + len) else {
                bail!("wasm: truncated section")
            };
            pos += len;
            let name = match id {
                0 => {
                    let mut p = 0;
                    format!("custom:{}", name(body, &mut p)?)
                }
                1 => "type".into(),
                2 => "import".into(),
                3 => "function".into(),
                4 => "table".into(),
                5 => "memory".into(),
                6 => "global".into(),
                7 => "export".into(),
                8 => "start".into(),
                9 => "element".into(),
                10 => "code".into(),
                11 => "data".into(),
                12 => "datacount".into(),
                n => format!("id {n}"),
            };
            out.push(Section { name, body });
        }
        Ok(out)
    }

    /// The crate a (mangled or demangled) Rust symbol belongs to, roughly.
    fn crate_of(symbol: &str) -> String {
        if let Some(rest) = symbol.strip_prefix("_ZN") {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<usize>() {
                return rest[digits.len()..].chars().take(n).collect();
            }
        }
        let s = symbol.trim_start_matches(['<', '&']);
        s.split("::")
            .next()
            .unwrap_or(s)
            .split([' ', '<'])
            .next()
            .unwrap_or(s)
            .to_string()
    }

    /// Code bytes per crate, largest first, from the name section's function names.
    pub fn code_by_crate(bytes: &[u8]) -> Result<Vec<(String, usize)>> {
        let sections = sections(bytes)?;
        let mut imported = 0usize;
        let mut names: BTreeMap<usize, String> = BTreeMap::new();
        let mut sizes: Vec<usize> = Vec::new();
        for s in &sections {
            let b = s.body;
            let mut p = 0;
            match s.name.as_str() {
                "import" => {
                    let n = leb(b, &mut p)?;
                    for _ in 0..n {
                        name(b, &mut p)?;
                        name(b, &mut p)?;
                        let kind = b.get(p).copied().unwrap_or(0xff);
                        p += 1;
                        match kind {
                            0 => {
                                leb(b, &mut p)?;
                                imported += 1;
                            }
                            1 => {
                                p += 1;
                                let flags = leb(b, &mut p)?;
                                leb(b, &mut p)?;
                                if flags & 1 == 1 {
                                    leb(b, &mut p)?;
                                }
                            }
                            2 => {
                                let flags = leb(b, &mut p)?;
                                leb(b, &mut p)?;
                                if flags & 1 == 1 {
                                    leb(b, &mut p)?;
                                }
                            }
                            3 => p += 2,
                            4 => {
                                p += 1;
                                leb(b, &mut p)?;
                            }
                            _ => bail!("wasm: unknown import kind"),
                        }
                    }
                }
                "code" => {
                    let n = leb(b, &mut p)?;
                    for _ in 0..n {
                        let len = leb(b, &mut p)? as usize;
                        sizes.push(len);
                        p += len;
                    }
                }
                "custom:name" => {
                    name(b, &mut p)?;
                    while p < b.len() {
                        let id = b[p];
                        p += 1;
                        let len = leb(b, &mut p)? as usize;
                        let end = p + len;
                        if id == 1 {
                            let n = leb(b, &mut p)?;
                            for _ in 0..n {
                                let idx = leb(b, &mut p)? as usize;
                                names.insert(idx, name(b, &mut p)?);
                            }
                        }
                        p = end;
                    }
                }
                _ => {}
            }
        }
        let mut by_crate: BTreeMap<String, usize> = BTreeMap::new();
        for (i, size) in sizes.iter().enumerate() {
            let krate = names
                .get(&(i + imported))
                .map_or_else(|| "(unnamed)".to_string(), |n| crate_of(n));
            *by_crate.entry(krate).or_default() += size;
        }
        let mut out: Vec<(String, usize)> = by_crate.into_iter().collect();
        out.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        Ok(out)
    }
}
