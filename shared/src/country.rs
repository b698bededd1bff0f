//! Countries: ISO 3166-1 alpha-2 codes, their names in the languages Ferry answers in, and
//! finding a country named in a message ("envio para o Brasil", "ドイツへの配送").

use std::sync::LazyLock;

use regex::Regex;

use crate::lang::LangCode;
use crate::normalize::fold;

/// `(code, [en, es, pt, fr, de, it, ru, zh, ja, ar], extra aliases)`. Names are written as
/// shown to shoppers; matching uses their folded forms.
type Entry = (&'static str, [&'static str; 10], &'static [&'static str]);

const COUNTRIES: &[Entry] = &[
    (
        "DE",
        [
            "Germany",
            "Alemania",
            "Alemanha",
            "Allemagne",
            "Deutschland",
            "Germania",
            "Германия",
            "德国",
            "ドイツ",
            "ألمانيا",
        ],
        &["германию"],
    ),
    (
        "AT",
        [
            "Austria",
            "Austria",
            "Áustria",
            "Autriche",
            "Österreich",
            "Austria",
            "Австрия",
            "奥地利",
            "オーストリア",
            "النمسا",
        ],
        &["австрию"],
    ),
    (
        "CH",
        [
            "Switzerland",
            "Suiza",
            "Suíça",
            "Suisse",
            "Schweiz",
            "Svizzera",
            "Швейцария",
            "瑞士",
            "スイス",
            "سويسرا",
        ],
        &["швейцарию"],
    ),
    (
        "FR",
        [
            "France",
            "Francia",
            "França",
            "France",
            "Frankreich",
            "Francia",
            "Франция",
            "法国",
            "フランス",
            "فرنسا",
        ],
        &["францию"],
    ),
    (
        "ES",
        [
            "Spain",
            "España",
            "Espanha",
            "Espagne",
            "Spanien",
            "Spagna",
            "Испания",
            "西班牙",
            "スペイン",
            "إسبانيا",
        ],
        &["испанию"],
    ),
    (
        "PT",
        [
            "Portugal",
            "Portugal",
            "Portugal",
            "Portugal",
            "Portugal",
            "Portogallo",
            "Португалия",
            "葡萄牙",
            "ポルトガル",
            "البرتغال",
        ],
        &["португалию"],
    ),
    (
        "IT",
        [
            "Italy",
            "Italia",
            "Itália",
            "Italie",
            "Italien",
            "Italia",
            "Италия",
            "意大利",
            "イタリア",
            "إيطاليا",
        ],
        &["италию"],
    ),
    (
        "NL",
        [
            "the Netherlands",
            "Países Bajos",
            "Países Baixos",
            "Pays-Bas",
            "Niederlande",
            "Paesi Bassi",
            "Нидерланды",
            "荷兰",
            "オランダ",
            "هولندا",
        ],
        &["holland", "holanda", "hollande", "голландию"],
    ),
    (
        "BE",
        [
            "Belgium",
            "Bélgica",
            "Bélgica",
            "Belgique",
            "Belgien",
            "Belgio",
            "Бельгия",
            "比利时",
            "ベルギー",
            "بلجيكا",
        ],
        &["бельгию"],
    ),
    (
        "IE",
        [
            "Ireland",
            "Irlanda",
            "Irlanda",
            "Irlande",
            "Irland",
            "Irlanda",
            "Ирландия",
            "爱尔兰",
            "アイルランド",
            "أيرلندا",
        ],
        &["ирландию"],
    ),
    (
        "PL",
        [
            "Poland",
            "Polonia",
            "Polônia",
            "Pologne",
            "Polen",
            "Polonia",
            "Польша",
            "波兰",
            "ポーランド",
            "بولندا",
        ],
        &["polska", "польшу"],
    ),
    (
        "SE",
        [
            "Sweden",
            "Suecia",
            "Suécia",
            "Suède",
            "Schweden",
            "Svezia",
            "Швеция",
            "瑞典",
            "スウェーデン",
            "السويد",
        ],
        &["швецию"],
    ),
    (
        "DK",
        [
            "Denmark",
            "Dinamarca",
            "Dinamarca",
            "Danemark",
            "Dänemark",
            "Danimarca",
            "Дания",
            "丹麦",
            "デンマーク",
            "الدنمارك",
        ],
        &["данию"],
    ),
    (
        "GB",
        [
            "the United Kingdom",
            "Reino Unido",
            "Reino Unido",
            "Royaume-Uni",
            "Vereinigtes Königreich",
            "Regno Unito",
            "Великобритания",
            "英国",
            "イギリス",
            "المملكة المتحدة",
        ],
        &[
            "uk",
            "great britain",
            "britain",
            "england",
            "scotland",
            "wales",
            "inglaterra",
            "angleterre",
            "england",
            "inghilterra",
            "англия",
            "英國",
            "великобританию",
        ],
    ),
    (
        "US",
        [
            "the United States",
            "Estados Unidos",
            "Estados Unidos",
            "États-Unis",
            "USA",
            "Stati Uniti",
            "США",
            "美国",
            "アメリカ",
            "الولايات المتحدة",
        ],
        &[
            "usa",
            "the us",
            "u.s.",
            "u.s.a.",
            "america",
            "eeuu",
            "eua",
            "америка",
            "アメリカ合衆国",
            "美國",
            "أمريكا",
        ],
    ),
    (
        "CA",
        [
            "Canada",
            "Canadá",
            "Canadá",
            "Canada",
            "Kanada",
            "Canada",
            "Канада",
            "加拿大",
            "カナダ",
            "كندا",
        ],
        &["канаду"],
    ),
    (
        "MX",
        [
            "Mexico",
            "México",
            "México",
            "Mexique",
            "Mexiko",
            "Messico",
            "Мексика",
            "墨西哥",
            "メキシコ",
            "المكسيك",
        ],
        &["мексику"],
    ),
    (
        "BR",
        [
            "Brazil",
            "Brasil",
            "Brasil",
            "Brésil",
            "Brasilien",
            "Brasile",
            "Бразилия",
            "巴西",
            "ブラジル",
            "البرازيل",
        ],
        &["бразилию"],
    ),
    (
        "AR",
        [
            "Argentina",
            "Argentina",
            "Argentina",
            "Argentine",
            "Argentinien",
            "Argentina",
            "Аргентина",
            "阿根廷",
            "アルゼンチン",
            "الأرجنتين",
        ],
        &["аргентину"],
    ),
    (
        "CL",
        [
            "Chile",
            "Chile",
            "Chile",
            "Chili",
            "Chile",
            "Cile",
            "Чили",
            "智利",
            "チリ",
            "تشيلي",
        ],
        &[],
    ),
    (
        "CO",
        [
            "Colombia",
            "Colombia",
            "Colômbia",
            "Colombie",
            "Kolumbien",
            "Colombia",
            "Колумбия",
            "哥伦比亚",
            "コロンビア",
            "كولومبيا",
        ],
        &[],
    ),
    (
        "RU",
        [
            "Russia",
            "Rusia",
            "Rússia",
            "Russie",
            "Russland",
            "Russia",
            "Россия",
            "俄罗斯",
            "ロシア",
            "روسيا",
        ],
        &["россию", "рф"],
    ),
    (
        "UA",
        [
            "Ukraine",
            "Ucrania",
            "Ucrânia",
            "Ukraine",
            "Ukraine",
            "Ucraina",
            "Украина",
            "乌克兰",
            "ウクライナ",
            "أوكرانيا",
        ],
        &["украину"],
    ),
    (
        "TR",
        [
            "Turkey",
            "Turquía",
            "Turquia",
            "Turquie",
            "Türkei",
            "Turchia",
            "Турция",
            "土耳其",
            "トルコ",
            "تركيا",
        ],
        &["turkiye", "турцию"],
    ),
    (
        "CN",
        [
            "China",
            "China",
            "China",
            "Chine",
            "China",
            "Cina",
            "Китай",
            "中国",
            "中国",
            "الصين",
        ],
        &["大陆"],
    ),
    (
        "HK",
        [
            "Hong Kong",
            "Hong Kong",
            "Hong Kong",
            "Hong Kong",
            "Hongkong",
            "Hong Kong",
            "Гонконг",
            "香港",
            "香港",
            "هونغ كونغ",
        ],
        &[],
    ),
    (
        "TW",
        [
            "Taiwan",
            "Taiwán",
            "Taiwan",
            "Taïwan",
            "Taiwan",
            "Taiwan",
            "Тайвань",
            "台湾",
            "台湾",
            "تايوان",
        ],
        &["台灣"],
    ),
    (
        "JP",
        [
            "Japan",
            "Japón",
            "Japão",
            "Japon",
            "Japan",
            "Giappone",
            "Япония",
            "日本",
            "日本",
            "اليابان",
        ],
        &["японию"],
    ),
    (
        "KR",
        [
            "South Korea",
            "Corea del Sur",
            "Coreia do Sul",
            "Corée du Sud",
            "Südkorea",
            "Corea del Sud",
            "Южная Корея",
            "韩国",
            "韓国",
            "كوريا الجنوبية",
        ],
        &["korea", "corea", "coreia", "한국", "корею"],
    ),
    (
        "AU",
        [
            "Australia",
            "Australia",
            "Austrália",
            "Australie",
            "Australien",
            "Australia",
            "Австралия",
            "澳大利亚",
            "オーストラリア",
            "أستراليا",
        ],
        &["澳洲", "австралию"],
    ),
    (
        "NZ",
        [
            "New Zealand",
            "Nueva Zelanda",
            "Nova Zelândia",
            "Nouvelle-Zélande",
            "Neuseeland",
            "Nuova Zelanda",
            "Новая Зеландия",
            "新西兰",
            "ニュージーランド",
            "نيوزيلندا",
        ],
        &[],
    ),
    (
        "SA",
        [
            "Saudi Arabia",
            "Arabia Saudita",
            "Arábia Saudita",
            "Arabie saoudite",
            "Saudi-Arabien",
            "Arabia Saudita",
            "Саудовская Аравия",
            "沙特阿拉伯",
            "サウジアラビア",
            "السعودية",
        ],
        &["المملكة العربية السعودية", "ksa"],
    ),
    (
        "AE",
        [
            "the United Arab Emirates",
            "Emiratos Árabes Unidos",
            "Emirados Árabes Unidos",
            "Émirats arabes unis",
            "Vereinigte Arabische Emirate",
            "Emirati Arabi Uniti",
            "ОАЭ",
            "阿联酋",
            "アラブ首長国連邦",
            "الإمارات",
        ],
        &["uae", "dubai", "دبي"],
    ),
    (
        "EG",
        [
            "Egypt",
            "Egipto",
            "Egito",
            "Égypte",
            "Ägypten",
            "Egitto",
            "Египет",
            "埃及",
            "エジプト",
            "مصر",
        ],
        &[],
    ),
    (
        "IN",
        [
            "India",
            "India",
            "Índia",
            "Inde",
            "Indien",
            "India",
            "Индия",
            "印度",
            "インド",
            "الهند",
        ],
        &["индию"],
    ),
    (
        "IL",
        [
            "Israel",
            "Israel",
            "Israel",
            "Israël",
            "Israel",
            "Israele",
            "Израиль",
            "以色列",
            "イスラエル",
            "إسرائيل",
        ],
        &[],
    ),
];

