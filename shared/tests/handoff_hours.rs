//! Business hours and reply-by times: weekends, holidays, split days, DST changes in Europe
//! and the Americas, and the shopper-facing text in many languages and zones. Expected
//! instants are computed with chrono in the zone, not written as epoch numbers.

use std::collections::BTreeMap;

use chrono::{Datelike, TimeZone, Weekday};
use chrono_tz::Tz;
use ferry_shared::hours::{BusinessHours, HORIZON_DAYS, Status, format_local};
use ferry_shared::lang::LangCode;
use proptest::prelude::*;

const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

/// Epoch ms of a wall-clock time in `tz` (must exist and be unambiguous).
fn at(tz: Tz, (y, mo, d): (i32, u32, u32), h: u32, mi: u32) -> i64 {
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .unwrap_or_else(|| panic!("{tz} {y}-{mo}-{d} {h}:{mi} is not a single instant"))
        .timestamp_millis()
}

fn weekly(days: &[(&str, &str)]) -> BTreeMap<String, String> {
    days.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn office(tz: &str, holidays: &[&str]) -> BusinessHours {
    let days = ["mon", "tue", "wed", "thu", "fri"].map(|d| (d, "09:00-18:00"));
    let holidays: Vec<String> = holidays.iter().map(|h| h.to_string()).collect();
    BusinessHours::parse(tz, &weekly(&days), &holidays).expect("schedule parses")
}

const AMS: Tz = chrono_tz::Europe::Amsterdam;
const SAO: Tz = chrono_tz::America::Sao_Paulo;
const NYC: Tz = chrono_tz::America::New_York;

#[test]
fn calendar_facts_the_cases_rely_on() {
    // 2026: EU clocks change on the last Sundays of March and October, US on 8 March and
    // 1 November; Brazil has had no DST since 2019.
    let weekday = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).map(|d| d.weekday());
    assert_eq!(weekday(2026, 3, 29), Some(Weekday::Sun));
    assert_eq!(weekday(2026, 10, 25), Some(Weekday::Sun));
    assert_eq!(weekday(2026, 3, 27), Some(Weekday::Fri));
    assert_eq!(weekday(2026, 12, 25), Some(Weekday::Fri));
    // Sun 29 March 2026 has 23 hours in Amsterdam, Sun 25 October 25.
    assert_eq!(
        at(AMS, (2026, 3, 30), 0, 0) - at(AMS, (2026, 3, 29), 0, 0),
        23 * HOUR
    );
    assert_eq!(
        at(AMS, (2026, 10, 26), 0, 0) - at(AMS, (2026, 10, 25), 0, 0),
        25 * HOUR
    );
    // Wall-clock 09:00 in São Paulo is 12:00 UTC all year.
    for month in [1, 7] {
        assert_eq!(
            at(SAO, (2026, month, 6), 9, 0),
            at(Tz::UTC, (2026, month, 6), 12, 0)
        );
    }
}

