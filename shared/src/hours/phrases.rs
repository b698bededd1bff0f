//! How each language says "by 4:00 PM today" and "at 9:00 AM on Monday": the clock (CLDR's
//! short time: 24-hour or 12-hour, and where the day period goes), the date, and the patterns
//! that put a day, a time and the time-zone note together so the phrase reads right on its
//! own in a sentence. The names the patterns use are in `names.rs`.
//!
//! Slots, replaced in this order:
//! - `layout`: `{day}` (today, tomorrow, a weekday or a date, as `names.rs` writes them in a
//!   sentence), `{t}` (the time, `by` or `at`) and `{z}` (the note, `yours` or `utc`) unless the
//!   time pattern places it (CJK: "9:00(現地時間)までに", before the particle).
//! - `by` / `at`: `{c}` the clock, `{z}`, `{sfx}` (the Turkish case suffix the clock reading
//!   takes, "16:00'ya kadar", "09:00'da": [`turkish_suffix`]).
//! - `date`: `{w}` the weekday in a sentence ("el lunes"), `{W}` standing alone ("lunes"),
//!   `{d}` the day of the month, `{m}` the month, `{y}` the `year` pattern (`{n}`), only when
//!   the date is not in the current year.

use super::TimePhrase;
use crate::lang::LangCode;

/// How the clock reads (CLDR's `timeFormats` short pattern).
pub(super) enum Clock {
    /// `HH:mm` (`pad`) or `H:mm`.
    H24 { pad: bool },
    /// `h:mm` with the day period after ("9:00 AM") or before ("오전 9:00").
    H12 {
        am: &'static str,
        pm: &'static str,
        before: bool,
    },
    /// `B h:mm`: a word for the part of the day before a 12-hour clock ("सुबह 9:00"), from
    /// each listed hour on (CLDR's flexible day periods).
    Periods(&'static [(u32, &'static str)]),
}

impl Clock {
    /// The clock text for `hour` (0..24) and `minute`, and the hour number it shows.
    pub(super) fn show(&self, hour: u32, minute: u32) -> (String, u32) {
        let twelve = match hour % 12 {
            0 => 12,
            h => h,
        };
        match *self {
            Clock::H24 { pad: true } => (format!("{hour:02}:{minute:02}"), hour),
            Clock::H24 { pad: false } => (format!("{hour}:{minute:02}"), hour),
            Clock::H12 { am, pm, before } => {
                let period = if hour < 12 { am } else { pm };
                let time = format!("{twelve}:{minute:02}");
                let text = if before {
                    format!("{period} {time}")
                } else {
                    format!("{time} {period}")
                };
                (text, twelve)
            }
            Clock::Periods(periods) => {
                let period = periods
                    .iter()
                    .rev()
                    .find(|(from, _)| *from <= hour)
                    .map_or("", |(_, word)| word);
                (format!("{period} {twelve}:{minute:02}"), twelve)
            }
        }
    }
}

