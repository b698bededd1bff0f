//! `cargo xtask size [--check] [--no-peers]`: what Ferry ships to shoppers, in raw bytes,
//! gzip -9 and brotli (quality 11), against the product's targets, with the Worker apart and
//! other chat widgets' browser bundles as reference points. Builds first if anything is missing
//! (see `main.rs`).
//!
//! - Shopper rows: the loader `ferry.js`, the widget's wasm and JS glue; the panel stylesheet
//!   (`widget/src/panel.css`) is `include_str!`'d into the wasm, so it gets its own row marked
//!   "(inside wasm)" but is not added to the total again. The loader carries the launcher's CSS
//!   as inline strings (counted in the loader's row).
//! - Targets (gzip -9): loader ≤ 2 KB, opened widget (loader + wasm + glue) ≤ 60 KB. A miss is
//!   reported with its overshoot; the exit code stays 0 unless `--check` is given.
//! - Worker (`edge/build`): its own section, not in the shopper total; raw and gzip only (no
//!   browser downloads it, and brotli 11 over its megabytes of wasm would take a minute).
//! - Peers: `npm pack` of pinned versions into `target/size-peers/` (kept as a cache, with
//!   each measured file's sizes beside it), the browser bundle picked from each tarball (see
//!   [`PEERS`]), measured the same way, and compared with Ferry's opened-widget gzip.
//!   `--no-peers` skips them (no network). Offline, a line says why and Ferry's figures stand.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::Value;

use crate::build::{site_dir, widget_dir};
use crate::util::{files_under, root};

/// The loader is on every page of the store, opened or not: 2 KB gzip.
const LOADER_GZIP_TARGET: u64 = 2 * 1024;
/// What a shopper downloads to open the chat (loader + wasm + glue): 60 KB gzip.
const TOTAL_GZIP_TARGET: u64 = 60 * 1024;
/// Brotli as a CDN serves precompressed static files: quality 11, 4 MiB window (the
/// encoder's default `lgwin`, larger than any file measured here).
const BROTLI_QUALITY: i32 = 11;
const BROTLI_LGWIN: i32 = 22;

pub fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

pub fn brotli_len(bytes: &[u8]) -> Result<usize> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_LGWIN,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).context("brotli compression")?;
    Ok(out.len())
}

