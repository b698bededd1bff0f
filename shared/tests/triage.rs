//! Triage on the project's own shopper corpus (`tests/triage/<lang>.tsv`, 14 languages, written
//! from the concepts of the lexicons' reasons by people who did not see the lexicons): urgency,
//! must-handoff, small talk, hard negatives, and the language tag — text alone, no locale.
//!
//! A quarter of every file (by a hash of the text) is kept aside: the lexicons are tuned on the
//! other three quarters, and both figures are printed. Every mismatch of the tuning part is
//! printed; the held-out part prints only its figures (`FERRY_SHOW_HOLDOUT=1` lists it too).
//!
//! Columns: `class<TAB>reason<TAB>text`. Classes: `safety`, `security`, `legal` (urgent, never
//! answered automatically), `high` (a person, high), `complaint` (a person), `smalltalk`
//! (answered, never a ticket), `question` (anything but urgent), `negative` (alarm-like words
//! that are no alarm: anything but urgent).

mod corpus;

use std::fmt::Write as _;

use corpus::held_out;

use ferry_shared::lexicon;
use ferry_shared::wire::{ChatRequest, Urgency};
use ferry_shared::{CompiledSite, Decision, HandoffPlan, Outcome, route};

const NOW: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn site() -> CompiledSite {
    corpus::demo_site()
}

fn request(text: &str) -> ChatRequest {
    serde_json::from_value(serde_json::json!({
        "v": 1, "site": "demo", "conversation_id": "t", "client_message_id": "t", "text": text,
    }))
    .expect("a valid ChatRequest")
}

struct Row {
    lang: &'static str,
    class: String,
    reason: String,
    text: String,
    line: usize,
}

fn rows() -> Vec<Row> {
    rows_in(
        &format!("{}/tests/triage", env!("CARGO_MANIFEST_DIR")),
        true,
    )
}

/// The rows of `<dir>/<lang>.tsv`; a missing file is an error when `every_language`.
fn rows_in(dir: &str, every_language: bool) -> Vec<Row> {
    let langs: Vec<&'static str> = lexicon::languages().map(|l| l.as_str()).collect();
    corpus::lines(dir, langs, every_language)
        .into_iter()
        .map(|(lang, line)| {
            let (path, n) = (&line.path, line.number);
            let mut cols = line.text.splitn(3, '\t');
            let (Some(class), Some(reason), Some(text)) = (cols.next(), cols.next(), cols.next())
            else {
                panic!("{path}:{n}: expected class<TAB>reason<TAB>text");
            };
            assert!(
                CLASSES.contains(&class),
                "{path}:{n}: unknown class {class:?}; use one of {CLASSES:?}"
            );
            Row {
                lang,
                class: class.to_string(),
                reason: reason.to_string(),
                text: text.to_string(),
                line: n,
            }
        })
        .collect()
}

const CLASSES: [&str; 8] = [
    "safety",
    "security",
    "legal",
    "high",
    "complaint",
    "smalltalk",
    "question",
    "negative",
];

#[derive(Default)]
struct Figures {
    rows: usize,
    urgent: usize,
    urgent_caught: usize,
    not_urgent: usize,
    false_urgent: usize,
    alarms_answered: usize,
    high: usize,
    high_caught: usize,
    must_handoff: usize,
    handed_off: usize,
    small_talk: usize,
    small_talk_answered: usize,
    small_talk_handed_off: usize,
    lang_right: usize,
    mismatches: Vec<String>,
}

fn pct(n: usize, of: usize) -> f64 {
    if of == 0 {
        100.0
    } else {
        n as f64 * 100.0 / of as f64
    }
}