#[test]
fn add_business_hours_table() {
    let ams = office("Europe/Amsterdam", &["2026-12-25"]);
    let ams_week_off = office(
        "Europe/Amsterdam",
        &[
            "2026-12-21",
            "2026-12-22",
            "2026-12-23",
            "2026-12-24",
            "2026-12-25",
        ],
    );
    let split = BusinessHours::parse(
        "Europe/Amsterdam",
        &weekly(&[
            ("mon", "09:00-12:30,13:30-18:00"),
            ("tue", "13:30-18:00, 09:00-12:30"),
        ]),
        &[],
    )
    .expect("split days parse");
    let sao = office("America/Sao_Paulo", &[]);
    let nyc = office("America/New_York", &["2026-11-26"]);

    // (name, schedule, tz, start, hours, expected end)
    type Case<'a> = (
        &'a str,
        &'a BusinessHours,
        Tz,
        (i32, u32, u32, u32, u32),
        u32,
        (i32, u32, u32, u32, u32),
    );
    let cases: Vec<Case> = vec![
        (
            "17:59 + 2h on a Tuesday lands Wednesday 10:59",
            &ams,
            AMS,
            (2026, 3, 31, 17, 59),
            2,
            (2026, 4, 1, 10, 59),
        ),
        (
            "Friday 17:59 + 2h: the weekend and the March DST change",
            &ams,
            AMS,
            (2026, 3, 27, 17, 59),
            2,
            (2026, 3, 30, 10, 59),
        ),
        (
            "Friday 17:00 + 3h: the October DST change",
            &ams,
            AMS,
            (2026, 10, 23, 17, 0),
            3,
            (2026, 10, 26, 11, 0),
        ),
        (
            "asked on Saturday: counts from Monday 09:00",
            &ams,
            AMS,
            (2026, 4, 4, 12, 0),
            4,
            (2026, 4, 6, 13, 0),
        ),
        (
            "asked before opening",
            &ams,
            AMS,
            (2026, 4, 6, 7, 30),
            1,
            (2026, 4, 6, 10, 0),
        ),
        (
            "opening at 09:00 exactly",
            &ams,
            AMS,
            (2026, 4, 6, 9, 0),
            1,
            (2026, 4, 6, 10, 0),
        ),
        (
            "ending exactly at closing time stays that day",
            &ams,
            AMS,
            (2026, 4, 6, 16, 0),
            2,
            (2026, 4, 6, 18, 0),
        ),
        (
            "a whole working day",
            &ams,
            AMS,
            (2026, 4, 6, 12, 0),
            9,
            (2026, 4, 7, 12, 0),
        ),
        (
            "a holiday Friday",
            &ams,
            AMS,
            (2026, 12, 24, 17, 0),
            4,
            (2026, 12, 28, 12, 0),
        ),
        (
            "a week of holidays",
            &ams_week_off,
            AMS,
            (2026, 12, 18, 17, 0),
            2,
            (2026, 12, 28, 10, 0),
        ),
        (
            "split day: across lunch",
            &split,
            AMS,
            (2026, 4, 6, 12, 0),
            1,
            (2026, 4, 6, 14, 0),
        ),
        (
            "split day: asked at lunch",
            &split,
            AMS,
            (2026, 4, 6, 12, 45),
            1,
            (2026, 4, 6, 14, 30),
        ),
        (
            "split day: Monday evening into Tuesday afternoon",
            &split,
            AMS,
            (2026, 4, 6, 17, 0),
            5,
            (2026, 4, 7, 14, 0),
        ),
        (
            "split day: Tuesday evening skips to next Monday",
            &split,
            AMS,
            (2026, 4, 7, 17, 0),
            2,
            (2026, 4, 13, 10, 0),
        ),
        (
            "São Paulo (no DST), Friday evening",
            &sao,
            SAO,
            (2026, 11, 6, 17, 30),
            1,
            (2026, 11, 9, 9, 30),
        ),
        (
            "São Paulo in the southern summer",
            &sao,
            SAO,
            (2026, 1, 9, 17, 59),
            2,
            (2026, 1, 12, 10, 59),
        ),
        (
            "New York across the March DST change",
            &nyc,
            NYC,
            (2026, 3, 6, 17, 0),
            2,
            (2026, 3, 9, 10, 0),
        ),
        (
            "New York across the November DST change",
            &nyc,
            NYC,
            (2026, 10, 30, 17, 59),
            2,
            (2026, 11, 2, 10, 59),
        ),
        (
            "New York, Thanksgiving off",
            &nyc,
            NYC,
            (2026, 11, 25, 17, 0),
            2,
            (2026, 11, 27, 10, 0),
        ),
    ];
    for (name, hours, tz, (y, mo, d, h, mi), add, (ey, emo, ed, eh, emi)) in cases {
        let start = at(tz, (y, mo, d), h, mi);
        let want = at(tz, (ey, emo, ed), eh, emi);
        assert_eq!(hours.add_business_hours(start, add), want, "{name}");
    }
    // The instants themselves, for one case: 09:00 EDT is 13:00 UTC after 8 March.
    assert_eq!(
        nyc.add_business_hours(at(NYC, (2026, 3, 6), 17, 0), 2),
        at(Tz::UTC, (2026, 3, 9), 14, 0)
    );
}