pub fn report() -> Result<()> {
    // `cargo xtask size …`: the first argument is the command itself.
    let args: Vec<String> = std::env::args().skip(2).collect();
    let opts = Options::parse(&args)?;
    let ferry = Ferry::measure(&Paths::real())?;
    print!("{}", ferry.render());
    let missed: Vec<Target> = ferry
        .targets()
        .into_iter()
        .filter(|t| !t.passed())
        .collect();
    if opts.peers {
        std::io::stdout().flush()?;
        eprintln!(
            "\n(measuring peers: the first run fetches ~7 MB with npm and brotli-compresses ~6 MB, \
             a minute or two; cached in target/size-peers/ after)"
        );
        let cache = root().join("target/size-peers");
        print!(
            "{}",
            render_peers(&measure_peers(&cache), ferry.total().gzip)
        );
    }
    if opts.check && !missed.is_empty() {
        let what: Vec<String> = missed
            .iter()
            .map(|t| format!("{} over by {} B", t.name, thousands(t.actual - t.limit)))
            .collect();
        bail!("size target missed (--check): {}", what.join("; "));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Options {
    /// Exit nonzero when a target is missed.
    check: bool,
    /// Measure the peer packages (needs npm and the registry unless cached).
    peers: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options> {
        let mut opts = Options {
            check: false,
            peers: true,
        };
        for arg in args {
            match arg.as_str() {
                "--check" => opts.check = true,
                "--no-peers" => opts.peers = false,
                other => {
                    bail!("`cargo xtask size`: unknown option `{other}` (use --check, --no-peers)")
                }
            }
        }
        Ok(opts)
    }
}

/// Raw, gzip -9 and brotli 11 bytes of one file, or of several added up (each compressed on
/// its own, as a server sends them). `brotli` is `None` where it is not measured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sizes {
    raw: u64,
    gzip: u64,
    brotli: Option<u64>,
}

impl Sizes {
    fn of(bytes: &[u8]) -> Result<Sizes> {
        Ok(Sizes {
            brotli: Some(brotli_len(bytes)? as u64),
            ..Sizes::gzip_only(bytes)?
        })
    }

    fn gzip_only(bytes: &[u8]) -> Result<Sizes> {
        Ok(Sizes {
            raw: bytes.len() as u64,
            gzip: gzip_len(bytes)? as u64,
            brotli: None,
        })
    }

    fn read(path: &Path, brotli: bool) -> Result<Sizes> {
        let bytes = std::fs::read(path)
            .with_context(|| format!("{} is missing; run `cargo xtask build`", path.display()))?;
        if brotli {
            Sizes::of(&bytes)
        } else {
            Sizes::gzip_only(&bytes)
        }
    }

    fn plus(self, other: Sizes) -> Sizes {
        Sizes {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli.zip(other.brotli).map(|(a, b)| a + b),
        }
    }

    fn cells(self) -> [String; 3] {
        [
            thousands(self.raw),
            thousands(self.gzip),
            self.brotli.map_or_else(|| "—".into(), thousands),
        ]
    }
}

/// Where the measured files are: the real build outputs, or a temp folder in tests.
#[derive(Debug, Clone)]
struct Paths {
    /// Paths are printed relative to this.
    root: PathBuf,
    loader: PathBuf,
    wasm: PathBuf,
    glue: PathBuf,
    /// wasm-bindgen snippets the glue imports (`widget/src/fetch.js`).
    snippets: Vec<PathBuf>,
    panel_css: PathBuf,
    worker_wasm: PathBuf,
    worker_js: PathBuf,
}

impl Paths {
    fn real() -> Paths {
        let root = root();
        Paths {
            loader: site_dir().join("ferry.js"),
            wasm: widget_dir().join("ferry_widget_bg.wasm"),
            glue: widget_dir().join("ferry_widget.js"),
            snippets: files_under(&widget_dir().join("snippets")),
            panel_css: root.join("widget/src/panel.css"),
            worker_wasm: root.join("edge/build/index_bg.wasm"),
            worker_js: root.join("edge/build/index.js"),
            root,
        }
    }
}

#[derive(Debug, Clone)]
struct Measured {
    label: &'static str,
    path: PathBuf,
    sizes: Sizes,
}

impl Measured {
    fn read(label: &'static str, path: &Path) -> Result<Measured> {
        Measured::read_with(label, path, true)
    }

    fn read_with(label: &'static str, path: &Path, brotli: bool) -> Result<Measured> {
        Ok(Measured {
            label,
            path: path.to_path_buf(),
            sizes: Sizes::read(path, brotli)?,
        })
    }
}

#[derive(Debug)]
struct Ferry {
    root: PathBuf,
    loader: Measured,
    wasm: Measured,
    glue: Measured,
    snippets: Vec<Measured>,
    panel_css: Measured,
    worker_wasm: Measured,
    worker_js: Measured,
}

impl Ferry {
    fn measure(paths: &Paths) -> Result<Ferry> {
        Ok(Ferry {
            root: paths.root.clone(),
            loader: Measured::read("loader ferry.js", &paths.loader)?,
            wasm: Measured::read("widget wasm", &paths.wasm)?,
            glue: Measured::read("widget JS glue", &paths.glue)?,
            snippets: paths
                .snippets
                .iter()
                .map(|p| Measured::read("glue snippet", p))
                .collect::<Result<_>>()?,
            panel_css: Measured::read("panel CSS (inside wasm)", &paths.panel_css)?,
            // No brotli for the Worker: no browser downloads it, Cloudflare's limit counts
            // the gzip, and brotli 11 over its megabytes of wasm takes a minute.
            worker_wasm: Measured::read_with("worker wasm", &paths.worker_wasm, false)?,
            worker_js: Measured::read_with("worker JS", &paths.worker_js, false)?,
        })
    }

    /// The opened widget: loader + wasm + glue and its snippets, each file compressed on its
    /// own as it is served (the panel CSS is inside the wasm).
    fn total(&self) -> Sizes {
        self.snippets.iter().fold(
            self.loader
                .sizes
                .plus(self.wasm.sizes)
                .plus(self.glue.sizes),
            |total, snippet| total.plus(snippet.sizes),
        )
    }

    fn targets(&self) -> [Target; 2] {
        [
            Target {
                name: "loader ferry.js",
                limit: LOADER_GZIP_TARGET,
                actual: self.loader.sizes.gzip,
            },
            Target {
                name: "opened widget total",
                limit: TOTAL_GZIP_TARGET,
                actual: self.total().gzip,
            },
        ]
    }

    fn row(&self, m: &Measured) -> Vec<String> {
        let [raw, gz, br] = m.sizes.cells();
        let shown = m.path.strip_prefix(&self.root).unwrap_or(&m.path);
        vec![
            m.label.to_string(),
            raw,
            gz,
            br,
            shown.display().to_string(),
        ]
    }

    fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Ferry size report: what a shopper's browser downloads for the chat widget \
             (raw bytes, gzip -9, brotli q11; KB = 1,024 B)\n"
        );

        let [raw, gz, br] = self.total().cells();
        let mut rows = vec![
            header("Shopper (storefront)", "file"),
            self.row(&self.loader),
            self.row(&self.wasm),
            self.row(&self.glue),
        ];
        rows.extend(self.snippets.iter().map(|m| self.row(m)));
        rows.push(self.row(&self.panel_css));
        rows.push(vec![
            "opened widget total".into(),
            raw,
            gz,
            br,
            "loader + wasm + glue + snippets".into(),
        ]);
        s.push_str(&table(&rows, &SIZE_COLUMNS));
        let _ = writeln!(
            s,
            "  (panel CSS is include_str!'d into the wasm: its row is already in the wasm's, not \
             added again;\n   the loader also carries the launcher's CSS as inline strings, \
             counted in its row)\n"
        );

        let _ = writeln!(s, "Targets (gzip -9)");
        let rows: Vec<Vec<String>> = self.targets().iter().map(Target::row).collect();
        s.push_str(&table(&rows, &[false, false, true, false, true, false]));

        s.push('\n');
        let [raw, gz, br] = self.worker_wasm.sizes.plus(self.worker_js.sizes).cells();
        let rows = vec![
            header("Worker (edge, not shoppers')", "file"),
            self.row(&self.worker_wasm),
            self.row(&self.worker_js),
            vec![
                "worker total".into(),
                raw,
                gz,
                br,
                "wasm + JS (Cloudflare's script size limit counts the gzip; no brotli here)".into(),
            ],
        ];
        s.push_str(&table(&rows, &SIZE_COLUMNS));
        s
    }
}