const LANG_ORDER: [LangCode; 10] = [
    LangCode::En,
    LangCode::Es,
    LangCode::Pt,
    LangCode::Fr,
    LangCode::De,
    LangCode::It,
    LangCode::Ru,
    LangCode::Zh,
    LangCode::Ja,
    LangCode::Ar,
];

/// Every folded name and alias, longest first, with its country code.
static NAMES: LazyLock<Vec<(String, &'static str)>> = LazyLock::new(|| {
    let mut names: Vec<(String, &'static str)> = Vec::new();
    for (code, localized, aliases) in COUNTRIES {
        // Localized names also match without a leading "the"; aliases match as written
        // (so "the us" is a country but the pronoun "us" is not).
        let localized = localized.iter().map(|n| (fold(n), true));
        let aliases = aliases.iter().map(|n| (fold(n), false));
        for (folded, strip) in localized.chain(aliases) {
            let bare = if strip {
                folded.strip_prefix("the ").unwrap_or(&folded).to_string()
            } else {
                folded.clone()
            };
            for n in [folded.clone(), bare] {
                if !names.iter().any(|(m, c)| *m == n && c == code) {
                    names.push((n, code));
                }
            }
        }
    }
    names.sort_by_key(|n| std::cmp::Reverse(n.0.chars().count()));
    names
});