#[test]
fn open_and_closed_at_the_edges() {
    let ams = office("Europe/Amsterdam", &["2026-12-25"]);
    let mon_9 = at(AMS, (2026, 4, 6), 9, 0);
    let mon_18 = at(AMS, (2026, 4, 6), 18, 0);
    let cases = [
        (mon_9 - 1, false),
        (mon_9, true),
        (mon_18 - 1, true),
        (mon_18, false),
        (at(AMS, (2026, 4, 4), 12, 0), false),   // Saturday
        (at(AMS, (2026, 12, 25), 12, 0), false), // holiday
        (at(AMS, (2026, 12, 24), 12, 0), true),
        // Monday after the March change: 09:00 CEST is 07:00 UTC, not 08:00.
        (at(Tz::UTC, (2026, 3, 30), 7, 0), true),
        (at(Tz::UTC, (2026, 3, 30), 7, 0) - 1, false),
    ];
    for (ms, open) in cases {
        assert_eq!(ams.is_open(ms), open, "{ms}");
    }
    assert_eq!(ams.status(mon_9), Status::Open);
    assert_eq!(
        ams.status(at(AMS, (2026, 4, 4), 12, 0)),
        Status::Closed { opens_at: mon_9 }
    );
    assert_eq!(
        ams.status(at(AMS, (2026, 12, 25), 8, 0)),
        Status::Holiday {
            opens_at: at(AMS, (2026, 12, 28), 9, 0)
        }
    );
    // Zero hours: now when open, the next opening when closed.
    assert_eq!(ams.add_business_hours(mon_9 + 5, 0), mon_9 + 5);
    assert_eq!(
        ams.add_business_hours(mon_18, 0),
        at(AMS, (2026, 4, 7), 9, 0)
    );
}

#[test]
fn ranges_that_touch_the_dst_change_itself() {
    let sunday = |range: &str| {
        BusinessHours::parse("Europe/Amsterdam", &weekly(&[("sun", range)]), &[]).expect("parses")
    };
    // 29 March: 02:00 jumps to 03:00. 01:00-04:00 is two real hours.
    let night = sunday("01:00-04:00");
    let opens = at(AMS, (2026, 3, 29), 1, 0);
    assert_eq!(
        night.add_business_hours(opens, 2),
        at(AMS, (2026, 3, 29), 4, 0)
    );
    assert_eq!(
        night.add_business_hours(opens, 3),
        at(AMS, (2026, 4, 5), 2, 0)
    );
    // 25 October: 03:00 falls back to 02:00. 01:00-04:00 is four real hours.
    let opens = at(AMS, (2026, 10, 25), 1, 0);
    assert_eq!(
        night.add_business_hours(opens, 4),
        at(AMS, (2026, 10, 25), 4, 0)
    );
    // A range opening at a time that does not exist opens when the clocks jump (01:00 UTC).
    let gap = sunday("02:30-05:00");
    let jump = at(Tz::UTC, (2026, 3, 29), 1, 0);
    assert_eq!(gap.status(jump - MINUTE), Status::Closed { opens_at: jump });
    assert!(gap.is_open(jump));
    // 25 October: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET). A range
    // opens at the first and closes at the second.
    let (first_0230, second_0230) = (
        at(Tz::UTC, (2026, 10, 25), 0, 30),
        at(Tz::UTC, (2026, 10, 25), 1, 30),
    );
    let late = sunday("02:30-05:00");
    assert_eq!(late.add_business_hours(first_0230 - MINUTE, 0), first_0230);
    assert_eq!(
        late.add_business_hours(first_0230, 3),
        at(AMS, (2026, 10, 25), 4, 30)
    );
    let early = sunday("00:00-02:30");
    assert!(early.is_open(second_0230 - 1) && !early.is_open(second_0230));
    // Touching ranges overlap in real time then; the hour between is counted once.
    let both = sunday("00:00-02:30,02:30-05:00");
    let midnight = at(AMS, (2026, 10, 25), 0, 0);
    assert_eq!(
        both.add_business_hours(midnight, 6),
        at(AMS, (2026, 10, 25), 5, 0)
    );
    assert_eq!(
        both.add_business_hours(midnight, 7),
        at(AMS, (2026, 11, 1), 1, 0)
    );
    // A whole Sunday is 23 hours in March and 25 in October.
    let all_day = sunday("00:00-24:00");
    let mar = at(AMS, (2026, 3, 29), 0, 0);
    assert_eq!(
        all_day.add_business_hours(mar, 23),
        at(AMS, (2026, 3, 30), 0, 0)
    );
    assert_eq!(
        all_day.add_business_hours(mar, 24),
        at(AMS, (2026, 4, 5), 1, 0)
    );
    let oct = at(AMS, (2026, 10, 25), 0, 0);
    assert_eq!(
        all_day.add_business_hours(oct, 25),
        at(AMS, (2026, 10, 26), 0, 0)
    );
}