/// label, raw, gzip, brotli, then a free-text last column.
const SIZE_COLUMNS: [bool; 5] = [false, true, true, true, false];

fn header(first: &str, last: &str) -> Vec<String> {
    [first, "raw", "gzip -9", "brotli 11", last]
        .map(String::from)
        .to_vec()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Target {
    name: &'static str,
    limit: u64,
    actual: u64,
}

impl Target {
    fn passed(&self) -> bool {
        self.actual <= self.limit
    }

    /// mark, name, actual, comparison, limit, margin.
    fn row(&self) -> Vec<String> {
        let (mark, cmp, margin) = if self.passed() {
            (
                "✓ pass",
                "≤",
                format!("({} B to spare)", thousands(self.limit - self.actual)),
            )
        } else {
            let over = self.actual - self.limit;
            (
                "✗ FAIL",
                ">",
                format!("(over by {} B = {})", thousands(over), kb(over)),
            )
        };
        vec![
            mark.into(),
            self.name.into(),
            format!("{} B", thousands(self.actual)),
            cmp.into(),
            format!("{} B", thousands(self.limit)),
            margin,
        ]
    }
}

/// A competitor's npm package and which of its files a browser loads.
#[derive(Debug)]
struct Peer {
    label: &'static str,
    package: &'static str,
    /// Pinned (latest on npm when pinned, via `npm view <name> version`); bump deliberately.
    version: &'static str,
    /// The bundle to measure when the package.json fields don't name it (see [`select_bundle`]).
    pinned: Option<&'static str>,
    /// Files the embed needs besides the bundle (stylesheets), measured and added.
    extra: &'static [&'static str],
    note: &'static str,
}