impl Figures {
    fn add(&mut self, row: &Row, d: &Decision) {
        self.rows += 1;
        let urgent_class = matches!(row.class.as_str(), "safety" | "security" | "legal");
        let is_urgent = d.urgency.level == Urgency::Urgent;
        let handoff = d.is_handoff();
        let small_talk =
            matches!(&d.outcome, Outcome::Answer { rule, .. } if rule.starts_with("smalltalk:"));
        let mut wrong = Vec::new();
        if urgent_class {
            self.urgent += 1;
            self.urgent_caught += usize::from(is_urgent);
            if !is_urgent {
                wrong.push("not urgent");
            }
            if !handoff {
                self.alarms_answered += 1;
                wrong.push("ANSWERED AUTOMATICALLY");
            }
        } else {
            self.not_urgent += 1;
            if is_urgent {
                self.false_urgent += 1;
                wrong.push("urgent");
            }
        }
        if row.class == "high" {
            self.high += 1;
            let caught = d.urgency.level >= Urgency::High && handoff;
            self.high_caught += usize::from(caught);
            if !caught {
                wrong.push("not high + handoff");
            }
        }
        if matches!(
            row.class.as_str(),
            "safety" | "security" | "legal" | "high" | "complaint"
        ) {
            self.must_handoff += 1;
            self.handed_off += usize::from(handoff);
            if !handoff && !urgent_class {
                wrong.push("answered, should reach a person");
            }
        }
        if row.class == "smalltalk" {
            self.small_talk += 1;
            self.small_talk_answered += usize::from(small_talk);
            self.small_talk_handed_off += usize::from(handoff);
            if !small_talk {
                wrong.push(if handoff {
                    "small talk HANDED OFF"
                } else {
                    "small talk not recognised"
                });
            }
        }
        let lang_ok = d.language.code == row.lang;
        self.lang_right += usize::from(lang_ok);
        if !lang_ok {
            wrong.push("language");
        }
        if !wrong.is_empty() {
            let (kind, rule) = match &d.outcome {
                Outcome::Answer { rule, .. } => ("answer", rule.as_str()),
                Outcome::Handoff(_) => ("handoff", ""),
            };
            self.mismatches.push(format!(
                "{}.tsv:{} [{} {}] {:?}\n    {}: got {} {} {} {:?} lang={} ({:?})",
                row.lang,
                row.line,
                row.class,
                row.reason,
                row.text,
                wrong.join(", "),
                kind,
                rule,
                d.urgency.level.as_str(),
                d.urgency.reasons,
                d.language.code,
                d.language.source,
            ));
        }
    }

    fn report(&self, name: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{name}: {} messages · urgent recall {:.1}% ({}/{}) · false urgent {:.1}% ({}/{}) · \
             alarms answered automatically {} · high caught {:.1}% ({}/{}) · must-handoff handed \
             off {:.1}% · small talk answered {:.1}% ({}/{}), handed off {} · language tag {:.1}%",
            self.rows,
            pct(self.urgent_caught, self.urgent),
            self.urgent_caught,
            self.urgent,
            pct(self.false_urgent, self.not_urgent),
            self.false_urgent,
            self.not_urgent,
            self.alarms_answered,
            pct(self.high_caught, self.high),
            self.high_caught,
            self.high,
            pct(self.handed_off, self.must_handoff),
            pct(self.small_talk_answered, self.small_talk),
            self.small_talk_answered,
            self.small_talk,
            self.small_talk_handed_off,
            pct(self.lang_right, self.rows),
        );
        s
    }
}

#[test]
fn corpus_is_big_enough_in_every_language() {
    let rows = rows();
    assert!(rows.len() >= 1500, "{} rows", rows.len());
    for lang in lexicon::languages() {
        let n = rows.iter().filter(|r| r.lang == lang.as_str()).count();
        assert!(n >= 100, "{lang}: {n} rows");
    }
}