#[test]
fn always_open_is_plain_arithmetic() {
    let always = BusinessHours::always_open();
    assert_eq!(always.tz_name(), "UTC");
    let now = at(Tz::UTC, (2026, 5, 2), 23, 30);
    assert!(always.is_open(now));
    assert_eq!(always.status(now), Status::Open);
    assert_eq!(always.add_business_hours(now, 0), now);
    assert_eq!(always.add_business_hours(now, 2), now + 2 * HOUR);
    assert_eq!(
        always.add_business_hours(now, 24 * 30),
        now + 24 * 30 * HOUR
    );
}

#[test]
fn parse_errors_name_the_field_and_the_fix() {
    let ok_week = weekly(&[("mon", "09:00-18:00")]);
    // (time zone, weekly, holidays, what the message must say)
    type Case<'a> = (
        &'a str,
        BTreeMap<String, String>,
        Vec<String>,
        &'a [&'a str],
    );
    let cases: Vec<Case> = vec![
        (
            "Europe/Amsterdm",
            ok_week.clone(),
            vec![],
            &["time_zone", "`Europe/Amsterdm`", "Europe/Amsterdam\" or"],
        ),
        (
            "europe/amsterdam",
            ok_week.clone(),
            vec![],
            &["did you mean \"Europe/Amsterdam\""],
        ),
        ("", ok_week.clone(), vec![], &["time_zone", "IANA"]),
        (
            "UTC",
            weekly(&[("tues", "09:00-18:00")]),
            vec![],
            &["`tues` is not a weekday", "mon, tue"],
        ),
        (
            "UTC",
            weekly(&[("mon", "9-18")]),
            vec![],
            &["for mon", "`9-18`", "\"09:00-18:00\""],
        ),
        (
            "UTC",
            weekly(&[("mon", "09:00-18:00;")]),
            vec![],
            &["for mon", "`09:00-18:00;`"],
        ),
        (
            "UTC",
            weekly(&[("mon", "24:00-24:00")]),
            vec![],
            &["`24:00-24:00` is not a time range"],
        ),
        (
            "UTC",
            weekly(&[("fri", "22:00-02:00")]),
            vec![],
            &["for fri", "ends before it starts", "24:00"],
        ),
        (
            "UTC",
            weekly(&[("mon", "09:00-13:00,12:00-18:00")]),
            vec![],
            &["09:00-13:00 overlaps 12:00-18:00"],
        ),
        (
            "UTC",
            weekly(&[("mon", "09:00-18:00"), ("Monday", "10:00-11:00")]),
            vec![],
            &["a second time"],
        ),
        (
            "UTC",
            weekly(&[("sat", "closed")]),
            vec![],
            &["no day is open"],
        ),
        ("UTC", BTreeMap::new(), vec![], &["no day is open"]),
        (
            "UTC",
            ok_week.clone(),
            vec!["25/12/2026".into()],
            &["holidays", "`25/12/2026`", "YYYY-MM-DD"],
        ),
        (
            "UTC",
            ok_week.clone(),
            vec!["2026-02-30".into()],
            &["`2026-02-30` is not a date"],
        ),
    ];
    for (tz, week, holidays, wants) in cases {
        let err = BusinessHours::parse(tz, &week, &holidays).expect_err(tz);
        for want in wants {
            assert!(err.contains(want), "{err:?} should contain {want:?}");
        }
    }
    // Accepted spellings.
    let lenient = weekly(&[
        ("Monday", " 9:00-18:00 "),
        ("TUE", "09:00-12:00,12:00-24:00"),
        ("wed", ""),
        ("thu", "Closed"),
    ]);
    let hours =
        BusinessHours::parse("Asia/Tokyo", &lenient, &[" 2026-01-01".into()]).expect("lenient");
    let tokyo = chrono_tz::Asia::Tokyo;
    assert!(hours.is_open(at(tokyo, (2026, 4, 7), 23, 59)));
    assert!(!hours.is_open(at(tokyo, (2026, 4, 8), 10, 0)));
    assert_eq!(
        hours.add_business_hours(at(tokyo, (2026, 4, 7), 11, 0), 2),
        at(tokyo, (2026, 4, 7), 13, 0)
    );
}