/// What each peer figure measures, and why:
///
/// - botframework-webchat: package.json has no `unpkg`/`jsdelivr`/`browser` field and `main` is
///   `lib/index.js`, a per-module CommonJS tree for bundlers. `dist/webchat.js` is the
///   self-contained UMD bundle (React included) that Microsoft's docs embed with one `<script>`
///   from their CDN: the like-for-like figure. `dist/webchat-minimal.js` is the same without
///   Adaptive Cards, markdown and speech, their smallest official bundle: a second row.
///   (`dist/webchat-es5.js` is the legacy-browser build; the `.mjs` files are ESM chunks.)
/// - @botpress/webchat: `main` is `dist/index.umd.cjs`, a UMD bundle a page can load with
///   `<script>`, plus `dist/style.css`, which it needs to render. React and ReactDOM are peer
///   dependencies, not inside: a lower bound. (Botpress's hosted `inject.js` is not on npm.)
/// - @papercups-io/chat-widget: `main` is `dist/index.js` (CommonJS; `dist/index.modern.js` is
///   the same as ESM). React, theme-ui, framer-motion and its other dependencies stay external
///   and the chat window itself loads in an iframe from Papercups' servers: a lower bound.
const PEERS: &[Peer] = &[
    Peer {
        label: "botframework-webchat",
        package: "botframework-webchat",
        version: "4.18.1",
        pinned: Some("dist/webchat.js"),
        extra: &[],
        note: "full CDN bundle, React included",
    },
    Peer {
        label: "botframework-webchat minimal",
        package: "botframework-webchat",
        version: "4.18.1",
        pinned: Some("dist/webchat-minimal.js"),
        extra: &[],
        note: "no Adaptive Cards/markdown/speech, React included",
    },
    Peer {
        label: "@botpress/webchat",
        package: "@botpress/webchat",
        version: "4.5.2",
        pinned: None,
        extra: &["dist/style.css"],
        note: "lower bound: React/ReactDOM not included",
    },
    Peer {
        label: "@papercups-io/chat-widget",
        package: "@papercups-io/chat-widget",
        version: "1.3.1",
        pinned: None,
        extra: &[],
        note: "lower bound: React and deps external, chat UI in an iframe",
    },
];

#[derive(Debug)]
struct PeerFigure {
    /// Paths inside the package (without its `package/` folder).
    files: Vec<String>,
    why: String,
    sizes: Sizes,
}

/// The file a browser loads, chosen from the package's package.json and file list, with the
/// reason. In order: the peer's pinned file (when it exists); the `unpkg`, `jsdelivr`, then
/// `browser` field (what CDNs serve for a bare `<script src=…/pkg>`); `main` unless it points
/// into `lib/` or `src/` (module trees for bundlers); else a `.umd.*`/`.min.js` file in `dist/`.
fn select_bundle(
    pkg: &Value,
    files: &BTreeSet<String>,
    pinned: Option<&str>,
) -> Option<(String, String)> {
    if let Some(p) = pinned.filter(|p| files.contains(*p)) {
        return Some((p.to_string(), "pinned".into()));
    }
    let is_script = |f: &str| [".js", ".cjs", ".mjs"].iter().any(|e| f.ends_with(e));
    for field in ["unpkg", "jsdelivr", "browser", "main"] {
        let Some(value) = pkg.get(field).and_then(Value::as_str) else {
            continue;
        };
        let path = value.trim_start_matches("./");
        if field == "main" && (path.starts_with("lib/") || path.starts_with("src/")) {
            continue;
        }
        for candidate in [path.to_string(), format!("{path}.js")] {
            if is_script(&candidate) && files.contains(&candidate) {
                return Some((candidate, format!("package.json \"{field}\"")));
            }
        }
    }
    files
        .iter()
        .find(|f| {
            f.starts_with("dist/")
                && (f.ends_with(".min.js") || f.contains(".umd.") && is_script(f))
        })
        .map(|f| (f.clone(), "dist/ UMD or minified bundle".into()))
}

