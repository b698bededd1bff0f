//! Every load error a support lead can hit names the line, the column, the rule and what to
//! fix. Each case breaks one thing in a small valid site file and checks where the loader
//! points: the expected line and column are found by searching the broken file for the
//! offending text, not written down by hand.

use ferry_shared::{CompiledSite, LoadError};

const VALID: &str = r#"
[site]
id = "shop"
name = "Shop"
support_email = "help@shop.example"
languages = ["en", "pt"]

[handoff]
reply_within_hours = 24
urgent_reply_within_hours = 4
reply.en = "A person will reply."

[facts]
return_days = 30

[[facts.shipping]]
zone = "EU"
countries = ["DE", "FR"]
days = [3, 5]
cost = "€5"
carrier = "DHL"
duties = "DDP"

[facts.sizes]
women = [{ eu = 36, us = 6 }, { eu = 38, us = 8 }]

[[rule]]
id = "shipping-time"
topic = "shipping.time"
patterns.en = ['how long.*ship']
patterns.pt = ['quanto tempo']
answer.en = "Delivery to {country} takes {shipping.days} business days."

[[rule]]
id = "returns"
topic = "returns"
patterns.en = ['return']
answer.en = "You have {returns.days} days."
"#;

/// Replaces `from` (which must occur once) and loads the result.
fn broken(from: &str, to: &str) -> (String, LoadError) {
    assert_eq!(
        VALID.matches(from).count(),
        1,
        "fixture text `{from}` must occur once"
    );
    let text = VALID.replace(from, to);
    let err = CompiledSite::from_toml(&text).expect_err("the broken file must not load");
    (text, err)
}

/// 1-based line and column of the first occurrence of `needle`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let offset = text.find(needle).expect("needle in text");
    let before = &text[..offset];
    (
        before.matches('\n').count() + 1,
        before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
    )
}

fn assert_at(text: &str, err: &LoadError, needle: &str, rule: Option<&str>, message: &str) {
    let (line, column) = position(text, needle);
    assert_eq!((err.line, err.rule.as_deref()), (line, rule), "{err}");
    // The span may start at the quote or just inside it.
    assert!(
        err.column == column || err.column == column + 1,
        "column {} vs {column}: {err}",
        err.column
    );
    assert!(
        err.message.contains(message),
        "`{}` does not mention `{message}`",
        err.message
    );
}

#[test]
fn the_valid_fixture_loads() {
    let site = CompiledSite::from_toml(VALID).expect("valid");
    assert_eq!(
        site.rule_ids().collect::<Vec<_>>(),
        ["shipping-time", "returns"]
    );
}

#[test]
fn unknown_placeholder() {
    let (text, err) = broken(
        "You have {returns.days} days.",
        "You have {return.days} days.",
    );
    assert_at(
        &text,
        &err,
        "\"You have {return.days}",
        Some("returns"),
        "unknown placeholder `{return.days}`",
    );
    assert!(
        err.message.contains("shipping.days"),
        "lists the known placeholders: {err}"
    );
}

#[test]
fn placeholder_without_the_facts_it_needs() {
    let (text, err) = broken("return_days = 30\n", "");
    assert_at(
        &text,
        &err,
        "\"You have {returns",
        Some("returns"),
        "needs return_days in [facts]",
    );
}

#[test]
fn regex_that_does_not_compile() {
    let (text, err) = broken("['quanto tempo']", "['quanto (tempo']");
    assert_at(
        &text,
        &err,
        "'quanto (tempo'",
        Some("shipping-time"),
        "pattern does not compile",
    );
}

#[test]
fn regex_that_is_too_big() {
    let (text, err) = broken("['return']", "['(\\w{1,9}){1,9}\\w{500}']");
    assert_at(&text, &err, "'(\\w{1,9})", Some("returns"), "too big");
}

