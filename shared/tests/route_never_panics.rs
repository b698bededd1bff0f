//! Property: `route` never panics and always returns a well-formed decision, whatever the
//! shopper types, with any locale, country or previous language, on the demo pack and on a
//! small pack that exercises sizes and shipping zones.

use ferry_shared::wire::{ChatRequest, Reply, WIRE_VERSION};
use ferry_shared::{CompiledSite, route};
use proptest::prelude::*;

const DEMO: &str = include_str!("../../edge/sites/demo.toml");

const SMALL: &str = r#"
[site]
id = "small"
name = "Small"
support_email = "help@small.example"
languages = ["en", "pt", "ja"]
fallback.ja = ["en"]
[handoff]
reply_within_hours = 24
urgent_reply_within_hours = 4
reply.en = "A person will reply."
urgent_reply.en = "We are sorry. A person will reply soon."
[facts]
[[facts.shipping]]
zone = "EU"
countries = ["DE", "FR"]
days = [3, 5]
cost = "€5"
carrier = "DHL"
duties = "DDP"
[[facts.shipping]]
zone = "World"
countries = ["*"]
days = [8, 15]
cost = "€15"
carrier = "Post"
duties = "DAP"
[facts.sizes]
women = [{ eu = 36, us = 6 }, { eu = 38, us = 8 }]
[[rule]]
id = "size"
topic = "sizing"
sizes = "women"
patterns.en = ['size']
answer.en = "US {size.us} is EU {size.eu}."
[[rule]]
id = "ship"
topic = "shipping.time"
when.duties = "DAP"
patterns.en = ['ship', '配送']
patterns.pt = ['frete']
answer.en = "{shipping.days} days to {country}."
answer.pt = "{shipping.days} dias para {country}."
"#;

/// Compiled once: the property is about routing, not loading.
static SITES: std::sync::LazyLock<Vec<CompiledSite>> = std::sync::LazyLock::new(|| {
    [DEMO, SMALL]
        .iter()
        .map(|toml| CompiledSite::from_toml(toml).expect("pack loads"))
        .collect()
});

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9 ?!.,'éüçãñ]{0,80}",
        "(size|ship|frete|us|eu|uk|[0-9]{1,2}|brazil|germany|ドイツ|配送|smoke|refund| ){0,12}",
        "\\PC{0,300}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn route_never_panics(
        text in text(),
        locale in proptest::option::of("[a-zA-Z]{2}(-[a-zA-Z0-9]{1,8}){0,2}"),
        country in proptest::option::of("[A-Za-z]{2}"),
        previous in proptest::option::of("[a-z]{2}"),
        now in any::<i32>(),
    ) {
        for site in SITES.iter() {
            let req = ChatRequest {
                v: WIRE_VERSION,
                site: site.id.clone(),
                conversation_id: "c".into(),
                client_message_id: "m".into(),
                text: text.clone(),
                page_url: None,
                locale: locale.clone(),
                time_zone: None,
                contact: None,
                country: country.clone(),
                previous_language: previous.clone(),
                context: None,
                turnstile_token: None,
            };
            let decision = route(site, &req, i64::from(now));
            // The tag is any language Ferry knows; the reply is in a site language, or, for
            // small talk the engine answers, in a language of its lexicons.
            prop_assert!(ferry_shared::lang::LangCode::parse(&decision.language.code).is_some());
            let reply = decision.reply_language();
            let small_talk = matches!(
                &decision.outcome,
                ferry_shared::Outcome::Answer { rule, .. } if rule.starts_with("smalltalk:")
            );
            prop_assert!(
                site.languages.contains(&reply)
                    || (small_talk && ferry_shared::lexicon::languages().any(|l| l == reply)),
                "reply in {reply}: {decision:?}"
            );
            prop_assert!((0.0..=1.0).contains(&decision.language.confidence));
            match decision.to_reply("FRY-TEST") {
                Reply::Answer(a) => {
                    let unfilled = a.text.contains(char::from(b'{'));
                    prop_assert!(!a.text.is_empty() && !unfilled, "empty or unfilled answer: {}", a.text);
                }
                Reply::Handoff(h) => prop_assert!(!h.text.is_empty() && h.reply_by >= i64::from(now)),
            }
        }
    }
}
