//! `docs/handoff-payload.v1.schema.json` against `HandoffPayload`: serialized payloads validate,
//! broken ones do not, and the schema's names (properties, required fields, topics, urgency
//! levels, language sources) are the ones serde writes.

use std::collections::BTreeSet;

use ferry_shared::Topic;
use ferry_shared::wire::{
    Away, AwayReason, Contact, HandoffPayload, Language, LanguageSource, TranscriptLine, Urgency,
    UrgencyTag,
};
use serde_json::{Value, json};

const SCHEMA: &str = include_str!("../../docs/handoff-payload.v1.schema.json");

fn schema() -> Value {
    serde_json::from_str(SCHEMA).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("the schema compiles")
}

fn minimal() -> HandoffPayload {
    HandoffPayload {
        v: 1,
        id: "3f0c2a9e8b7d4c1a9e2f6b5d4c3a2b1c".into(),
        ticket: "FRY-7Q2KM4XD".into(),
        site: "demo".into(),
        conversation_id: "c-8f3a1b".into(),
        created_at: 1_775_466_000_000,
        language: Language {
            code: "en".into(),
            confidence: 0.0,
            source: LanguageSource::Default,
        },
        urgency: UrgencyTag {
            level: Urgency::Normal,
            reasons: vec![],
        },
        topic: Topic::Other,
        question: "hi".into(),
        page_url: None,
        locale: None,
        time_zone: None,
        contact: None,
        reply_by: 1_775_552_400_000,
        country: None,
        transcript: vec![],
        away: None,
    }
}

fn full() -> HandoffPayload {
    HandoffPayload {
        language: Language {
            code: "pt".into(),
            confidence: 0.93,
            source: LanguageSource::Text,
        },
        urgency: UrgencyTag {
            level: Urgency::Urgent,
            reasons: vec!["safety:smoke".into(), "safety:burn".into()],
        },
        topic: Topic::Safety,
        question: "O carregador começou a soltar fumaça e queimou a mesa! Pedido #10423".into(),
        page_url: Some("https://shop.example/products/kestrel-power-bank?variant=2".into()),
        locale: Some("pt-BR".into()),
        time_zone: Some("America/Sao_Paulo".into()),
        contact: Some(Contact {
            email: Some("ana@example.com.br".into()),
            name: Some("Ana Souza".into()),
            order_number: Some("#10423".into()),
        }),
        country: Some("BR".into()),
        transcript: vec![
            TranscriptLine {
                role: "shopper".into(),
                text: "Oi, vocês entregam no Brasil?".into(),
                at: 1_775_466_000_000,
            },
            TranscriptLine {
                role: "bot".into(),
                text: "Sim! Entregamos no Brasil em 8–15 dias úteis.".into(),
                at: 1_775_466_000_500,
            },
        ],
        away: Some(Away {
            reason: AwayReason::Holiday,
            opens_at: 1_775_552_400_000,
        }),
        ..minimal()
    }
}

fn samples() -> Vec<(&'static str, HandoffPayload)> {
    vec![
        ("minimal", minimal()),
        ("full", full()),
        (
            "contact with only an email, Japanese question",
            HandoffPayload {
                language: Language {
                    code: "ja".into(),
                    confidence: 1.0,
                    source: LanguageSource::Script,
                },
                urgency: UrgencyTag {
                    level: Urgency::High,
                    reasons: vec!["payment:charged_twice".into()],
                },
                topic: Topic::PaymentProblem,
                question: "二重に請求されました。返金してください。".into(),
                contact: Some(Contact {
                    email: Some("taro@example.jp".into()),
                    ..Contact::default()
                }),
                locale: Some("ja-JP".into()),
                ..minimal()
            },
        ),
        (
            "locale-decided, low urgency",
            HandoffPayload {
                language: Language {
                    code: "de".into(),
                    confidence: 0.6,
                    source: LanguageSource::Locale,
                },
                urgency: UrgencyTag {
                    level: Urgency::Low,
                    reasons: vec![],
                },
                topic: Topic::Newsletter,
                question: "ok".into(),
                country: Some("AT".into()),
                ..minimal()
            },
        ),
    ]
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_schema_is_valid_draft_2020_12() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::draft202012::meta::validate(&schema).expect("valid against the meta-schema");
    assert_eq!(schema["additionalProperties"], true);
}

#[test]
fn serialized_payloads_validate() {
    let validator = validator();
    for (name, payload) in samples() {
        let value = serde_json::to_value(&payload).expect("serializes");
        assert_eq!(errors(&validator, &value), Vec::<String>::new(), "{name}");
        // And they are what serde reads back.
        let back: HandoffPayload = serde_json::from_value(value).expect("deserializes");
        assert_eq!(back, payload, "{name}");
    }
}

#[test]
fn unknown_properties_are_accepted_for_forward_compatibility() {
    let validator = validator();
    let mut value = serde_json::to_value(full()).expect("serializes");
    value["priority_score"] = json!(3);
    value["language"]["script"] = json!("Latn");
    value["contact"]["phone"] = json!("+55 11 91234 5678");
    assert_eq!(errors(&validator, &value), Vec::<String>::new());
    serde_json::from_value::<HandoffPayload>(value).expect("serde ignores them too");
}

