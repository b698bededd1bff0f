//! The peers of `cargo xtask size`: other chat widgets' browser bundles from pinned npm
//! versions, fetched with `npm pack` into a cache (`target/size-peers/`), the bundle picked
//! from each package, measured like Ferry's files (sizes cached beside them) and compared with
//! Ferry's opened widget.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{BROTLI_LGWIN, BROTLI_QUALITY, SIZE_COLUMNS, Sizes, header, kb, ratio, table};

/// A competitor's npm package and which of its files a browser loads.
#[derive(Debug)]
pub(super) struct Peer {
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
pub(super) const PEERS: &[Peer] = &[
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
pub(super) struct PeerFigure {
    /// Paths inside the package (without its `package/` folder).
    pub(super) files: Vec<String>,
    pub(super) why: String,
    pub(super) sizes: Sizes,
}

/// The file a browser loads, chosen from the package's package.json and file list, with the
/// reason. In order: the peer's pinned file (when it exists); the `unpkg`, `jsdelivr`, then
/// `browser` field (what CDNs serve for a bare `<script src=…/pkg>`); `main` unless it points
/// into `lib/` or `src/` (module trees for bundlers); else a `.umd.*`/`.min.js` file in `dist/`.
pub(super) fn select_bundle(
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
pub(super) fn tarball_name(package: &str, version: &str) -> String {
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
pub(super) fn npm_error(stderr: &str) -> String {
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
pub(super) fn measure_peers(cache: &Path) -> Vec<(&'static Peer, Result<PeerFigure, String>)> {
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
pub(super) fn sizes_key() -> String {
    format!("gzip-9 brotli-q{BROTLI_QUALITY}-w{BROTLI_LGWIN}")
}

/// A peer file's sizes, kept beside it in `<file>.sizes`: pinned versions never change and
/// brotli 11 over a few megabytes takes a minute, so only the first run pays for it.
pub(super) fn cached_sizes(path: &Path) -> Result<Sizes, String> {
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
pub(super) fn sum_sizes(files: &[PathBuf]) -> Result<Sizes, String> {
    files
        .iter()
        .map(|f| cached_sizes(f))
        .reduce(|a, b| Ok(a?.plus(b?)))
        .unwrap_or_else(|| Err("no files".into()))
}

/// Reads a `.sizes` line; `None` if made with other settings or for another file length.
pub(super) fn parse_sizes(text: &str, raw_len: usize) -> Option<Sizes> {
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

pub(super) fn render_peers(
    peers: &[(&'static Peer, Result<PeerFigure, String>)],
    ferry_gzip: u64,
) -> String {
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
