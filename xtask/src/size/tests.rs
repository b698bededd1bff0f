//! The tests of `cargo xtask size`: formatting, targets, options, the report on dummy
//! artifacts, and the peers (npm names and errors, cached sizes, bundle selection, rendering).

use super::peers::*;
use super::*;
use serde_json::json;
use std::collections::BTreeSet;

#[test]
fn thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1_000), "1,000");
    assert_eq!(thousands(61_440), "61,440");
    assert_eq!(thousands(1_234_567), "1,234,567");
}

#[test]
fn kilobytes_and_ratio() {
    assert_eq!(kb(2048), "2.0 KB");
    assert_eq!(kb(61_440), "60.0 KB");
    assert_eq!(kb(1_263_616), "1,234 KB");
    assert_eq!(ratio(1_263_616, 59_392), "21.3×");
    assert_eq!(ratio(7_622, 59_392), "0.13×");
    assert_eq!(ratio(5, 0), "n/a ×");
}

#[test]
fn table_aligns_and_leaves_no_trailing_space() {
    let rows = vec![
        vec!["a".into(), "1".into(), "x".into()],
        vec!["long name".into(), "1,000".into(), "".into()],
    ];
    let out = table(&rows, &[false, true, false]);
    assert_eq!(out, "  a              1  x\n  long name  1,000\n");
}

#[test]
fn targets_pass_at_the_limit_and_report_the_overshoot() {
    let at = Target {
        name: "loader ferry.js",
        limit: 2048,
        actual: 2048,
    };
    assert!(at.passed());
    assert_eq!(at.row()[0], "✓ pass");
    assert_eq!(at.row()[5], "(0 B to spare)");
    let over = Target {
        name: "opened widget total",
        limit: 61_440,
        actual: 75_000,
    };
    assert!(!over.passed());
    assert_eq!(over.row()[0], "✗ FAIL");
    assert_eq!(over.row()[2], "75,000 B");
    assert_eq!(over.row()[5], "(over by 13,560 B = 13.2 KB)");
}

#[test]
fn options() {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        Options::parse(&[]).expect("no args"),
        Options {
            check: false,
            peers: true
        }
    );
    assert_eq!(
        Options::parse(&args(&["--check", "--no-peers"])).expect("flags"),
        Options {
            check: true,
            peers: false
        }
    );
    assert!(Options::parse(&args(&["--chek"])).is_err());
}

#[test]
fn tarball_names_follow_npm_pack() {
    assert_eq!(
        tarball_name("@botpress/webchat", "4.5.2"),
        "botpress-webchat-4.5.2.tgz"
    );
    assert_eq!(
        tarball_name("botframework-webchat", "4.18.1"),
        "botframework-webchat-4.18.1.tgz"
    );
}

#[test]
fn npm_error_gist() {
    let offline = "npm error code ENOTFOUND\nnpm error syscall getaddrinfo\n\
                   npm error network request to https://r/x failed, reason: getaddrinfo \
                   ENOTFOUND r\nnpm error network This is a problem related to network \
                   connectivity.\nnpm error A complete log of this run can be found in: x\n";
    assert_eq!(
        npm_error(offline),
        "request to https://r/x failed, reason: getaddrinfo ENOTFOUND r"
    );
    let missing = "npm error code E404\nnpm error 404 Not Found - GET https://r/x - Not found\n\
                   npm error 404\nnpm error A complete log of this run can be found in: x\n";
    assert_eq!(
        npm_error(missing),
        "code E404 / 404 Not Found - GET https://r/x - Not found"
    );
    assert_eq!(npm_error("sh: npm: not found\n"), "sh: npm: not found");
}