/// One regex over all names. ASCII names are word-bounded with ASCII boundaries, which keep
/// the regex a DFA on text in any script; other alphabetic names (Cyrillic, Arabic) get their
/// word boundaries checked in [`find_in`]; CJK names have none.
static FINDER: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives: Vec<String> = NAMES
        .iter()
        .map(|(name, _)| {
            let escaped = regex::escape(name);
            if name.is_ascii() {
                format!(r"(?-u:\b){escaped}(?-u:\b)")
            } else {
                escaped
            }
        })
        .collect();
    // Built from the constant table above; covered by tests.
    #[allow(clippy::unwrap_used)]
    Regex::new(&alternatives.join("|")).unwrap()
});

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{FF66}'..='\u{FF9F}')
}

/// Is `code` a country this table knows (ISO 3166-1 alpha-2, upper case)?
pub fn is_known(code: &str) -> bool {
    COUNTRIES.iter().any(|(c, _, _)| *c == code)
}

/// The country named in already-folded text, if exactly one is named. Ambiguous mentions
/// ("from Germany to France") return `None`: the caller falls back to other evidence.
pub fn find_in(folded: &str) -> Option<&'static str> {
    let mut found: Option<&'static str> = None;
    for m in FINDER.find_iter(folded) {
        let name = m.as_str();
        if !name.is_ascii() && !name.chars().any(is_cjk) {
            let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            if word(folded[..m.start()].chars().next_back())
                || word(folded[m.end()..].chars().next())
            {
                continue; // inside a longer word
            }
        }
        let code = NAMES
            .iter()
            .find(|(n, _)| n == m.as_str())
            .map(|(_, c)| *c)?;
        match found {
            Some(prev) if prev != code => return None,
            _ => found = Some(code),
        }
    }
    found
}

