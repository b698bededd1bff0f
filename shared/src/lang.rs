//! Languages: the closed set of codes Ferry answers in, and detection from the evidence a
//! chat has (the text, its script, the browser locale).

use serde::Serialize;

use crate::wire::{Language, LanguageSource};

macro_rules! languages {
    ($($variant:ident = $code:literal / $wl:ident),* $(,)?) => {
        /// A language a site can answer in (ISO 639-1 code).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum LangCode { $($variant),* }

        impl LangCode {
            pub const ALL: &'static [LangCode] = &[$(LangCode::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(LangCode::$variant => $code),* }
            }

            fn whatlang(self) -> whatlang::Lang {
                match self { $(LangCode::$variant => whatlang::Lang::$wl),* }
            }

            fn from_whatlang(lang: whatlang::Lang) -> Option<LangCode> {
                match lang { $(whatlang::Lang::$wl => Some(LangCode::$variant),)* _ => None }
            }
        }
    };
}

languages! {
    En = "en" / Eng,
    Es = "es" / Spa,
    Pt = "pt" / Por,
    Fr = "fr" / Fra,
    De = "de" / Deu,
    It = "it" / Ita,
    Nl = "nl" / Nld,
    Pl = "pl" / Pol,
    Ru = "ru" / Rus,
    Tr = "tr" / Tur,
    Ar = "ar" / Ara,
    He = "he" / Heb,
    Zh = "zh" / Cmn,
    Ja = "ja" / Jpn,
    Ko = "ko" / Kor,
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

impl std::fmt::Display for LangCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Below this, the text alone does not decide and the browser locale is preferred.
const TEXT_CONFIDENCE: f64 = 0.5;

/// Detects the language of `text` among `allowed` (the site's languages, default first).
pub fn detect(text: &str, allowed: &[LangCode], locale: Option<&str>) -> Language {
    let default = allowed.first().copied().unwrap_or(LangCode::En);
    let from_locale = locale
        .and_then(LangCode::parse)
        .filter(|l| allowed.contains(l));

    // Scripts that belong to one allowed language decide at once.
    if let Some(lang) = by_script(text, allowed) {
        return language(lang, 0.95, LanguageSource::Script);
    }
    let allow: Vec<whatlang::Lang> = allowed.iter().map(|l| l.whatlang()).collect();
    let detector = whatlang::Detector::with_allowlist(allow);
    let found = detector
        .detect(text)
        .and_then(|info| Some((LangCode::from_whatlang(info.lang())?, info.confidence())));
    match (found, from_locale) {
        (Some((lang, conf)), _)
            if conf >= TEXT_CONFIDENCE
                && text.chars().filter(|c| c.is_alphabetic()).count() >= 12 =>
        {
            language(lang, conf as f32, LanguageSource::Text)
        }
        (Some((lang, conf)), Some(loc)) if lang == loc => {
            language(lang, conf.max(0.6) as f32, LanguageSource::Text)
        }
        (_, Some(loc)) => language(loc, 0.6, LanguageSource::Locale),
        (Some((lang, conf)), None) if conf >= TEXT_CONFIDENCE => {
            language(lang, conf as f32, LanguageSource::Text)
        }
        _ => language(default, 0.0, LanguageSource::Default),
    }
}

fn language(code: LangCode, confidence: f32, source: LanguageSource) -> Language {
    Language {
        code: code.as_str().to_string(),
        confidence: (confidence * 100.0).round() / 100.0,
        source,
    }
}

/// Hangul means Korean, kana means Japanese; Han alone is ambiguous between zh and ja.
fn by_script(text: &str, allowed: &[LangCode]) -> Option<LangCode> {
    let mut han = false;
    for c in text.chars() {
        match c {
            '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' => {
                return allowed.contains(&LangCode::Ko).then_some(LangCode::Ko);
            }
            '\u{3040}'..='\u{30FF}' => {
                return allowed.contains(&LangCode::Ja).then_some(LangCode::Ja);
            }
            '\u{4E00}'..='\u{9FFF}' => han = true,
            _ => {}
        }
    }
    (han && allowed.contains(&LangCode::Zh) && !allowed.contains(&LangCode::Ja))
        .then_some(LangCode::Zh)
}

#[cfg(test)]
mod tests {
    use super::*;
    use LangCode::*;

    const SITE: &[LangCode] = &[En, Es, Pt, Fr, De, It, Ru, Zh, Ja, Ar, Ko];

    #[test]
    fn detects_real_looking_messages() {
        let cases: &[(&str, Option<&str>, &str, LanguageSource)] = &[
            (
                "how long does shipping to Germany take?",
                None,
                "en",
                LanguageSource::Text,
            ),
            (
                "quanto tempo demora a entrega para o Brasil?",
                None,
                "pt",
                LanguageSource::Text,
            ),
            (
                "¿cuánto tarda el envío a México?",
                None,
                "es",
                LanguageSource::Text,
            ),
            (
                "Wie lange dauert der Versand nach Österreich?",
                None,
                "de",
                LanguageSource::Text,
            ),
            (
                "combien de temps pour la livraison en France ?",
                None,
                "fr",
                LanguageSource::Text,
            ),
            (
                "quanto costa la spedizione in Italia?",
                None,
                "it",
                LanguageSource::Text,
            ),
            (
                "сколько идет доставка в Россию?",
                None,
                "ru",
                LanguageSource::Text,
            ),
            (
                "كم تستغرق مدة الشحن إلى السعودية؟",
                None,
                "ar",
                LanguageSource::Text,
            ),
            (
                "日本への配送はどのくらいかかりますか",
                None,
                "ja",
                LanguageSource::Script,
            ),
            (
                "배송은 얼마나 걸리나요?",
                None,
                "ko",
                LanguageSource::Script,
            ),
            // Too short for the text to decide: the browser locale does.
            ("oi", Some("pt-BR"), "pt", LanguageSource::Locale),
            ("ok", None, "en", LanguageSource::Default),
        ];
        for (text, locale, code, source) in cases {
            let got = detect(text, SITE, *locale);
            assert_eq!((got.code.as_str(), got.source), (*code, *source), "{text}");
        }
    }

    #[test]
    fn restricted_to_site_languages() {
        let got = detect(
            "Wie lange dauert der Versand nach Österreich?",
            &[En, Fr],
            None,
        );
        assert!(got.code == "en" || got.code == "fr", "{got:?}");
        assert_eq!(LangCode::parse("PT_br"), Some(Pt));
        assert_eq!(LangCode::parse("xx"), None);
    }
}
