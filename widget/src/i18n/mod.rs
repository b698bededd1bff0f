//! The widget's own words (labels, notices), per language. Shop content (greeting, answers,
//! quick replies) comes from the site config instead; these are only the panel's chrome.
//!
//! The words are data, one file per language: `widget/i18n/<code>.json`. Only English is
//! compiled into the module (the fallback, always at hand); the build copies the files next
//! to the wasm (`widget/<version>/i18n/`), and the panel fetches the one it speaks, so a
//! shopper downloads one language instead of thirteen. `tests.rs` reads every file through
//! the same [`ui`] decoder the browser uses and checks each is complete and translated.
//!
//! A count (`{n} new messages`) is a [`Counted`]: a form per plural category of the
//! language ([`plural`]), with an optional exact text for one (`within an hour`).
//!
//! Languages without a table here fall back to English.

use std::rc::Rc;

use ferry_shared::language::LangCode;

use crate::json::Json;

/// The languages with a table, each a file `widget/i18n/<code>.json`.
pub const CODES: [&str; 13] = [
    "en", "es", "pt", "fr", "de", "it", "ru", "zh", "ja", "ko", "ar", "tr", "he",
];

/// The English table, the one compiled in.
pub const ENGLISH: &str = include_str!("../../i18n/en.json");

