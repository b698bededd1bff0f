//! Builds the three deliverables:
//! - the widget: Rust → wasm (`wasm` profile) → wasm-bindgen `--target web` → wasm-opt -Oz
//!   `--converge`;
//! - the site assets in `target/site`: the www storefront, the loader `ferry.js` and the
//!   widget bundle under `widget/<version>/` (with the panel's words, `i18n/<code>.json`);
//! - the Worker: worker-build in `edge/` (skipped when its output is newer than its inputs).

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

use crate::setup::Tools;
use crate::util::{copy_dir, files_under, mtime, newest_mtime, root, run};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn site_dir() -> PathBuf {
    root().join("target/site")
}

pub fn widget_dir() -> PathBuf {
    site_dir().join("widget").join(VERSION)
}

/// The size profile, applied to both wasm builds (see `[profile.wasm]` in Cargo.toml;
/// worker-build only knows `--release`, so the Worker gets it through these variables).
const SIZE_PROFILE: &[(&str, &str)] = &[
    ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z"),
    ("CARGO_PROFILE_RELEASE_PANIC", "abort"),
];

/// Widget and site assets together: they are written to a fresh folder and swapped in, so
/// a failed build never leaves a half-written `target/site`.
pub fn site(tools: &Tools) -> Result<()> {
    let root = root();
    let staging = root.join("target/site.tmp");
    let _ = std::fs::remove_dir_all(&staging);
    copy_dir(&root.join("www"), &staging)?;

    // The loader: the one tag marketing adds. It learns the bundle's versioned path here,
    // then esbuild minifies it (the source stays readable; the budget is 2 KB gzipped).
    let loader = std::fs::read_to_string(root.join("widget/loader/ferry.js"))
        .context("read widget/loader/ferry.js")?;
    let versioned = root.join("target/ferry.loader.js");
    std::fs::write(&versioned, loader.replace("__FERRY_VERSION__", VERSION))?;
    run(Command::new(&tools.esbuild)
        .arg(&versioned)
        .args(["--minify", "--target=es2020", "--log-level=warning"])
        .arg(format!("--outfile={}", staging.join("ferry.js").display())))?;

    run(Command::new("cargo")
        .args([
            "build",
            "--package",
            "ferry-widget",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm",
        ])
        .current_dir(&root))?;
    let out = staging.join("widget").join(VERSION);
    run(Command::new(&tools.wasm_bindgen)
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out)
        .arg(root.join("target/wasm32-unknown-unknown/wasm/ferry_widget.wasm")))?;
    let wasm = out.join("ferry_widget_bg.wasm");
    run(Command::new(&tools.wasm_opt)
        .args([
            // `--converge` repeats -Oz until nothing shrinks: ~240 B gzip, a few seconds.
            "-Oz",
            "--converge",
            "--strip-debug",
            "--strip-producers",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
        ])
        .args([
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
        ])
        .arg(&wasm)
        .arg("-o")
        .arg(&wasm))?;
    // wasm-bindgen's JS glue and snippets, minified in place (about a third less gzipped).
    let mut scripts = vec![out.join("ferry_widget.js")];
    scripts.extend(
        files_under(&out.join("snippets"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "js")),
    );
    for script in scripts {
        run(Command::new(&tools.esbuild)
            .arg(&script)
            .args([
                "--minify",
                "--format=esm",
                "--target=es2020",
                "--allow-overwrite",
                "--log-level=warning",
            ])
            .arg(format!("--outfile={}", script.display())))?;
    }

    // The panel's words, one file per language (`widget/i18n/`), minified: the panel
    // fetches only the one it speaks (English is also compiled in).
    let tables = out.join("i18n");
    std::fs::create_dir_all(&tables)?;
    for file in files_under(&root.join("widget/i18n")) {
        if file.extension().is_some_and(|e| e == "json")
            && let Some(name) = file.file_name()
        {
            let text = std::fs::read_to_string(&file)?;
            let json: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", file.display()))?;
            std::fs::write(tables.join(name), serde_json::to_string(&json)?)?;
        }
    }

    let site = site_dir();
    let _ = std::fs::remove_dir_all(&site);
    std::fs::rename(&staging, &site)
        .with_context(|| format!("move {} into place", site.display()))?;
    println!("    site assets in {}", site.display());
    Ok(())
}

/// Builds the Worker unless `edge/build` is newer than everything it is built from.
pub fn worker(tools: &Tools, force: bool) -> Result<()> {
    let root = root();
    let output = root.join("edge/build/index_bg.wasm");
    let inputs: Vec<PathBuf> = [
        "shared/src",
        "shared/Cargo.toml",
        "shared/lid-model/lid.bin",
        "edge/src",
        "edge/sites",
        "edge/build.rs",
        "edge/Cargo.toml",
        "Cargo.toml",
        "Cargo.lock",
    ]
    .iter()
    .map(|p| root.join(p))
    .collect();
    if !force && mtime(&output).is_some_and(|built| built > newest_mtime(&inputs)) {
        println!("    worker is up to date ({})", output.display());
        return Ok(());
    }
    let mut cmd = Command::new(&tools.worker_build);
    cmd.arg("--release").current_dir(root.join("edge"));
    tools.worker_build_env(&mut cmd);
    for (k, v) in SIZE_PROFILE {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

/// Applies `edge/migrations` to a local D1 database (`persist`: wrangler's state folder).
pub fn migrate_local(tools: &Tools, persist: Option<&std::path::Path>) -> Result<()> {
    let mut cmd = tools.wrangler();
    cmd.args(["d1", "migrations", "apply", "DB", "--local"])
        .env("CI", "true");
    if let Some(dir) = persist {
        cmd.arg("--persist-to").arg(dir);
    }
    run(&mut cmd)
}
