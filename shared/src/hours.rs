//! Business hours: when a person is at the inbox, and so when a handoff will have been
//! answered ("reply by"), plus the text for such an instant: for shoppers a whole phrase in
//! their language ([`for_shopper`]: "by 4:00 PM today", es "el lunes a las 9:00"; names in
//! `hours/names.rs`, patterns in `hours/phrases.rs`), for the shop a terse one
//! ([`format_local`]).
//!
//! - A [`BusinessHours`] is an IANA time zone, open ranges per weekday in local wall-clock time
//!   and whole-day holidays (local dates). All arithmetic goes through `chrono-tz`'s copy of
//!   the IANA database; nothing here hard-codes an offset.
//! - Every function takes the instant it reasons about as Unix epoch milliseconds; nothing here
//!   reads a clock.
//!
//! ## Daylight-saving changes
//! Open ranges are wall-clock times, so a shop open 09:00–18:00 opens at 09:00 local on both
//! sides of a DST change. When a range boundary falls into the change itself:
//! - a time that does not exist (the clocks jump over it) counts from the moment they jump;
//! - a time that occurs twice counts from its first occurrence when it opens a range and until
//!   its second occurrence when it closes one (time is never counted twice).
//!
//! ## Limits
//! Instants outside chrono's range (about ±262,000 years) count as closed. Searches stop
//! [`HORIZON_DAYS`] after `now`: a schedule that cannot supply the time asked for within that
//! (a holiday list covering years) gets `now` + [`HORIZON_DAYS`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

use crate::lang::LangCode;

mod names;
mod phrases;

/// How far ahead [`BusinessHours::add_business_hours`] and [`BusinessHours::status`] look.
pub const HORIZON_DAYS: u32 = 5 * 366;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
const DAY_MINUTES: u16 = 24 * 60;

/// Weekday keys of the weekly table, Monday first (the index is `num_days_from_monday`).
const WEEKDAYS: [(&str, &str); 7] = [
    ("mon", "monday"),
    ("tue", "tuesday"),
    ("wed", "wednesday"),
    ("thu", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
];

/// When a shop's people answer: a time zone, open ranges per weekday, holidays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessHours {
    tz: Tz,
    /// Monday first. Each day's ranges as minutes from local midnight, `[start, end)`, sorted,
    /// non-overlapping, `end <= 1440` (24:00).
    weekly: [Vec<(u16, u16)>; 7],
    /// Closed all day (local dates in `tz`).
    holidays: BTreeSet<NaiveDate>,
}

/// Whether the inbox is staffed at an instant, and if not, why and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    /// Outside the opening hours (evening, weekend). `opens_at`: epoch ms.
    Closed {
        opens_at: i64,
    },
    /// Today (local date) is a holiday. `opens_at`: epoch ms.
    Holiday {
        opens_at: i64,
    },
}

impl BusinessHours {
    /// Parses a schedule.
    ///
    /// - `tz`: an IANA name such as `Europe/Amsterdam` (case-sensitive, as in the database).
    /// - `weekly`: weekday (`mon` … `sun`, or the full English name; any case) to
    ///   `"09:00-18:00"`, several ranges separated by commas (`"09:00-12:30,13:30-18:00"`).
    ///   A day that is absent, empty or `"closed"` is closed. `24:00` may end a range.
    /// - `holidays`: ISO dates (`2026-12-25`), closed all day in `tz`.
    ///
    /// Errors are sentences naming the field and the value, and what to write instead.
    pub fn parse(
        tz: &str,
        weekly: &BTreeMap<String, String>,
        holidays: &[String],
    ) -> Result<BusinessHours, String> {
        let tz = parse_tz(tz)?;
        let mut days: [Option<Vec<(u16, u16)>>; 7] = Default::default();
        for (key, value) in weekly {
            let lower = key.trim().to_ascii_lowercase();
            let Some(index) = WEEKDAYS
                .iter()
                .position(|(short, long)| lower == *short || lower == *long)
            else {
                return Err(format!(
                    "opening hours: `{key}` is not a weekday; write mon, tue, wed, thu, fri, sat or sun"
                ));
            };
            if days[index].is_some() {
                return Err(format!(
                    "opening hours: `{key}` names {} a second time; give each weekday once",
                    WEEKDAYS[index].0
                ));
            }
            days[index] = Some(parse_day(key, value)?);
        }
        let weekly: [Vec<(u16, u16)>; 7] = days.map(Option::unwrap_or_default);
        if weekly.iter().all(Vec::is_empty) {
            return Err(
                "opening hours: no day is open; give at least one, e.g. mon = \"09:00-18:00\""
                    .to_string(),
            );
        }
        let mut set = BTreeSet::new();
        for text in holidays {
            set.insert(parse_date(text).ok_or_else(|| {
                format!(
                    "holidays: `{text}` is not a date; write it as YYYY-MM-DD, e.g. \"2026-12-25\""
                )
            })?);
        }
        Ok(BusinessHours {
            tz,
            weekly,
            holidays: set,
        })
    }