pub(super) struct Phrases {
    pub clock: Clock,
    /// Puts `{day}`, `{t}` and (unless `by`/`at` do) `{z}` together.
    pub layout: &'static str,
    /// The time of a deadline: "by {c}", "antes de las {c}".
    pub by: &'static str,
    /// The time of a moment: "at {c}", "a las {c}".
    pub at: &'static str,
    /// The hours (as the clock shows them) that take another article or preposition, and
    /// `by` and `at` for them (es "a la 1:00", el "στη 1:00", uk "об 11:00").
    pub alt: Option<(&'static [u32], &'static str, &'static str)>,
    /// A date after this week (`{w}`, `{W}`, `{d}`, `{m}`, `{y}`).
    pub date: &'static str,
    /// The year, when a date is not in the current one: `{n}`.
    pub year: &'static str,
    /// Added to the year number (Thai: the Buddhist era, CLDR's default calendar).
    pub year_offset: i32,
    /// How the first of the month is written, when not "1" (fr "1er", pt and it "1º").
    pub day_one: &'static str,
    /// The time is the shopper's own (their browser's zone).
    pub yours: &'static str,
    /// The time is UTC (the browser did not say its zone).
    pub utc: &'static str,
}

const UTC: &str = "(UTC)";
/// In Chinese and Japanese text, with full-width parentheses.
const UTC_WIDE: &str = "(UTC)";

pub(super) fn phrases(lang: LangCode) -> Phrases {
    let base = Phrases {
        clock: Clock::H24 { pad: true },
        layout: "{day} {t} {z}",
        by: "",
        at: "",
        alt: None,
        date: "{w} {d} {m}{y}",
        year: " {n}",
        year_offset: 0,
        day_one: "1",
        yours: "",
        utc: UTC,
    };
    match lang {
        LangCode::En => Phrases {
            clock: Clock::H12 {
                am: "AM",
                pm: "PM",
                before: false,
            },
            layout: "{t} {day} {z}",
            by: "by {c}",
            at: "at {c}",
            date: "{w}, {m} {d}{y}",
            year: ", {n}",
            yours: "(your time)",
            ..base
        },
        LangCode::Es => Phrases {
            clock: Clock::H24 { pad: false },
            by: "antes de las {c}",
            at: "a las {c}",
            alt: Some((&[1], "antes de la {c}", "a la {c}")),
            date: "{w} {d} de {m}{y}",
            year: " de {n}",
            yours: "(tu hora local)",
            ..base
        },
        LangCode::Pt => Phrases {
            by: "até as {c}",
            at: "às {c}",
            alt: Some((&[0, 1], "até a {c}", "à {c}")),
            date: "{w}, {d} de {m}{y},",
            year: " de {n}",
            day_one: "1º",
            yours: "(seu horário)",
            ..base
        },
        LangCode::Fr => Phrases {
            by: "avant {c}",
            at: "à {c}",
            day_one: "1er",
            yours: "(votre heure locale)",
            ..base
        },
        LangCode::De => Phrases {
            by: "bis {c} Uhr",
            at: "um {c} Uhr",
            date: "{w}, {d}. {m}{y},",
            yours: "(Ihre Ortszeit)",
            ..base
        },
        LangCode::It => Phrases {
            by: "entro le {c}",
            at: "alle {c}",
            alt: Some((&[1], "entro l'{c}", "all'{c}")),
            day_one: "1º",
            yours: "(ora locale)",
            ..base
        },
        LangCode::Nl => Phrases {
            by: "vóór {c}",
            at: "om {c}",
            yours: "(lokale tijd)",
            ..base
        },
        LangCode::Pl => Phrases {
            by: "do {c}",
            at: "o {c}",
            date: "{w}, {d} {m}{y},",
            year: " {n} r.",
            yours: "(czasu lokalnego)",
            ..base
        },
        LangCode::Ru => Phrases {
            by: "до {c}",
            at: "в {c}",
            date: "{w}, {d} {m}{y},",
            year: " {n} г.",
            yours: "(по вашему времени)",
            ..base
        },
        LangCode::Tr => Phrases {
            by: "saat {c}{sfx} kadar",
            at: "saat {c}{sfx}",
            date: "{d} {m}{y} {W}",
            yours: "(yerel saatinizle)",
            ..base
        },
        LangCode::Ar => Phrases {
            clock: Clock::H12 {
                am: "ص",
                pm: "م",
                before: false,
            },
            by: "قبل الساعة {c}",
            at: "في الساعة {c}",
            yours: "(بتوقيتك)",
            ..base
        },
        LangCode::He => Phrases {
            clock: Clock::H24 { pad: false },
            by: "עד השעה {c}",
            at: "בשעה {c}",
            date: "{w}, {d} ב{m}{y},",
            yours: "(לפי השעון שלך)",
            ..base
        },
        LangCode::Zh => Phrases {
            layout: "{day} {t}",
            by: "{c}{z}之前",
            at: "{c}{z}",
            date: "{y}{m}{d}日{W}",
            year: "{n}年",
            yours: "(您当地时间)",
            utc: UTC_WIDE,
            ..base
        },
        LangCode::Ja => Phrases {
            clock: Clock::H24 { pad: false },
            layout: "{day} {t}",
            by: "{c}{z}までに",
            at: "{c}{z}に",
            date: "{y}{m}{d}日{W}",
            year: "{n}年",
            yours: "(現地時間)",
            utc: UTC_WIDE,
            ..base
        },
        LangCode::Ko => Phrases {
            clock: Clock::H12 {
                am: "오전",
                pm: "오후",
                before: true,
            },
            layout: "{day} {t}",
            by: "{c}{z}까지",
            at: "{c}{z}에",
            date: "{y}{m} {d}일 {W}",
            year: "{n}년 ",
            yours: "(현지 시간)",
            ..base
        },
        LangCode::El => Phrases {
            clock: Clock::H12 {
                am: "π.μ.",
                pm: "μ.μ.",
                before: false,
            },
            by: "έως τις {c}",
            at: "στις {c}",
            alt: Some((&[1], "έως τη {c}", "στη {c}")),
            yours: "(τοπική ώρα)",
            ..base
        },
        LangCode::Uk => Phrases {
            by: "до {c}",
            at: "о {c}",
            alt: Some((&[11], "до {c}", "об {c}")),
            date: "{w}, {d} {m}{y},",
            year: " {n} р.",
            yours: "(за вашим часом)",
            ..base
        },
        LangCode::Vi => Phrases {
            layout: "{t} {day} {z}",
            by: "trước {c}",
            at: "lúc {c}",
            date: "{W}, ngày {d} {m}{y}",
            year: " năm {n}",
            yours: "(giờ địa phương)",
            ..base
        },
        LangCode::Th => Phrases {
            by: "ก่อนเวลา {c} น.",
            at: "เวลา {c} น.",
            date: "{w}ที่ {d} {m}{y}",
            year: " พ.ศ. {n}",
            year_offset: 543,
            yours: "(เวลาท้องถิ่น)",
            ..base
        },
        LangCode::Hi => Phrases {
            clock: Clock::Periods(&[
                (0, "रात"),
                (4, "सुबह"),
                (12, "दोपहर"),
                (16, "शाम"),
                (20, "रात"),
            ]),
            by: "{c} बजे तक",
            at: "{c} बजे",
            date: "{W}, {d} {m}{y} को",
            yours: "(आपके समय के अनुसार)",
            ..base
        },
    }
}

/// The Turkish case suffix after a clock reading (`HH:mm`): it follows the last number word
/// spoken ("on altı" → 16:00'ya / 16:00'da; "otuz" → 09:30'a / 09:30'da), by vowel harmony,
/// with a buffer `y` after a vowel and `t` after a voiceless consonant. Dative for a deadline
/// ("…'ya kadar"), locative for a moment.
pub(super) fn turkish_suffix(hour: u32, minute: u32, phrase: TimePhrase) -> &'static str {
    // (dative, locative) of the number words: ones 1-9, then tens 10-50, then zero.
    const ONES: [(&str, &str); 10] = [
        ("'a", "'da"),  // sıfır
        ("'e", "'de"),  // bir
        ("'ye", "'de"), // iki
        ("'e", "'te"),  // üç
        ("'e", "'te"),  // dört
        ("'e", "'te"),  // beş
        ("'ya", "'da"), // altı
        ("'ye", "'de"), // yedi
        ("'e", "'de"),  // sekiz
        ("'a", "'da"),  // dokuz
    ];
    const TENS: [(&str, &str); 6] = [
        ("'a", "'da"),  // sıfır
        ("'a", "'da"),  // on
        ("'ye", "'de"), // yirmi
        ("'a", "'da"),  // otuz
        ("'a", "'ta"),  // kırk
        ("'ye", "'de"), // elli
    ];
    let spoken = if minute == 0 { hour } else { minute };
    let (dative, locative) = match spoken % 10 {
        0 => TENS[(spoken / 10) as usize % TENS.len()],
        ones => ONES[ones as usize],
    };
    match phrase {
        TimePhrase::By => dative,
        TimePhrase::At => locative,
    }
}