#[test]
fn duplicate_rule_id() {
    let (text, err) = broken("id = \"returns\"", "id = \"shipping-time\"");
    let second = text.rfind("id = \"shipping-time\"").expect("second id");
    let (line, _) = position(&text[second..], "id");
    let line = text[..second].matches('\n').count() + line;
    assert_eq!(
        (err.line, err.rule.as_deref()),
        (line, Some("shipping-time")),
        "{err}"
    );
    assert!(err.message.contains("duplicate rule id"), "{err}");
}

#[test]
fn unknown_topic() {
    let (text, err) = broken("topic = \"returns\"", "topic = \"retruns\"");
    assert_at(
        &text,
        &err,
        "\"retruns\"",
        Some("returns"),
        "unknown topic `retruns`",
    );
    assert!(
        err.message.contains("shipping.time"),
        "lists the topics: {err}"
    );
}

#[test]
fn unknown_language_code() {
    let (text, err) = broken(
        "patterns.pt = ['quanto tempo']",
        "patterns.px = ['quanto tempo']",
    );
    assert_at(
        &text,
        &err,
        "px",
        Some("shipping-time"),
        "unknown language code `px`",
    );
}

#[test]
fn language_not_offered_by_the_site() {
    let (text, err) = broken(
        "patterns.pt = ['quanto tempo']",
        "patterns.de = ['wie lange']",
    );
    assert_at(
        &text,
        &err,
        "de =",
        Some("shipping-time"),
        "not in [site] languages",
    );
}

#[test]
fn unknown_key_and_toml_syntax() {
    let (text, err) = broken("answer.en = \"You have", "anwser.en = \"You have");
    assert_eq!(err.line, position(&text, "anwser").0, "{err}");
    assert!(err.message.contains("anwser"), "{err}");
    let (text, err) = broken("cost = \"€5\"", "cost = \"€5");
    assert_eq!(err.line, position(&text, "cost = \"€5").0, "{err}");
}

#[test]
fn facts_errors() {
    let (_, err) = broken("duties = \"DDP\"", "duties = \"DDU\"");
    assert!(
        err.message.contains("DDP") && err.message.contains("DDU"),
        "{err}"
    );
    let (_, err) = broken(
        "countries = [\"DE\", \"FR\"]",
        "countries = [\"DE\", \"XX\"]",
    );
    assert!(err.message.contains("unknown country code `XX`"), "{err}");
    let (_, err) = broken("days = [3, 5]", "days = [5, 3]");
    assert!(err.message.contains("[min, max]"), "{err}");
}

#[test]
fn size_placeholder_needs_a_table() {
    let (text, err) = broken("You have {returns.days} days.", "You are a {size.eu}.");
    assert_at(
        &text,
        &err,
        "\"You are",
        Some("returns"),
        "needs the rule to name a size table",
    );
}

#[test]
fn answer_missing_in_the_default_language() {
    let (text, err) = broken(
        "answer.en = \"You have {returns.days} days.\"",
        "answer.pt = \"Você tem {returns.days} dias.\"",
    );
    assert_at(
        &text,
        &err,
        "\"returns\"",
        Some("returns"),
        "default language `en`",
    );
}

#[test]
fn inline_link_that_is_not_https() {
    let (text, err) = broken(
        "You have {returns.days} days.",
        // After TOML escapes, so the column is found in the file, not in the decoded text.
        "You have {returns.days} days: **free**.\\n\\n- See [the policy](http://shop.example/returns).",
    );
    assert_at(
        &text,
        &err,
        "http://shop.example/returns",
        Some("returns"),
        "must point to an https:// URL",
    );
    // A placeholder other than a facts link is not a URL either.
    let (text, err) = broken(
        "You have {returns.days} days.",
        "You have {returns.days} days. [Write to us]({support.email})",
    );
    assert_at(
        &text,
        &err,
        "{support.email}",
        Some("returns"),
        "[Write to us]({support.email})",
    );
    // https links and facts links load.
    let ok = VALID.replace(
        "You have {returns.days} days.",
        "You have {returns.days} days.\\n\\n1. Open [your orders](https://shop.example/orders).\\n2. Pick the item.",
    );
    let site = CompiledSite::from_toml(&ok).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(site.widget_config().link_hosts, ["shop.example"]);
}

