//! The demo shop's rule pack (`edge/sites/demo.toml`) against hundreds of hand-written shopper
//! messages in its ten languages: what kind of reply, which topic, which rule, which language.
//!
//! - `tests/fixtures/router_demo.tsv` holds the table (its header explains the columns); a
//!   failure lists every mismatching row, not just the first.
//! - Answers that quote facts (delivery days for the shopper's country, a converted size) are
//!   checked against values computed from the pack's own `[facts]`, so changing a price or a
//!   delivery time in the pack does not break the test.
//! - `route_never_panics` feeds generated input (mixed scripts, combining marks, regex
//!   metacharacters, odd locales) through the router.

use ferry_shared::facts::Zone;
use ferry_shared::lang::LangCode;
use ferry_shared::wire::ChatRequest;
use ferry_shared::{CompiledSite, Decision, HandoffPlan, Outcome, Topic, route};

const NOW: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn site() -> CompiledSite {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../edge/sites/demo.toml");
    let source = std::fs::read_to_string(path).expect("read edge/sites/demo.toml");
    CompiledSite::from_toml(&source).unwrap_or_else(|e| panic!("demo.toml does not load: {e}"))
}

/// A request as the widget sends it. Built from JSON so that fields added to the wire type
/// later (all optional) do not break this test.
fn request(text: &str, locale: Option<&str>, country: Option<&str>) -> ChatRequest {
    let mut value = serde_json::json!({
        "v": 1, "site": "demo", "conversation_id": "t", "client_message_id": "t", "text": text,
    });
    if let Some(locale) = locale {
        value["locale"] = locale.into();
    }
    if let Some(country) = country {
        value["country"] = country.into();
    }
    serde_json::from_value(value).expect("a valid ChatRequest")
}

fn ask(site: &CompiledSite, text: &str, locale: Option<&str>) -> Decision {
    route(site, &request(text, locale, None), NOW)
}

/// The rule whose text reached the shopper: an answer, or an answer followed by a handoff.
fn answering_rule(d: &Decision) -> Option<&str> {
    match &d.outcome {
        Outcome::Answer { rule, .. } => Some(rule),
        Outcome::Handoff(HandoffPlan { rule, .. }) => rule.as_deref(),
    }
}

fn describe(d: &Decision) -> String {
    let kind = if d.is_handoff() { "handoff" } else { "answer" };
    format!(
        "{kind} {} rule={} lang={} (detected {} from {:?}; matched {:?}, vetoed {:?}, inapplicable {:?}, override {:?})",
        d.topic(),
        answering_rule(d).unwrap_or("none"),
        d.reply_language(),
        d.language.code,
        d.language.source,
        d.trace.matched,
        d.trace.vetoed,
        d.trace.inapplicable,
        d.trace.overridden_by,
    )
}

struct Row {
    line: usize,
    kind: String,
    topic: String,
    rule: String,
    lang: String,
    locale: Option<String>,
    text: String,
}

fn fixture_rows() -> Vec<Row> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/router_demo.tsv"
    );
    let source = std::fs::read_to_string(path).expect("read tests/fixtures/router_demo.tsv");
    let mut rows = Vec::new();
    for (i, line) in source.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cols.len(),
            6,
            "router_demo.tsv line {}: want 6 tab-separated columns: {line:?}",
            i + 1
        );
        assert!(
            matches!(cols[0], "answer" | "handoff"),
            "line {}: kind must be answer or handoff",
            i + 1
        );
        assert!(
            cols[1] == "-" || Topic::parse(cols[1]).is_some(),
            "line {}: unknown topic {}",
            i + 1,
            cols[1]
        );
        assert!(
            LangCode::parse(cols[3]).is_some(),
            "line {}: unknown language {}",
            i + 1,
            cols[3]
        );
        rows.push(Row {
            line: i + 1,
            kind: cols[0].to_string(),
            topic: cols[1].to_string(),
            rule: cols[2].to_string(),
            lang: cols[3].to_string(),
            locale: (cols[4] != "-").then(|| cols[4].to_string()),
            text: cols[5].to_string(),
        });
    }
    rows
}