/// `npm pack`'s file name: `@scope/name` → `scope-name-1.2.3.tgz`.
fn tarball_name(package: &str, version: &str) -> String {
    format!(
        "{}-{version}.tgz",
        package.trim_start_matches('@').replace('/', "-")
    )
}

/// The tarball from the cache, or from `npm pack` into it.
fn fetch(cache: &Path, package: &str, version: &str) -> Result<PathBuf, String> {
    let name = tarball_name(package, version);
    let tgz = cache.join(&name);
    if tgz.is_file() {
        return Ok(tgz);
    }
    // Packed into a private folder and moved into place: an interrupted download never
    // leaves a truncated tarball that the next run would take from the cache.
    let partial = cache.join(format!(".partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir_all(&partial).map_err(|e| format!("create {}: {e}", partial.display()))?;
    let out = Command::new("npm")
        .arg("pack")
        .arg(format!("{package}@{version}"))
        .arg("--pack-destination")
        .arg(&partial)
        .args([
            "--fetch-retries=1",
            "--fetch-retry-mintimeout=2000",
            "--fetch-timeout=60000",
            "--loglevel=error",
        ])
        .current_dir(cache)
        .output();
    let result = match out {
        Err(e) => Err(format!("could not run npm ({e})")),
        Ok(out) if !out.status.success() => Err(format!(
            "npm pack failed: {}",
            npm_error(&String::from_utf8_lossy(&out.stderr))
        )),
        Ok(_) => std::fs::rename(partial.join(&name), &tgz)
            .map(|()| tgz)
            .map_err(|e| format!("npm pack left no {name}: {e}")),
    };
    let _ = std::fs::remove_dir_all(&partial);
    result
}

/// The gist of npm's stderr: the network failure's reason if there is one ("request to …
/// failed, reason: …"), else its first two `npm error` lines, else its last line.
fn npm_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix("npm error")
                .or_else(|| l.strip_prefix("npm ERR!"))
        })
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("A complete log"))
        .collect();
    if let Some(reason) = lines.iter().find(|l| l.contains("failed, reason:")) {
        return reason
            .trim_start_matches("network ")
            .trim_start_matches("FetchError: ")
            .to_string();
    }
    if lines.is_empty() {
        return stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no output")
            .trim()
            .to_string();
    }
    lines[..lines.len().min(2)].join(" / ")
}