#[test]
fn cached_sizes_round_trip() {
    let sizes = Sizes {
        raw: 10,
        gzip: 30,
        brotli: Some(14),
    };
    let line = format!("{} 10 30 14\n", sizes_key());
    assert_eq!(parse_sizes(&line, 10), Some(sizes));
    assert_eq!(parse_sizes(&line, 11), None, "another file length");
    assert_eq!(parse_sizes("gzip-9 brotli-q9-w22 10 30 14", 10), None);
    assert_eq!(parse_sizes("", 10), None);

    let dir = Scratch::new("sidecar");
    let file = dir.file("bundle.js", &b"var a = 1;\n".repeat(50));
    let measured = cached_sizes(&file).expect("measure");
    assert_eq!(measured.raw, 550);
    let sidecar = dir.0.join("bundle.js.sizes");
    assert!(sidecar.is_file());
    // A second call reads the sidecar (proved by a doctored one).
    std::fs::write(&sidecar, format!("{} 550 1 2", sizes_key())).expect("doctor");
    assert_eq!(cached_sizes(&file).expect("cached").gzip, 1);

    // A bundle and its stylesheet add up, brotli included.
    let css = dir.file("style.css", &b".a{color:red}\n".repeat(40));
    let sum = sum_sizes(&[file, css.clone()]).expect("sum");
    let css_sizes = cached_sizes(&css).expect("css");
    assert_eq!(sum.raw, 550 + 14 * 40);
    assert_eq!(sum.gzip, 1 + css_sizes.gzip);
    assert_eq!(sum.brotli, Some(2 + css_sizes.brotli.expect("css brotli")));
}