    /// Open around the clock, every day, in UTC.
    pub fn always_open() -> BusinessHours {
        BusinessHours {
            tz: Tz::UTC,
            weekly: std::array::from_fn(|_| vec![(0, DAY_MINUTES)]),
            holidays: BTreeSet::new(),
        }
    }

    /// The IANA name of the schedule's time zone.
    pub fn tz_name(&self) -> &'static str {
        self.tz.name()
    }

    pub fn is_open(&self, now_ms: i64) -> bool {
        let Some(today) = self.local_date(now_ms) else {
            return false;
        };
        [today.pred_opt(), Some(today), today.succ_opt()]
            .into_iter()
            .flatten()
            .flat_map(|date| self.ranges_on(date))
            .any(|(start, end)| start <= now_ms && now_ms < end)
    }

    /// Open now, or closed and why (a holiday today, or outside the hours) and until when.
    pub fn status(&self, now_ms: i64) -> Status {
        if self.is_open(now_ms) {
            return Status::Open;
        }
        let opens_at = self.add_business_hours(now_ms, 0);
        match self.local_date(now_ms) {
            Some(today) if self.holidays.contains(&today) => Status::Holiday { opens_at },
            _ => Status::Closed { opens_at },
        }
    }

    /// `now_ms` plus `hours` of open time, as epoch ms. With `hours == 0`, the next instant the
    /// shop is open (`now_ms` itself when open). Ending exactly at closing time returns the
    /// closing time, not the next opening.
    pub fn add_business_hours(&self, now_ms: i64, hours: u32) -> i64 {
        let horizon = now_ms.saturating_add(i64::from(HORIZON_DAYS) * DAY_MS);
        let Some(today) = self.local_date(now_ms) else {
            return now_ms;
        };
        let mut remaining = i64::from(hours) * HOUR_MS;
        // Time already counted: ranges that touch or overlap around DST changes are not
        // counted twice.
        let mut cursor = now_ms;
        let mut date = today.pred_opt().unwrap_or(today);
        for _ in 0..HORIZON_DAYS + 2 {
            for (start, end) in self.ranges_on(date) {
                let start = start.max(cursor);
                if end <= start {
                    continue;
                }
                if remaining <= end - start {
                    return start + remaining;
                }
                remaining -= end - start;
                cursor = end;
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        horizon
    }

    fn local_date(&self, ms: i64) -> Option<NaiveDate> {
        let utc = DateTime::<Utc>::from_timestamp_millis(ms)?;
        Some(utc.with_timezone(&self.tz).date_naive())
    }

    /// The open ranges of one local date as epoch-ms `[start, end)`, in order; none on a holiday.
    fn ranges_on(&self, date: NaiveDate) -> Vec<(i64, i64)> {
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        let day = &self.weekly[date.weekday().num_days_from_monday() as usize];
        day.iter()
            .filter_map(|&(start, end)| {
                let start = self.instant(date, start, Boundary::Opens)?;
                let end = self.instant(date, end, Boundary::Closes)?;
                (start < end).then_some((start, end))
            })
            .collect()
    }

    /// The instant of wall-clock `minute` (0..=1440) on local `date`, resolved as the module
    /// docs describe for times skipped or repeated by a DST change.
    fn instant(&self, date: NaiveDate, minute: u16, boundary: Boundary) -> Option<i64> {
        let local = if minute >= DAY_MINUTES {
            date.succ_opt()?.and_time(NaiveTime::MIN)
        } else {
            date.and_time(NaiveTime::from_hms_opt(
                u32::from(minute / 60),
                u32::from(minute % 60),
                0,
            )?)
        };
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(t) => Some(t.timestamp_millis()),
            LocalResult::Ambiguous(first, second) => Some(match boundary {
                Boundary::Opens => first.min(second).timestamp_millis(),
                Boundary::Closes => first.max(second).timestamp_millis(),
            }),
            LocalResult::None => self.after_gap(local),
        }
    }

    /// The first instant whose wall-clock time is past the skipped `local` time: the moment the
    /// clocks jumped. Transitions fall on whole minutes; gaps last at most a day (Samoa, 2011).
    fn after_gap(&self, local: NaiveDateTime) -> Option<i64> {
        let mut probe = local;
        for _ in 0..=DAY_MINUTES + 60 {
            probe = probe.checked_add_signed(chrono::TimeDelta::minutes(1))?;
            let first = match self.tz.from_local_datetime(&probe) {
                LocalResult::Single(t) => t,
                LocalResult::Ambiguous(a, b) => a.min(b),
                LocalResult::None => continue,
            };
            // `probe` is the first whole minute after the gap; the jump happened at it.
            return Some(first.timestamp_millis());
        }
        None
    }
}

