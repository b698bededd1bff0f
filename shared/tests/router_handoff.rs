//! Handoffs as the router makes them: reply-by from the site's business hours (per urgency),
//! the away and holiday notices, the reply-by text in the shopper's own zone and language,
//! and repeated contact within a conversation. Expected instants are computed with chrono in
//! the zones involved, not written as epoch numbers.

use chrono::{TimeZone, Timelike};
use chrono_tz::Tz;
use ferry_shared::router::REPEATED_CONTACT;
use ferry_shared::wire::{AwayReason, ChatRequest, Reply, Urgency};
use ferry_shared::{CompiledSite, HandoffPlan, History, Outcome, route, route_in_conversation};

const AMS: Tz = chrono_tz::Europe::Amsterdam;
const SAO: Tz = chrono_tz::America::Sao_Paulo;
const HOUR: i64 = 3_600_000;

const SITE: &str = r#"
[site]
id = "hours"
name = "Hours Shop"
support_email = "help@hours.example"
languages = ["en", "pt"]

[hours]
time_zone = "Europe/Amsterdam"
holidays = ["2026-12-25"]

[hours.open]
mon = "09:00-18:00"
tue = "09:00-18:00"
wed = "09:00-18:00"
thu = "09:00-18:00"
fri = "09:00-18:00"

[handoff]
reply_within_hours = 8
high_reply_within_hours = 4
urgent_reply_within_hours = 2

[handoff.reply]
en = "A person will reply {reply_by}."
pt = "Uma pessoa vai responder {reply_by}."

[handoff.urgent_reply]
en = "Sorry. Our safety team will call you {reply_by}."

[handoff.away_reply]
en = "We are offline and back {opens_at}."
pt = "Estamos offline e voltamos {opens_at}."

[handoff.holiday_reply]
en = "It is a holiday; we are back {opens_at}."

[[rule]]
id = "shipping"
topic = "shipping.time"
patterns.en = ['\bshipping\b']
answer.en = "3-5 days."

[[rule]]
id = "human"
topic = "human"
then = "handoff"
priority = 20
patterns.en = ['\bperson\b']
answer.en = "Sure, passing you on."
"#;

fn site() -> CompiledSite {
    CompiledSite::from_toml(SITE).expect("test site loads")
}

fn at(tz: Tz, (y, mo, d): (i32, u32, u32), h: u32, mi: u32) -> i64 {
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("a single instant")
        .timestamp_millis()
}

fn req(text: &str, time_zone: Option<&str>) -> ChatRequest {
    ChatRequest {
        v: 1,
        site: "hours".into(),
        conversation_id: "c1".into(),
        client_message_id: "m1".into(),
        text: text.into(),
        page_url: None,
        locale: Some("en-US".into()),
        time_zone: time_zone.map(str::to_string),
        contact: None,
        country: None,
        previous_language: None,
        context: None,
        turnstile_token: None,
    }
}

fn handoff(decision: &ferry_shared::Decision) -> (&str, i64, Option<ferry_shared::wire::Away>) {
    match &decision.outcome {
        Outcome::Handoff(HandoffPlan {
            text,
            reply_by,
            away,
            ..
        }) => (text.as_str(), *reply_by, *away),
        other => panic!("expected a handoff, got {other:?}"),
    }
}

#[test]
fn open_hours_count_business_hours_and_add_no_notice() {
    let site = site();
    // Tuesday 24 Nov 2026, 14:00 in Amsterdam: 4 business hours on Tuesday, 4 on Wednesday.
    let now = at(AMS, (2026, 11, 24), 14, 0);
    let d = route(
        &site,
        &req("my parcel is lost", Some("Europe/Amsterdam")),
        now,
    );
    let (text, reply_by, away) = handoff(&d);
    assert_eq!(reply_by, at(AMS, (2026, 11, 25), 13, 0));
    assert_eq!(away, None);
    assert_eq!(text, "A person will reply by 1:00 PM tomorrow (your time).");
}

