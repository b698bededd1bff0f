//! Any text as a site file: `CompiledSite::from_toml` returns Ok or a `LoadError`; it never
//! panics. Hangs are caught by libFuzzer's `-timeout` (`cargo xtask fuzz` sets it).
//!
//! A site that loads must not fail at request time (ARCHITECTURE.md, "Invariants"): a few
//! messages are routed on it, and its status, contact texts and destinations are asked for.
#![no_main]

use ferry_shared::wire::{ChatRequest, Urgency, WIRE_VERSION};
use ferry_shared::{CompiledSite, Topic, route};
use libfuzzer_sys::fuzz_target;

/// 2026-06-01 12:00 UTC, a Monday.
const NOW: i64 = 1_780_315_200_000;

const MESSAGES: &[(&str, Option<&str>, Option<&str>)] = &[
    (
        "where is my order? I want to return it",
        Some("en-GB"),
        Some("GB"),
    ),
    (
        "quanto custa o frete pro Brasil? cartão 4242 4242 4242 4242",
        Some("pt-BR"),
        None,
    ),
    ("サイズ交換できますか 😡 lawyer", Some("ja"), Some("JP")),
];

/// Built from JSON, so that new optional wire fields need no change here.
fn request(text: &str, locale: Option<&str>, country: Option<&str>, site: &str) -> ChatRequest {
    serde_json::from_value(serde_json::json!({
        "v": WIRE_VERSION,
        "site": site,
        "conversation_id": "c-1",
        "client_message_id": "m-1",
        "text": text,
        "locale": locale,
        "time_zone": "America/Sao_Paulo",
        "country": country,
    }))
    .expect("a chat request")
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    match CompiledSite::from_toml(source) {
        Ok(site) => {
            let config = site.widget_config();
            let _ = site.coverage();
            let _ = site.status(NOW);
            let _ = site.status(i64::MAX);
            let _ = site.status(i64::MIN);
            for lang in &config.languages {
                let _ = site.contact_thanks(lang, NOW + 3_600_000, NOW, Some("Asia/Tokyo"));
                for urgency in [Urgency::Low, Urgency::Urgent] {
                    assert!(
                        !site
                            .destinations_for(urgency, lang, Topic::ALL[0])
                            .is_empty(),
                        "a handoff without a destination"
                    );
                }
            }
            for &(text, locale, country) in MESSAGES {
                let _ = route(&site, &request(text, locale, country, &config.site), NOW);
            }
        }
        Err(e) => {
            // An error points inside the file (or at no line at all) and says something.
            assert!(!e.message.trim().is_empty(), "empty error message");
            assert!(
                e.line <= source.lines().count() + 1,
                "line {} past the end",
                e.line
            );
            let _ = e.to_string();
        }
    }
});