#[derive(Clone, Copy)]
enum Boundary {
    Opens,
    Closes,
}

fn parse_tz(name: &str) -> Result<Tz, String> {
    if let Ok(tz) = name.trim().parse::<Tz>() {
        return Ok(tz);
    }
    let wanted = name.trim().to_ascii_lowercase();
    let hint = chrono_tz::TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().to_ascii_lowercase() == wanted)
        .map(|tz| format!("did you mean \"{}\"?", tz.name()))
        .unwrap_or_else(|| {
            "write an IANA name such as \"Europe/Amsterdam\" or \"America/Sao_Paulo\"".to_string()
        });
    Err(format!(
        "time_zone: `{name}` is not an IANA time zone; {hint}"
    ))
}

fn parse_day(key: &str, value: &str) -> Result<Vec<(u16, u16)>, String> {
    let text = value.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("closed") {
        return Ok(Vec::new());
    }
    let mut ranges: Vec<(u16, u16)> = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let parsed = part
            .split_once('-')
            .and_then(|(a, b)| Some((parse_clock(a.trim(), false)?, parse_clock(b.trim(), true)?)));
        let Some((start, end)) = parsed else {
            return Err(format!(
                "opening hours for {key}: `{part}` is not a time range; write it as \"09:00-18:00\" \
                 (24-hour clock; several ranges separated by commas: \"09:00-12:30,13:30-18:00\"; \
                 \"closed\" for a closed day)"
            ));
        };
        if end <= start {
            return Err(format!(
                "opening hours for {key}: `{part}` ends before it starts; a range cannot pass \
                 midnight, so end it at 24:00 and continue with 00:00-… on the next day"
            ));
        }
        ranges.push((start, end));
    }
    ranges.sort_unstable();
    for pair in ranges.windows(2) {
        if let [(a_start, a_end), (b_start, b_end)] = *pair
            && b_start < a_end
        {
            return Err(format!(
                "opening hours for {key}: {}-{} overlaps {}-{}; give ranges that do not overlap",
                clock(a_start),
                clock(a_end),
                clock(b_start),
                clock(b_end)
            ));
        }
    }
    Ok(ranges)
}

/// `H:MM` or `HH:MM`, 24-hour clock, in minutes from midnight; `24:00` only as an end.
fn parse_clock(text: &str, is_end: bool) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    if !(1..=2).contains(&h.len())
        || m.len() != 2
        || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) if is_end => Some(DAY_MINUTES),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.trim().split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || m.len() != 2
        || d.len() != 2
        || !y
            .bytes()
            .chain(m.bytes())
            .chain(d.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// What a shopper-facing time phrase says about its instant: the two placeholders of the
/// handoff texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimePhrase {
    /// A deadline, `{reply_by}`: "by 4:00 PM today", es "hoy antes de las 16:00", de "am
    /// Montag bis 09:00 Uhr", ja "明日 9:00までに".
    By,
    /// A moment, `{opens_at}`: "at 9:00 AM tomorrow", es "el lunes a las 9:00", de "am
    /// Montag um 09:00 Uhr", ja "月曜日 9:00に".
    At,
}

