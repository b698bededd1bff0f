//! `cargo xtask test`: every check, in order, with a summary of times.
//!
//! 1. tools  2. fmt  3. clippy (native and wasm32)  4. native tests  5. build
//! 6. `ferry check` on every bundled site  7. `wrangler deploy --dry-run`
//! 8. integration and browser tests (node's test runner): the Worker in workerd via
//!    `wrangler dev`, local D1 and Queues, a real receiver on 127.0.0.1, headless Chromium.
//!
//! `cargo xtask test GROUP…` runs only some groups: lint, unit, build, check, deploy, e2e.

use std::process::Command;

use anyhow::{Result, bail};

use crate::util::{Step, human, root, run};
use crate::{build, setup};

const GROUPS: &[&str] = &["lint", "unit", "build", "check", "deploy", "e2e"];

pub fn run_all(only: &[String]) -> Result<()> {
    for g in only {
        if !GROUPS.contains(&g.as_str()) {
            bail!(
                "unknown test group `{g}`; use any of: {}",
                GROUPS.join(", ")
            );
        }
    }
    let want = |g: &str| only.is_empty() || only.iter().any(|o| o == g);
    let root = root();
    let mut times = Vec::new();
    let total = 8;

    let step = Step::start(1, total, "Tools (installs what is missing)");
    let tools = setup::ensure(want("e2e"))?;
    times.push(step.done());

    if want("lint") {
        let step = Step::start(2, total, "cargo fmt --check");
        run(Command::new("cargo")
            .args(["fmt", "--all", "--check"])
            .current_dir(&root))?;
        times.push(step.done());
        let step = Step::start(
            3,
            total,
            "cargo clippy -D warnings (native, then wasm32 for edge and widget)",
        );
        run(Command::new("cargo")
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
            .current_dir(&root))?;
        run(Command::new("cargo")
            .args([
                "clippy",
                "-p",
                "ferry-edge",
                "-p",
                "ferry-widget",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ])
            .current_dir(&root))?;
        times.push(step.done());
    }
    if want("unit") {
        let step = Step::start(4, total, "Native tests (cargo test --workspace)");
        run(Command::new("cargo")
            .args(["test", "--workspace"])
            .current_dir(&root))?;
        times.push(step.done());
    }
    let needs_build = want("build") || want("deploy") || want("e2e");
    if needs_build {
        let step = Step::start(5, total, "Build widget, storefront and Worker");
        build::site(&tools)?;
        build::worker(&tools, false)?;
        times.push(step.done());
    }
    if want("check") {
        let step = Step::start(6, total, "ferry check on every bundled site file");
        let mut sites: Vec<_> = std::fs::read_dir(root.join("edge/sites"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        sites.sort();
        for site in sites {
            run(Command::new("cargo")
                .args(["run", "--quiet", "-p", "ferry-cli", "--", "check"])
                .arg(site)
                .current_dir(&root))?;
        }
        times.push(step.done());
    }
    if want("deploy") {
        let step = Step::start(7, total, "wrangler deploy --dry-run");
        let out = root.join("target/deploy-dry-run");
        run(tools
            .wrangler()
            .args(["deploy", "--dry-run", "--outdir"])
            .arg(&out))?;
        times.push(step.done());
    }
    if want("e2e") {
        let step = Step::start(
            8,
            total,
            "Worker in workerd, handoff delivery, widget in Chromium (node --test)",
        );
        let mut files: Vec<_> = std::fs::read_dir(root.join("tests"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
            .collect();
        files.sort();
        let mut cmd = Command::new(&tools.node);
        cmd.args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
            .args(&files)
            .current_dir(&root)
            .env("FERRY_ROOT", &root)
            .env("FERRY_NODE", &tools.node)
            .env("FERRY_WRANGLER_JS", &tools.wrangler_js)
            .env("WRANGLER_SEND_METRICS", "false");
        if let Some(chromium) = &tools.chromium {
            cmd.env("FERRY_CHROMIUM", chromium);
        }
        run(&mut cmd)?;
        times.push(step.done());
    }

    println!("\n\x1b[1mAll checks passed.\x1b[0m");
    for (name, took) in &times {
        println!("  {:>8}  {name}", human(*took));
    }
    Ok(())
}
