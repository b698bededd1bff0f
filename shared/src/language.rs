//! The closed set of languages Ferry knows, once: the core detects and answers in them, the
//! site file and the country names are keyed by their codes, and the widget asks them which
//! way a language is written. A leaf, compiled into the widget too.

use serde::Serialize;

macro_rules! languages {
    ($($variant:ident = $code:literal),* $(,)?) => {
        /// A language Ferry detects and a site can answer in (ISO 639-1 code).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum LangCode { $($variant),* }

        impl LangCode {
            pub const ALL: &'static [LangCode] = &[$(LangCode::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(LangCode::$variant => $code),* }
            }
        }
    };
}

languages! {
    En = "en",
    Es = "es",
    Pt = "pt",
    Fr = "fr",
    De = "de",
    It = "it",
    Nl = "nl",
    Pl = "pl",
    Ru = "ru",
    Tr = "tr",
    Ar = "ar",
    He = "he",
    Zh = "zh",
    Ja = "ja",
    Ko = "ko",
    El = "el",
    Uk = "uk",
    Vi = "vi",
    Th = "th",
    Hi = "hi",
}

impl LangCode {
    /// Parses `pt`, `pt-BR`, `PT_br`: the primary subtag decides.
    pub fn parse(tag: &str) -> Option<LangCode> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        LangCode::ALL
            .iter()
            .copied()
            .find(|l| l.as_str() == primary)
    }
}

impl LangCode {
    /// Written right to left (the widget sets `dir="rtl"`).
    pub fn is_rtl(self) -> bool {
        matches!(self, LangCode::Ar | LangCode::He)
    }
}

impl std::fmt::Display for LangCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
