//! The router's rules, one `check` each, on a small site written for the rule (not the demo
//! pack): `check(site, message, expect![[...]])` routes the message and prints the decision
//! with its trace. Update the expectations with `UPDATE_EXPECT=1 cargo test --test
//! router_check` and read the diff. The rules are the ones the site file's header comment
//! (`edge/sites/demo.toml`) gives a support lead.

use expect_test::{Expect, expect};
use ferry_shared::wire::ChatRequest;
use ferry_shared::{CompiledSite, HandoffPlan, History, Outcome, route_in_conversation};

const NOW: i64 = 1_767_261_600_000; // 2026-01-01T10:00:00Z, a Thursday

/// A shop in English, Portuguese and Spanish (its Spanish falls back to Portuguese) with two shipping
/// zones; each test adds the rules it is about.
const BASE: &str = r#"
[site]
id = "check"
name = "Check Shop"
support_email = "help@check.example"
languages = ["en", "pt", "es"]
fallback.es = ["pt"]

[facts]
return_days = 30

[[facts.shipping]]
zone = "EU"
countries = ["DE", "PT"]
days = [2, 5]
cost = "€4.90"
carrier = "DHL"
duties = "DDP"

[[facts.shipping]]
zone = "World"
countries = ["*"]
days = [7, 14]
cost = "€19.90"
carrier = "DHL"
duties = "DAP"

[handoff]
reply_within_hours = 24
urgent_reply_within_hours = 2

[handoff.reply]
en = "A person will reply."
pt = "Uma pessoa vai responder."
"#;

fn request(text: &str, locale: Option<&str>, country: Option<&str>) -> ChatRequest {
    serde_json::from_value(serde_json::json!({
        "v": 1, "site": "check", "conversation_id": "c", "client_message_id": "m",
        "text": text, "locale": locale, "country": country,
    }))
    .expect("a valid ChatRequest")
}

fn site(rules: &str) -> CompiledSite {
    CompiledSite::from_toml(&format!("{BASE}\n{rules}"))
        .unwrap_or_else(|e| panic!("the test site does not load: {e}"))
}

/// The decision as a support lead reads it in `ferry try`.
fn show(req: &ChatRequest, site: &CompiledSite, history: &History) -> String {
    let d = route_in_conversation(site, req, history, NOW);
    let mut out = match &d.outcome {
        Outcome::Answer {
            rule,
            topic,
            text,
            language,
            fallback,
            ..
        } => format!(
            "answer {rule} ({topic}) in {language}{}: {text}\n",
            if *fallback { " (fallback)" } else { "" }
        ),
        Outcome::Handoff(HandoffPlan {
            rule,
            topic,
            text,
            language,
            ..
        }) => format!(
            "handoff ({topic}){} in {language}: {text}\n",
            rule.as_deref()
                .map(|r| format!(" after {r}"))
                .unwrap_or_default()
        ),
    };
    out.push_str(&format!(
        "urgency {} {:?} · language {}\n",
        d.urgency.level.as_str(),
        d.urgency.reasons,
        d.language.code
    ));
    let t = &d.trace;
    for (name, list) in [
        ("matched", &t.matched),
        ("vetoed", &t.vetoed),
        ("inapplicable", &t.inapplicable),
    ] {
        if !list.is_empty() {
            out.push_str(&format!("{name}: {}\n", list.join(", ")));
        }
    }
    if let Some(why) = &t.overridden_by {
        out.push_str(&format!("overridden by: {why}\n"));
    }
    out
}

fn check(rules: &str, message: &str, expect: Expect) {
    let site = site(rules);
    expect.assert_eq(&show(
        &request(message, None, None),
        &site,
        &History::default(),
    ));
}

fn check_from(rules: &str, message: &str, locale: &str, country: &str, expect: Expect) {
    let site = site(rules);
    let req = request(message, Some(locale), Some(country));
    expect.assert_eq(&show(&req, &site, &History::default()));
}