#[test]
fn fixture_table() {
    let site = site();
    let rows = fixture_rows();
    assert!(
        rows.len() >= 300,
        "the table should stay large: {} rows",
        rows.len()
    );
    let rule_ids: Vec<&str> = site.rule_ids().collect();
    let mut failures = Vec::new();
    let mut language_only = Vec::new();
    for row in &rows {
        // `smalltalk:<kind>`: answered by the engine, not by a rule of the file.
        if !matches!(row.rule.as_str(), "-" | "none") && !row.rule.starts_with("smalltalk:") {
            assert!(
                rule_ids.contains(&row.rule.as_str()),
                "line {}: no rule `{}` in demo.toml",
                row.line,
                row.rule
            );
        }
        let d = ask(&site, &row.text, row.locale.as_deref());
        let kind = if d.is_handoff() { "handoff" } else { "answer" };
        let rule = answering_rule(&d).unwrap_or("none");
        let mut wrong = Vec::new();
        if kind != row.kind {
            wrong.push("kind");
        }
        if row.topic != "-" && d.topic().as_str() != row.topic {
            wrong.push("topic");
        }
        if row.rule != "-" && rule != row.rule {
            wrong.push("rule");
        }
        let lang_wrong = d.reply_language().as_str() != row.lang;
        if !d.text().is_empty() && d.text().contains('{') {
            wrong.push("unfilled placeholder");
        }
        if wrong.is_empty() && !lang_wrong {
            continue;
        }
        let message = format!(
            "  line {:>3}: {:?}{}\n      want {} {} rule={} lang={}\n      got  {}",
            row.line,
            row.text,
            row.locale
                .as_deref()
                .map(|l| format!(" (locale {l})"))
                .unwrap_or_default(),
            row.kind,
            row.topic,
            row.rule,
            row.lang,
            describe(&d)
        );
        if wrong.is_empty() {
            language_only.push(message);
        } else {
            failures.push(format!("{} [{}]", message, wrong.join(", ")));
        }
    }
    let mut report = String::new();
    if !failures.is_empty() {
        report += &format!(
            "{} of {} rows routed wrongly:\n{}\n",
            failures.len(),
            rows.len(),
            failures.join("\n")
        );
    }
    // Routing (kind, topic, rule) must be exact. The reply language comes from a statistical
    // detector, like its accuracy targets: at most MAX_LANGUAGE_MISSES of the rows (most of
    // them short texts with no browser locale) may get another language. Every miss is listed.
    let language_misses = language_only.len() as f64 / rows.len() as f64;
    if !language_only.is_empty() {
        eprintln!(
            "{} of {} rows ({:.1}%) were right except for the reply language:\n{}",
            language_only.len(),
            rows.len(),
            language_misses * 100.0,
            language_only.join("\n")
        );
    }
    if language_misses > MAX_LANGUAGE_MISSES {
        report += &format!(
            "reply language wrong on {:.1}% of rows, over the {:.1}% allowed:\n{}\n",
            language_misses * 100.0,
            MAX_LANGUAGE_MISSES * 100.0,
            language_only.join("\n")
        );
    }
    assert!(report.is_empty(), "\n{report}");
}

/// Share of fixture rows whose reply language may differ from the label (see `fixture_table`).
const MAX_LANGUAGE_MISSES: f64 = 0.04;