#[test]
fn broken_payloads_are_rejected() {
    let validator = validator();
    let base = serde_json::to_value(full()).expect("serializes");
    type Break = fn(&mut Value);
    // (name, change, serde rejects it too)
    let cases: Vec<(&str, Break, bool)> = vec![
        (
            "missing ticket",
            |v| drop(v.as_object_mut().map(|o| o.remove("ticket"))),
            true,
        ),
        (
            "missing language",
            |v| drop(v.as_object_mut().map(|o| o.remove("language"))),
            true,
        ),
        (
            "urgency level critical",
            |v| v["urgency"]["level"] = json!("critical"),
            true,
        ),
        (
            "urgency as a bare string",
            |v| v["urgency"] = json!("urgent"),
            true,
        ),
        (
            "created_at as a date string",
            |v| v["created_at"] = json!("2026-04-06T09:00:00Z"),
            true,
        ),
        ("reply_by as a float", |v| v["reply_by"] = json!(1.5), true),
        (
            "topic outside the taxonomy",
            |v| v["topic"] = json!("shipping"),
            true,
        ),
        (
            "language source unknown",
            |v| v["language"]["source"] = json!("guess"),
            true,
        ),
        ("question as a number", |v| v["question"] = json!(42), true),
        (
            "contact email as a list",
            |v| v["contact"]["email"] = json!(["a@b.co"]),
            true,
        ),
        // Stricter than serde: what v1 promises beyond the Rust types.
        ("version 2", |v| v["v"] = json!(2), false),
        (
            "confidence above 1",
            |v| v["language"]["confidence"] = json!(1.5),
            false,
        ),
        (
            "country of three letters",
            |v| v["country"] = json!("BRA"),
            false,
        ),
        (
            "site with a slash",
            |v| v["site"] = json!("demo/../x"),
            false,
        ),
    ];
    for (name, change, serde_rejects) in cases {
        let mut value = base.clone();
        change(&mut value);
        assert!(!validator.is_valid(&value), "schema accepted: {name}");
        assert_eq!(
            serde_json::from_value::<HandoffPayload>(value).is_err(),
            serde_rejects,
            "serde on: {name}"
        );
    }
}

fn names(values: &Value) -> BTreeSet<String> {
    values
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_str().expect("a string").to_string())
        .collect()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

#[test]
fn schema_names_match_the_rust_types() {
    let schema = schema();
    let defs = &schema["$defs"];
    let full = serde_json::to_value(full()).expect("serializes");
    let minimal = serde_json::to_value(minimal()).expect("serializes");

    // Every field serde writes is documented, and the required ones are those it always writes.
    assert_eq!(keys(&schema["properties"]), keys(&full));
    assert_eq!(names(&schema["required"]), keys(&minimal));
    assert_eq!(
        keys(&defs["language"]["properties"]),
        keys(&full["language"])
    );
    assert_eq!(keys(&defs["urgency"]["properties"]), keys(&full["urgency"]));
    assert_eq!(keys(&defs["contact"]["properties"]), keys(&full["contact"]));

    let topics: BTreeSet<String> = Topic::ALL.iter().map(|t| t.as_str().to_string()).collect();
    assert_eq!(names(&defs["topic"]["enum"]), topics);
    let levels: BTreeSet<String> = [
        Urgency::Low,
        Urgency::Normal,
        Urgency::High,
        Urgency::Urgent,
    ]
    .iter()
    .map(|u| u.as_str().to_string())
    .collect();
    assert_eq!(
        names(&defs["urgency"]["properties"]["level"]["enum"]),
        levels
    );
    let sources: BTreeSet<String> = [
        LanguageSource::Text,
        LanguageSource::Script,
        LanguageSource::Locale,
        LanguageSource::Conversation,
        LanguageSource::Default,
    ]
    .iter()
    .map(|s| {
        serde_json::to_value(s)
            .expect("ser")
            .as_str()
            .expect("str")
            .to_string()
    })
    .collect();
    assert_eq!(
        names(&defs["language"]["properties"]["source"]["enum"]),
        sources
    );
}

#[test]
fn every_property_is_described() {
    fn walk(path: &str, schema: &Value, missing: &mut Vec<String>) {
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                let here = format!("{path}.{name}");
                let described = prop.get("description").is_some() || prop.get("$ref").is_some();
                if !described {
                    missing.push(here.clone());
                }
                walk(&here, prop, missing);
            }
        }
    }
    let schema = schema();
    let mut missing = Vec::new();
    walk("", &schema, &mut missing);
    for (name, def) in schema["$defs"].as_object().expect("$defs") {
        if def.get("description").is_none() {
            missing.push(format!("$defs.{name}"));
        }
        walk(&format!("$defs.{name}"), def, &mut missing);
    }
    assert_eq!(missing, Vec::<String>::new());
}