#[test]
fn friday_evening_waits_for_monday_and_says_so_in_the_shoppers_zone() {
    let site = site();
    // Friday 27 Nov 2026, 19:30 in Amsterdam: closed. 8 business hours: all of Monday 09-17.
    let now = at(AMS, (2026, 11, 27), 19, 30);
    let d = route(
        &site,
        &req("meu pedido sumiu, podem ver?", Some("America/Sao_Paulo")),
        now,
    );
    let (text, reply_by, away) = handoff(&d);
    let monday_open = at(AMS, (2026, 11, 30), 9, 0);
    assert_eq!(reply_by, monday_open + 8 * HOUR);
    let away = away.expect("away outside hours");
    assert_eq!(away.reason, AwayReason::Closed);
    assert_eq!(away.opens_at, monday_open);
    // Monday 17:00 in Amsterdam is 13:00 in São Paulo; 09:00 is 05:00.
    let sao = |ms: i64| {
        let t = SAO.timestamp_millis_opt(ms).single().expect("instant");
        format!("{:02}:{:02}", t.hour(), t.minute())
    };
    assert_eq!(sao(reply_by), "13:00");
    assert_eq!(
        text,
        format!(
            "Uma pessoa vai responder na segunda-feira até as {} (seu horário).\n\nEstamos offline e voltamos na segunda-feira às {} (seu horário).",
            sao(reply_by),
            sao(monday_open)
        )
    );
}

#[test]
fn holiday_uses_the_holiday_notice_and_falls_back_for_missing_languages() {
    let site = site();
    // Christmas 2026 is a Friday: closed all day, open again Monday 28 at 09:00.
    let now = at(AMS, (2026, 12, 25), 11, 0);
    let d = route(&site, &req("my parcel is lost", None), now);
    let (text, _, away) = handoff(&d);
    let away = away.expect("away on a holiday");
    assert_eq!(away.reason, AwayReason::Holiday);
    assert_eq!(away.opens_at, at(AMS, (2026, 12, 28), 9, 0));
    // No shopper zone: the times are given in UTC (Monday 09:00 CET = 08:00 UTC).
    assert!(
        text.ends_with("It is a holiday; we are back at 8:00 AM on Monday (UTC)."),
        "{text}"
    );
    // Portuguese has no holiday text: the notice comes from the default language's.
    let pt = route(&site, &req("meu pedido sumiu, podem verificar?", None), now);
    let (text, _, _) = handoff(&pt);
    assert!(
        text.starts_with("Uma pessoa vai responder na segunda-feira até as 16:00 (UTC)."),
        "{text}"
    );
    assert!(text.contains("It is a holiday"), "{text}");
}

#[test]
fn urgent_counts_calendar_hours_and_skips_the_away_notice() {
    let site = site();
    let now = at(AMS, (2026, 11, 28), 3, 0); // Saturday night
    let d = route(
        &site,
        &req("the charger caught fire", Some("Europe/Amsterdam")),
        now,
    );
    assert_eq!(d.urgency.level, Urgency::Urgent);
    let (text, reply_by, away) = handoff(&d);
    assert_eq!(reply_by, now + 2 * HOUR);
    assert!(away.is_some(), "agents still see that the shop is closed");
    assert_eq!(
        text,
        "Sorry. Our safety team will call you by 5:00 AM today (your time)."
    );
}

#[test]
fn high_urgency_has_its_own_service_level() {
    let site = site();
    let now = at(AMS, (2026, 11, 24), 16, 0); // Tuesday, 2 h before closing
    let d = route(&site, &req("you charged me twice, fix it", None), now);
    assert_eq!(d.urgency.level, Urgency::High);
    let (_, reply_by, _) = handoff(&d);
    assert_eq!(reply_by, at(AMS, (2026, 11, 25), 11, 0));
}

