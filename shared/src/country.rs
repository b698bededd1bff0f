//! Countries: ISO 3166-1 alpha-2 codes, their names in the languages Ferry answers in, and
//! finding a country named in a message ("envio para o Brasil", "ドイツへの配送").
//!
//! The table is data, `shared/data/countries.toml`: per ISO code, the name shown to shoppers
//! in each language (keyed by ISO 639-1 code) and aliases. It is compiled in and parsed on
//! first use; `shared/tests/country_tidy.rs` checks it (codes, keys, coverage, ambiguity).

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use toml::{Spanned, Table, Value};

use crate::lang::LangCode;
use crate::normalize::fold;

const DATA: &str = include_str!("../data/countries.toml");

/// One country of the data file.
#[derive(Debug)]
struct Country {
    /// ISO 3166-1 alpha-2, upper case.
    code: String,
    /// The name shown to shoppers, per language; always has `en`, the fallback.
    names: BTreeMap<LangCode, String>,
    /// Other ways shoppers write it, in any language; matched as written (folded).
    aliases: Vec<String>,
}

/// The countries in file order. A malformed file panics here, naming the country and key; it
/// is compiled in, so the tidy test meets that panic first.
static COUNTRIES: LazyLock<Vec<Country>> =
    LazyLock::new(|| parse(DATA).unwrap_or_else(|e| panic!("shared/data/countries.toml: {e}")));

/// Parses a countries file: `[CODE]` tables of `<lang> = "name"` and `aliases = [..]`.
fn parse(source: &str) -> Result<Vec<Country>, String> {
    let file: BTreeMap<String, Spanned<Table>> =
        toml::from_str(source).map_err(|e| e.to_string())?;
    let mut tables: Vec<(String, Spanned<Table>)> = file.into_iter().collect();
    tables.sort_by_key(|(_, table)| table.span().start);
    tables
        .into_iter()
        .map(|(code, table)| country(code, table.into_inner()))
        .collect()
}

fn country(code: String, table: Table) -> Result<Country, String> {
    if !(code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(format!("[{code}]: not an ISO 3166-1 alpha-2 code"));
    }
    let text = |key: &str, value: &Value| match value.as_str() {
        Some(s) if !s.trim().is_empty() => Ok(s.to_string()),
        _ => Err(format!("{code}.{key}: not a non-empty name: {value:?}")),
    };
    let mut names = BTreeMap::new();
    let mut aliases = Vec::new();
    for (key, value) in &table {
        if key == "aliases" {
            let list = value
                .as_array()
                .ok_or_else(|| format!("{code}.aliases: not an array of names"))?;
            for alias in list {
                aliases.push(text(key, alias)?);
            }
        } else {
            let lang = LangCode::parse(key)
                .filter(|l| l.as_str() == key)
                .ok_or_else(|| format!("{code}.{key}: neither a language code nor `aliases`"))?;
            names.insert(lang, text(key, value)?);
        }
    }
    if !names.contains_key(&LangCode::En) {
        return Err(format!("{code}.en: missing (the fallback name)"));
    }
    Ok(Country {
        code,
        names,
        aliases,
    })
}