#[test]
fn link_host_that_is_not_a_host_name() {
    let (text, err) = broken(
        "[handoff]",
        "[widget]\nlink_hosts = [\"shop.example\", \"https://help.shop.example/faq\"]\n\n[handoff]",
    );
    assert_at(
        &text,
        &err,
        "\"https://help.shop.example/faq\"",
        None,
        "write the host name only",
    );
}

#[test]
fn every_broken_rule_is_reported_in_one_run() {
    let text = VALID
        .replace("['how long.*ship']", "['how long.*(ship']")
        .replace("{returns.days}", "{return.days}");
    let err = CompiledSite::from_toml(&text).expect_err("two broken rules");
    let all: Vec<&LoadError> = err.all().collect();
    assert_eq!(all.len(), 2, "{err}");
    assert_at(
        &text,
        all[0],
        "'how long.*(ship'",
        Some("shipping-time"),
        "pattern",
    );
    assert_at(
        &text,
        all[1],
        "\"You have {return.days}",
        Some("returns"),
        "placeholder",
    );
    // One line each, in file order, as `ferry check` prints them.
    let shown = err.to_string();
    assert_eq!(shown.lines().count(), 2, "{shown}");
    assert!(
        shown
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("rule `returns`")),
        "{shown}"
    );
}

#[test]
fn mistakes_in_sections_and_rules_are_reported_together_in_file_order() {
    let text = VALID
        .replace(
            "languages = [\"en\", \"pt\"]",
            "languages = [\"en\", \"pt\"]\norigins = [\"https://shop.example/path\"]",
        )
        .replace(
            "reply_within_hours = 24",
            "reply_within_hours = 24\ncontact_wait_minutes = 9999",
        )
        .replace("{returns.days}", "{return.days}");
    let err = CompiledSite::from_toml(&text).expect_err("three mistakes");
    let all: Vec<&LoadError> = err.all().collect();
    assert_eq!(all.len(), 3, "{err}");
    assert_at(
        &text,
        all[0],
        "\"https://shop.example/path\"",
        None,
        "not an origin",
    );
    assert_at(&text, all[1], "9999", None, "contact_wait_minutes");
    assert_at(
        &text,
        all[2],
        "\"You have {return.days}",
        Some("returns"),
        "placeholder",
    );
}

#[test]
fn skeleton_with_an_unknown_concept() {
    let (text, err) = broken(
        "patterns.en = ['return']\n",
        "skeletons = ['{return} {days_left}']\n",
    );
    assert_at(
        &text,
        &err,
        "'{return} {days_left}'",
        Some("returns"),
        "unknown concept `days_left`",
    );
    assert!(
        err.message.contains("[vocab.days_left]"),
        "says how to define it: {err}"
    );
}

#[test]
fn vocabulary_term_that_does_not_parse() {
    let (text, err) = broken(
        "[facts]\n",
        "[vocab.gift]\nen = ['gift wrap', '.. wrap']\n\n[facts]\n",
    );
    assert_at(&text, &err, "'.. wrap'", None, "[vocab.gift] en");
}

#[test]
fn a_rule_of_skeletons_alone_loads_and_answers() {
    let text = VALID
        .replace(
            "patterns.en = ['return']\n",
            "skeletons = ['{return} {how_long}', '{gift}']\n",
        )
        .replace(
            "[facts]\n",
            "[vocab.gift]\nen = ['gift wrap*']\npt = ['embrulho']\n\n[facts]\n",
        );
    let site = CompiledSite::from_toml(&text).unwrap_or_else(|e| panic!("{e}"));
    let gaps = site.vocabulary_gaps();
    assert!(gaps.rules.is_empty(), "en and pt covered: {gaps:?}");
    assert!(gaps.concepts.is_empty(), "{gaps:?}");
}
