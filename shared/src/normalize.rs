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
fn strip_marks(text: &str) -> impl Iterator<Item = char> + '_ {
    text.nfkc()
        .collect::<String>()
        .nfd()
        .filter(|c| !is_combining_mark(*c) || is_kana_voicing(*c))
        .collect::<Vec<_>>()
        .into_iter()
        .nfc()
}

fn is_kana_voicing(c: char) -> bool {
    matches!(c, '\u{3099}' | '\u{309A}')
}

#[cfg(test)]
mod tests {
    use super::*;

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
