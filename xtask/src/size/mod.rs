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
//!   [`peers::PEERS`]), measured the same way, and compared with Ferry's opened-widget gzip.
//!   `--no-peers` skips them (no network). Offline, a line says why and Ferry's figures stand.

mod peers;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::build::{site_dir, widget_dir};
use crate::util::{files_under, root};

use peers::{measure_peers, render_peers};

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
