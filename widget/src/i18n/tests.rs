//! Every table is complete, translated and keeps its placeholders; the lookups and the
//! plural rules.

use super::*;

/// Every table with its code.
const ALL: [(&str, &Ui); 13] = TABLES;

const COUNTS: [usize; 7] = [1, 2, 3, 5, 11, 21, 100];

/// Every text of a table, the `fn` fields called with sample arguments. The pattern is
/// exhaustive: a new field does not compile until it is listed here.
fn texts(table: &Ui) -> Vec<(&'static str, String)> {
    let Ui {
        title,
        close,
        log,
        suggestions,
        input_label,
        placeholder,
        send,
        retry,
        loading,
        unavailable,
        not_sent,
        busy,
        refused,
        refused_long,
        too_long,
        ticket,
        reply_by,
        open_chat,
        unread,
        online,
        away,
        replies_within,
        back_at,
        contact_prompt,
        email_label,
        email_invalid,
        order_label,
        order_invalid,
        contact_submit,
        contact_saved,
        queued,
        retrying,
        check,
        no_person,
        try_after,
        write_to,
    } = *table;
    let mut texts: Vec<(&str, String)> = [
        ("title", title),
        ("close", close),
        ("log", log),
        ("suggestions", suggestions),
        ("input_label", input_label),
        ("placeholder", placeholder),
        ("send", send),
        ("retry", retry),
        ("loading", loading),
        ("unavailable", unavailable),
        ("not_sent", not_sent),
        ("busy", busy),
        ("refused", refused),
        ("refused_long", refused_long),
        ("ticket", ticket),
        ("reply_by", reply_by),
        ("open_chat", open_chat),
        ("online", online),
        ("away", away),
        ("contact_prompt", contact_prompt),
        ("email_label", email_label),
        ("email_invalid", email_invalid),
        ("order_label", order_label),
        ("order_invalid", order_invalid),
        ("contact_submit", contact_submit),
        ("contact_saved", contact_saved),
        ("queued", queued),
        ("check", check),
        ("no_person", no_person),
        ("try_after", try_after),
        ("write_to", write_to),
    ]
    .into_iter()
    .map(|(name, text)| (name, text.to_owned()))
    .collect();
    texts.push(("too_long", too_long(2345, 2000)));
    texts.push(("back_at", back_at("X")));
    for n in COUNTS {
        texts.push(("unread", unread(n)));
        texts.push(("replies_within", replies_within(n as u32)));
        texts.push(("retrying", retrying(n as u32)));
    }
    texts
}

#[test]
fn every_table_states_both_numbers() {
    for (code, table) in ALL {
        let text = (table.too_long)(2345, 2000);
        assert!(
            text.contains("2345") && text.contains("2000"),
            "{code}: {text}"
        );
    }
}

#[test]
fn counts_contain_the_number() {
    for (code, table) in ALL {
        for n in COUNTS {
            // "1 new message" may be "one new message", "within 1 hour" "within an hour".
            let unread = (table.unread)(n);
            assert!(
                n == 1 || unread.contains(&n.to_string()),
                "{code}: {unread}"
            );
            let n = n as u32;
            let within = (table.replies_within)(n);
            assert!(
                n == 1 || within.contains(&n.to_string()),
                "{code}: {within}"
            );
            let retrying = (table.retrying)(n);
            assert!(retrying.contains(&n.to_string()), "{code}: {retrying}");
        }
    }
}

#[test]
fn back_at_contains_the_time() {
    for (code, table) in ALL {
        let text = (table.back_at)("X");
        assert!(text.contains('X'), "{code}: {text}");
    }
}

#[test]
fn no_text_is_empty() {
    for (code, table) in ALL {
        for (field, text) in texts(table) {
            assert!(!text.trim().is_empty(), "{code}.{field} is empty");
        }
    }
}