#[test]
fn format_local_spec_examples() {
    // Saturday 4 April 2026, 10:00 UTC; the reply is due Tuesday 7 April, 07:00 UTC.
    let now = at(Tz::UTC, (2026, 4, 4), 10, 0);
    let due = at(Tz::UTC, (2026, 4, 7), 7, 0);
    let berlin = Some("Europe/Berlin");
    let cases = [
        (LangCode::En, berlin, "Tuesday 09:00"),
        (LangCode::Pt, berlin, "terça-feira 09:00"),
        (LangCode::De, berlin, "Dienstag 09:00"),
        (LangCode::Ja, berlin, "火曜日 09:00"),
        (LangCode::Es, Some("America/Sao_Paulo"), "martes 04:00"),
        (LangCode::Fr, Some("Europe/Paris"), "mardi 09:00"),
        (LangCode::It, Some("Europe/Rome"), "martedì 09:00"),
        (LangCode::Nl, Some("Europe/Amsterdam"), "dinsdag 09:00"),
        (LangCode::Pl, Some("Europe/Warsaw"), "wtorek 09:00"),
        (LangCode::Ru, Some("Europe/Moscow"), "вторник 10:00"),
        (LangCode::Tr, Some("Europe/Istanbul"), "Salı 10:00"),
        (LangCode::Ar, Some("Asia/Riyadh"), "الثلاثاء 10:00"),
        (LangCode::He, Some("Asia/Jerusalem"), "יום שלישי 10:00"),
        (LangCode::Zh, Some("Asia/Shanghai"), "星期二 15:00"),
        (LangCode::Ko, Some("Asia/Seoul"), "화요일 16:00"),
        (LangCode::En, Some("America/New_York"), "Tuesday 03:00"),
        // No zone, or one that is not IANA: UTC, and said so.
        (LangCode::En, None, "Tuesday 07:00 UTC"),
        (
            LangCode::De,
            Some("Mars/Olympus_Mons"),
            "Dienstag 07:00 UTC",
        ),
        (
            LangCode::En,
            Some("Europe/Berlin; DROP"),
            "Tuesday 07:00 UTC",
        ),
    ];
    for (lang, tz, want) in cases {
        assert_eq!(format_local(due, now, tz, lang), want, "{lang} {tz:?}");
    }
}

#[test]
fn format_local_today_tomorrow_and_the_date_line() {
    // Monday 5 January 2026, 10:00 UTC: 23:00 Monday in Auckland (NZDT, +13), 02:00 Monday
    // in Los Angeles. Two hours later it is Tuesday in Auckland, still Monday in LA.
    let now = at(Tz::UTC, (2026, 1, 5), 10, 0);
    let soon = now + 2 * HOUR;
    let cases = [
        (soon, "Pacific/Auckland", LangCode::En, "tomorrow 01:00"),
        (soon, "America/Los_Angeles", LangCode::En, "today 04:00"),
        (
            now + HOUR / 2,
            "Pacific/Auckland",
            LangCode::En,
            "today 23:30",
        ),
        (soon, "Pacific/Auckland", LangCode::Pt, "amanhã 01:00"),
        (soon, "America/Los_Angeles", LangCode::Es, "hoy 04:00"),
        (soon, "Pacific/Auckland", LangCode::Ja, "明日 01:00"),
        (soon, "Pacific/Auckland", LangCode::Fr, "demain 01:00"),
        (
            soon,
            "America/Los_Angeles",
            LangCode::Fr,
            "aujourd'hui 04:00",
        ),
        (soon, "Pacific/Auckland", LangCode::Ko, "내일 01:00"),
        (soon, "Pacific/Auckland", LangCode::Ar, "غدًا 01:00"),
        (soon, "Pacific/Auckland", LangCode::He, "מחר 01:00"),
        // Either side of the date line: +14 and −11 are a day apart at the same instant.
        // (Tuesday on Kiritimati, Monday on Pago Pago.)
        (soon, "Pacific/Kiritimati", LangCode::En, "today 02:00"),
        (soon, "Pacific/Pago_Pago", LangCode::En, "tomorrow 01:00"),
        // Two days ahead: the weekday. A week or more ahead (or past): weekday and date.
        (
            now + 48 * HOUR,
            "Pacific/Auckland",
            LangCode::En,
            "Wednesday 23:00",
        ),
        (
            now + 7 * 24 * HOUR,
            "UTC",
            LangCode::En,
            "Monday 2026-01-12 10:00",
        ),
        (
            now - 24 * HOUR,
            "UTC",
            LangCode::De,
            "Sonntag 2026-01-04 10:00",
        ),
    ];
    for (ms, tz, lang, want) in cases {
        assert_eq!(format_local(ms, now, Some(tz), lang), want, "{tz} {lang}");
    }
}

