//! The one text form patterns are matched against.
//!
//! Shoppers type fast: capitals, missing accents, full-width characters from a CJK keyboard,
//! odd spacing. [`fold`] maps all of that to one form so a rule written as `envio` matches
//! "ENVÍO", `wo ist` matches "Wo  ist", and `size` matches "ｓｉｚｅ". Patterns go through
//! [`fold_pattern`], the same folding minus the case (the regex is case-insensitive, and
//! lower-casing would change escapes such as `\D`).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// NFKC (width and compatibility folding), then diacritics removed, lower-cased (with the
/// Turkish dotted and dotless i folded to `i`), whitespace runs collapsed to one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in strip_marks(text) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'İ' | 'I' | 'ı' => out.push('i'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The folding a pattern needs so that it meets [`fold`]ed text: NFKC and diacritics.
pub fn fold_pattern(pattern: &str) -> String {
    strip_marks(pattern).collect()
}

/// NFKC, then NFD without combining marks, recomposed. Keeps marks that carry meaning in
/// scripts where they are not accents (Hangul jamo compose back; kana voicing marks survive
/// because they recompose; Arabic and Hebrew diacritics are optional vowel marks, dropped).
/// Letters whose stroke is no combining mark but that shoppers drop all the same are made
/// plain too: Polish `ł` ("płatność" typed "platnosc"), `ø`, `đ`.
fn strip_marks(text: &str) -> impl Iterator<Item = char> + '_ {
    text.nfkc()
        .collect::<String>()
        .nfd()
        .filter(|c| !is_combining_mark(*c) || is_kana_voicing(*c))
        .collect::<Vec<_>>()
        .into_iter()
        .nfc()
        .map(|c| match c {
            'ł' => 'l',
            'Ł' => 'L',
            'ø' => 'o',
            'Ø' => 'O',
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
}

/// Rewrites `\b` and `\B` as ASCII word boundaries (`(?-u:\b)`) in every top-level
/// alternative of `pattern` that is pure ASCII. The flag says a Unicode boundary is left (in
/// an alternative with other scripts).
///
/// Why: the regex crate's lazy DFA cannot run a Unicode word boundary over non-ASCII text and
/// falls back to a much slower engine (measured: 10 ms instead of 0.05 ms for a Russian
/// message against the demo pack). Folded Latin text is ASCII, so for ASCII alternatives the
/// two boundaries agree; an ASCII boundary next to CJK or Cyrillic counts it as a non-word
/// character, which is what an English word inside such text needs.
pub fn ascii_word_boundaries(pattern: &str) -> (String, bool) {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut unicode_left = false;
    for (i, alternative) in top_level_alternatives(pattern).into_iter().enumerate() {
        if i > 0 {
            out.push('|');
        }
        let ascii = alternative.is_ascii();
        let mut chars = alternative.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some(b @ ('b' | 'B')) if ascii => {
                    out.push_str("(?-u:\\");
                    out.push(b);
                    // `\b{start}`, `\b{end}`, …: the braces belong to the assertion.
                    if chars.clone().next() == Some('{') {
                        for c in chars.by_ref() {
                            out.push(c);
                            if c == '}' {
                                break;
                            }
                        }
                    }
                    out.push(')');
                }
                Some(next) => {
                    unicode_left |= matches!(next, 'b' | 'B');
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            }
        }
    }
    (out, unicode_left)
}

/// The alternatives of `pattern` at paren depth 0 (outside character classes).
fn top_level_alternatives(pattern: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut in_class, mut escaped, mut start) = (0usize, false, false, 0);
    for (i, c) in pattern.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth = depth.saturating_sub(1),
            '|' if !in_class && depth == 0 => {
                parts.push(&pattern[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&pattern[start..]);
    parts
}

fn is_kana_voicing(c: char) -> bool {
    matches!(c, '\u{3099}' | '\u{309A}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_boundaries_where_the_alternative_is_ascii() {
        let cases = [
            (r"\bship\b", r"(?-u:\b)ship(?-u:\b)", false),
            (
                r"\blawyer|адвокат|\bpolice",
                r"(?-u:\b)lawyer|адвокат|(?-u:\b)police",
                false,
            ),
            (r"\bоператор|\bagent", r"\bоператор|(?-u:\b)agent", true),
            (r"(в|ли|за)\b", r"(в|ли|за)\b", true),
            (r"(a|b)\b|c\Bd", r"(a|b)(?-u:\b)|c(?-u:\B)d", false),
            (r"[|]\b|x", r"[|](?-u:\b)|x", false),
            (r"a\\b", r"a\\b", false),
            (r"", r"", false),
        ];
        for (input, want, left) in cases {
            assert_eq!(
                ascii_word_boundaries(input),
                (want.to_string(), left),
                "{input}"
            );
            // Same language on ASCII text.
            let a = regex::Regex::new(input).expect("input compiles");
            let b = regex::Regex::new(want).expect("output compiles");
            for hay in [
                "ship it",
                "shipping",
                "a b",
                "cd",
                "x",
                "call the police",
                "|",
            ] {
                assert_eq!(a.is_match(hay), b.is_match(hay), "{input} on {hay}");
            }
        }
    }

    #[test]
    fn folds_what_shoppers_type() {
        let cases = [
            ("ENVÍO a México", "envio a mexico"),
            (
                "Wie  lange\tdauert   der Versand?",
                "wie lange dauert der versand?",
            ),
            ("ｓｉｚｅ ｇｕｉｄｅ", "size guide"),
            ("Größe", "große"),
            ("İADE ve ıade", "iade ve iade"),
            ("KARGO ÜCRETİ", "kargo ucreti"),
            ("Ça coûte combien ?", "ca coute combien ?"),
            ("配送はどのくらい", "配送はどのくらい"),
            ("ﾄﾞｲﾂへの配送", "ドイツへの配送"),
            ("배송 기간", "배송 기간"),
            ("  leading and trailing  ", "leading and trailing"),
            ("доставка в Россию", "доставка в россию"),
            ("PŁATNOŚĆ przy odbiorze, cło", "platnosc przy odbiorze, clo"),
            ("Ødegaard i Đakovo", "odegaard i dakovo"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "{input}");
        }
    }

    #[test]
    fn patterns_keep_their_case_and_escapes() {
        assert_eq!(fold_pattern(r"\bENVÍO\D+"), r"\bENVIO\D+");
        assert_eq!(fold_pattern("env[ií]o"), "env[ii]o");
    }
}
