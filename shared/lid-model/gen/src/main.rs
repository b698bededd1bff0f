//! Generator for `shared/lid-model/lid.bin`, the compact language-identification model that
//! `ferry_shared::lang` embeds. It reads the character n-gram models (orders 1 to 5) that the
//! lingua-rs project publishes on crates.io (Apache-2.0, Peter M. Stahl), keeps the most
//! frequent n-grams of each language, quantizes their log-probabilities to one byte and packs
//! everything into one small blob. See `../NOTICE` and `../README.md`.
//!
//! Usage: `cargo run --release --manifest-path shared/lid-model/gen/Cargo.toml -- OUT [K1 K2 K3 K4 K5]`
//! where `Kn` is how many n-grams of order n each language keeps (by joint probability).

use std::collections::{BTreeMap, HashMap};

use fst::Streamer;
use include_dir::Dir;

/// The languages that need a text model: the Latin-script ones. Every other language Ferry
/// answers in is told apart by its script alone.
const LANGS: &[(&str, &Dir<'static>)] = &[
    (
        "en",
        &lingua_english_language_model::ENGLISH_MODELS_DIRECTORY,
    ),
    (
        "es",
        &lingua_spanish_language_model::SPANISH_MODELS_DIRECTORY,
    ),
    (
        "pt",
        &lingua_portuguese_language_model::PORTUGUESE_MODELS_DIRECTORY,
    ),
    ("fr", &lingua_french_language_model::FRENCH_MODELS_DIRECTORY),
    ("de", &lingua_german_language_model::GERMAN_MODELS_DIRECTORY),
    (
        "it",
        &lingua_italian_language_model::ITALIAN_MODELS_DIRECTORY,
    ),
    ("nl", &lingua_dutch_language_model::DUTCH_MODELS_DIRECTORY),
    ("pl", &lingua_polish_language_model::POLISH_MODELS_DIRECTORY),
    (
        "tr",
        &lingua_turkish_language_model::TURKISH_MODELS_DIRECTORY,
    ),
];

/// Default n-grams kept per language, by order 1..=5.
const DEFAULT_KEEP: [usize; 5] = [usize::MAX, usize::MAX, 4000, 6000, 6000];

/// Log-probabilities are stored as `1 + round(-ln p * STEPS)` (0 = absent), saturating at 255.
/// Steps of 1/8 nat: ln p down to about -32.
const STEPS: f64 = 8.0;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args.first().expect("usage: gen OUT [K1 .. K5]");
    let mut keep = DEFAULT_KEEP;
    for (i, k) in args.iter().skip(1).take(5).enumerate() {
        keep[i] = k.parse().expect("K is a number");
    }

    // Conditional log-probabilities ln P(last char | preceding chars), as lingua stores them.
    let models: Vec<HashMap<String, f64>> = LANGS
        .iter()
        .map(|(_, dir)| {
            let file = dir
                .get_file("ngrams.fst")
                .expect("ngrams.fst in the model crate");
            let map = fst::Map::new(file.contents().to_vec()).expect("a valid fst map");
            let mut stream = map.stream();
            let mut model = HashMap::new();
            while let Some((k, v)) = stream.next() {
                let k = String::from_utf8(k.to_vec()).expect("utf-8 n-gram");
                model.insert(k, f64::from_bits(v));
            }
            model
        })
        .collect();

    // Rank each language's n-grams of each order by joint probability (the chain of the
    // conditional ones over the n-gram's prefixes) and keep the top `keep[n-1]`.
    let mut kept: BTreeMap<String, ()> = BTreeMap::new();
    for model in &models {
        let mut by_order: Vec<Vec<(f64, &str)>> = vec![Vec::new(); 5];
        for (gram, _) in model.iter() {
            let chars: Vec<char> = gram.chars().collect();
            let mut joint = 0.0;
            let mut complete = true;
            for end in 1..=chars.len() {
                let prefix: String = chars[..end].iter().collect();
                match model.get(&prefix) {
                    Some(lp) => joint += lp,
                    None => complete = false,
                }
            }
            if complete && (1..=5).contains(&chars.len()) {
                by_order[chars.len() - 1].push((joint, gram));
            }
        }
        for (order, grams) in by_order.iter_mut().enumerate() {
            grams.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            for (_, gram) in grams.iter().take(keep[order]) {
                kept.insert((*gram).to_string(), ());
            }
        }
    }

    // The alphabet: every character of a kept n-gram, most probable first (at most 255; ids
    // start at 1 so that a key's length is implicit).
    let mut char_weight: HashMap<char, f64> = HashMap::new();
    for gram in kept.keys() {
        if gram.chars().count() == 1 {
            let c = gram.chars().next().expect("one char");
            let best = models
                .iter()
                .filter_map(|m| m.get(gram))
                .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
            char_weight.insert(c, best);
        }
    }
    let mut alphabet: Vec<(char, f64)> = char_weight.into_iter().collect();
    alphabet.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    alphabet.truncate(255);
    let sym: HashMap<char, u64> = alphabet
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (*c, i as u64 + 1))
        .collect();

    let mut entries: Vec<(u64, Vec<u8>)> = Vec::new();
    for gram in kept.keys() {
        let mut key = 0u64;
        let mut ok = true;
        for (i, c) in gram.chars().enumerate() {
            match sym.get(&c) {
                Some(s) => key |= s << (8 * i),
                None => ok = false,
            }
        }
        if !ok {
            continue;
        }
        let values = models
            .iter()
            .map(|m| match m.get(gram) {
                Some(lp) => (1.0 + (-lp * STEPS).round()).clamp(1.0, 255.0) as u8,
                None => 0,
            })
            .collect();
        entries.push((key, values));
    }
    entries.sort_by_key(|e| e.0);

    let mut blob = Vec::new();
    blob.extend_from_slice(b"FLID");
    blob.push(1); // version
    blob.push(LANGS.len() as u8);
    for (code, _) in LANGS {
        blob.extend_from_slice(code.as_bytes());
    }
    blob.push(STEPS as u8);
    blob.push(alphabet.len() as u8);
    for (c, _) in &alphabet {
        let mut buf = [0u8; 4];
        let s = c.encode_utf8(&mut buf);
        blob.push(s.len() as u8);
        blob.extend_from_slice(s.as_bytes());
    }
    blob.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    let mut prev = 0u64;
    for (key, _) in &entries {
        let mut delta = key - prev;
        prev = *key;
        loop {
            let byte = (delta & 0x7f) as u8;
            delta >>= 7;
            if delta == 0 {
                blob.push(byte);
                break;
            }
            blob.push(byte | 0x80);
        }
    }
    for lang in 0..LANGS.len() {
        for (_, values) in &entries {
            blob.push(values[lang]);
        }
    }
    std::fs::write(out, &blob).expect("write the blob");
    let mut per_order = [0usize; 5];
    for gram in kept.keys() {
        per_order[gram.chars().count() - 1] += 1;
    }
    eprintln!(
        "{} n-grams (by order {:?}), {} symbols, {} bytes -> {out}",
        entries.len(),
        per_order,
        alphabet.len(),
        blob.len()
    );
}
