//! The router as `cargo xtask bench` measures it: the packs (the demo site file and a
//! generated 1,000-rule pack), a mixed corpus in the 14 languages, and one line per decision
//! so that the wasm and native runs can be compared. The wasm exports (`load`, `route`,
//! `stages`, …) are driven by `bench/js/driver.mjs` in Node; `src/main.rs` is the native side.
//! Neither reads a clock here: the drivers time around these calls.

use ferry_shared::wire::{ChatRequest, WIRE_VERSION};
use ferry_shared::{CompiledSite, Decision, LoadError, Outcome};

/// The demo site, as the Worker bundles it.
pub const DEMO: &str = include_str!("../../edge/sites/demo.toml");

/// The packs measured: name and TOML text.
pub fn pack(name: &str) -> Option<String> {
    match name {
        "demo" => Some(DEMO.to_string()),
        "generated-1000" => Some(generated_pack(1000)),
        _ => None,
    }
}

/// The pack names, in report order.
pub const PACKS: [&str; 2] = ["demo", "generated-1000"];

/// A pack with `n` rules of four patterns each, in two languages, plus the demo's sections
/// (as `shared/benches/router.rs` builds it).
pub fn generated_pack(n: usize) -> String {
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

/// A mixed corpus: questions, complaints, alarms and small talk in each of the 14 languages,
/// with the browser locale a shopper would send (some without one).
pub const CORPUS: &[(&str, Option<&str>)] = &[
    ("how long does shipping to Germany take?", Some("en-GB")),
    (
        "my power bank started smoking while charging",
        Some("en-US"),
    ),
    (
        "I will file a chargeback if I don't get my money back",
        Some("en-US"),
    ),
    ("I'm a US 8, which EU size should I order?", Some("en-US")),
    ("thanks, bye!", None),
    ("¿cuánto tarda el envío a México?", Some("es-MX")),
    ("el paquete llegó roto y quiero un reembolso", Some("es-ES")),
    ("hola", Some("es-ES")),
    (
        "quanto tempo demora a entrega para o Brasil?",
        Some("pt-BR"),
    ),
    ("qnto custa o frete pro brasil", Some("pt-BR")),
    ("vocês aceitam pix?", Some("pt-BR")),
    (
        "combien de temps pour la livraison en France ?",
        Some("fr-FR"),
    ),
    ("je fais du 38, quelle taille US ?", Some("fr-FR")),
    ("Sind Zollgebühren im Preis enthalten?", Some("de-DE")),
    ("wo ist mein paket", Some("de-AT")),
    ("quanto costa la spedizione in Italia?", Some("it-IT")),
    ("il prodotto è arrivato danneggiato", Some("it-IT")),
    (
        "hoe lang duurt de verzending naar Nederland?",
        Some("nl-NL"),
    ),
    (
        "mijn bestelling is nog steeds niet aangekomen",
        Some("nl-BE"),
    ),
    ("ile trwa wysyłka do Polski?", Some("pl-PL")),
    ("chcę zwrócić zamówienie", Some("pl-PL")),
    ("сколько идет доставка в Россию?", Some("ru-RU")),
    ("батарея вздулась и пахнет гарью", Some("ru-RU")),
    ("Türkiye'ye kargo ne kadar sürer?", Some("tr-TR")),
    ("siparişim hala gelmedi", Some("tr-TR")),
    ("كم تستغرق مدة الشحن إلى السعودية؟", Some("ar-SA")),
    ("أريد استرداد أموالي", Some("ar-EG")),
    ("寄到德国要多久", Some("zh-CN")),
    ("充电宝冒烟了", Some("zh-CN")),
    ("日本への配送はどのくらいかかりますか", Some("ja-JP")),
    ("ありがとうございました", Some("ja-JP")),
    ("한국까지 배송 얼마나 걸려요?", Some("ko-KR")),
    ("환불하고 싶어요", Some("ko-KR")),
    (
        "Can I order 200 shirts for my boutique at a wholesale price?",
        Some("en-GB"),
    ),
    ("where is my order #5521", None),
    ("can I pay with klarna", Some("de-DE")),
];

/// A chat request for `text`.
pub fn request(text: &str, locale: Option<&str>) -> ChatRequest {
    ChatRequest {
        v: WIRE_VERSION,
        site: "bench".into(),
        conversation_id: "bench".into(),
        client_message_id: "m1".into(),
        text: text.into(),
        page_url: None,
        locale: locale.map(str::to_string),
        time_zone: None,
        contact: None,
        country: None,
        previous_language: None,
        context: None,
        turnstile_token: None,
    }
}

/// A fixed time (2026-01-01T00:00Z), so decisions repeat.
pub const NOW: i64 = 1_767_225_600_000;

/// One line per decision: language, urgency, and what happens.
pub fn summary(d: &Decision) -> String {
    let what = match &d.outcome {
        Outcome::Answer { rule, .. } => format!("answer {rule}"),
        Outcome::Handoff(plan) => format!("handoff {}", plan.topic),
    };
    format!("{} {:?} {what}", d.language.code, d.urgency.level)
}

/// Routes `text` on `site` and summarises the decision.
pub fn route_summary(site: &CompiledSite, text: &str, locale: Option<&str>) -> String {
    summary(&ferry_shared::route(site, &request(text, locale), NOW))
}

/// Loads a pack, timing nothing (the drivers time around it).
pub fn load(toml: &str) -> Result<CompiledSite, LoadError> {
    CompiledSite::from_toml(toml)
}

#[cfg(target_arch = "wasm32")]
mod exports {
    use std::cell::RefCell;

    use ferry_shared::CompiledSite;
    use wasm_bindgen::prelude::*;

    thread_local! {
        static SITE: RefCell<Option<CompiledSite>> = const { RefCell::new(None) };
    }

    /// The TOML text of a pack (`demo`, `generated-1000`).
    #[wasm_bindgen]
    pub fn pack(name: &str) -> Option<String> {
        super::pack(name)
    }

    /// The corpus as `text\tlocale` lines (empty locale: none).
    #[wasm_bindgen]
    pub fn corpus() -> String {
        super::CORPUS
            .iter()
            .map(|(t, l)| format!("{t}\t{}", l.unwrap_or("")))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Loads a site file; the error text when it does not load.
    #[wasm_bindgen]
    pub fn load(toml: &str) -> Result<(), JsValue> {
        let site = super::load(toml).map_err(|e| JsValue::from_str(&e.to_string()))?;
        SITE.with(|s| *s.borrow_mut() = Some(site));
        Ok(())
    }

    /// Routes one message on the loaded site: the decision's summary line.
    #[wasm_bindgen]
    pub fn route(text: &str, locale: &str) -> String {
        let locale = (!locale.is_empty()).then_some(locale);
        SITE.with(|s| match s.borrow().as_ref() {
            Some(site) => super::route_summary(site, text, locale),
            None => "no site loaded".to_string(),
        })
    }

    /// Loads `toml` and builds the first-message tables, calling `mark(stage)` as each stage
    /// ends (the caller reads the clock).
    #[wasm_bindgen]
    pub fn stages(toml: &str, mark: &js_sys::Function) -> Result<(), JsValue> {
        let mut cb = |stage: &'static str| {
            let _ = mark.call1(&JsValue::NULL, &JsValue::from_str(stage));
        };
        let site = ferry_shared::cold::stages(toml, &mut cb)
            .map_err(|e| JsValue::from_str(&e.to_string()))?;
        SITE.with(|s| *s.borrow_mut() = Some(site));
        Ok(())
    }
}