/// The country's name in `lang` (English when the table has no such language).
pub fn name(code: &str, lang: LangCode) -> Option<&'static str> {
    let (_, names, _) = COUNTRIES.iter().find(|(c, _, _)| *c == code)?;
    let i = LANG_ORDER.iter().position(|l| *l == lang).unwrap_or(0);
    Some(names[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_countries_in_messages() {
        let cases: &[(&str, Option<&str>)] = &[
            ("how long does shipping to Germany take?", Some("DE")),
            ("quanto tempo demora a entrega para o Brasil?", Some("BR")),
            ("envío a México cuánto tarda", Some("MX")),
            ("livraison en france combien de temps", Some("FR")),
            ("Versand nach Österreich", Some("AT")),
            ("spedizione in italia", Some("IT")),
            ("сколько идет доставка в россию", Some("RU")),
            ("доставка в германию сколько дней", Some("DE")),
            ("寄到德国要多久", Some("DE")),
            ("ドイツへの配送", Some("DE")),
            ("كم يستغرق الشحن إلى السعودية", Some("SA")),
            ("do you ship to the UK?", Some("GB")),
            ("shipping to the US", Some("US")),
            ("can you send it to us by friday", None),
            ("shipping from germany to france", None),
            ("how long does shipping take", None),
        ];
        for (text, want) in cases {
            assert_eq!(find_in(&fold(text)), *want, "{text}");
        }
    }

    #[test]
    fn names_in_languages() {
        assert_eq!(name("BR", LangCode::Pt), Some("Brasil"));
        assert_eq!(name("DE", LangCode::Ja), Some("ドイツ"));
        assert_eq!(name("DE", LangCode::Ko), Some("Germany"));
        assert!(is_known("GB") && !is_known("XX"));
    }
}
