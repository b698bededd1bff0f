//! The engine's concept vocabularies (`shared/concepts/*.toml`): every concept in every
//! required language, every term valid, no term twice, each file saying what it means.

use std::collections::BTreeSet;

use ferry_shared::concept::{self, Builder, REQUIRED};

fn dir() -> String {
    format!("{}/concepts", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_concept_has_every_required_language() {
    let concepts = concept::engine().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        concepts.len() >= 30,
        "only {} engine concepts",
        concepts.len()
    );
    let mut problems = Vec::new();
    for (name, langs) in &concepts {
        for lang in REQUIRED {
            match langs.get(&lang) {
                None => problems.push(format!("{name}.toml: no `{lang}` terms")),
                Some(terms) if terms.is_empty() => {
                    problems.push(format!("{name}.toml: `{lang}` is empty"));
                }
                Some(terms) => {
                    let mut seen = BTreeSet::new();
                    for term in terms {
                        if !seen.insert(term.trim().to_lowercase()) {
                            problems.push(format!("{name}.toml: `{lang}` lists {term:?} twice"));
                        }
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_term_parses_and_every_file_says_what_it_means() {
    Builder::with_engine().unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(dir()).expect("shared/concepts") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a file name")
            .to_string();
        assert!(
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{name}: concept names are lower-case ASCII, digits and `_`"
        );
        assert_ne!(name, concept::COUNTRY, "`country` is the engine's own");
        let text = std::fs::read_to_string(&path).expect("readable");
        assert!(
            text.trim_start().starts_with('#'),
            "{name}.toml: start with a comment saying what the concept means"
        );
    }
}

#[test]
fn a_skeleton_names_known_concepts_and_at_most_three_parts() {
    let mut b = Builder::with_engine().unwrap_or_else(|e| panic!("{e}"));
    assert!(b.skeleton("{ship} {how_long}").is_ok());
    assert!(b.skeleton("{country} {ship}").is_ok());
    assert!(
        b.skeleton("{ship} gift wrap").is_ok(),
        "a literal term is a part"
    );
    let unknown = b
        .skeleton("{shipp} {how_long}")
        .expect_err("unknown concept");
    assert!(
        unknown.contains("shipp") && unknown.contains("[vocab.shipp]"),
        "{unknown}"
    );
    let long = b
        .skeleton("{ship} {how_long} {order} {refund}")
        .expect_err("four parts");
    assert!(long.contains("at most 3"), "{long}");
    assert!(b.skeleton("   ").is_err());
    assert!(b.skeleton("{ship").is_err());
}
