//! Concepts: named vocabularies ("ship", "how_long", "refund") with terms per language, and the
//! rule skeletons written with them (`"{how_long} {ship}"`).
//!
//! The engine brings the concepts every shop shares (`shared/concepts/*.toml`, one file per
//! concept, every one in the [`REQUIRED`] languages); a site file adds its own, or more terms
//! for an engine concept, with `[vocab.NAME]`. Terms are lexicon terms ([`crate::vocab`]):
//! whole words, `*` for any letters at a word's end, `#` for a number, `..` for a few words.
//!
//! A skeleton is one to [`MAX_PARTS`] parts: `{concept}`, `{country}` (a country named in the
//! message) or one literal term. It fires when, for some language, every concept part has a
//! term of that language in the message, in any order (word order differs between languages).
//! English terms count for every language: shoppers everywhere type "tracking", "refund",
//! "shipping". A language is added to a rule pack by adding vocabulary, not rules.
//!
//! All terms of all concepts are found in one Aho-Corasick pass ([`vocab::TermSet`]), and
//! single words of five letters or more form the [`typo::Dictionary`] that corrects a message
//! no rule understood.

use std::collections::{BTreeMap, BTreeSet};

use crate::language::LangCode;
use crate::typo::Dictionary;
use crate::vocab::{self, TermSet};

include!(concat!(env!("OUT_DIR"), "/concepts.rs"));

/// Every engine concept has terms in these languages (`tests/concept_tidy.rs`).
pub const REQUIRED: [LangCode; 14] = [
    LangCode::En,
    LangCode::Es,
    LangCode::Pt,
    LangCode::Fr,
    LangCode::De,
    LangCode::It,
    LangCode::Nl,
    LangCode::Pl,
    LangCode::Ru,
    LangCode::Tr,
    LangCode::Ar,
    LangCode::Zh,
    LangCode::Ja,
    LangCode::Ko,
];

/// A skeleton has at most this many parts.
pub const MAX_PARTS: usize = 3;

/// The concept the engine fills from the country table: a country named in the message.
pub const COUNTRY: &str = "country";

/// Concepts as written: name → language → terms.
pub type Written = BTreeMap<String, BTreeMap<LangCode, Vec<String>>>;

/// The engine's concepts, parsed. An error names the file and what is wrong.
pub fn engine() -> Result<Written, String> {
    let mut out = Written::new();
    for (name, text) in ENGINE {
        let table: BTreeMap<String, Vec<String>> = toml::from_str(text)
            .map_err(|e| format!("shared/concepts/{name}.toml: {}", e.message()))?;
        let mut langs = BTreeMap::new();
        for (code, terms) in table {
            let lang = LangCode::parse(&code).ok_or_else(|| {
                format!("shared/concepts/{name}.toml: unknown language code `{code}`")
            })?;
            langs.insert(lang, terms);
        }
        out.insert((*name).to_string(), langs);
    }
    Ok(out)
}

/// One part of a skeleton.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// A concept, by index.
    Concept(u16),
    /// A literal term, by index among the literals.
    Literal(u16),
    /// A country named in the message.
    Country,
}

/// What a found term stands for: a concept in a language, or a literal (any language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Concept(u16, LangCode),
    Literal(u16),
}

/// Collects concepts and skeletons, then builds the matcher.
#[derive(Debug, Default)]
pub struct Builder {
    names: Vec<String>,
    terms: Vec<(Label, vocab::Term)>,
    languages: Vec<BTreeSet<LangCode>>,
    literals: Vec<String>,
    words: Vec<String>,
    skeletons: Vec<(usize, Vec<Part>)>,
    vetoes: Vec<(usize, Vec<Part>)>,
}

impl Builder {
    /// A builder with the engine's concepts.
    pub fn with_engine() -> Result<Builder, String> {
        Builder::from_written(engine()?)
    }

    /// A builder with these concepts (the engine's, parsed by [`engine`]).
    pub fn from_written(written: Written) -> Result<Builder, String> {
        let mut b = Builder::default();
        for (name, langs) in written {
            for (lang, terms) in langs {
                for term in terms {
                    b.add(&name, lang, &term)
                        .map_err(|e| format!("shared/concepts/{name}.toml: {lang}: {e}"))?;
                }
            }
        }
        Ok(b)
    }

    fn id(&mut self, name: &str) -> u16 {
        if let Some(i) = self.names.iter().position(|n| n == name) {
            return i as u16;
        }
        self.names.push(name.to_string());
        self.languages.push(BTreeSet::new());
        (self.names.len() - 1) as u16
    }

