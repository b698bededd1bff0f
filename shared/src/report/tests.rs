//! The report's grouping, shares, examples and suggestions, with a made-up vocabulary lookup.

use super::*;
use crate::wire::{Answer, Handoff, Language, LanguageSource, UrgencyTag};

fn answered(language: &str, topic: Topic, text: &str, at: i64) -> Record {
    Record {
        language: language.into(),
        topic,
        text: text.into(),
        at,
        handled: Handled::Answered {
            rule: format!("rule-{topic}"),
        },
    }
}

fn handed_off(language: &str, topic: Topic, text: &str, at: i64) -> Record {
    Record {
        language: language.into(),
        topic,
        text: text.into(),
        at,
        handled: Handled::HandedOff {
            urgency: Urgency::Normal,
            reasons: Vec::new(),
        },
    }
}

fn urgent(language: &str, text: &str, at: i64) -> Record {
    Record {
        language: language.into(),
        topic: Topic::Safety,
        text: text.into(),
        at,
        handled: Handled::HandedOff {
            urgency: Urgency::Urgent,
            reasons: vec!["safety:smoke".into()],
        },
    }
}

/// A vocabulary lookup: each listed word (folded) is a vocabulary of its own name.
fn vocab(text: &str) -> Vec<String> {
    let known = ["gift", "wrap", "invoice", "company", "brazil", "shipping"];
    crate::normalize::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| known.contains(w))
        .map(str::to_string)
        .collect()
}

fn no_vocab(_: &str) -> Vec<String> {
    Vec::new()
}

#[test]
fn groups_by_language_and_topic_with_counts_and_shares() {
    let records = vec![
        answered("en", Topic::ShippingTime, "how long to Brazil?", 1),
        answered("en", Topic::ShippingTime, "delivery time?", 2),
        handed_off("en", Topic::Other, "can you gift wrap it?", 3),
        handed_off("en", Topic::Other, "do you offer gift wrap", 4),
        handed_off("en", Topic::Other, "Gift wrap for my order please", 5),
        handed_off("de", Topic::Other, "Rechnung auf Firma?", 6),
        answered("de", Topic::ShippingTime, "wie lange dauert der Versand", 7),
        urgent("en", "the charger is smoking", 8),
    ];
    let s = summarize(&records, &Options::default(), vocab);
    assert_eq!(
        (s.messages, s.answered, s.handed_off, s.by_design),
        (8, 3, 5, 1)
    );
    let share = |list: &[Share], name: &str| {
        list.iter()
            .find(|x| x.name == name)
            .map(|x| (x.messages, x.answered))
            .expect("listed")
    };
    assert_eq!(share(&s.by_topic, "shipping.time"), (3, 3));
    assert_eq!(share(&s.by_topic, "other"), (4, 0));
    assert_eq!(share(&s.by_topic, "safety"), (1, 0));
    assert_eq!(share(&s.by_language, "en"), (6, 2));
    assert_eq!(share(&s.by_language, "de"), (2, 1));
    assert_eq!(s.by_language[0].name, "en", "most messages first");
    assert!((s.by_language[1].share - 0.5).abs() < 1e-9);

    let keys: Vec<(&str, Topic, usize)> = s
        .groups
        .iter()
        .map(|g| (g.language.as_str(), g.topic, g.questions))
        .collect();
    assert_eq!(
        keys,
        [
            ("en", Topic::Other, 3),
            ("de", Topic::Other, 1),
            ("en", Topic::Safety, 1)
        ],
        "most open questions first; by design last"
    );
    assert_eq!(
        s.groups[0].suggestion,
        Suggestion::Rule {
            vocabularies: vec!["gift".into(), "wrap".into()],
            pattern: "{gift} .* {wrap}".into(),
            matches: 3,
            of: 3,
        }
    );
    assert_eq!(s.groups[2].suggestion, Suggestion::ByDesign);
    assert_eq!(s.groups[2].by_design, 1);
}