/// Declares [`Ui`], its field names and its decoder from one list of fields.
macro_rules! ui_table {
    (
        texts { $( $(#[$tm:meta])* $text:ident, )* }
        counts { $( $(#[$cm:meta])* $count:ident, )* }
    ) => {
        /// Every string the panel shows that is not shop content, in the language `code`.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Ui {
            /// The table's language (one of [`CODES`]); its plural rule.
            pub code: &'static str,
            $( $(#[$tm])* pub $text: String, )*
            $( $(#[$cm])* pub $count: Counted, )*
        }

        /// The members of a table file: plain texts, then counts.
        pub const TEXTS: &[&str] = &[$(stringify!($text)),*];
        pub const COUNTS: &[&str] = &[$(stringify!($count)),*];

        /// A parsed table file (`JSON.parse` in the browser, `serde_json` in tests); `None`
        /// when a member is missing or not text.
        pub fn ui<J: Json>(json: &J, code: &'static str) -> Option<Ui> {
            // One loop per kind rather than a lookup per field: much less code in the wasm.
            let texts: Option<Vec<String>> =
                TEXTS.iter().map(|key| json.get(key)?.string()).collect();
            let mut texts = texts?.into_iter();
            let counts: Option<Vec<Counted>> =
                COUNTS.iter().map(|key| Counted::read(&json.get(key)?)).collect();
            let mut counts = counts?.into_iter();
            Some(Ui {
                code,
                $( $text: texts.next()?, )*
                $( $count: counts.next()?, )*
            })
        }
    };
}

ui_table! {
    texts {
        /// Title before the config (and the shop name) has arrived.
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
        ticket,
        reply_by,
        /// The launcher's label.
        open_chat,
        /// Header status while someone is at the inbox.
        online,
        /// Header status outside business hours or on a holiday.
        away,
        /// Header detail when away: when a person is back; `{when}` is a local date and time.
        back_at,
        /// Above the contact form after a handoff.
        contact_prompt,
        email_label,
        email_invalid,
        order_label,
        order_invalid,
        contact_submit,
        /// After the contact was saved, when the edge sent no text of its own.
        contact_saved,
        /// Offline with messages waiting in the outbox: they go out once the browser is online.
        queued,
        /// Beside the Turnstile check the edge asked for before a handoff.
        check,
        /// Too many handoffs from this address for now (the message waits, with Retry).
        no_person,
        /// When the shopper can try again; `{when}` is a local date and time.
        try_after,
        /// The way out, last in a notice; `{email}` is the shop's support address.
        write_to,
    }
    counts {
        /// The message is `{n}` characters long, over the limit `{max}`.
        too_long,
        /// The launcher badge's label: `{n}` replies arrived while the panel was closed.
        unread,
        /// Header detail: the usual reply time, `{n}` business hours.
        replies_within,
        /// A network error: the outbox retries by itself in `{n}` seconds.
        retrying,
    }
}

/// A text with a number `{n}`, in each form the language's plural rule needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counted {
    /// For exactly 1, when it is not the `one` form with the number ("within an hour").
    pub exactly_one: Option<String>,
    pub one: Option<String>,
    pub two: Option<String>,
    pub few: Option<String>,
    pub many: Option<String>,
    pub other: Option<String>,
}

/// The plural forms (CLDR's categories, as far as the tables' languages use them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    One,
    Two,
    Few,
    Many,
    Other,
}

/// The plural category of `n` in the language `code` (cardinals, whole numbers).
pub fn plural(code: &str, n: u64) -> Plural {
    match code {
        // No plural inflection.
        "zh" | "ja" | "ko" => Plural::Other,
        // 0 and 1 are singular.
        "pt" | "fr" => {
            if n <= 1 {
                Plural::One
            } else {
                Plural::Other
            }
        }
        // 1, 21, 101: one; 2–4, 22–24: few; 0, 5–20, 25–30, 111–114: many.
        "ru" => match (n % 10, n % 100) {
            (_, 11..=14) => Plural::Many,
            (1, _) => Plural::One,
            (2..=4, _) => Plural::Few,
            _ => Plural::Many,
        },
        // Exactly 1; the dual 2; 3–10 and 103–110…; everything else (0, 11–99, 100–102…)
        // takes the singular noun (the same spelling for the feminine nouns used here).
        "ar" => match (n, n % 100) {
            (1, _) => Plural::One,
            (2, _) => Plural::Two,
            (_, 3..=10) => Plural::Few,
            _ => Plural::Many,
        },
        _ => {
            if n == 1 {
                Plural::One
            } else {
                Plural::Other
            }
        }
    }
}

impl Counted {
    fn read<J: Json>(json: &J) -> Option<Counted> {
        let form = |key: &str| json.get(key).and_then(|v| v.string());
        json.members()?;
        Some(Counted {
            exactly_one: form("=1"),
            one: form("one"),
            two: form("two"),
            few: form("few"),
            many: form("many"),
            other: form("other"),
        })
    }

    /// The form for a category (`None` when the table lacks it; `tests.rs` checks none does).
    pub fn form(&self, category: Plural) -> Option<&str> {
        match category {
            Plural::One => self.one.as_deref(),
            Plural::Two => self.two.as_deref(),
            Plural::Few => self.few.as_deref(),
            Plural::Many => self.many.as_deref(),
            Plural::Other => self.other.as_deref(),
        }
    }

    /// The text for `n` in the language `code`, `{n}` replaced by the number.
    pub fn say(&self, code: &str, n: u64) -> String {
        if n == 1
            && let Some(text) = &self.exactly_one
        {
            return text.clone();
        }
        let template = self
            .form(plural(code, n))
            .or(self.other.as_deref())
            .unwrap_or_default();
        template.replace("{n}", &n.to_string())
    }
}

impl Ui {
    /// The compiled-in English table.
    pub fn english() -> Ui {
        #[cfg(target_arch = "wasm32")]
        let json = js_sys::JSON::parse(ENGLISH).ok();
        #[cfg(not(target_arch = "wasm32"))]
        let json = serde_json::from_str::<serde_json::Value>(ENGLISH).ok();
        json.and_then(|json| ui(&json, "en"))
            .expect("widget/i18n/en.json is a complete table (i18n tests)")
    }

    /// The message is `n` characters long, over the limit `max`.
    pub fn too_long(&self, n: usize, max: usize) -> String {
        self.too_long
            .say(self.code, n as u64)
            .replace("{max}", &max.to_string())
    }

    /// `n` replies arrived while the panel was closed.
    pub fn unread(&self, n: usize) -> String {
        self.unread.say(self.code, n as u64)
    }

    /// The usual reply time, `n` business hours.
    pub fn replies_within(&self, n: u32) -> String {
        self.replies_within.say(self.code, u64::from(n))
    }

    /// The outbox retries by itself in `secs` seconds.
    pub fn retrying(&self, secs: u32) -> String {
        self.retrying.say(self.code, u64::from(secs))
    }

    /// When a person is back (`when` is a local date and time).
    pub fn back_at(&self, when: &str) -> String {
        self.back_at.replace("{when}", when)
    }
}

/// The tables at hand: English (always) and those fetched so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tables(Vec<Rc<Ui>>);

impl Tables {
    pub fn new(english: Ui) -> Tables {
        Tables(vec![Rc::new(english)])
    }

    /// The table for `code`, if it is at hand.
    pub fn get(&self, code: &str) -> Option<Rc<Ui>> {
        self.0.iter().find(|t| t.code == code).cloned()
    }

    /// The English table.
    pub fn english(&self) -> Rc<Ui> {
        self.get("en").unwrap_or_else(|| self.0[0].clone())
    }

    /// Keeps a fetched table (replacing one of the same language).
    pub fn add(&mut self, table: Ui) -> Rc<Ui> {
        let table = Rc::new(table);
        self.0.retain(|t| t.code != table.code);
        self.0.push(table.clone());
        table
    }
}

#[cfg(test)]
impl Tables {
    /// Every table, read from `widget/i18n/` (as if each had been fetched).
    pub fn all() -> Tables {
        let mut tables = Tables::new(Ui::english());
        for code in CODES {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("i18n/{code}.json"));
            let text = std::fs::read_to_string(path).expect("a table file");
            let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            tables.add(ui(&json, code).expect("a complete table"));
        }
        tables
    }
}

/// The code of the table for a bare language code (`de`, any case), `None` when there is
/// none (the caller then picks another language, or English).
pub fn table(lang: &str) -> Option<&'static str> {
    CODES
        .iter()
        .copied()
        .find(|code| code.eq_ignore_ascii_case(lang))
}

/// Whether a language is written right to left, so the panel needs `dir="rtl"` (Arabic,
/// Hebrew: [`LangCode::is_rtl`]). Takes a bare code (`he`) or a tag (`ar-EG`), in any case.
pub fn is_rtl(lang: &str) -> bool {
    LangCode::parse(lang).is_some_and(LangCode::is_rtl)
}

#[cfg(test)]
mod tests;
