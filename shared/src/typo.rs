//! Typo tolerance at the vocabulary level: a word of a message that is not a vocabulary word
//! but is one edit away from exactly one (a letter dropped, doubled or added, one key slipped,
//! two letters swapped) is read as that word; so is a word with a letter held down
//! ("pleeease", "shiiipping"). Only words of [`MIN_LETTERS`] letters or more, only words that
//! start with the same letter, and only when one vocabulary word is that close: "shipping"
//! for "shippinh", but never a guess between two.
//!
//! The dictionary maps every word with one letter deleted to the words it came from (the
//! symmetric-delete method), so a lookup costs a few hash probes per letter, not a scan.

use std::collections::HashMap;

use crate::normalize::fold;

/// Shorter words are left alone: at four letters one edit turns a word into another.
pub const MIN_LETTERS: usize = 5;

/// The vocabulary's single words, and their one-letter deletions.
#[derive(Debug, Default)]
pub struct Dictionary {
    words: Vec<String>,
    exact: HashMap<String, u32>,
    deletes: HashMap<String, Vec<u32>>,
}

/// A word the dictionary can correct to or from: letters of a spaced script only.
fn eligible(word: &str) -> bool {
    word.chars().count() >= MIN_LETTERS
        && word.chars().all(|c| {
            c.is_alphabetic()
                && !matches!(c,
                    '\u{1100}'..='\u{11FF}' | '\u{3040}'..='\u{30FF}' | '\u{3130}'..='\u{318F}'
                    | '\u{3400}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{0E00}'..='\u{0E7F}'
                    | '\u{F900}'..='\u{FAFF}' | '\u{FF66}'..='\u{FF9F}')
        })
}

fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len()).map(move |i| chars[..i].iter().chain(&chars[i + 1..]).collect::<String>())
}

/// Optimal-string-alignment distance, capped: is it at most one?
fn within_one(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ra, rb) = (n - prefix - suffix, m - prefix - suffix);
    match (ra, rb) {
        (0, 0) | (1, 0) | (0, 1) | (1, 1) => true,
        (2, 2) => a[prefix] == b[prefix + 1] && a[prefix + 1] == b[prefix],
        _ => false,
    }
}

/// `word` with every run of three or more of one letter made `keep` letters long.
fn shorten_runs(word: &str, keep: usize) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|&&c| c == chars[i]).count();
        let n = if run >= 3 { keep } else { run };
        out.extend(std::iter::repeat_n(chars[i], n));
        i += run;
    }
    out
}

