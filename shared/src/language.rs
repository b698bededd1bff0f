//! The closed set of languages Ferry knows, once: the core detects and answers in them, the
//! site file and the country names are keyed by their codes, and the widget asks them which
//! way a language is written. A leaf, compiled into the widget too.

named_enum! {
    /// A language Ferry detects and a site can answer in (ISO 639-1 code).
    #[derive(PartialOrd, Ord)]
    pub enum LangCode {
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
}

impl LangCode {
    /// Parses `pt`, `pt-BR`, `PT_br`: the primary subtag decides.
    pub fn parse(tag: &str) -> Option<LangCode> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        LangCode::from_name(&primary)
    }
}

impl LangCode {
    /// Written right to left (the widget sets `dir="rtl"`).
    pub fn is_rtl(self) -> bool {
        matches!(self, LangCode::Ar | LangCode::He)
    }
}