fn tar(args: &[&std::ffi::OsStr]) -> Result<String, String> {
    let out = Command::new("tar")
        .args(args)
        .output()
        .map_err(|e| format!("could not run tar ({e})"))?;
    if !out.status.success() {
        return Err(format!(
            "tar failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Extracts `members` (paths inside the package) from the tarball into `dest`, unless there
/// already; only what is measured (botframework-webchat's tarball also holds a 147 MB
/// stats.json).
fn extract(tgz: &Path, prefix: &str, dest: &Path, members: &[&str]) -> Result<(), String> {
    let missing: Vec<String> = members
        .iter()
        .filter(|m| !dest.join(m).is_file())
        .map(|m| format!("{prefix}{m}"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dest).map_err(|e| format!("create {}: {e}", dest.display()))?;
    let mut args = vec![
        "-xzf".as_ref(),
        tgz.as_os_str(),
        "-C".as_ref(),
        dest.as_os_str(),
        "--strip-components=1".as_ref(),
    ];
    args.extend(missing.iter().map(std::ffi::OsStr::new));
    tar(&args).map(|_| ())
}

/// Fetches, extracts and selects a peer's bundle; returns the selection and the extracted
/// files to measure.
fn prepare(cache: &Path, peer: &'static Peer) -> Result<(PeerFigure, Vec<PathBuf>), String> {
    let tgz = fetch(cache, peer.package, peer.version)?;
    let listing = tar(&["-tzf".as_ref(), tgz.as_os_str()])?;
    // npm tarballs hold one top folder, `package/` by convention.
    let prefix = listing
        .lines()
        .next()
        .and_then(|l| l.split_once('/'))
        .map(|(top, _)| format!("{top}/"))
        .ok_or("empty tarball")?;
    let files: BTreeSet<String> = listing
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(String::from)
        .collect();
    let dest = cache.join(tgz.file_stem().unwrap_or_default());
    extract(&tgz, &prefix, &dest, &["package.json"])?;
    let pkg: Value = std::fs::read(dest.join("package.json"))
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
        .map_err(|e| format!("package.json: {e}"))?;
    let (bundle, why) = select_bundle(&pkg, &files, peer.pinned)
        .ok_or("no browser bundle found in package.json or dist/ (pin one in PEERS)")?;
    let mut chosen = vec![bundle];
    chosen.extend(peer.extra.iter().map(|f| f.to_string()));
    let members: Vec<&str> = chosen.iter().map(String::as_str).collect();
    extract(&tgz, &prefix, &dest, &members)?;
    let paths = chosen.iter().map(|f| dest.join(f)).collect();
    let figure = PeerFigure {
        files: chosen,
        why,
        sizes: Sizes::default(),
    };
    Ok((figure, paths))
}

/// Each peer's figure, or why it could not be measured. Downloads one after another (two rows
/// share a tarball), compresses in parallel (brotli 11 over megabytes takes a minute; the
/// results are cached, see [`cached_sizes`]).
fn measure_peers(cache: &Path) -> Vec<(&'static Peer, Result<PeerFigure, String>)> {
    if let Err(e) = std::fs::create_dir_all(cache) {
        let why = format!("create {}: {e}", cache.display());
        return PEERS.iter().map(|p| (p, Err(why.clone()))).collect();
    }
    // After one failed download, the rest that are not cached fail the same way without
    // waiting for npm's retries again.
    let mut npm_failed: Option<String> = None;
    let prepared: Vec<_> = PEERS
        .iter()
        .map(|p| {
            let cached = cache.join(tarball_name(p.package, p.version)).is_file();
            let prep = match &npm_failed {
                Some(why) if !cached => Err(why.clone()),
                _ => prepare(cache, p),
            };
            if let Err(why) = &prep
                && !cached
            {
                npm_failed = Some(why.clone());
            }
            (p, prep)
        })
        .collect();
    std::thread::scope(|scope| {
        let running: Vec<_> = prepared
            .into_iter()
            .map(|(peer, prep)| {
                let handle = scope.spawn(move || {
                    let (mut figure, files) = prep?;
                    figure.sizes = sum_sizes(&files)?;
                    Ok(figure)
                });
                (peer, handle)
            })
            .collect();
        running
            .into_iter()
            .map(|(peer, handle)| {
                let result = handle
                    .join()
                    .unwrap_or_else(|_| Err("measuring panicked".into()));
                (peer, result)
            })
            .collect()
    })
}

/// The compression settings, as the key of cached sizes: a change invalidates them.
fn sizes_key() -> String {
    format!("gzip-9 brotli-q{BROTLI_QUALITY}-w{BROTLI_LGWIN}")
}

/// A peer file's sizes, kept beside it in `<file>.sizes`: pinned versions never change and
/// brotli 11 over a few megabytes takes a minute, so only the first run pays for it.
fn cached_sizes(path: &Path) -> Result<Sizes, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut sidecar = path.as_os_str().to_owned();
    sidecar.push(".sizes");
    let sidecar = PathBuf::from(sidecar);
    if let Some(sizes) = std::fs::read_to_string(&sidecar)
        .ok()
        .and_then(|text| parse_sizes(&text, bytes.len()))
    {
        return Ok(sizes);
    }
    let sizes = Sizes::of(&bytes).map_err(|e| format!("{e:#}"))?;
    if let Some(brotli) = sizes.brotli {
        let line = format!("{} {} {} {brotli}\n", sizes_key(), sizes.raw, sizes.gzip);
        let _ = std::fs::write(&sidecar, line);
    }
    Ok(sizes)
}

/// The files' sizes added up (each compressed on its own).
fn sum_sizes(files: &[PathBuf]) -> Result<Sizes, String> {
    files
        .iter()
        .map(|f| cached_sizes(f))
        .reduce(|a, b| Ok(a?.plus(b?)))
        .unwrap_or_else(|| Err("no files".into()))
}

/// Reads a `.sizes` line; `None` if made with other settings or for another file length.
fn parse_sizes(text: &str, raw_len: usize) -> Option<Sizes> {
    let numbers: Vec<u64> = text
        .trim()
        .strip_prefix(&sizes_key())?
        .split_whitespace()
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    match numbers[..] {
        [raw, gzip, brotli] if raw == raw_len as u64 => Some(Sizes {
            raw,
            gzip,
            brotli: Some(brotli),
        }),
        _ => None,
    }
}

fn render_peers(peers: &[(&'static Peer, Result<PeerFigure, String>)], ferry_gzip: u64) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\nPeer reference points: other chat widgets' browser bundles, pinned npm versions \
         (tarballs cached in target/size-peers/)"
    );
    let errors: Vec<&str> = peers
        .iter()
        .filter_map(|(_, r)| r.as_ref().err().map(String::as_str))
        .collect();
    if !peers.is_empty() && errors.len() == peers.len() {
        let mut distinct: Vec<&str> = errors.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let _ = writeln!(
            s,
            "  peers could not be measured ({}); Ferry's figures above stand.",
            distinct.join("; ")
        );
        return s;
    }
    let mut rows = vec![header("peer", "measured file (why chosen)")];
    let mut ratios = Vec::new();
    let mut notes = Vec::new();
    for (peer, result) in peers {
        match result {
            Ok(f) => {
                let [raw, gz, br] = f.sizes.cells();
                rows.push(vec![
                    peer.label.into(),
                    raw,
                    gz,
                    br,
                    format!(
                        "{}@{}/{} ({})",
                        peer.package,
                        peer.version,
                        f.files.join(" + "),
                        f.why
                    ),
                ]);
                ratios.push(vec![
                    peer.label.to_string(),
                    format!("{} gzip", kb(f.sizes.gzip)),
                    format!("= {} Ferry", ratio(f.sizes.gzip, ferry_gzip)),
                    format!("({})", peer.note),
                ]);
            }
            Err(e) => notes.push(format!(
                "  {} {}: could not be measured: {e}",
                peer.package, peer.version
            )),
        }
    }
    s.push_str(&table(&rows, &SIZE_COLUMNS));
    let _ = writeln!(s, "\n  Ferry opened widget: {} gzip", kb(ferry_gzip));
    s.push_str(&table(&ratios, &[false, true, false, false]));
    for n in notes {
        let _ = writeln!(s, "{n}");
    }
    s
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Kilobytes of 1,024 B: one decimal below 100 KB, whole (with separators) above.
fn kb(bytes: u64) -> String {
    let k = bytes as f64 / 1024.0;
    if k < 100.0 {
        format!("{k:.1} KB")
    } else {
        format!("{} KB", thousands(k.round() as u64))
    }
}

/// `peer / ferry` as `21.3×` (`0.13×` below one).
fn ratio(peer: u64, ferry: u64) -> String {
    if ferry == 0 {
        return "n/a ×".into();
    }
    let r = peer as f64 / ferry as f64;
    if r < 1.0 {
        format!("{r:.2}×")
    } else {
        format!("{r:.1}×")
    }
}

/// Rows as aligned columns, two-space indented; `right[i]` right-aligns column i. The last
/// column is not padded (no trailing spaces). Widths count chars (✓, ≤ and × are one each).
fn table(rows: &[Vec<String>], right: &[bool]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            line.push_str("  ");
            if right.get(c).copied().unwrap_or(false) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if c + 1 < row.len() {
                    line.push_str(&" ".repeat(pad));
                }
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
            let dir = std::env::temp_dir()
                .join(format!("ferry-xtask-size-{name}-{}", std::process::id()));
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
}