#[test]
fn triage_holds_on_the_corpus() {
    let site = site();
    let (mut tune, mut holdout) = (Figures::default(), Figures::default());
    for row in rows() {
        let d = route(&site, &request(&row.text), NOW);
        if held_out(&row.text) {
            holdout.add(&row, &d);
        } else {
            tune.add(&row, &d);
        }
    }
    let mut out = String::new();
    out.push_str(&tune.report("tuning (3/4)"));
    out.push_str(&holdout.report("held out (1/4)"));
    for m in &tune.mismatches {
        let _ = writeln!(out, "{m}");
    }
    if std::env::var_os("FERRY_SHOW_HOLDOUT").is_some() {
        let _ = writeln!(out, "--- held out ---");
        for m in &holdout.mismatches {
            let _ = writeln!(out, "{m}");
        }
    }
    // A corpus kept outside the repository (same columns, `<lang>.tsv` per language), e.g.
    // one written after the lexicons: `FERRY_TRIAGE_DIR=/path cargo test -p ferry-shared
    // --test triage triage_holds -- --nocapture` prints its figures and every mismatch too.
    if let Some(dir) = std::env::var_os("FERRY_TRIAGE_DIR") {
        let dir = dir.to_string_lossy();
        let mut outside = Figures::default();
        for row in rows_in(&dir, false) {
            outside.add(&row, &route(&site, &request(&row.text), NOW));
        }
        out.push_str(&outside.report(&dir));
        for m in &outside.mismatches {
            let _ = writeln!(out, "{m}");
        }
    }
    println!("{out}");
    // The targets where the engine meets them (urgent recall ≥ 95 %, ≤ 3 % of other
    // messages urgent, no alarm answered automatically, the language tag); floors at the
    // measured level where it does not yet (small talk handed off, high): a regression fails
    // here.
    for f in [&tune, &holdout] {
        assert!(
            pct(f.urgent_caught, f.urgent) >= 95.0,
            "urgent recall\n{out}"
        );
        assert!(
            pct(f.false_urgent, f.not_urgent) <= 3.0,
            "false urgent\n{out}"
        );
        assert_eq!(f.alarms_answered, 0, "alarms answered automatically\n{out}");
        assert!(
            pct(f.small_talk_answered, f.small_talk) >= 90.0,
            "small talk\n{out}"
        );
        assert!(pct(f.high_caught, f.high) >= 80.0, "high\n{out}");
        assert!(pct(f.lang_right, f.rows) >= 95.0, "language tag\n{out}");
    }
}

// ---- the rules of triage, one message each ----

fn decide(site: &CompiledSite, text: &str, locale: Option<&str>) -> Decision {
    let mut req = request(text);
    req.locale = locale.map(str::to_string);
    route(site, &req, NOW)
}

fn handoff_text(d: &Decision) -> &str {
    match &d.outcome {
        Outcome::Handoff(HandoffPlan { text, .. }) => text,
        Outcome::Answer { rule, .. } => panic!("answered by {rule}: {d:?}"),
    }
}

#[test]
fn the_tag_is_the_shoppers_language_and_the_reply_falls_back() {
    let site = site();
    // The reply is in the shopper's language where the shop answers in it, else in the
    // default (Greek and Ukrainian are not answer languages of the demo shop).
    for (text, tag) in [
        ("배송은 보통 얼마나 걸리나요?", "ko"),
        ("hoe lang duurt de verzending naar belgie", "nl"),
        ("ile kosztuje wysylka do polski", "pl"),
        ("kargo ne zaman gelir", "tr"),
        ("Πόσο καιρό παίρνει η αποστολή;", "el"),
        ("Скільки коштує доставка в Україну?", "uk"),
    ] {
        let d = decide(&site, text, None);
        assert_eq!(d.language.code, tag, "{text}: {d:?}");
        let answers_in = site.languages.iter().any(|l| l.as_str() == tag);
        let reply = if answers_in { tag } else { "en" };
        assert_eq!(d.reply_language().as_str(), reply, "{text}");
        let wire = serde_json::to_value(d.to_reply("T")).expect("json");
        assert_eq!(wire["shopper_language"], tag, "{wire}");
        assert_eq!(wire["language"], reply, "{wire}");
    }
    // The handoff goes where the shopper's language says: routes may name any language.
    let d = decide(&site, "배송이 안 와요, 사람과 이야기하고 싶어요", None);
    assert_eq!(d.language.code, "ko");
}

#[test]
fn an_alarm_vetoes_every_automatic_answer_with_its_own_reply() {
    let site = site();
    let intake = decide(
        &site,
        "how do I pair the headphones? the charging case started smoking",
        None,
    );
    assert_eq!(intake.urgency.level, Urgency::Urgent, "{intake:?}");
    assert_eq!(intake.topic(), ferry_shared::Topic::Safety);
    assert!(handoff_text(&intake).contains("safety team"), "{intake:?}");

    let legal = decide(&site, "where is my refund? I will file a chargeback", None);
    assert_eq!(legal.urgency.level, Urgency::Urgent, "{legal:?}");
    assert_eq!(legal.topic(), ferry_shared::Topic::Legal);
    let text = handoff_text(&legal);
    assert!(text.contains("review your case"), "{text}");
    assert!(!text.contains("stop using"), "{text}");

    let security = decide(
        &site,
        "someone hacked my account and placed orders with my saved card",
        None,
    );
    assert_eq!(security.urgency.level, Urgency::Urgent, "{security:?}");
    assert_eq!(security.topic(), ferry_shared::Topic::Security);
    assert!(handoff_text(&security).contains("change your password"));
}

