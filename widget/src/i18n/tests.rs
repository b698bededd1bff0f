//! Every table file is complete, translated and keeps its placeholders; the lookups and the
//! plural rules. The files are read through [`ui`], the decoder the browser runs.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

use super::*;

const SAMPLE_COUNTS: [usize; 8] = [0, 1, 2, 3, 5, 11, 21, 100];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("i18n")
}

fn file(code: &str) -> Value {
    let path = dir().join(format!("{code}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every table, decoded as the browser decodes it.
fn all() -> Vec<Ui> {
    CODES
        .iter()
        .map(|code| ui(&file(code), code).unwrap_or_else(|| panic!("{code}.json is incomplete")))
        .collect()
}

fn english() -> Ui {
    Ui::english()
}

/// Every text of a table, the counts said with sample numbers.
fn texts(table: &Ui) -> Vec<(String, String)> {
    let json = file(table.code);
    let mut texts: Vec<(String, String)> = TEXTS
        .iter()
        .map(|name| {
            let text = json.get(*name).and_then(Value::as_str).unwrap_or_default();
            (name.to_string(), text.to_string())
        })
        .collect();
    for n in SAMPLE_COUNTS {
        texts.push(("too_long".into(), table.too_long(n, 2000)));
        texts.push(("unread".into(), table.unread(n)));
        texts.push(("replies_within".into(), table.replies_within(n as u32)));
        texts.push(("retrying".into(), table.retrying(n as u32)));
    }
    texts
}

#[test]
fn the_files_are_the_codes() {
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .expect("widget/i18n")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = CODES.iter().map(|c| format!("{c}.json")).collect();
    expected.sort();
    assert_eq!(files, expected);
}

#[test]
fn every_file_is_complete_and_has_no_unknown_member() {
    let known: BTreeSet<&str> = TEXTS.iter().chain(COUNTS).copied().collect();
    for code in CODES {
        let json = file(code);
        let members: BTreeSet<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(members, known, "{code}.json: members");
        for name in TEXTS {
            assert!(json[name].is_string(), "{code}.{name} is not text");
        }
        for name in COUNTS {
            let forms = json[name]
                .as_object()
                .expect("a count is an object of forms");
            for (form, text) in forms {
                assert!(
                    ["=1", "one", "two", "few", "many", "other"].contains(&form.as_str()),
                    "{code}.{name}: unknown form {form}"
                );
                assert!(text.is_string(), "{code}.{name}.{form}");
            }
        }
        assert!(ui(&json, code).is_some(), "{code}");
    }
}

/// Every category the language's rule gives some number has its form, and every form is
/// used (none is dead text), each with `{n}` (except a text for exactly one).
#[test]
fn every_count_has_the_forms_of_its_plural_rule() {
    for table in all() {
        for (name, counted) in [
            ("too_long", &table.too_long),
            ("unread", &table.unread),
            ("replies_within", &table.replies_within),
            ("retrying", &table.retrying),
        ] {
            let needed: BTreeSet<_> = (0..=1000)
                .map(|n| format!("{:?}", plural(table.code, n)))
                .collect();
            for category in [
                Plural::One,
                Plural::Two,
                Plural::Few,
                Plural::Many,
                Plural::Other,
            ] {
                let form = counted.form(category);
                let used = needed.contains(&format!("{category:?}"));
                assert_eq!(
                    form.is_some(),
                    used,
                    "{}.{name}: form {category:?} (rule needs it: {used})",
                    table.code
                );
                // A form used for 1 alone may spell the number out ("within an hour").
                let only_one = (0..=1000)
                    .filter(|&n| plural(table.code, n) == category)
                    .all(|n| n == 1);
                if let Some(form) = form
                    && !only_one
                {
                    assert_eq!(form.matches("{n}").count(), 1, "{}.{name}", table.code);
                }
            }
            if let Some(one) = &counted.exactly_one {
                assert!(!one.contains('{') || name == "too_long", "{}", table.code);
            }
        }
    }
}

#[test]
fn every_table_states_both_numbers() {
    for table in all() {
        let text = table.too_long(2345, 2000);
        assert!(
            text.contains("2345") && text.contains("2000") && !text.contains('{'),
            "{}: {text}",
            table.code
        );
    }
}

#[test]
fn counts_contain_the_number() {
    for table in all() {
        let code = table.code;
        for n in SAMPLE_COUNTS {
            // "1 new message" may be "one new message", "within 1 hour" "within an hour".
            let unread = table.unread(n);
            assert!(
                n == 1 || unread.contains(&n.to_string()),
                "{code}: {unread}"
            );
            let n = n as u32;
            let within = table.replies_within(n);
            assert!(
                n == 1 || within.contains(&n.to_string()),
                "{code}: {within}"
            );
            let retrying = table.retrying(n);
            assert!(retrying.contains(&n.to_string()), "{code}: {retrying}");
            for text in [unread, within, retrying] {
                assert!(!text.contains('{'), "{code}: {text}");
            }
        }
    }
}

#[test]
fn back_at_contains_the_time() {
    for table in all() {
        let text = table.back_at("X");
        assert!(
            text.contains('X') && !text.contains('{'),
            "{}: {text}",
            table.code
        );
    }
}

#[test]
fn no_text_is_empty() {
    for table in all() {
        for (field, text) in texts(&table) {
            assert!(!text.trim().is_empty(), "{}.{field} is empty", table.code);
        }
    }
}

#[test]
fn every_table_is_translated() {
    let en = english();
    for table in all().into_iter().skip(1) {
        let code = table.code;
        for (field, text, english) in [
            ("placeholder", &table.placeholder, &en.placeholder),
            ("contact_prompt", &table.contact_prompt, &en.contact_prompt),
            ("queued", &table.queued, &en.queued),
            ("check", &table.check, &en.check),
            ("no_person", &table.no_person, &en.no_person),
            ("try_after", &table.try_after, &en.try_after),
            ("write_to", &table.write_to, &en.write_to),
        ] {
            assert_ne!(text, english, "{code}.{field}");
        }
        assert_ne!(table.unread(5), en.unread(5), "{code}.unread");
    }
}

#[test]
fn templates_keep_their_placeholder() {
    for table in all() {
        let code = table.code;
        assert_eq!(table.try_after.matches("{when}").count(), 1, "{code}");
        assert_eq!(table.back_at.matches("{when}").count(), 1, "{code}");
        assert_eq!(table.write_to.matches("{email}").count(), 1, "{code}");
        for text in [&table.check, &table.no_person] {
            assert!(!text.contains('{'), "{code}: {text}");
        }
    }
}

#[test]
fn the_compiled_in_table_is_the_english_file() {
    let en = english();
    assert_eq!(en.code, "en");
    assert_eq!(Some(en), ui(&file("en"), "en"));
    // Tables are distinct.
    let tables = all();
    for (i, a) in tables.iter().enumerate() {
        for b in tables.iter().skip(i + 1) {
            assert_ne!(a.placeholder, b.placeholder, "{} {}", a.code, b.code);
        }
    }
}

#[test]
fn table_finds_the_code_of_each_table() {
    for code in CODES {
        // Every table is a language the core knows.
        assert_eq!(
            LangCode::parse(code).map(LangCode::as_str),
            Some(code),
            "{code}"
        );
        assert_eq!(super::table(code), Some(code));
        assert_eq!(super::table(&code.to_ascii_uppercase()), Some(code));
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
    for n in [1, 21, 31, 101, 121, 1001] {
        assert_eq!(plural("ru", n), Plural::One, "{n}");
    }
    for n in [2, 3, 4, 22, 24, 102, 1004] {
        assert_eq!(plural("ru", n), Plural::Few, "{n}");
    }
    for n in [0, 5, 10, 11, 12, 14, 19, 20, 25, 100, 111, 112, 114] {
        assert_eq!(plural("ru", n), Plural::Many, "{n}");
    }
    let ru = ui(&file("ru"), "ru").expect("ru");
    assert_eq!(ru.unread(21), "21 новое сообщение");
    assert_eq!(ru.unread(3), "3 новых сообщения");
    assert_eq!(ru.unread(12), "12 новых сообщений");
    assert!(ru.retrying(22).contains("22 секунды"));
    assert!(ru.replies_within(21).contains("21 часа"));
    assert!(ru.replies_within(1).contains("часа") && !ru.replies_within(1).contains('1'));
}

#[test]
fn arabic_plural_forms() {
    assert_eq!(plural("ar", 1), Plural::One);
    assert_eq!(plural("ar", 2), Plural::Two);
    for n in [3, 7, 10, 103, 110] {
        assert_eq!(plural("ar", n), Plural::Few, "{n}");
    }
    for n in [0, 11, 21, 99, 100, 101, 102, 111] {
        assert_eq!(plural("ar", n), Plural::Many, "{n}");
    }
    let ar = ui(&file("ar"), "ar").expect("ar");
    assert!(ar.unread(5).contains("رسائل"));
    assert!(ar.unread(11).contains("رسالة"));
}

#[test]
fn zero_and_one_are_singular_in_portuguese_and_french() {
    for code in ["pt", "fr"] {
        assert_eq!(plural(code, 0), Plural::One, "{code}");
        assert_eq!(plural(code, 1), Plural::One, "{code}");
        assert_eq!(plural(code, 2), Plural::Other, "{code}");
    }
    assert_eq!(plural("en", 0), Plural::Other);
    assert_eq!(plural("ja", 1), Plural::Other);
}
