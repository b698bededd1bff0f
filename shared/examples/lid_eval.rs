//! Accuracy and speed of `lang::detect` on labelled text, from the text alone (every language
//! allowed, no locale). Development aid; the data is not part of the repository.
//!
//! Run: `cargo run --release -p ferry-shared --example lid_eval -- FILE.tsv [FILE.tsv ...]`
//! where each file has a header line and then `lang<TAB>text` rows.

use std::collections::BTreeMap;
use std::time::Instant;

use ferry_shared::lang::{self, LangCode};

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: lid_eval FILE.tsv [FILE.tsv ...]");
        std::process::exit(2);
    }
    let start = Instant::now();
    let _ = lang::detect(
        "warm up: the first call decodes the model",
        &LangCode::ALL,
        None,
    );
    println!(
        "model load (first call): {:.2} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    for file in files {
        let data = std::fs::read_to_string(&file).expect("read the TSV file");
        let rows: Vec<(&str, &str)> = data
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once('\t'))
            .collect();
        println!("== {file} ({} rows)", rows.len());
        report("whatlang (before)", &rows, |t| (whatlang_detect(t), None));
        report("ferry lid (after)", &rows, |t| {
            let got = lang::detect(t, &LangCode::ALL, None);
            (got.code, Some(got.confidence))
        });
    }
}

fn report(name: &str, rows: &[(&str, &str)], detect: impl Fn(&str) -> (String, Option<f32>)) {
    // Warm up (lazy model load) outside the timing.
    let _ = detect("warm up");
    let mut per: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let start = Instant::now();
    let mut wrong: BTreeMap<(&str, String), usize> = BTreeMap::new();
    // Calibration: (right, all) per confidence band.
    const BANDS: [f32; 5] = [0.5, 0.8, 0.95, 0.99, 1.01];
    let mut bands = [(0usize, 0usize); BANDS.len()];
    for (gold, text) in rows {
        let (got, confidence) = detect(text);
        if let Some(c) = confidence {
            let band = BANDS.iter().position(|b| c < *b).unwrap_or(BANDS.len() - 1);
            bands[band].1 += 1;
            bands[band].0 += usize::from(got == *gold);
        }
        let e = per.entry(gold).or_default();
        e.1 += 1;
        if got == *gold {
            e.0 += 1;
        } else {
            *wrong.entry((gold, got)).or_default() += 1;
        }
    }
    let micros = start.elapsed().as_secs_f64() * 1e6 / rows.len().max(1) as f64;
    let (ok, all) = per.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "{name}: {:.2}% ({ok}/{all}), {micros:.1} µs/detection",
        100.0 * ok as f64 / all.max(1) as f64
    );
    let mut line = String::new();
    for (lang, (ok, all)) in &per {
        line += &format!(" {lang} {:.1}", 100.0 * *ok as f64 / (*all).max(1) as f64);
    }
    println!("  per language:{line}");
    if bands.iter().any(|b| b.1 > 0) {
        let mut line = String::new();
        let mut low = 0.0;
        for (b, (ok, all)) in BANDS.iter().zip(bands) {
            line += &format!(
                " [{low:.2},{:.2}) {all} rows {:.1}%;",
                b.min(1.0),
                100.0 * ok as f64 / all.max(1) as f64
            );
            low = *b;
        }
        println!("  confidence bands:{line}");
    }
    let mut confusions: Vec<_> = wrong.into_iter().collect();
    confusions.sort_by_key(|c| std::cmp::Reverse(c.1));
    let top: Vec<String> = confusions
        .iter()
        .take(8)
        .map(|((g, p), n)| format!("{g}->{p} {n}"))
        .collect();
    println!("  top confusions: {}", top.join(", "));
}

/// What `lang::detect` did before the lid model: whatlang restricted to the 14 languages.
fn whatlang_detect(text: &str) -> String {
    let codes = [
        ("en", whatlang::Lang::Eng),
        ("es", whatlang::Lang::Spa),
        ("pt", whatlang::Lang::Por),
        ("fr", whatlang::Lang::Fra),
        ("de", whatlang::Lang::Deu),
        ("it", whatlang::Lang::Ita),
        ("nl", whatlang::Lang::Nld),
        ("pl", whatlang::Lang::Pol),
        ("ru", whatlang::Lang::Rus),
        ("tr", whatlang::Lang::Tur),
        ("ar", whatlang::Lang::Ara),
        ("he", whatlang::Lang::Heb),
        ("zh", whatlang::Lang::Cmn),
        ("ja", whatlang::Lang::Jpn),
        ("ko", whatlang::Lang::Kor),
    ];
    let detector = whatlang::Detector::with_allowlist(codes.iter().map(|c| c.1).collect());
    detector
        .detect_lang(text)
        .and_then(|l| codes.iter().find(|c| c.1 == l))
        .map_or("en", |c| c.0)
        .to_string()
}