#[test]
fn the_skeleton_keeps_what_most_share_in_their_usual_order() {
    let records = vec![
        handed_off("en", Topic::Invoice, "invoice with my company name", 1),
        handed_off("en", Topic::Invoice, "an invoice for the company", 2),
        handed_off("en", Topic::Invoice, "company invoice please", 3),
        handed_off("en", Topic::Invoice, "invoice? shipping to brazil", 4),
        handed_off("en", Topic::Invoice, "I need an invoice", 5),
    ];
    let s = summarize(&records, &Options::default(), vocab);
    // invoice: 5 of 5; company: 3 of 5 (a majority); shipping, brazil: 1 of 5.
    assert_eq!(
        s.groups[0].suggestion,
        Suggestion::Rule {
            vocabularies: vec!["invoice".into(), "company".into()],
            pattern: "{invoice} .* {company}".into(),
            matches: 2,
            of: 5,
        },
        "invoice comes first in two of the three that have both"
    );
}

#[test]
fn half_is_not_most() {
    let records = vec![
        handed_off("en", Topic::Other, "gift please", 1),
        handed_off("en", Topic::Other, "something else entirely", 2),
    ];
    let s = summarize(&records, &Options::default(), vocab);
    let Suggestion::Words { words } = &s.groups[0].suggestion else {
        panic!("expected words, got {:?}", s.groups[0].suggestion);
    };
    let words: Vec<&str> = words.iter().map(|w| w.word.as_str()).collect();
    assert_eq!(words, ["gift", "something", "else", "entirely"]);
}

#[test]
fn without_vocabularies_the_most_frequent_content_words_show() {
    // Words of one question only are left out when some are shared.
    let records = vec![
        handed_off(
            "de",
            Topic::Other,
            "Kann ich die Rechnung auf meine Firma bekommen?",
            1,
        ),
        handed_off("de", Topic::Other, "Rechnung mit Firmenadresse bitte", 2),
        handed_off("de", Topic::Other, "Brauche eine Rechnung für die Firma", 3),
    ];
    let options = Options {
        examples: 2,
        words: 5,
    };
    let s = summarize(&records, &options, no_vocab);
    assert_eq!(
        s.groups[0].suggestion,
        Suggestion::Words {
            words: vec![
                WordCount {
                    word: "rechnung".into(),
                    questions: 3
                },
                WordCount {
                    word: "firma".into(),
                    questions: 2
                },
            ]
        }
    );
    assert_eq!(s.groups[0].examples.len(), 2);
}

#[test]
fn examples_are_distinct_and_the_most_repeated_come_first() {
    let records = vec![
        handed_off("en", Topic::Other, "gift wrap?", 1),
        handed_off("en", Topic::Other, "Do you sell vouchers", 2),
        handed_off("en", Topic::Other, "do you sell vouchers ", 3),
        handed_off("en", Topic::Other, "DO YOU SELL VOUCHERS", 4),
        handed_off("en", Topic::Other, "gift wrap?", 5),
        handed_off("en", Topic::Other, "loyalty points?", 6),
    ];
    let s = summarize(&records, &Options::default(), no_vocab);
    assert_eq!(
        s.groups[0].examples,
        ["Do you sell vouchers", "gift wrap?", "loyalty points?"]
    );
}

#[test]
fn by_design_needs_an_alarm_a_complaint_a_person_or_a_high_reason() {
    let mut r = handed_off("en", Topic::OrderTrack, "where is it", 1);
    assert!(!r.is_by_design());
    r.handled = Handled::HandedOff {
        urgency: Urgency::High,
        reasons: vec![REPEATED_CONTACT.into()],
    };
    assert!(!r.is_by_design(), "a second handoff is still a question");
    r.handled = Handled::HandedOff {
        urgency: Urgency::High,
        reasons: vec!["high:overdue".into()],
    };
    assert!(r.is_by_design());
    r.handled = Handled::HandedOff {
        urgency: Urgency::High,
        reasons: Vec::new(),
    };
    assert!(r.is_by_design(), "high with unknown reasons");
    for topic in BY_DESIGN_TOPICS {
        assert!(handed_off("en", topic, "x", 1).is_by_design(), "{topic}");
    }
    assert!(!answered("en", Topic::Human, "x", 1).is_by_design());
}