const SHIPPING: &str = r#"
[[rule]]
id = "ship-country"
topic = "shipping.time"
priority = 10
patterns.en = ['\bshipping\b']
patterns.pt = ['\bfrete\b', '\benvio\b']
answer.en = "To {country}: {shipping.days} business days."
answer.pt = "Para {country}: {shipping.days} dias úteis."

[[rule]]
id = "ship-general"
topic = "shipping.time"
patterns.en = ['\bshipping\b']
patterns.pt = ['\bfrete\b', '\benvio\b']
answer.en = "2 to 14 business days, depending on the country."
answer.pt = "De 2 a 14 dias úteis, conforme o país."
"#;

#[test]
fn folding_lower_cases_and_drops_accents_before_patterns_run() {
    check(
        SHIPPING,
        "QUANTO TEMPO DEMORA O ENVÍO?",
        expect![[r#"
            answer ship-general (shipping.time) in pt (fallback): De 2 a 14 dias úteis, conforme o país.
            urgency normal [] · language es
            matched: ship-country, ship-general
            inapplicable: ship-country
        "#]],
    );
}

#[test]
fn every_pattern_runs_whatever_the_language() {
    // A Portuguese pattern fires on an English message; the answer is in the shopper's
    // language all the same.
    check(
        SHIPPING,
        "what does envio cost",
        expect![[r#"
            answer ship-general (shipping.time) in en: 2 to 14 business days, depending on the country.
            urgency normal [] · language en
            matched: ship-country, ship-general
            inapplicable: ship-country
        "#]],
    );
}

#[test]
fn a_placeholder_without_a_value_passes_the_rule_to_its_general_sibling() {
    // No country in the message, the request or the locale: {shipping.days} cannot fill.
    check(
        SHIPPING,
        "how long does shipping take?",
        expect![[r#"
            answer ship-general (shipping.time) in en: 2 to 14 business days, depending on the country.
            urgency normal [] · language en
            matched: ship-country, ship-general
            inapplicable: ship-country
        "#]],
    );
    // With the country named, the specific rule (higher priority) answers.
    check(
        SHIPPING,
        "how long does shipping to germany take?",
        expect![[r#"
            answer ship-country (shipping.time) in en: To Germany: 2–5 business days.
            urgency normal [] · language en
            matched: ship-country, ship-general
        "#]],
    );
}

#[test]
fn the_country_comes_from_the_request_when_the_message_names_none() {
    check_from(
        SHIPPING,
        "quanto tempo demora o frete?",
        "pt-BR",
        "BR",
        expect![[r#"
            answer ship-country (shipping.time) in pt: Para Brasil: 7–14 dias úteis.
            urgency normal [] · language pt
            matched: ship-country, ship-general
        "#]],
    );
}

#[test]
fn when_zones_and_duties_choose_among_rules() {
    let rules = r#"
[[rule]]
id = "duties-included"
topic = "customs.duties"
priority = 10
when.duties = "DDP"
patterns.en = ['\bduties\b']
answer.en = "Duties to {country} are included."

[[rule]]
id = "duties-extra"
topic = "customs.duties"
priority = 10
when.duties = "DAP"
patterns.en = ['\bduties\b']
answer.en = "Duties to {country} are paid on delivery."

[[rule]]
id = "duties-general"
topic = "customs.duties"
patterns.en = ['\bduties\b']
answer.en = "It depends on the country."
"#;
    check(
        rules,
        "do I pay duties to portugal?",
        expect![[r#"
            answer duties-included (customs.duties) in en: Duties to Portugal are included.
            urgency normal [] · language en
            matched: duties-included, duties-extra, duties-general
        "#]],
    );
    check(
        rules,
        "do I pay duties to japan?",
        expect![[r#"
            answer duties-extra (customs.duties) in en: Duties to Japan are paid on delivery.
            urgency normal [] · language en
            matched: duties-included, duties-extra, duties-general
            inapplicable: duties-included
        "#]],
    );
}

#[test]
fn unless_vetoes_a_rule() {
    let rules = r#"
[[rule]]
id = "returns"
topic = "returns"
patterns.en = ['\breturn']
unless = ['\breturn(ing)? (flight|ticket)']
answer.en = "You have {returns.days} days to return an item."
"#;
    check(
        rules,
        "can I return the shoes?",
        expect![[r#"
            answer returns (returns) in en: You have 30 days to return an item.
            urgency normal [] · language en
            matched: returns
        "#]],
    );
    check(
        rules,
        "will it arrive before my return flight?",
        expect![[r#"
            handoff (other) in en: A person will reply.
            urgency normal [] · language en
            vetoed: returns
        "#]],
    );
}

#[test]
fn the_highest_priority_wins_and_a_tie_goes_to_the_earlier_rule() {
    let rules = r#"
[[rule]]
id = "first"
topic = "order.place"
patterns.en = ['\border\b']
answer.en = "First."

[[rule]]
id = "second"
topic = "order.place"
patterns.en = ['\border\b']
answer.en = "Second."

[[rule]]
id = "specific"
topic = "order.track"
priority = 5
patterns.en = ['\btrack']
answer.en = "Specific."
"#;
    check(
        rules,
        "about my order",
        expect![[r#"
            answer first (order.place) in en: First.
            urgency normal [] · language en
            matched: first, second
        "#]],
    );
    check(
        rules,
        "track my order",
        expect![[r#"
            answer specific (order.track) in en: Specific.
            urgency normal [] · language en
            matched: first, second, specific
        "#]],
    );
}

#[test]
fn the_reply_falls_back_along_the_chain_then_to_the_default_language() {
    // Spanish falls back to Portuguese (fallback.es); German has no chain: the default, en.
    check(
        SHIPPING,
        "cuanto tarda el envio a alemania",
        expect![[r#"
            answer ship-country (shipping.time) in pt (fallback): Para Alemanha: 2–5 dias úteis.
            urgency normal [] · language es
            matched: ship-country, ship-general
        "#]],
    );
    check(
        SHIPPING,
        "wie lange dauert shipping nach deutschland",
        expect![[r#"
            answer ship-country (shipping.time) in en (fallback): To Germany: 2–5 business days.
            urgency normal [] · language de
            matched: ship-country, ship-general
        "#]],
    );
}

#[test]
fn an_alarm_or_a_complaint_overrides_the_matched_answer() {
    check(
        SHIPPING,
        "the shipping box arrived crushed and the lamp is broken",
        expect![[r#"
            handoff (complaint) in en: A person will reply.
            urgency normal [] · language en
            matched: ship-country, ship-general
            inapplicable: ship-country
            overridden by: complaint (complaint:damaged)
        "#]],
    );
    check(
        SHIPPING,
        "shipping question: the charger you sent started smoking",
        expect![[r#"
            handoff (safety) in en: A person will reply.
            urgency urgent ["safety:smoke"] · language en
            matched: ship-country, ship-general
            inapplicable: ship-country
            overridden by: urgency urgent
        "#]],
    );
}

#[test]
fn then_handoff_answers_and_still_hands_off() {
    let rules = r#"
[[rule]]
id = "cancel"
topic = "order.cancel"
then = "handoff"
patterns.en = ['\bcancel']
answer.en = "Orders can be cancelled before dispatch."
"#;
    check(
        rules,
        "please cancel my order",
        expect![[r#"
            handoff (order.cancel) after cancel in en: Orders can be cancelled before dispatch.

            A person will reply.
            urgency normal [] · language en
            matched: cancel
        "#]],
    );
}

#[test]
fn no_rule_is_a_handoff_and_small_talk_is_answered() {
    check(
        SHIPPING,
        "do you sell gift cards",
        expect![[r#"
            handoff (other) in en: A person will reply.
            urgency normal [] · language en
        "#]],
    );
    let d = show(
        &request("obrigado!!", None, None),
        &site(SHIPPING),
        &History::default(),
    );
    assert!(d.starts_with("answer smalltalk:thanks"), "{d}");
}
