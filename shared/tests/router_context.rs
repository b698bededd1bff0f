//! The conversation is context: a country or size named earlier fills later questions, before
//! the visitor's location and locale, and after what the message itself names.

use ferry_shared::country;
use ferry_shared::lang::LangCode;
use ferry_shared::router::CountrySource;
use ferry_shared::wire::{ChatRequest, ConversationContext};
use ferry_shared::{CompiledSite, Decision, Outcome, route};

const NOW: i64 = 1_767_225_600_000;

fn site() -> CompiledSite {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../edge/sites/demo.toml");
    let source = std::fs::read_to_string(path).expect("read edge/sites/demo.toml");
    CompiledSite::from_toml(&source).unwrap_or_else(|e| panic!("demo.toml does not load: {e}"))
}

fn ask(
    site: &CompiledSite,
    text: &str,
    visitor: &str,
    context: Option<ConversationContext>,
) -> Decision {
    let mut req: ChatRequest = serde_json::from_value(serde_json::json!({
        "v": 1, "site": "demo", "conversation_id": "c", "client_message_id": "m",
        "text": text, "locale": "es-US", "country": visitor,
    }))
    .expect("a valid ChatRequest");
    req.context = context;
    route(site, &req, NOW)
}

fn answer(d: &Decision) -> (&str, &str) {
    match &d.outcome {
        Outcome::Answer { rule, text, .. } => (rule, text),
        other => panic!("expected an answer: {other:?}"),
    }
}

#[test]
fn a_country_named_earlier_fills_the_next_question() {
    let site = site();
    let first = ask(&site, "¿cuánto tarda el envío a México?", "US", None);
    assert_eq!(first.country, Some(("MX".into(), CountrySource::Text)));
    assert_eq!(first.context.country.as_deref(), Some("MX"));

    // The duties question names no country: the conversation's wins over the visitor's (US).
    let next = ask(
        &site,
        "¿los aranceles están incluidos?",
        "US",
        Some(first.context.clone()),
    );
    assert_eq!(
        next.country,
        Some(("MX".into(), CountrySource::Conversation))
    );
    let mexico = country::name("MX", LangCode::Es).expect("Mexico has a Spanish name");
    let (rule, text) = answer(&next);
    assert!(rule.starts_with("customs"), "{rule}");
    assert!(
        text.contains(mexico),
        "the duties answer is about {mexico}: {text}"
    );
    assert_eq!(next.context.country.as_deref(), Some("MX"), "carried on");

    // Without the context, the same question is about the visitor's country.
    let alone = ask(&site, "¿los aranceles están incluidos?", "US", None);
    assert_eq!(alone.country, Some(("US".into(), CountrySource::Request)));
    assert!(
        alone.context.country.is_none(),
        "a location is not something the shopper named"
    );

    // A country the message names wins over the conversation's.
    let brazil = ask(
        &site,
        "¿y los aranceles para Brasil?",
        "US",
        Some(first.context),
    );
    assert_eq!(brazil.country, Some(("BR".into(), CountrySource::Text)));
    assert_eq!(brazil.context.country.as_deref(), Some("BR"));
}

#[test]
fn a_size_named_earlier_fills_the_next_question() {
    let site = site();
    let first = ask(&site, "do you have the linen sneakers in us 9?", "US", None);
    assert_eq!(first.context.size.as_deref(), Some("us 9"));
    let next = ask(
        &site,
        "what eu size is that for the sneakers?",
        "US",
        Some(first.context.clone()),
    );
    let without = ask(&site, "what eu size is that for the sneakers?", "US", None);
    let (rule, _) = answer(&next);
    assert_eq!(
        rule, "sizing-shoes",
        "the shoe conversion needs the size named earlier: {:?} {:?}",
        next.trace, next.context
    );
    assert_ne!(
        answer(&without).0,
        "sizing-shoes",
        "without a size, the general sizing answer"
    );
}

#[test]
fn a_forged_or_unknown_context_country_is_ignored() {
    let site = site();
    let d = ask(
        &site,
        "¿los aranceles están incluidos?",
        "US",
        Some(ConversationContext {
            country: Some("ZZ".into()),
            size: None,
        }),
    );
    assert_eq!(d.country, Some(("US".into(), CountrySource::Request)));
}

#[test]
fn a_retry_gets_the_context_the_first_attempt_got() {
    let site = site();
    for (text, context) in [
        ("¿cuánto tarda el envío a México?", None),
        (
            "¿y los aranceles?",
            Some(ConversationContext {
                country: Some("MX".into()),
                size: None,
            }),
        ),
        ("do you have the sneakers in us 9?", None),
        ("how long does shipping take?", None),
    ] {
        let mut req: ChatRequest = serde_json::from_value(serde_json::json!({
            "v": 1, "site": "demo", "conversation_id": "c", "client_message_id": "m",
            "text": text, "locale": "es-US", "country": "US",
        }))
        .expect("a valid ChatRequest");
        req.context = context;
        let routed = route(&site, &req, NOW).context;
        assert_eq!(
            ferry_shared::router::conversation_context(&req),
            routed,
            "{text}"
        );
    }
}