/// Every folded name and alias, longest first, with its country code (the first country in
/// the file wins a name two share; the tidy test forbids that).
static NAMES: LazyLock<Vec<(String, &'static str)>> = LazyLock::new(|| {
    let mut names: Vec<(String, &'static str)> = Vec::new();
    let mut seen: HashSet<(String, &'static str)> = HashSet::new();
    for country in COUNTRIES.iter() {
        let code = country.code.as_str();
        // Localized names also match without a leading "the"; aliases match as written
        // (so "the us" is a country but the pronoun "us" is not).
        let localized = country.names.iter().map(|(l, n)| (l.as_str(), n, true));
        let aliases = country.aliases.iter().map(|n| ("aliases", n, false));
        for (key, name, strip) in localized.chain(aliases) {
            let folded = fold(name);
            // A name that folds to nothing would match every message.
            assert!(
                !folded.is_empty(),
                "shared/data/countries.toml: {code}.{key}: {name:?} folds to nothing"
            );
            let bare = if strip {
                folded.strip_prefix("the ").unwrap_or(&folded).to_string()
            } else {
                folded.clone()
            };
            for n in [folded, bare] {
                if seen.insert((n.clone(), code)) {
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
/// word boundaries checked in [`find_in`], and so do katakana names against katakana (タイ,
/// Thailand, is not in タイプ); other CJK names have none.
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
    // Every alternative is an escaped literal: only a data file past the size limit fails.
    Regex::new(&alternatives.join("|"))
        .unwrap_or_else(|e| panic!("shared/data/countries.toml: names do not compile: {e}"))
});

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{FF66}'..='\u{FF9F}')
}

/// A katakana letter or the long-vowel mark: a katakana word goes on across it (the middle dot
/// ・ between words does not count). Folded text has no half-width forms (NFKC).
fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}')
}

/// Builds the tables now, calling `mark` as each ends (`shared::cold`).
pub(crate) fn warm(mark: &mut dyn FnMut(&'static str)) {
    LazyLock::force(&COUNTRIES);
    mark("countries TOML");
    LazyLock::force(&NAMES);
    mark("country names folded");
    LazyLock::force(&FINDER);
    mark("country finder regex");
}

/// Is `code` a country this table knows (ISO 3166-1 alpha-2, upper case)?
pub fn is_known(code: &str) -> bool {
    COUNTRIES.iter().any(|c| c.code == code)
}

/// The country named in already-folded text, if exactly one is named. Ambiguous mentions
/// ("from Germany to France") return `None`: the caller falls back to other evidence.
pub fn find_in(folded: &str) -> Option<&'static str> {
    let mut found: Option<&'static str> = None;
    for m in FINDER.find_iter(folded) {
        let name = m.as_str();
        let before = folded[..m.start()].chars().next_back();
        let after = folded[m.end()..].chars().next();
        if !name.is_ascii() && !name.chars().any(is_cjk) {
            let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            if word(before) || word(after) {
                continue; // inside a longer word
            }
        }
        let katakana = |c: Option<char>| c.is_some_and(is_katakana);
        if (katakana(name.chars().next()) && katakana(before))
            || (katakana(name.chars().next_back()) && katakana(after))
        {
            continue; // inside a longer katakana word: タイ in タイプ, アルバ in アルバイト
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

/// The country's name in `lang` (English when the data file has none in `lang`).
pub fn name(code: &str, lang: LangCode) -> Option<&'static str> {
    let country = COUNTRIES.iter().find(|c| c.code == code)?;
    let name = country
        .names
        .get(&lang)
        .or(country.names.get(&LangCode::En))?;
    Some(name.as_str())
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
            // Places that imply a country, and territories carriers treat apart.
            ("shipping to the canaries?", Some("IC")),
            ("envio a tenerife", Some("IC")),
            ("envio a mallorca", Some("ES")),
            ("envio a jeju", Some("KR")),
            ("do you ship to curaçao", Some("CW")),
            ("kuwait delivery", Some("KW")),
            ("is it possible to order from Toronto", Some("CA")),
            ("enviam para os Açores?", Some("PT")),
            ("доставка в Алматы", Some("KZ")),
            ("wysyłka do Polski", Some("PL")),
            ("Türkiye'ye kargo var mı", Some("TR")),
            ("turkiyeye kargo", Some("TR")),
            ("shipping to new mexico", Some("US")),
            ("shipping to northern ireland", Some("GB")),
            // Katakana names are not found inside a longer katakana word.
            ("タイへの配送", Some("TH")),
            ("タイプは何ですか", None),
            ("ネクタイの配送", None),
            ("アルバイト募集", None),
            // Common words are not countries.
            ("does this jersey run small", None),
            ("a mesa é de madeira maciça?", None),
        ];
        for (text, want) in cases {
            assert_eq!(find_in(&fold(text)), *want, "{text}");
        }
    }

    #[test]
    fn names_in_languages() {
        assert_eq!(name("BR", LangCode::Pt), Some("Brasil"));
        assert_eq!(name("DE", LangCode::Ja), Some("ドイツ"));
        assert_eq!(name("DE", LangCode::Ko), Some("독일"));
        assert_eq!(
            name("DE", LangCode::Vi),
            Some("Germany"),
            "no Vietnamese names: English"
        );
        assert!(is_known("GB") && !is_known("XX"));
    }

    #[test]
    fn a_new_language_is_new_keys() {
        let countries =
            parse("[NL]\nen = \"the Netherlands\"\nnl = \"Nederland\"\n").expect("parses");
        assert_eq!(
            countries[0].names.get(&LangCode::Nl).map(String::as_str),
            Some("Nederland")
        );
        assert!(countries[0].aliases.is_empty());
    }

    #[test]
    fn countries_keep_file_order() {
        let countries =
            parse("[ZZ]\nen = \"Z\"\n[AA]\nen = \"A\"\n[MM]\nen = \"M\"\n").expect("parses");
        let codes: Vec<&str> = countries.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["ZZ", "AA", "MM"]);
        let codes: Vec<&str> = COUNTRIES.iter().take(3).map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["DE", "AT", "CH"], "the data file's first countries");
    }

    /// A malformed file is an error naming the country and the key (the load panics with it).
    #[test]
    fn malformed_data_names_country_and_key() {
        let cases = [
            ("[de]\nen = \"Germany\"\n", "[de]"),
            ("[DEU]\nen = \"Germany\"\n", "[DEU]"),
            ("[DE]\nen = \"Germany\"\nxx = \"Germania\"\n", "DE.xx"),
            ("[DE]\nen = \"Germany\"\npt-BR = \"Alemanha\"\n", "DE.pt-BR"),
            ("[DE]\nen = \"\"\n", "DE.en"),
            ("[DE]\nen = \"Germany\"\nfr = 3\n", "DE.fr"),
            ("[DE]\nes = \"Alemania\"\n", "DE.en"),
            (
                "[DE]\nen = \"Germany\"\naliases = \"germania\"\n",
                "DE.aliases",
            ),
            (
                "[DE]\nen = \"Germany\"\naliases = [\"ok\", \" \"]\n",
                "DE.aliases",
            ),
        ];
        for (source, want) in cases {
            let err = parse(source).expect_err(source);
            assert!(err.contains(want), "{source:?}: {err}");
        }
        // Not a table: the TOML error shows the line.
        let err = parse("DE = \"Germany\"\n").expect_err("a string");
        assert!(err.contains("DE = \"Germany\""), "{err}");
    }
}
