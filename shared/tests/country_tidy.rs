//! Tidy checks of the country data (`shared/data/countries.toml`): codes, keys, a name in every
//! language Ferry answers in, no name or alias that points at two countries; and the table
//! `ferry_shared::country` compiles in is that file.

use std::collections::{BTreeMap, BTreeSet};

use ferry_shared::country;
use ferry_shared::lang::LangCode;
use ferry_shared::normalize::fold;

const DATA: &str = include_str!("../data/countries.toml");

/// The languages Ferry answers in: every country needs a name in each.
const ANSWER: [LangCode; 14] = {
    use LangCode::*;
    [En, Es, Pt, Fr, De, It, Nl, Pl, Ru, Tr, Ar, Zh, Ja, Ko]
};

/// Aliases that do not find their country when written alone. `u.s.`: names are bounded by
/// ASCII word boundaries, and there is none after a final `.` at the end of the text or
/// before a space; it matches only inside `u.s.a.`. Remove an entry once it matches.
const UNMATCHED_ALONE: &[&str] = &["u.s."];

/// Every problem of a countries file, one line each (empty: tidy).
fn problems(source: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut headers = BTreeSet::new();
    for line in source.lines().map(str::trim) {
        if let Some(code) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']'))
            && !headers.insert(code.trim())
        {
            problems.push(format!("[{code}]: duplicated"));
        }
    }
    let table: toml::Table = match toml::from_str(source) {
        Ok(table) => table,
        Err(e) => {
            problems.push(format!("does not parse: {e}"));
            return problems;
        }
    };
    // Every folded form the matcher uses, with the countries it would name.
    let mut forms: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for (code, value) in &table {
        if !(code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())) {
            problems.push(format!(
                "[{code}]: not two upper-case letters (ISO 3166-1 alpha-2)"
            ));
        }
        let Some(country) = value.as_table() else {
            problems.push(format!("{code}: not a table"));
            continue;
        };
        let mut names: Vec<(&str, &toml::Value, bool)> = Vec::new();
        for (key, value) in country {
            if key == "aliases" {
                match value.as_array() {
                    Some(aliases) => names.extend(aliases.iter().map(|a| ("aliases", a, false))),
                    None => problems.push(format!("{code}.aliases: not an array: {value:?}")),
                }
            } else if LangCode::parse(key).is_some_and(|l| l.as_str() == key) {
                names.push((key, value, true));
            } else {
                problems.push(format!("{code}.{key}: not a language code or `aliases`"));
            }
        }
        for (key, value, localized) in names {
            match match_forms(value, localized) {
                Some(found) => found.into_iter().for_each(|f| {
                    forms.entry(f).or_default().insert(code);
                }),
                None => problems.push(format!("{code}.{key}: not a non-empty name: {value:?}")),
            }
        }
        for lang in ANSWER {
            if !country.contains_key(lang.as_str()) {
                problems.push(format!("{code}: no name in `{lang}`"));
            }
        }
    }
    for (form, codes) in forms {
        if codes.len() > 1 {
            problems.push(format!("{form:?} names several countries: {codes:?}"));
        }
    }
    problems
}

/// The folded forms the matcher uses for a name (localized names also without a leading
/// "the"); `None` when it is not a string or folds to nothing.
fn match_forms(value: &toml::Value, localized: bool) -> Option<Vec<String>> {
    let folded = fold(value.as_str()?);
    if folded.is_empty() {
        return None;
    }
    let bare = folded.strip_prefix("the ").filter(|_| localized);
    Some(
        bare.map(str::to_string)
            .into_iter()
            .chain([folded])
            .collect(),
    )
}

#[test]
fn the_data_file_is_tidy() {
    let problems = problems(DATA);
    assert!(
        problems.is_empty(),
        "shared/data/countries.toml:\n{}",
        problems.join("\n")
    );
}

/// The compiled-in table knows every country of the file under every name, answers with the
/// file's names (English where a language has none), and finds each name written alone.
#[test]
fn the_compiled_table_is_the_file() {
    let table: toml::Table = toml::from_str(DATA).expect("parses (see the_data_file_is_tidy)");
    let mut wrong = Vec::new();
    for (code, country) in &table {
        if !country::is_known(code) {
            wrong.push(format!("{code}: not known"));
        }
        let name_in = |lang: LangCode| country.get(lang.as_str()).and_then(toml::Value::as_str);
        for lang in LangCode::ALL {
            let want = name_in(lang).or(name_in(LangCode::En));
            let got = country::name(code, lang);
            if got != want {
                wrong.push(format!("{code}: name in {lang} is {got:?}, not {want:?}"));
            }
        }
        let aliases = country.get("aliases").and_then(toml::Value::as_array);
        let names = LangCode::ALL.iter().filter_map(|l| name_in(*l));
        let aliases = aliases
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_str);
        for name in names.chain(aliases) {
            let found = country::find_in(&fold(name));
            let exempt = UNMATCHED_ALONE.contains(&name);
            if (found == Some(code.as_str())) == exempt {
                let note = if exempt {
                    " (remove it from UNMATCHED_ALONE)"
                } else {
                    ""
                };
                wrong.push(format!("{code}: {name:?} alone finds {found:?}{note}"));
            }
        }
    }
    assert!(
        !country::is_known("XX") && country::name("XX", LangCode::En).is_none(),
        "an unknown code"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_broken_file_reports_every_problem() {
    let broken = r#"
[DE]
en = "Germany"
es = "Alemania"
xx = "Germanien"
aliases = ["deutschland", ""]

[de]
en = "Deutschland"

[AT]
en = "Austria"
aliases = "osterreich"
"#;
    let found = problems(broken);
    for want in [
        "DE.xx: not a language code",
        "DE.aliases: not a non-empty name",
        "DE: no name in `pt`",
        "[de]: not two upper-case letters",
        "\"deutschland\" names several countries: {\"DE\", \"de\"}",
        "AT.aliases: not an array",
        "AT: no name in `ar`",
    ] {
        assert!(
            found.iter().any(|p| p.contains(want)),
            "{want:?} not in:\n{}",
            found.join("\n")
        );
    }
    let duplicated = problems("[DE]\nen = \"Germany\"\n[DE]\nen = \"Germany\"\n");
    assert!(
        duplicated.iter().any(|p| p == "[DE]: duplicated"),
        "{duplicated:?}"
    );
}