#[test]
fn records_come_from_stored_replies_and_payloads() {
    let answer = Reply::Answer(Answer {
        text: "5-8 days".into(),
        topic: Topic::ShippingTime,
        rule: "shipping-time".into(),
        language: "en".into(),
        shopper_language: "pt".into(),
        quick_replies: Vec::new(),
        links: Vec::new(),
    });
    let r = Record::from_reply("quanto tempo?", 7, &answer);
    assert_eq!(r.language, "pt", "the shopper's language, not the reply's");
    assert_eq!(
        r.handled,
        Handled::Answered {
            rule: "shipping-time".into()
        }
    );
    let handoff = Reply::Handoff(Handoff {
        ticket: "FRY-1".into(),
        text: "A person will reply".into(),
        language: "en".into(),
        shopper_language: String::new(),
        urgency: Urgency::Normal,
        topic: Topic::Other,
        reply_by: 0,
        away: None,
        ask_contact: false,
        ask_order_number: false,
    });
    let r = Record::from_reply("gift wrap?", 8, &handoff);
    assert_eq!((r.language.as_str(), r.topic), ("en", Topic::Other));
    assert!(!r.is_answered());

    let payload: HandoffPayload = HandoffPayload {
        v: 1,
        id: "h".into(),
        ticket: "FRY-2".into(),
        site: "demo".into(),
        conversation_id: "c".into(),
        created_at: 9,
        language: Language {
            code: "DE".into(),
            confidence: 0.9,
            source: LanguageSource::Text,
        },
        urgency: UrgencyTag {
            level: Urgency::Urgent,
            reasons: vec!["legal:lawyer".into()],
        },
        topic: Topic::Legal,
        question: "Mein Anwalt".into(),
        page_url: None,
        locale: None,
        time_zone: None,
        contact: None,
        reply_by: 0,
        country: None,
        transcript: Vec::new(),
        away: None,
    };
    let r = Record::from_payload(&payload);
    assert_eq!((r.language.as_str(), r.at), ("de", 9));
    assert!(r.is_by_design());
}

#[test]
fn content_words_drop_function_words_and_pair_unspaced_scripts() {
    assert_eq!(
        content_words("Can I get an INVOICE for my company, please?", "en"),
        ["invoice", "company"]
    );
    assert_eq!(
        content_words("Você envia para o Brasil? 2 unidades", "pt"),
        ["envia", "brasil", "unidades"]
    );
    assert_eq!(
        content_words("发票怎么开", "zh"),
        ["发票", "票怎", "怎么", "么开"]
    );
    assert_eq!(content_words("請求書がほしい", "ja"), ["請求", "求書"]);
    assert_eq!(
        content_words("ギフト包装はできますか", "ja"),
        ["ギフト", "包装"]
    );
    assert_eq!(
        content_words("영수증 발급 가능한가요", "ko"),
        ["영수증", "발급", "가능한가요"]
    );
}

#[test]
fn the_summary_serializes_for_json_output() {
    let records = vec![handed_off("en", Topic::Other, "gift wrap?", 1)];
    let s = summarize(&records, &Options::default(), vocab);
    let json = serde_json::to_value(&s).expect("serializes");
    assert_eq!(json["groups"][0]["suggestion"]["kind"], "rule");
    assert_eq!(
        json["groups"][0]["suggestion"]["pattern"],
        "{gift} .* {wrap}"
    );
    let back: Summary = serde_json::from_value(json).expect("deserializes");
    assert_eq!(back, s);
}

#[test]
fn nothing_in_nothing_out() {
    let s = summarize(&[], &Options::default(), vocab);
    assert_eq!((s.messages, s.groups.len(), s.by_topic.len()), (0, 0, 0));
}