/// Every answerable topic of the taxonomy has a rule with patterns and an answer in every
/// language of the site: `ferry check` shows a full row of ✓.
#[test]
fn coverage_is_complete() {
    let site = site();
    let unanswerable = [
        Topic::PaymentProblem,
        Topic::Complaint,
        Topic::Safety,
        Topic::Legal,
        Topic::Security,
        Topic::Other,
    ];
    let coverage = site.coverage();
    // Greetings, thanks and goodbyes are small talk the engine answers (the site only words
    // them, in `[smalltalk.*]`).
    for topic in Topic::ALL.into_iter().filter(|t| *t != Topic::Greeting) {
        let row = coverage.iter().find(|c| c.topic == topic);
        if unanswerable.contains(&topic) {
            assert!(
                row.is_none(),
                "{topic} must be left to the engine's handoff, not answered by a rule"
            );
            continue;
        }
        let row = row.unwrap_or_else(|| panic!("no rule answers {topic}"));
        let mut all = site.languages.clone();
        all.sort();
        assert_eq!(row.patterns, all, "{topic}: patterns");
        assert_eq!(row.answers, all, "{topic}: answers");
    }
}

fn zone<'s>(site: &'s CompiledSite, country: &str) -> &'s Zone {
    site.facts
        .zone_of(country)
        .unwrap_or_else(|| panic!("no shipping zone for {country}"))
}

/// The days as the answer shows them: "10–20".
fn days(zone: &Zone) -> String {
    let (lo, hi) = zone.days;
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}–{hi}")
    }
}