/// The instant `ms` as a whole time phrase in the shopper's language and zone, preposition
/// included, so a template writes it where the phrase goes ("A person will reply
/// {reply_by}.", "We are back {opens_at}.") and the sentence reads right for every day:
///
/// - the day is named relative to `now_ms` in that zone: today, tomorrow, the weekday within
///   the week (2 to 6 days ahead), else the weekday and date (with the year when it is not
///   the current one);
/// - the clock is the language's usual one (CLDR's short time: "4:00 PM", "16:00",
///   "오후 4:00"), and articles or suffixes agree with the hour (es "a la 1:00", tr
///   "16:00'ya kadar");
/// - `tz`: the shopper's IANA zone (the browser's); the phrase ends with "(your time)" in the
///   language. Missing or unknown: the time is in UTC and the phrase says "(UTC)".
///
/// Examples (Tuesday 10:00, the shopper's own zone): `By` Wednesday 10:00 → "by 10:00 AM
/// tomorrow (your time)", es "mañana antes de las 10:00 (tu hora local)"; `At` Monday 09:00 →
/// "at 9:00 AM on Monday (your time)", de "am Montag um 09:00 Uhr (Ihre Ortszeit)".
/// An `ms` outside chrono's range gives an empty string.
pub fn for_shopper(
    phrase: TimePhrase,
    ms: i64,
    now_ms: i64,
    tz: Option<&str>,
    lang: LangCode,
) -> String {
    let zone = tz.and_then(|name| name.trim().parse::<Tz>().ok());
    let Some(when) = DateTime::<Utc>::from_timestamp_millis(ms) else {
        return String::new();
    };
    let when = when.with_timezone(&zone.unwrap_or(Tz::UTC));
    let today = DateTime::<Utc>::from_timestamp_millis(now_ms)
        .map(|now| now.with_timezone(&zone.unwrap_or(Tz::UTC)).date_naive());
    let (names, words) = (names::names(lang), phrases::phrases(lang));

    let (hour, minute) = (when.hour(), when.minute());
    let (clock, shown_hour) = words.clock.show(hour, minute);
    let (by, at) = match words.alt {
        Some((hours, by, at)) if hours.contains(&shown_hour) => (by, at),
        _ => (words.by, words.at),
    };
    let time = match phrase {
        TimePhrase::By => by,
        TimePhrase::At => at,
    }
    .replace("{c}", &clock)
    .replace("{sfx}", phrases::turkish_suffix(hour, minute, phrase));

    let date = when.date_naive();
    let weekday = date.weekday().num_days_from_monday() as usize;
    let ahead = today.map(|today| date.signed_duration_since(today).num_days());
    let day = match ahead {
        Some(0) => names.today.to_string(),
        Some(1) => names.tomorrow.to_string(),
        Some(2..=6) => names.on_weekdays[weekday].to_string(),
        _ => {
            let year = if today.is_some_and(|t| t.year() == date.year()) {
                String::new()
            } else {
                words
                    .year
                    .replace("{n}", &(date.year() + words.year_offset).to_string())
            };
            let day_of_month = match date.day() {
                1 => words.day_one.to_string(),
                d => d.to_string(),
            };
            words
                .date
                .replace("{w}", names.on_weekdays[weekday])
                .replace("{W}", names.weekdays[weekday])
                .replace("{d}", &day_of_month)
                .replace("{m}", names.months[date.month0() as usize])
                .replace("{y}", &year)
        }
    };
    let note = if zone.is_some() {
        words.yours
    } else {
        words.utc
    };
    words
        .layout
        .replace("{day}", &day)
        .replace("{t}", &time)
        .replace("{z}", note)
}

/// Shop-facing text for the instant `ms`, e.g. `Tuesday 09:00` (agents, the inbox, Slack):
/// terse, 24-hour, the same shape in every language. Shoppers read [`for_shopper`].
///
/// - `tz`: an IANA zone. Missing or unknown: UTC, and the text says so (`Tuesday 09:00 UTC`).
/// - The day is named relative to `now_ms` in that zone: "today"/"tomorrow" (localized,
///   lower case, to sit mid-sentence), else the localized weekday; more than six days ahead
///   (or in the past) the ISO date follows the weekday (`Tuesday 2026-04-14 09:00`).
/// - 24-hour clock everywhere; seconds are dropped.
///
/// An `ms` outside chrono's range gives an empty string.
pub fn format_local(ms: i64, now_ms: i64, tz: Option<&str>, lang: LangCode) -> String {
    let zone = tz.and_then(|name| name.trim().parse::<Tz>().ok());
    let (zone, suffix) = match zone {
        Some(zone) => (zone, ""),
        None => (Tz::UTC, " UTC"),
    };
    let Some(when) = DateTime::<Utc>::from_timestamp_millis(ms) else {
        return String::new();
    };
    let when = when.with_timezone(&zone);
    let today = DateTime::<Utc>::from_timestamp_millis(now_ms)
        .map(|now| now.with_timezone(&zone).date_naive());
    let words = names::names(lang);
    let date = when.date_naive();
    let weekday = words.weekdays[date.weekday().num_days_from_monday() as usize];
    let ahead = today.map(|today| date.signed_duration_since(today).num_days());
    let time = format!("{:02}:{:02}", when.hour(), when.minute());
    match ahead {
        Some(0) => format!("{} {time}{suffix}", words.today),
        Some(1) => format!("{} {time}{suffix}", words.tomorrow),
        Some(2..=6) => format!("{weekday} {time}{suffix}"),
        _ => format!(
            "{weekday} {:04}-{:02}-{:02} {time}{suffix}",
            date.year(),
            date.month(),
            date.day()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_and_date_parsing() {
        assert_eq!(parse_clock("09:00", false), Some(540));
        assert_eq!(parse_clock("9:05", false), Some(545));
        assert_eq!(parse_clock("24:00", true), Some(1440));
        for bad in [
            "24:00", "9", "09:0", "09:60", "-1:00", "0900", "9:00am", "+9:00",
        ] {
            assert_eq!(parse_clock(bad, false), None, "{bad}");
        }
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(
            parse_date("2026-12-25"),
            NaiveDate::from_ymd_opt(2026, 12, 25)
        );
        assert_eq!(parse_date("2026-12-25-1"), None);
    }
}