#[test]
fn repeated_contact_raises_a_handoff_to_high_but_not_an_answer() {
    let site = site();
    let now = at(AMS, (2026, 11, 24), 10, 0);
    let again = History {
        earlier_handoffs: 1,
    };
    let first = route(&site, &req("my parcel is lost", None), now);
    assert_eq!(first.urgency.level, Urgency::Normal);
    let second = route_in_conversation(&site, &req("my parcel is lost", None), &again, now);
    assert_eq!(second.urgency.level, Urgency::High);
    assert!(second.urgency.reasons.iter().any(|r| r == REPEATED_CONTACT));
    let (_, reply_by, _) = handoff(&second);
    assert_eq!(
        reply_by,
        at(AMS, (2026, 11, 24), 14, 0),
        "the high service level"
    );
    // `then = "handoff"` rules count too.
    let person = route_in_conversation(&site, &req("a person please", None), &again, now);
    assert!(person.is_handoff());
    assert_eq!(person.urgency.level, Urgency::High);
    // A question the rules answer stays an answer.
    let answer = route_in_conversation(&site, &req("shipping time?", None), &again, now);
    assert!(!answer.is_handoff(), "{answer:?}");
    assert_eq!(answer.urgency.level, Urgency::Normal);
    // Already urgent stays urgent.
    let fire = route_in_conversation(&site, &req("it caught fire", None), &again, now);
    assert_eq!(fire.urgency.level, Urgency::Urgent);
}

#[test]
fn the_wire_reply_carries_away() {
    let site = site();
    let now = at(AMS, (2026, 11, 28), 12, 0);
    let d = route(&site, &req("my parcel is lost", None), now);
    match d.to_reply("FRY-TEST") {
        Reply::Handoff(h) => {
            let away = h.away.expect("away");
            assert_eq!(away.reason, AwayReason::Closed);
            assert_eq!(away.opens_at, at(AMS, (2026, 11, 30), 9, 0));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn load_errors_for_hours_and_handoff_placeholders() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "time_zone = \"Europe/Amsterdam\"",
            "time_zone = \"Europe/Amsterdm\"",
            "Europe/Amsterdm",
        ),
        ("mon = \"09:00-18:00\"", "mon = \"9-18\"", "mon"),
        (
            "holidays = [\"2026-12-25\"]",
            "holidays = [\"25.12.2026\"]",
            "25.12.2026",
        ),
        (
            "en = \"3-5 days.\"",
            "en = \"by {reply_by}\"",
            "belongs in [handoff] texts",
        ),
        (
            "en = \"A person will reply {reply_by}.\"",
            "en = \"Shipping to {country}.\"",
            "handoff texts can use",
        ),
        (
            "en = \"We are offline and back {opens_at}.\"",
            "es = \"Volvemos {opens_at}.\"",
            "not in [site] languages",
        ),
        (
            "en = \"We are offline and back {opens_at}.\"",
            "en = \"We are offline and back {opens_at.\"",
            "unclosed placeholder",
        ),
    ];
    for (from, to, expect) in cases {
        assert!(SITE.contains(from), "case source `{from}` is in the site");
        let broken = SITE.replacen(from, to, 1);
        let err = CompiledSite::from_toml(&broken).expect_err(to);
        assert!(err.line > 0, "{to}: error has a line: {err}");
        assert!(err.to_string().contains(expect), "{to}: {err}");
    }
    // The pt away notice alone, without the default language's, is refused.
    let only_pt = SITE.replacen("en = \"We are offline and back {opens_at}.\"\n", "", 1);
    let err = CompiledSite::from_toml(&only_pt).expect_err("needs default language");
    assert!(
        err.to_string()
            .contains("[handoff.away_reply] needs a text in the default language"),
        "{err}"
    );
}

#[test]
fn a_site_without_hours_is_always_open() {
    let without = SITE
        .split("[hours]")
        .next()
        .map(|head| {
            let tail = SITE.split("[handoff]").nth(1).expect("handoff section");
            format!("{head}[handoff]{tail}")
        })
        .expect("site");
    let site = CompiledSite::from_toml(&without).expect("loads");
    let now = at(AMS, (2026, 11, 28), 23, 0); // Saturday night
    let d = route(&site, &req("my parcel is lost", None), now);
    let (_, reply_by, away) = handoff(&d);
    assert_eq!(away, None);
    assert_eq!(reply_by, now + 8 * HOUR);
}