#[test]
fn country_answers_quote_that_countrys_facts() {
    let site = site();
    // (message, locale, the country it is about, rule)
    let cases: &[(&str, Option<&str>, &str, &str)] = &[
        (
            "envio pro brasil quanto tempo",
            None,
            "BR",
            "shipping-time-country",
        ),
        (
            "quanto tempo demora a entrega para o Brasil?",
            Some("pt-BR"),
            "BR",
            "shipping-time-country",
        ),
        (
            "qnto tempo pro brasil",
            Some("pt-BR"),
            "BR",
            "shipping-time-country",
        ),
        (
            "how long does shipping to Germany take?",
            None,
            "DE",
            "shipping-time-country",
        ),
        (
            "how long will shipping take",
            Some("en-AU"),
            "AU",
            "shipping-time-country",
        ),
        (
            "cuanto tarda el envio a mexico?",
            None,
            "MX",
            "shipping-time-country",
        ),
        (
            "wie lange dauert der versand nach österreich?",
            None,
            "AT",
            "shipping-time-country",
        ),
        (
            "quanto ci mette la spedizione in italia?",
            None,
            "IT",
            "shipping-time-country",
        ),
        (
            "сколько идет доставка в россию?",
            None,
            "RU",
            "shipping-time-country",
        ),
        ("寄到德国要多久?", None, "DE", "shipping-time-country"),
        (
            "日本への配送は何日かかりますか?",
            None,
            "JP",
            "shipping-time-country",
        ),
        (
            "كم يستغرق الشحن إلى السعودية؟",
            None,
            "SA",
            "shipping-time-country",
        ),
        (
            "do you ship to Japan?",
            None,
            "JP",
            "shipping-countries-country",
        ),
        (
            "Do u deliver to New Zealand",
            None,
            "NZ",
            "shipping-countries-country",
        ),
    ];
    let mut failures = Vec::new();
    for (text, locale, country, rule) in cases {
        let d = ask(&site, text, *locale);
        let want = days(zone(&site, country));
        if answering_rule(&d) != Some(*rule) || !d.text().contains(&want) {
            failures.push(format!(
                "{text:?}: want rule {rule} quoting {want} days for {country}; got {}\n    {}",
                describe(&d),
                d.text()
            ));
        }
    }
    for (text, locale, country) in [
        ("how much is shipping to the UK?", None, "GB"),
        ("qual o valor do frete?", Some("pt-BR"), "BR"),
        ("versandkosten in die schweiz?", None, "CH"),
        ("寄到美国运费多少?", None, "US"),
    ] {
        let d = ask(&site, text, locale);
        let z = zone(&site, country);
        let free = z.free_over.clone().unwrap_or_default();
        if answering_rule(&d) != Some("shipping-cost-country")
            || !d.text().contains(&z.cost)
            || !d.text().contains(&free)
        {
            failures.push(format!(
                "{text:?}: want {} and free over {free} for {country}; got {}\n    {}",
                z.cost,
                describe(&d),
                d.text()
            ));
        }
    }
    for (text, locale, country) in [
        ("aceitam pix?", Some("pt-BR"), "BR"),
        ("kann ich auf rechnung zahlen?", Some("de-DE"), "DE"),
        ("puedo pagar con oxxo en mexico?", None, "MX"),
        (
            "quels moyens de paiement acceptez-vous ?",
            Some("fr-BE"),
            "BE",
        ),
        ("do you take apple pay?", Some("en-US"), "US"),
    ] {
        let d = ask(&site, text, locale);
        let methods = site
            .facts
            .payment
            .get(country)
            .or_else(|| site.facts.payment.get("*"))
            .expect("payment facts")
            .join(", ");
        if answering_rule(&d) != Some("payment-methods-country") || !d.text().contains(&methods) {
            failures.push(format!(
                "{text:?}: want the methods for {country} ({methods}); got {}\n    {}",
                describe(&d),
                d.text()
            ));
        }
    }
    // Duties: the rule follows the zone's policy.
    for (text, locale, country) in [
        ("Sind Zollgebühren im Preis enthalten?", Some("de-DE"), "DE"),
        ("will I have to pay customs duties in the US?", None, "US"),
        (
            "vou ter que pagar imposto de importação?",
            Some("pt-BR"),
            "BR",
        ),
        ("关税はかかりますか?", Some("ja-JP"), "JP"),
    ] {
        let d = ask(&site, text, locale);
        let want = match zone(&site, country).duties {
            ferry_shared::facts::Duties::Ddp => "customs-ddp",
            ferry_shared::facts::Duties::Dap => "customs-dap",
        };
        if answering_rule(&d) != Some(want) {
            failures.push(format!(
                "{text:?}: want {want} for {country}; got {}",
                describe(&d)
            ));
        }
    }
    // The request's own country (set by the edge from the visitor's location) counts too.
    let d = route(
        &site,
        &request("how long does delivery take?", None, Some("BR")),
        NOW,
    );
    if answering_rule(&d) != Some("shipping-time-country")
        || !d.text().contains(&days(zone(&site, "BR")))
    {
        failures.push(format!("request country BR: got {}", describe(&d)));
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The row of a size table where `system` has `value`, and the value of `want` in it.
fn convert(site: &CompiledSite, table: &str, system: &str, value: &str, want: &str) -> String {
    let table = site
        .facts
        .sizes
        .get(table)
        .unwrap_or_else(|| panic!("no size table {table}"));
    let row = table
        .rows
        .iter()
        .find(|r| r.get(system).is_some_and(|v| v == value))
        .unwrap_or_else(|| panic!("no {system} {value} row"));
    row.get(want)
        .cloned()
        .unwrap_or_else(|| panic!("no {want} column"))
}

#[test]
fn size_conversions_come_from_the_tables() {
    let site = site();
    // The example everyone knows: US 8 is EU 38 in women's clothing.
    let d = ask(&site, "I'm a US 8, which EU size?", None);
    assert_eq!(answering_rule(&d), Some("sizing-women"), "{}", describe(&d));
    assert!(d.text().contains("EU 38"), "{}", d.text());

    // (message, table, system named, value named, rule)
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "what size is UK 12 in EU?",
            "women",
            "uk",
            "12",
            "sizing-women",
        ),
        (
            "ich trage UK 10, welche Größe ist das in EU?",
            "women",
            "uk",
            "10",
            "sizing-women",
        ),
        (
            "visto BR 40, qual tamanho europeu?",
            "women",
            "br",
            "40",
            "sizing-women",
        ),
        (
            "je fais du 40 FR, quelle taille prendre ?",
            "women",
            "fr",
            "40",
            "sizing-women",
        ),
        (
            "porto la 42 IT, che taglia devo prendere?",
            "women",
            "it",
            "42",
            "sizing-women",
        ),
        (
            "я ношу US 8, какой это размер в EU?",
            "women",
            "us",
            "8",
            "sizing-women",
        ),
        (
            "مقاسي US 8 كم يعادل بالأوروبي؟",
            "women",
            "us",
            "8",
            "sizing-women",
        ),
        (
            "I wear US 40 in jackets, what's that in eu",
            "men",
            "us",
            "40",
            "sizing-men",
        ),
        (
            "I'm EU 42 in sneakers, what's the US size?",
            "shoes",
            "eu",
            "42",
            "sizing-shoes",
        ),
        (
            "Schuhgröße 42 EU, was ist das in US?",
            "shoes",
            "eu",
            "42",
            "sizing-shoes",
        ),
        (
            "靴のサイズ、EU 42 は日本サイズで何センチ?",
            "shoes",
            "eu",
            "42",
            "sizing-shoes",
        ),
    ];
    let mut failures = Vec::new();
    for (text, table, system, value, rule) in cases {
        let d = ask(&site, text, None);
        let eu = convert(&site, table, system, value, "eu");
        let us = convert(&site, table, system, value, "us");
        let uk = convert(&site, table, system, value, "uk");
        // The men's answer shows US and UK together ("US/UK chest 40").
        let quoted = if *table == "men" {
            vec![format!("EU {eu}"), format!("US/UK chest {us}")]
        } else {
            vec![format!("EU {eu}"), us, format!("UK {uk}")]
        };
        if answering_rule(&d) != Some(*rule)
            || !quoted.iter().all(|q| d.text().contains(q.as_str()))
        {
            failures.push(format!(
                "{text:?}: want {rule} quoting {quoted:?}; got {}\n    {}",
                describe(&d),
                d.text()
            ));
        }
    }
    // A size that is in no table: the general size guide, not a wrong conversion.
    for text in ["I'm a US 31, which EU size?", "which size is EU 99?"] {
        let d = ask(&site, text, None);
        if answering_rule(&d) != Some("sizing") {
            failures.push(format!(
                "{text:?}: want the general sizing answer; got {}",
                describe(&d)
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The three requests other tests (the Worker's, the end-to-end one) rely on.
#[test]
fn messages_other_tests_depend_on() {
    let site = site();
    for (text, locale, lang) in [
        ("how long does shipping to Germany take?", None, "en"),
        (
            "quanto tempo demora a entrega para o Brasil?",
            Some("pt-BR"),
            "pt",
        ),
        ("Sind Zollgebühren im Preis enthalten?", Some("de-DE"), "de"),
    ] {
        let d = ask(&site, text, locale);
        assert!(
            matches!(d.outcome, Outcome::Answer { .. }),
            "{text}: {}",
            describe(&d)
        );
        assert_eq!(d.reply_language().as_str(), lang, "{text}");
    }
    let d = ask(&site, "how long does shipping to Germany take?", None);
    assert_eq!(d.topic(), Topic::ShippingTime);
    // The end-to-end test sends this and expects a ticket, i.e. a handoff.
    let d = ask(
        &site,
        "Could we stock your linen shirts in our shop in Porto? We would need 300 pieces.",
        Some("en-US"),
    );
    assert!(d.is_handoff(), "{}", describe(&d));
}

/// Safety reports get the safety-intake text in the shopper's language, with a 24-hour promise.
#[test]
fn safety_intake_reply() {
    let site = site();
    for (text, lang) in [
        ("the power bank started smoking while charging", "en"),
        ("o carregador pegou fogo", "pt"),
        ("el cargador hizo humo y se quemó", "es"),
        ("充电宝冒烟了", "zh"),
    ] {
        let d = ask(&site, text, None);
        assert!(d.is_handoff(), "{text}: {}", describe(&d));
        assert_eq!(d.topic(), Topic::Safety, "{text}");
        assert_eq!(
            d.reply_language().as_str(),
            lang,
            "{text}: {}",
            describe(&d)
        );
        assert!(
            d.text().contains("24"),
            "{text}: the intake promises a reply within 24 hours: {}",
            d.text()
        );
    }
}

/// A small deterministic generator (xorshift64*), so that the property test needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Characters that have tripped text handling before: scripts, combining marks, width forms,
/// RTL and zero-width marks, regex metacharacters, emoji, control characters.
const PIECES: &[&str] = &[
    "a",
    "Z",
    "é",
    "e\u{301}",
    "ß",
    "İ",
    "ı",
    "ñ",
    "ø",
    "ж",
    "Ё",
    "й",
    "中",
    "码",
    "ｻ",
    "ﾞ",
    "が",
    "ガ",
    "ث",
    "\u{64b}",
    "أ",
    "\u{200f}",
    "\u{200b}",
    "\u{feff}",
    "ﬁ",
    "①",
    "Ⅻ",
    "🙂",
    "👩🏽‍💻",
    "\u{0}",
    "\t",
    "\n",
    " ",
    "  ",
    ".",
    "*",
    "\\",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "{{",
    "}}",
    "$",
    "^",
    "|",
    "?",
    "+",
    "0",
    "9",
    "8.5",
    "US",
    "eu",
    "ＵＳ ８",
    "\u{fffd}",
];
/// Words that make rules fire, so generated messages also reach answers and vetoes.
const WORDS: &[&str] = &[
    "how long",
    "shipping",
    "to Brazil",
    "pra",
    "germany",
    "duties",
    "zoll",
    "размер",
    "US 8",
    "EU 42",
    "shoes",
    "men",
    "refund",
    "return",
    "cancel my order",
    "where is my order",
    "password",
    "newsletter",
    "wholesale",
    "300 pieces",
    "human",
    "hi",
    "smoke",
    "lawyer",
    "crushed",
    "多久",
    "送料",
    "كم",
    "{country}",
    "{shipping.days}",
    "quanto tempo",
    "frete",
    "talla",
    "taille",
    "größe",
    "taglia",
];
const LOCALES: &[&str] = &[
    "",
    "pt-BR",
    "de-DE",
    "en",
    "zz-ZZ",
    "-",
    "_",
    "ja_JP",
    "ar-SA",
    "x",
    "pt-",
    "-BR",
    "EN-us",
    "zh-Hant-TW",
    "ñ-Ñ",
];

#[test]
fn route_never_panics() {
    let site = site();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let cases = 250;
    for case in 0..cases {
        let mut text = String::new();
        for _ in 0..rng.below(24) {
            if rng.below(3) == 0 {
                text.push_str(rng.pick(WORDS));
                text.push(' ');
            } else {
                text.push_str(rng.pick(PIECES));
            }
        }
        if case % 50 == 0 {
            // Long messages too.
            text = text.repeat(40);
        }
        let locale = rng.pick(LOCALES);
        let country = ["", "BR", "br", "XX", "ZZZ", "DE"][rng.below(6)];
        let req = request(
            &text,
            (!locale.is_empty()).then_some(locale),
            (!country.is_empty()).then_some(country),
        );
        let d = route(&site, &req, NOW);
        assert!(
            site.languages.contains(&d.reply_language()),
            "{text:?}: reply in {}",
            d.reply_language()
        );
        assert!(!d.text().is_empty(), "{text:?}: empty reply");
        match &d.outcome {
            Outcome::Answer { rule, .. } => assert!(
                site.rule_ids().any(|r| r == rule),
                "{text:?}: unknown rule {rule}"
            ),
            Outcome::Handoff(HandoffPlan { reply_by, .. }) => {
                assert!(*reply_by > NOW, "{text:?}: reply_by in the past")
            }
        }
    }
}