    /// Adds a term of `lang` to concept `name` (created if new). The error says what is wrong
    /// with the term.
    pub fn add(&mut self, name: &str, lang: LangCode, term: &str) -> Result<(), String> {
        if name == COUNTRY {
            return Err(format!(
                "`{COUNTRY}` is the engine's: a country named in the message; choose another name"
            ));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            || name.is_empty()
        {
            return Err(format!(
                "concept name `{name}`: use lower-case ASCII letters, digits and `_`"
            ));
        }
        let parsed = vocab::term(term, false).map_err(|e| e.to_string())?;
        let id = self.id(name);
        self.languages[id as usize].insert(lang);
        self.terms.push((Label::Concept(id, lang), parsed));
        self.words.push(term.to_string());
        Ok(())
    }

    /// Is `name` a concept (engine's, site's or `country`)?
    pub fn knows(&self, name: &str) -> bool {
        name == COUNTRY || self.names.iter().any(|n| n == name)
    }

    /// The concept names, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        names.push(COUNTRY);
        names.sort_unstable();
        names
    }

    /// The languages `name` has terms in (every language for `country`).
    pub fn languages_of(&self, name: &str) -> BTreeSet<LangCode> {
        if name == COUNTRY {
            return LangCode::ALL.into_iter().collect();
        }
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| self.languages[i].clone())
            .unwrap_or_default()
    }

    /// Parses a skeleton (`"{how_long} {ship}"`). The error names the part and what to do.
    pub fn skeleton(&mut self, source: &str) -> Result<Vec<Part>, String> {
        let mut parts = Vec::new();
        let mut rest = source.trim();
        while !rest.is_empty() {
            let part = if let Some(after) = rest.strip_prefix('{') {
                let Some(end) = after.find('}') else {
                    return Err(format!("`{{` without `}}` in `{rest}`"));
                };
                let name = after[..end].trim();
                rest = after[end + 1..].trim_start();
                if name == COUNTRY {
                    Part::Country
                } else if let Some(i) = self.names.iter().position(|n| n == name) {
                    Part::Concept(i as u16)
                } else {
                    return Err(unknown(name, &self.names()));
                }
            } else {
                let end = rest.find('{').unwrap_or(rest.len());
                let literal = rest[..end].trim();
                rest = rest[end..].trim_start();
                if literal.contains('}') {
                    return Err(format!("`}}` without `{{` in `{literal}`"));
                }
                vocab::term(literal, false).map_err(|e| e.to_string())?;
                let id = self.literals.len() as u16;
                self.literals.push(literal.to_string());
                Part::Literal(id)
            };
            parts.push(part);
        }
        if parts.is_empty() {
            return Err("a skeleton needs at least one part".into());
        }
        if parts.len() > MAX_PARTS {
            return Err(format!(
                "a skeleton has at most {MAX_PARTS} parts (this one has {}); split it in two",
                parts.len()
            ));
        }
        Ok(parts)
    }

    /// The languages a skeleton covers: those every concept part has terms in.
    pub fn skeleton_languages(&self, parts: &[Part]) -> BTreeSet<LangCode> {
        let mut langs: BTreeSet<LangCode> = LangCode::ALL.into_iter().collect();
        for part in parts {
            if let Part::Concept(id) = part {
                langs = langs
                    .intersection(&self.languages[*id as usize])
                    .copied()
                    .collect();
            }
        }
        langs
    }

    /// Adds rule `rule`'s skeleton.
    pub fn push_skeleton(&mut self, rule: usize, parts: Vec<Part>) {
        self.skeletons.push((rule, parts));
    }

    /// Adds a veto of rule `rule`: an `unless` written with concepts.
    pub fn push_veto(&mut self, rule: usize, parts: Vec<Part>) {
        self.vetoes.push((rule, parts));
    }

    /// The matcher.
    pub fn build(self) -> Result<Concepts, String> {
        self.build_marked(&mut |_| {})
    }

    /// [`Builder::build`], calling `mark` as each stage ends (for `shared::cold`).
    pub fn build_marked(mut self, mark: &mut dyn FnMut(&'static str)) -> Result<Concepts, String> {
        for (i, literal) in self.literals.iter().enumerate() {
            let term = vocab::term(literal, false).map_err(|e| e.to_string())?;
            self.terms.push((Label::Literal(i as u16), term));
        }
        let set = TermSet::new(self.terms)?;
        mark("concept TermSet");
        Ok(Concepts {
            languages: self.languages,
            names: self.names,
            set,
            skeletons: self.skeletons,
            vetoes: self.vetoes,
            words: self.words,
            dictionary: std::sync::OnceLock::new(),
        })
    }
}

/// Does `source` name a concept (`{name}` with a name `known` accepts)? Then it is a skeleton,
/// not a regular expression (whose `{2,5}` counts are digits).
pub fn names_concepts(source: &str, known: impl Fn(&str) -> bool) -> bool {
    let mut rest = source;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return false;
        };
        let name = &after[..close];
        if !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && known(name)
        {
            return true;
        }
        rest = &after[close + 1..];
    }
    false
}

fn unknown(name: &str, known: &[&str]) -> String {
    let close: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| k.starts_with(name.get(..2).unwrap_or(name)) || name.contains(*k))
        .collect();
    if close.is_empty() {
        format!(
            "unknown concept `{name}`; define it with [vocab.{name}] or use one of: {}",
            known.join(", ")
        )
    } else {
        format!(
            "unknown concept `{name}` (did you mean {}?); define it with [vocab.{name}]",
            close.join(", ")
        )
    }
}