fn files(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn bundle_selection_from_package_json() {
    // botframework-webchat: `main` is a lib/ module tree; the pin picks the CDN bundle.
    let bf = json!({"name": "botframework-webchat", "main": "./lib/index.js"});
    let bf_files = files(&[
        "package.json",
        "lib/index.js",
        "dist/webchat.js",
        "dist/webchat-minimal.js",
        "dist/botframework-webchat.mjs",
    ]);
    assert_eq!(
        select_bundle(&bf, &bf_files, Some("dist/webchat.js")),
        Some(("dist/webchat.js".into(), "pinned".into()))
    );
    // Without a pin there is no sensible guess: lib/ is skipped, no UMD/min in dist/.
    assert_eq!(select_bundle(&bf, &bf_files, None), None);
    // A pin that a new version dropped falls back to the fields.
    let bp = json!({"main": "./dist/index.umd.cjs", "module": "./dist/index.js"});
    let bp_files = files(&["dist/index.umd.cjs", "dist/index.js", "dist/style.css"]);
    assert_eq!(
        select_bundle(&bp, &bp_files, Some("dist/gone.js")),
        Some(("dist/index.umd.cjs".into(), "package.json \"main\"".into()))
    );
    // `unpkg` (what the CDN serves) wins over `main`; an object `browser` map is skipped;
    // an extension-less path resolves to `.js`.
    let cdn = json!({
        "main": "dist/index.js",
        "browser": {"./x.js": false},
        "unpkg": "dist/widget.min",
    });
    let cdn_files = files(&["dist/index.js", "dist/widget.min.js"]);
    assert_eq!(
        select_bundle(&cdn, &cdn_files, None),
        Some(("dist/widget.min.js".into(), "package.json \"unpkg\"".into()))
    );
    // A field naming a missing file is ignored; a UMD file in dist/ is the last resort.
    let stale = json!({"unpkg": "dist/gone.js", "main": "lib/index.js"});
    let stale_files = files(&["lib/index.js", "dist/thing.umd.js", "dist/thing.css"]);
    assert_eq!(
        select_bundle(&stale, &stale_files, None),
        Some((
            "dist/thing.umd.js".into(),
            "dist/ UMD or minified bundle".into()
        ))
    );
}

/// A scratch folder under the system temp dir, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("ferry-xtask-size-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write scratch file");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Incompressible bytes (xorshift), so gzip sizes are predictable lower bounds.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn report_on_dummy_artifacts() {
    let dir = Scratch::new("report");
    let paths = Paths {
        root: dir.0.clone(),
        loader: dir.file("ferry.js", &noise(3000, 1)),
        wasm: dir.file("ferry_widget_bg.wasm", &noise(10_000, 2)),
        glue: dir.file("ferry_widget.js", &b"export function x(){}\n".repeat(200)),
        snippets: vec![dir.file("fetch.js", b"export function f(){}\n")],
        panel_css: dir.file("panel.css", &b".ferry-panel{color:red}\n".repeat(100)),
        worker_wasm: dir.file("index_bg.wasm", &noise(500, 3)),
        worker_js: dir.file("index.js", b"export default {}\n"),
    };
    let ferry = Ferry::measure(&paths).expect("measure");
    let total = ferry.total();
    // The panel CSS is inside the wasm: not in the total.
    assert_eq!(total.raw, 3000 + 10_000 + 22 * 200 + 22);
    assert_eq!(
        total.gzip,
        ferry.loader.sizes.gzip
            + ferry.wasm.sizes.gzip
            + ferry.glue.sizes.gzip
            + ferry.snippets[0].sizes.gzip
    );
    assert!(
        ferry
            .glue
            .sizes
            .brotli
            .is_some_and(|b| b < ferry.glue.sizes.gzip)
    );
    assert_eq!(
        ferry.worker_wasm.sizes.brotli, None,
        "no brotli for the Worker"
    );
    // 3,000 random bytes cannot gzip under 2 KB: the loader target fails, the total passes.
    let [loader, widget] = ferry.targets();
    assert!(!loader.passed() && widget.passed());

    let out = ferry.render();
    assert!(out.starts_with("Ferry size report:"), "{out}");
    assert!(out.contains("panel CSS (inside wasm)"), "{out}");
    assert!(out.contains("✗ FAIL  loader ferry.js"), "{out}");
    assert!(out.contains("✓ pass  opened widget total"), "{out}");
    let total_line = out
        .lines()
        .find(|l| l.starts_with("  opened widget total "))
        .expect("total line");
    assert!(total_line.contains(&thousands(total.raw)), "{out}");
    assert!(total_line.contains(&thousands(total.gzip)), "{out}");
    assert!(out.contains("Worker (edge, not shoppers')"), "{out}");
    let worker_total = out
        .lines()
        .find(|l| l.starts_with("  worker total "))
        .expect("worker total line");
    assert!(worker_total.contains("—"), "{out}");
    // Paths are shown relative to the root.
    assert!(out.contains(" ferry_widget_bg.wasm\n"), "{out}");

    std::fs::remove_file(&paths.wasm).expect("remove wasm");
    let err = Ferry::measure(&paths).expect_err("missing wasm");
    assert!(format!("{err:#}").contains("run `cargo xtask build`"));
}

#[test]
fn peers_render_ratios_and_offline_line() {
    let figure = PeerFigure {
        files: vec!["dist/webchat.js".into()],
        why: "pinned".into(),
        sizes: Sizes {
            raw: 3_891_526,
            gzip: 1_263_616,
            brotli: Some(900_000),
        },
    };
    let out = render_peers(
        &[(&PEERS[0], Ok(figure)), (&PEERS[2], Err("x".into()))],
        59_392,
    );
    assert!(
        out.contains("botframework-webchat@4.18.1/dist/webchat.js (pinned)"),
        "{out}"
    );
    assert!(out.contains("1,234 KB gzip  = 21.3× Ferry"), "{out}");
    assert!(
        out.contains("@botpress/webchat 4.5.2: could not be measured: x"),
        "{out}"
    );

    let offline: Vec<_> = PEERS
        .iter()
        .map(|p| (p, Err("npm pack failed: code ENOTFOUND".to_string())))
        .collect();
    let out = render_peers(&offline, 59_392);
    assert!(
        out.contains("peers could not be measured (npm pack failed: code ENOTFOUND)"),
        "{out}"
    );
}