#[test]
fn every_table_is_translated() {
    for (code, table) in ALL.into_iter().skip(1) {
        assert_ne!(table.placeholder, EN.placeholder, "{code}.placeholder");
        assert_ne!(
            table.contact_prompt, EN.contact_prompt,
            "{code}.contact_prompt"
        );
        assert_ne!(table.queued, EN.queued, "{code}.queued");
        for (field, text, en) in [
            ("check", table.check, EN.check),
            ("no_person", table.no_person, EN.no_person),
            ("try_after", table.try_after, EN.try_after),
            ("write_to", table.write_to, EN.write_to),
        ] {
            assert_ne!(text, en, "{code}.{field}");
        }
    }
}

#[test]
fn templates_keep_their_placeholder() {
    for (code, table) in ALL {
        assert_eq!(table.try_after.matches("{when}").count(), 1, "{code}");
        assert_eq!(table.write_to.matches("{email}").count(), 1, "{code}");
        for text in [table.check, table.no_person] {
            assert!(!text.contains('{'), "{code}: {text}");
        }
    }
}

#[test]
fn codes_map_to_their_tables() {
    for (code, table) in ALL {
        assert_eq!(ui(code), table, "{code}");
    }
    assert_eq!(ui("xx"), &EN);
    assert_eq!(ui(""), &EN);
    // Tables are distinct, so the identity comparison above tells them apart.
    for (i, (_, a)) in ALL.into_iter().enumerate() {
        for (_, b) in ALL.into_iter().skip(i + 1) {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn table_finds_the_code_of_each_table() {
    for (code, table) in ALL {
        // Every table is a language the core knows.
        assert_eq!(
            LangCode::parse(code).map(LangCode::as_str),
            Some(code),
            "{code}"
        );
        assert_eq!(super::table(code), Some(code));
        assert_eq!(super::table(&code.to_ascii_uppercase()), Some(code));
        assert_eq!(ui(super::table(code).unwrap_or_default()), table);
    }
    for lang in ["xx", "", "pt-br", "zh-hans", "fa"] {
        assert_eq!(super::table(lang), None, "{lang}");
    }
}

#[test]
fn right_to_left_languages() {
    for code in ["ar", "he", "ar-EG", "HE", "he_IL"] {
        assert!(is_rtl(code), "{code}");
    }
    // Persian and Urdu have no table: the panel is never in them.
    for code in ["en", "ru", "zh", "ja", "tr", "", "xx", "arn", "hex", "fa"] {
        assert!(!is_rtl(code), "{code}");
    }
}

#[test]
fn russian_plural_forms() {
    let forms = |n| ru_plural(n, "one", "few", "many");
    for n in [1, 21, 31, 101, 121, 1001] {
        assert_eq!(forms(n), "one", "{n}");
    }
    for n in [2, 3, 4, 22, 24, 102, 1004] {
        assert_eq!(forms(n), "few", "{n}");
    }
    for n in [0, 5, 10, 11, 12, 14, 19, 20, 25, 100, 111, 112, 114] {
        assert_eq!(forms(n), "many", "{n}");
    }
    assert_eq!((RU.unread)(21), "21 новое сообщение");
    assert_eq!((RU.unread)(3), "3 новых сообщения");
    assert_eq!((RU.unread)(12), "12 новых сообщений");
    assert!((RU.retrying)(22).contains("22 секунды"));
    assert!((RU.replies_within)(21).contains("21 часа"));
}

#[test]
fn arabic_plural_forms() {
    assert_eq!(ar_plural(1), ArPlural::One);
    assert_eq!(ar_plural(2), ArPlural::Two);
    for n in [3, 7, 10, 103, 110] {
        assert_eq!(ar_plural(n), ArPlural::Few, "{n}");
    }
    for n in [0, 11, 21, 99, 100, 101, 102, 111] {
        assert_eq!(ar_plural(n), ArPlural::Many, "{n}");
    }
    assert!((AR.unread)(5).contains("رسائل"));
    assert!((AR.unread)(11).contains("رسالة"));
}
