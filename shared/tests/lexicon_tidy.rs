//! Tidy checks of the lexicon data (`shared/lexicon/`), and the behaviour the lexicons promise
//! in every language: hedged alarms fire, hard negatives stay quiet, small talk is recognised.

use ferry_shared::lang::LangCode;
use ferry_shared::lexicon::{self, SmallTalk};
use ferry_shared::normalize::fold;
use ferry_shared::wire::Urgency;

/// The languages every reason must have terms in (issue: "triage that holds on text nobody
/// here wrote"). Adding a language adds a file; removing one fails here.
const REQUIRED: [LangCode; 14] = {
    use LangCode::*;
    [En, Es, Pt, Fr, De, It, Nl, Pl, Ru, Tr, Ar, Zh, Ja, Ko]
};

/// Every language file parses, has every reason of `reasons.toml` with at least one term, no
/// unknown reason, every small-talk kind and reply, and every term compiles.
#[test]
fn every_reason_has_terms_in_every_language() {
    let errors = lexicon::check();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    for lang in REQUIRED {
        assert!(
            lexicon::languages().any(|l| l == lang),
            "lexicon/{lang}.toml is not compiled in"
        );
    }
}

#[test]
fn a_broken_file_is_reported_with_its_name() {
    // `check` names the file and the reason; exercised through the public term compiler.
    let err = ferry_shared::vocab::term(".. fire", false).expect_err("a gap first");
    assert!(err.to_string().contains("..") && err.to_string().contains("fire"));
}

fn level(text: &str) -> (Urgency, Vec<String>) {
    let scan = lexicon::get().scan(&fold(text), None);
    (scan.urgency.level, scan.urgency.reasons)
}

#[test]
fn hedged_and_casual_alarms_still_fire() {
    for text in [
        "not urgent, but my charger sparks a bit when I plug it in",
        "is it normal that it smokes?",
        "the power bank is swollen and smells weird, is it dangerous?",
        "my son swallowed one of the ear tips, we're at the ER",
        "someone logged into my account and ordered with my saved card",
        "I will open a PayPal dispute",
        "I'm reporting you to Trading Standards",
        "el cargador echó chispas",
        "o carregador pegou fogo",
        "das Ladegerät hat geraucht",
        "la batterie a gonflé",
        "il caricatore ha preso fuoco",
        "de oplader begon te roken",
        "ładowarka zaczęła dymić",
        "şarj aleti yandı",
        "зарядка задымилась",
        "充电宝鼓包了",
        "充電器から煙が出ました",
        "충전기에서 연기가 나요",
        "الشاحن طلع منه دخان",
    ] {
        let (lvl, reasons) = level(text);
        assert_eq!(lvl, Urgency::Urgent, "{text}: {reasons:?}");
    }
}

#[test]
fn hard_negatives_stay_quiet() {
    for text in [
        "your deals are fire 🔥",
        "killer prices this week",
        "is the case fire-resistant?",
        "can I take the power bank on a plane?",
        "how long does the battery last?",
        "how do I change my password?",
        "can I pay with paypal?",
        "is the charger included?",
    ] {
        let (lvl, reasons) = level(text);
        assert!(lvl < Urgency::Urgent, "{text}: {reasons:?}");
    }
}

#[test]
fn small_talk_is_recognised_in_every_language() {
    let cases: &[(&str, SmallTalk)] = &[
        ("holaaa buenas tardes", SmallTalk::Greeting),
        ("hiii", SmallTalk::Greeting),
        ("thanks!! 😊", SmallTalk::Thanks),
        ("merci et bonne journée", SmallTalk::Thanks),
        ("bye bye!", SmallTalk::Goodbye),
        ("is anyone there?", SmallTalk::Presence),
        ("are you a bot?", SmallTalk::Bot),
        ("👍", SmallTalk::Thanks),
        ("oii", SmallTalk::Greeting),
        ("danke schön", SmallTalk::Thanks),
        ("grazie mille", SmallTalk::Thanks),
        ("dank je wel", SmallTalk::Thanks),
        ("dziękuję", SmallTalk::Thanks),
        ("teşekkürler", SmallTalk::Thanks),
        ("спасибо", SmallTalk::Thanks),
        ("谢谢", SmallTalk::Thanks),
        ("ありがとうございます", SmallTalk::Thanks),
        ("감사합니다", SmallTalk::Thanks),
        ("شكرا", SmallTalk::Thanks),
    ];
    let lx = lexicon::get();
    for (text, want) in cases {
        assert_eq!(
            lx.small_talk(&fold(text)).map(|s| s.kind),
            Some(*want),
            "{text}"
        );
    }
    for not in [
        "hi, do you ship to chile?",
        "thanks, but where is my order?",
        "hola quiero devolver",
        "",
    ] {
        assert_eq!(lx.small_talk(&fold(not)).map(|s| s.kind), None, "{not}");
    }
}

#[test]
fn the_engine_answers_small_talk_in_every_required_language() {
    let lx = lexicon::get();
    for lang in REQUIRED {
        for kind in SmallTalk::ALL {
            assert!(lx.reply(kind, lang).is_some(), "{lang} {kind:?}");
        }
    }
    assert!(lx.reply(SmallTalk::Greeting, LangCode::El).is_none());
}
