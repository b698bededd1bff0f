//! `cargo bench -p ferry-shared --bench router`: time per routed message over a mixed,
//! multilingual corpus, with the demo pack and with a generated 1,000-rule pack, and the
//! one-off cost of compiling each pack.
//!
//! The corpus is built in; when `../shared/data/lid_short_lingua_sentences_dev.tsv` exists
//! beside the repo (development machines), its sentences are added for realism.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ferry_shared::wire::{ChatRequest, WIRE_VERSION};
use ferry_shared::{CompiledSite, route};

const DEMO: &str = include_str!("../../edge/sites/demo.toml");

const CORPUS: &[(&str, Option<&str>)] = &[
    ("how long does shipping to Germany take?", Some("en-GB")),
    (
        "quanto tempo demora a entrega para o Brasil?",
        Some("pt-BR"),
    ),
    ("qnto custa o frete pro brasil", Some("pt-BR")),
    ("¿cuánto tarda el envío a México?", Some("es-MX")),
    ("Sind Zollgebühren im Preis enthalten?", Some("de-DE")),
    ("wo ist mein paket", Some("de-AT")),
    (
        "combien de temps pour la livraison en France ?",
        Some("fr-FR"),
    ),
    ("je fais du 38, quelle taille US ?", Some("fr-FR")),
    ("I'm a US 8, which EU size should I order?", Some("en-US")),
    ("how do I pair the headphones with my phone", Some("en-US")),
    ("quanto costa la spedizione in Italia?", Some("it-IT")),
    ("сколько идет доставка в Россию?", Some("ru-RU")),
    ("寄到德国要多久", Some("zh-CN")),
    ("日本への配送はどのくらいかかりますか", Some("ja-JP")),
    ("كم تستغرق مدة الشحن إلى السعودية؟", Some("ar-SA")),
    (
        "my power bank started smoking while charging",
        Some("en-US"),
    ),
    (
        "I will file a chargeback if I don't get my money back",
        Some("en-US"),
    ),
    (
        "shipping took two months and the box was crushed",
        Some("en-GB"),
    ),
    ("do you accept pix?", Some("pt-BR")),
    ("hola", Some("es-ES")),
    ("can I pay with klarna", Some("de-DE")),
    (
        "Can I order 200 shirts for my boutique at a wholesale price?",
        Some("en-GB"),
    ),
    ("oi", Some("pt-BR")),
    ("where is my order #5521", None),
];

fn corpus() -> Vec<ChatRequest> {
    let mut texts: Vec<(String, Option<String>)> = CORPUS
        .iter()
        .map(|(t, l)| (t.to_string(), l.map(str::to_string)))
        .collect();
    let dev = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/lid_short_lingua_sentences_dev.tsv"
    );
    if let Ok(data) = std::fs::read_to_string(dev) {
        texts.extend(
            data.lines()
                .step_by(20)
                .filter_map(|l| l.split_once('\t'))
                .map(|(_, t)| (t.to_string(), None)),
        );
    }
    texts
        .into_iter()
        .enumerate()
        .map(|(i, (text, locale))| ChatRequest {
            v: WIRE_VERSION,
            site: "bench".into(),
            conversation_id: "bench".into(),
            client_message_id: format!("m{i}"),
            text,
            page_url: None,
            locale,
            time_zone: None,
            contact: None,
            country: None,
            previous_language: None,
            context: None,
            turnstile_token: None,
        })
        .collect()
}

/// A pack with `n` rules of four patterns each, in two languages, plus the demo's sections.
fn generated_pack(n: usize) -> String {
    let head_end = DEMO.find("[[rule]]").unwrap_or(DEMO.len());
    let mut out = DEMO[..head_end].to_string();
    let topics = [
        "product.info",
        "product.stock",
        "promotions",
        "order.place",
        "shipping.countries",
    ];
    for i in 0..n {
        let topic = topics[i % topics.len()];
        out.push_str(&format!(
            "\n[[rule]]\nid = \"gen-{i}\"\ntopic = \"{topic}\"\npatterns.en = ['\\bsku{i}\\b', 'model {i}\\b.*\\b(spec|size|color)', 'item-{i}-(red|blue)', 'product {i} (in stock|available)']\npatterns.es = ['producto {i}\\b', 'modelo {i} (talla|color)']\nanswer.en = \"About product {i}: see its page.\"\nanswer.es = \"Sobre el producto {i}: mira su página.\"\n"
        ));
    }
    out
}

fn bench(c: &mut Criterion) {
    let requests = corpus();
    let big = generated_pack(1000);
    let packs = [("demo", DEMO.to_string()), ("generated-1000", big)];

    let mut compile = c.benchmark_group("compile");
    compile.sample_size(10);
    for (name, toml) in &packs {
        compile.bench_with_input(BenchmarkId::from_parameter(name), toml, |b, toml| {
            b.iter(|| CompiledSite::from_toml(black_box(toml)).expect("pack loads"))
        });
    }
    compile.finish();

    let mut routing = c.benchmark_group("route");
    routing.throughput(Throughput::Elements(requests.len() as u64));
    for (name, toml) in &packs {
        let site = CompiledSite::from_toml(toml).expect("pack loads");
        // Warm the lazily built tables (lexicons, detector) outside the measurement.
        let _ = route(&site, &requests[0], 0);
        routing.bench_with_input(BenchmarkId::new("corpus", name), &site, |b, site| {
            b.iter(|| {
                for req in &requests {
                    black_box(route(site, black_box(req), 1_767_225_600_000));
                }
            })
        });
    }
    routing.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