#[test]
fn an_overdue_complaint_keeps_its_topic_and_is_high() {
    let site = site();
    let d = decide(&site, "40 days and the tracking hasn't moved", None);
    assert!(d.is_handoff(), "{d:?}");
    assert_eq!(d.urgency.level, Urgency::High, "{d:?}");
    assert_eq!(d.topic(), ferry_shared::Topic::OrderTrack, "{d:?}");
}

#[test]
fn small_talk_is_answered_in_the_shoppers_language_and_never_handed_off() {
    let site = site();
    // The site's own greeting where it has one; the engine's elsewhere.
    let d = decide(&site, "holaaa buenas tardes", None);
    match &d.outcome {
        Outcome::Answer {
            rule,
            text,
            language,
            ..
        } => {
            assert_eq!(rule, "smalltalk:greeting");
            assert_eq!(language.as_str(), "es");
            assert!(text.contains("¿En qué puedo ayudarte?"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    let d = decide(&site, "안녕하세요~~", None);
    assert!(!d.is_handoff(), "{d:?}");
    assert_eq!(d.reply_language().as_str(), "ko", "{d:?}");
    // A greeting many languages borrow is tagged by the conversation or the browser…
    let d = decide(&site, "hello??", Some("de-DE"));
    assert_eq!(d.language.code, "de", "{d:?}");
    assert_eq!(d.reply_language().as_str(), "de", "{d:?}");
    // …and otherwise by the languages whose words it is.
    let d = decide(&site, "good morning!!", None);
    assert_eq!(d.language.code, "en", "{d:?}");
    let d = decide(&site, "obrigadooo", None);
    assert_eq!(d.language.code, "pt", "{d:?}");
    for text in [
        "thx 👍",
        "is anyone there?",
        "are you a bot?",
        "merci et bonne journée",
    ] {
        let d = decide(&site, text, None);
        assert!(
            matches!(&d.outcome, Outcome::Answer { rule, .. } if rule.starts_with("smalltalk:")),
            "{text}: {d:?}"
        );
    }
    // A greeting with a question routes the question.
    let d = decide(&site, "hi! how long does shipping to germany take?", None);
    assert!(
        matches!(&d.outcome, Outcome::Answer { rule, .. } if !rule.starts_with("smalltalk:")),
        "{d:?}"
    );
}

#[test]
fn a_longer_closing_is_small_talk_but_a_request_framed_by_thanks_is_not() {
    let site = site();
    let small_talk = |d: &Decision| matches!(&d.outcome, Outcome::Answer { rule, .. } if rule.starts_with("smalltalk:"));
    for text in [
        "Thank you kindly for your patience dear, you have been most helpful.",
        "Muchísimas gracias por su amabilidad y paciencia, que Dios le bendiga.",
        "Dziękuję bardzo za pomoc, życzę miłego dnia i do widzenia",
        "麻烦您了，祝您工作顺利，再见",
        // Signed with a name.
        "Met vriendelijke groet, Jan",
        "Thanks a lot for your help! Maria Lopez",
        "Vielen Dank und schöne Grüße\nKlaus",
        "Merci beaucoup, bonne journée. Élodie",
        "Thanks, Jan",
        "Hola, buenas tardes. Ana María",
    ] {
        let d = decide(&site, text, None);
        assert!(small_talk(&d), "{text}: {d:?}");
    }
    for text in [
        "thanks, please call me back",
        "please call me back, thanks",
        "gracias, necesito hablar con alguien",
        "danke, bitte rufen Sie mich an",
        "merci, je voudrais annuler",
        "ok thanks, I still need help with my order",
        "thanks! my order 4411 hasn't shipped, thanks",
        "thank you, is it waterproof? thanks",
        // Words after the thanks that are not a name.
        "thanks a lot, call me back",
        "Thanks a lot, I Need A Refund For Order",
        "Vielen Dank, bitte zurückrufen",
        "Thanks, Where Is My Order",
        "Hi, Shipping To Brazil",
    ] {
        let d = decide(&site, text, None);
        assert!(!small_talk(&d), "{text}: {d:?}");
    }
}