#[test]
fn every_language_names_seven_distinct_weekdays() {
    let monday = at(Tz::UTC, (2026, 4, 6), 9, 0);
    let long_before = monday - 30 * 24 * HOUR; // so no "today"/"tomorrow"
    for lang in LangCode::ALL {
        let names: std::collections::BTreeSet<String> = (0..7)
            .map(|d| {
                let text = format_local(monday + d * 24 * HOUR, long_before, Some("UTC"), lang);
                assert!(text.ends_with(" 09:00"), "{lang}: {text}");
                text.split(" 2026-").next().unwrap_or_default().to_string()
            })
            .collect();
        assert_eq!(names.len(), 7, "{lang}: {names:?}");
        let today = format_local(monday, monday, Some("UTC"), lang);
        let tomorrow = format_local(monday + 24 * HOUR, monday, Some("UTC"), lang);
        assert_ne!(today, tomorrow, "{lang}");
        assert!(!names.contains(today.trim_end_matches(" 09:00")), "{lang}");
    }
}

#[test]
fn extreme_instants_do_not_panic() {
    let ams = office("Europe/Amsterdam", &[]);
    for ms in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
        let _ = ams.is_open(ms);
        let _ = ams.status(ms);
        let _ = ams.add_business_hours(ms, u32::MAX);
        let _ = format_local(ms, ms, Some("Pacific/Auckland"), LangCode::Ar);
        let _ = format_local(0, ms, None, LangCode::En);
    }
    // Absurd requests stop at the horizon.
    let now = at(AMS, (2026, 4, 6), 9, 0);
    assert_eq!(
        ams.add_business_hours(now, u32::MAX),
        now + i64::from(HORIZON_DAYS) * 24 * HOUR
    );
}

fn schedules() -> Vec<(BusinessHours, &'static str)> {
    let split = weekly(&[
        ("mon", "09:00-12:30,13:30-18:00"),
        ("wed", "00:00-24:00"),
        ("sat", "01:30-02:45"),
        ("sun", "02:00-03:00,23:00-24:00"),
    ]);
    let holidays: Vec<String> = vec!["2026-03-30".into(), "2026-10-26".into()];
    [
        "Europe/Amsterdam",
        "America/New_York",
        "America/Sao_Paulo",
        "Pacific/Auckland",
        "Australia/Lord_Howe",
    ]
    .into_iter()
    .map(|tz| {
        (
            BusinessHours::parse(tz, &split, &holidays).expect("parses"),
            tz,
        )
    })
    .chain([(BusinessHours::always_open(), "UTC")])
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the zone and instant (2025–2028, so DST changes are crossed): the result is
    /// not before `now`, the shop is open just before it (or at it, for zero hours), and each
    /// extra hour asked for moves it by at least an hour.
    #[test]
    fn reply_by_is_open_time_after_now(
        which in 0usize..6,
        now in 1_735_689_600_000i64..1_861_920_000_000,
        hours in 0u32..60,
    ) {
        let all = schedules();
        let (schedule, tz) = &all[which];
        let end = schedule.add_business_hours(now, hours);
        prop_assert!(end >= now, "{tz}");
        if hours == 0 {
            prop_assert!(schedule.is_open(end), "{tz}: next opening {end} is open");
            prop_assert_eq!(schedule.status(now) == Status::Open, end == now);
        } else {
            prop_assert!(schedule.is_open(end - 1), "{tz}: open just before {end}");
            prop_assert!(end - now >= i64::from(hours) * HOUR, "{tz}");
        }
        let later = schedule.add_business_hours(now, hours + 1);
        prop_assert!(later - end >= HOUR, "{tz}: {end} then {later}");
    }
}
