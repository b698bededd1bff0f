//! `cargo xtask size`: raw and gzip bytes of what ships: the loader, the widget's wasm and JS
//! glue, and the Worker. Builds first if anything is missing.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::build::{site_dir, widget_dir};
use crate::util::root;

pub fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

pub fn report() -> Result<()> {
    let rows: Vec<(&str, PathBuf)> = vec![
        ("loader (ferry.js)", site_dir().join("ferry.js")),
        ("widget wasm", widget_dir().join("ferry_widget_bg.wasm")),
        ("widget JS glue", widget_dir().join("ferry_widget.js")),
        ("worker wasm", root().join("edge/build/index_bg.wasm")),
        ("worker JS (index.js)", root().join("edge/build/index.js")),
    ];
    println!("{:<24} {:>12} {:>12}", "artifact", "raw bytes", "gzip -9");
    let mut widget_total = (0, 0);
    for (name, path) in &rows {
        let (raw, gz) = measure(path)?;
        println!("{name:<24} {raw:>12} {gz:>12}");
        if !name.starts_with("worker") {
            widget_total.0 += raw;
            widget_total.1 += gz;
        }
    }
    println!(
        "{:<24} {:>12} {:>12}",
        "shopper total (widget)", widget_total.0, widget_total.1
    );
    Ok(())
}

fn measure(path: &Path) -> Result<(usize, usize)> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("{} is missing; run `cargo xtask build`", path.display()))?;
    Ok((bytes.len(), gzip_len(&bytes)?))
}