impl Dictionary {
    /// A dictionary of the single words in `terms` (vocabulary terms: words of a term with
    /// `*` or `#` are left out, they are not whole words).
    pub fn new<'a>(terms: impl Iterator<Item = &'a str>) -> Dictionary {
        let mut d = Dictionary::default();
        for term in terms {
            for word in fold(term).split(|c: char| !c.is_alphanumeric() && c != '*' && c != '#') {
                if word.contains(['*', '#']) || !eligible(word) || d.exact.contains_key(word) {
                    continue;
                }
                let id = d.words.len() as u32;
                d.words.push(word.to_string());
                d.exact.insert(word.to_string(), id);
                for del in deletions(word) {
                    d.deletes.entry(del).or_default().push(id);
                }
            }
        }
        d
    }

    /// The number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The one vocabulary word `word` is a typo of, if exactly one.
    pub fn word_for(&self, word: &str) -> Option<&str> {
        if !eligible(word) || self.exact.contains_key(word) {
            return None;
        }
        for keep in [2, 1] {
            let short = shorten_runs(word, keep);
            if short != word
                && let Some(&id) = self.exact.get(&short)
            {
                return Some(self.words[id as usize].as_str());
            }
        }
        let first = word.chars().next();
        let mut found: Option<&str> = None;
        let mut consider = |id: u32| -> bool {
            let candidate = self.words[id as usize].as_str();
            if candidate.chars().next() != first || !within_one(word, candidate) {
                return true;
            }
            match found {
                Some(f) if f != candidate => false, // two words this close: no guess
                _ => {
                    found = Some(candidate);
                    true
                }
            }
        };
        // A letter dropped: the word is a deletion of a vocabulary word.
        for &id in self.deletes.get(word).into_iter().flatten() {
            if !consider(id) {
                return None;
            }
        }
        for del in deletions(word) {
            // A letter added or doubled: a deletion of the word is a vocabulary word.
            if let Some(&id) = self.exact.get(&del)
                && !consider(id)
            {
                return None;
            }
            // A key slipped or two letters swapped: both share a deletion.
            for &id in self.deletes.get(&del).into_iter().flatten() {
                if !consider(id) {
                    return None;
                }
            }
        }
        found
    }

    /// `folded` with each correctable word replaced ([`Dictionary::word_for`]) unless `keep`
    /// says it is a word in its own right, and the corrections made; `None` when there were
    /// none.
    pub fn correct(
        &self,
        folded: &str,
        keep: &dyn Fn(&str) -> bool,
    ) -> Option<(String, Vec<(String, String)>)> {
        if self.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(folded.len());
        let mut fixes = Vec::new();
        let mut word_start: Option<usize> = None;
        let flush = |out: &mut String, fixes: &mut Vec<(String, String)>, word: &str| match self
            .word_for(word)
            .filter(|_| !keep(word))
        {
            Some(fixed) => {
                fixes.push((word.to_string(), fixed.to_string()));
                out.push_str(fixed);
            }
            None => out.push_str(word),
        };
        for (i, c) in folded.char_indices() {
            if c.is_alphanumeric() {
                word_start.get_or_insert(i);
            } else {
                if let Some(start) = word_start.take() {
                    flush(&mut out, &mut fixes, &folded[start..i]);
                }
                out.push(c);
            }
        }
        if let Some(start) = word_start {
            flush(&mut out, &mut fixes, &folded[start..]);
        }
        (!fixes.is_empty()).then_some((out, fixes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict() -> Dictionary {
        Dictionary::new(
            [
                "shipping",
                "delivery",
                "refund",
                "tracking number",
                "please",
                "invoice",
                "deliver*",
                "# days",
                "envio",
                "lieferung",
                "доставка",
            ]
            .into_iter(),
        )
    }

    #[test]
    fn one_edit_from_one_word_is_that_word() {
        let d = dict();
        let cases = [
            ("shippinh", Some("shipping")),  // a key slipped
            ("shiping", Some("shipping")),   // a letter dropped
            ("shippping", Some("shipping")), // a letter doubled
            ("shpiping", Some("shipping")),  // two letters swapped
            ("delivry", Some("delivery")),
            ("refumd", Some("refund")),
            ("trakcing", Some("tracking")),
            ("pleeease", Some("please")),
            ("pleaseeeee", Some("please")),
            ("lieferng", Some("lieferung")),
            ("доствка", Some("доставка")),
            ("enviio", Some("envio")),
            // Left alone: already a word, too short, two edits, another first letter.
            ("shipping", None),
            ("refun", Some("refund")),
            ("shop", None),
            ("shpipnig", None),
            ("xhipping", None),
            ("numbers", Some("number")),
        ];
        for (word, want) in cases {
            assert_eq!(d.word_for(word), want, "{word}");
        }
    }

    #[test]
    fn two_words_equally_close_are_not_guessed() {
        let d = Dictionary::new(["parcel", "parcels", "carton", "cartel"].into_iter());
        // "cartom" is one edit from "carton" only; "carten" from both carton and cartel.
        assert_eq!(d.word_for("cartom"), Some("carton"));
        assert_eq!(d.word_for("carten"), None);
    }

    #[test]
    fn correct_rewrites_only_the_typos_and_keeps_the_rest() {
        let d = dict();
        let (text, fixes) = d
            .correct("how long is shiping to valencia, pleeease?", &|_| false)
            .expect("two typos");
        assert_eq!(text, "how long is shipping to valencia, please?");
        assert_eq!(
            fixes,
            vec![
                ("shiping".to_string(), "shipping".to_string()),
                ("pleeease".to_string(), "please".to_string())
            ]
        );
        assert_eq!(
            d.correct("how long is shipping to valencia?", &|_| false),
            None
        );
        // A word the caller knows in its own right stays.
        let (text, _) = d
            .correct("shiping pleeease", &|w| w == "pleeease")
            .expect("one typo");
        assert_eq!(text, "shipping pleeease");
    }

    #[test]
    fn within_one_is_optimal_string_alignment() {
        for (a, b, want) in [
            ("abcde", "abcde", true),
            ("abcde", "abcdf", true),
            ("abcde", "abcd", true),
            ("abcde", "abdce", true),
            ("abcde", "badce", false),
            ("abcde", "abc", false),
            ("abcde", "xbcdy", false),
        ] {
            assert_eq!(within_one(a, b), want, "{a} {b}");
        }
    }
}