/// The concepts found in one message.
#[derive(Debug, Default)]
pub struct Found {
    /// (concept, language) pairs, and literals, in text order.
    labels: Vec<(usize, Label)>,
    country: bool,
}

impl Found {
    /// The languages of the concept terms found (English when there are none).
    fn languages(&self) -> Vec<LangCode> {
        let mut langs: Vec<LangCode> = self
            .labels
            .iter()
            .filter_map(|(_, l)| match l {
                Label::Concept(_, lang) => Some(*lang),
                Label::Literal(_) => None,
            })
            .collect();
        langs.sort_unstable_by_key(|l| l.as_str());
        langs.dedup();
        if langs.is_empty() {
            langs.push(LangCode::En);
        }
        langs
    }

    /// Are all `parts` here in one of `langs`?
    fn all(&self, parts: &[Part], langs: &[LangCode]) -> bool {
        langs
            .iter()
            .any(|&lang| parts.iter().all(|&p| self.has(p, lang)))
    }

    fn has(&self, part: Part, lang: LangCode) -> bool {
        match part {
            Part::Country => self.country,
            Part::Literal(id) => self
                .labels
                .iter()
                .any(|(_, l)| *l == Label::Literal(id)),
            Part::Concept(id) => self.labels.iter().any(|(_, l)| {
                matches!(l, Label::Concept(c, l) if *c == id && (*l == lang || *l == LangCode::En))
            }),
        }
    }
}

/// The compiled concepts and skeletons of a site.
#[derive(Debug)]
pub struct Concepts {
    names: Vec<String>,
    languages: Vec<BTreeSet<LangCode>>,
    set: TermSet<Label>,
    skeletons: Vec<(usize, Vec<Part>)>,
    vetoes: Vec<(usize, Vec<Part>)>,
    /// The vocabulary's words, for the typo dictionary.
    words: Vec<String>,
    /// Built on first use: only a message no rule understood needs it (a fresh isolate's first
    /// message usually does not).
    dictionary: std::sync::OnceLock<Dictionary>,
}

impl Concepts {
    /// Finds every concept term in `folded` text.
    pub fn find(&self, folded: &str) -> Found {
        let words = vocab::words(folded);
        let mut labels: Vec<(usize, Label)> = self
            .set
            .find(&words)
            .into_iter()
            .map(|h| (h.start, h.label))
            .collect();
        labels.sort_by_key(|(at, _)| *at);
        Found {
            labels,
            country: crate::country::find_in(folded).is_some(),
        }
    }

    /// The rules (by index) one of whose skeletons fires on `found`, each once, ascending.
    pub fn fired(&self, found: &Found) -> Vec<usize> {
        let langs = found.languages();
        let mut rules: Vec<usize> = self
            .skeletons
            .iter()
            .filter(|(_, parts)| found.all(parts, &langs))
            .map(|(rule, _)| *rule)
            .collect();
        rules.dedup();
        rules
    }

    /// Does one of rule `rule`'s concept vetoes (`unless = ['{problem}']`) hold on `found`?
    pub fn vetoes(&self, rule: usize, found: &Found) -> bool {
        let langs = found.languages();
        self.vetoes
            .iter()
            .any(|(r, parts)| *r == rule && found.all(parts, &langs))
    }

    /// The names of the concepts found, in the order they first occur (`country` included).
    pub fn names_found(&self, found: &Found) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, label) in &found.labels {
            if let Label::Concept(id, _) = label {
                let name = &self.names[*id as usize];
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
        }
        if found.country {
            out.push(COUNTRY.to_string());
        }
        out
    }

    /// The concepts the skeletons use that lack terms in some of `langs`: (name, missing).
    pub fn gaps(&self, langs: &[LangCode]) -> Vec<(String, Vec<LangCode>)> {
        let mut used: Vec<u16> = self
            .skeletons
            .iter()
            .flat_map(|(_, parts)| parts.iter())
            .filter_map(|p| match p {
                Part::Concept(id) => Some(*id),
                _ => None,
            })
            .collect();
        used.sort_unstable();
        used.dedup();
        used.into_iter()
            .filter_map(|id| {
                let have = &self.languages[id as usize];
                let missing: Vec<LangCode> = langs
                    .iter()
                    .filter(|l| !have.contains(l))
                    .copied()
                    .collect();
                (!missing.is_empty()).then(|| (self.names[id as usize].clone(), missing))
            })
            .collect()
    }

    /// The number of words the typo pass knows.
    pub fn dictionary_words(&self) -> usize {
        self.dictionary().len()
    }

    /// `folded` with words that are one typo away from exactly one vocabulary word corrected
    /// (see [`Dictionary::correct`]), except those `keep` names; `None` when nothing changed.
    pub fn correct(
        &self,
        folded: &str,
        keep: &dyn Fn(&str) -> bool,
    ) -> Option<(String, Vec<(String, String)>)> {
        self.dictionary().correct(folded, keep)
    }

    fn dictionary(&self) -> &Dictionary {
        self.dictionary
            .get_or_init(|| Dictionary::new(self.words.iter().map(String::as_str)))
    }
}
