//! Card numbers in shopper text: masked before a handoff leaves the Worker, so a pasted card
//! number never reaches a helpdesk, a Slack channel or a log.
//!
//! ## What counts as a card number
//! - A **digit** is `0`–`9`, or its Arabic-Indic (`٠`–`٩`), Persian (`۰`–`۹`) or full-width
//!   (`０`–`９`) form, as phone keyboards and CJK input methods type them.
//! - A **separator** is one space, hyphen, no-break space (U+00A0, U+202F), ideographic space
//!   (U+3000) or full-width hyphen (U+FF0D) standing *between two digits*.
//! - A **run** is a maximal sequence `digit (separator? digit)*`: one separator may sit between
//!   two digits; two separators in a row (`4242  4242`, `4242 - 4242`), or any other character,
//!   end the run. What stands around a run does not matter: `cc4242424242424242` and
//!   `#4242-4242-4242-4242.` hold runs like any other, so a number glued to a word is still
//!   masked (a missed card costs more than a masked product code).
//! - A run of 12–19 digits that passes the Luhn check is a card number.
//! - So is a run's **leading part** of 13–19 digits that ends at a separator, passes Luhn and is
//!   followed by at most 4 more digits: a card typed with its CVC or expiry after it
//!   (`4242 4242 4242 4242 123`, `… 4242 12 28`). Only the leading part is masked. The part must
//!   end at a separator, so an unseparated run is judged whole, and 4×4-digit order numbers
//!   (their leading part would be 12 digits) are judged whole too.
//!
//! Runs that fail (order numbers, phone numbers, tracking codes) are left as typed. Not
//! covered: two cards joined by a single space into one run, or a card split by other
//! characters (`4242.4242.4242.4242`, `4242/4242/…`).
//!
//! ## How it is masked
//! Every digit of the card but the last four becomes `•`; separators stay, so the shape is
//! kept (`•••• •••• •••• 4242`). Masked text holds at most 8 digits in a row, so masking is
//! idempotent.

use std::borrow::Cow;

/// What replaces a masked digit.
pub const MASK: char = '•';

const MIN_DIGITS: usize = 12;
const MAX_DIGITS: usize = 19;
/// The shortest card that a trailing CVC or expiry may follow (Visa's old 13 digits).
const MIN_PREFIX_DIGITS: usize = 13;
/// The most digits that may follow a card in the same run (a CVC, an expiry).
const MAX_TRAILING_DIGITS: usize = 4;
const VISIBLE: usize = 4;

/// Masks every card number in `text` (see the module docs); borrows `text` when it has none.
pub fn mask_cards(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| digit_value(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // Byte offsets of the digits to mask.
    let mut masked: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if digit_value(chars[i].1).is_none() {
            i += 1;
            continue;
        }
        let run = Run::scan(&chars, i);
        i = run.next;
        if let Some(card_len) = run.card_len() {
            masked.extend(
                run.digits[..card_len - VISIBLE]
                    .iter()
                    .map(|&(offset, _)| offset),
            );
        }
    }
    if masked.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + masked.len() * MASK.len_utf8());
    let mut next = masked.iter().peekable();
    for (offset, c) in text.char_indices() {
        if next.peek() == Some(&&offset) {
            next.next();
            out.push(MASK);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One run of digits: each digit's byte offset and value, and where separators stand.
struct Run {
    digits: Vec<(usize, u8)>,
    /// Digit counts after which a separator stands (ascending).
    group_ends: Vec<usize>,
    /// Index in the char list just past the run.
    next: usize,
}

impl Run {
    fn scan(chars: &[(usize, char)], start: usize) -> Run {
        let mut run = Run {
            digits: Vec::new(),
            group_ends: Vec::new(),
            next: start,
        };
        let mut i = start;
        while let Some(value) = chars.get(i).and_then(|&(_, c)| digit_value(c)) {
            run.digits.push((chars[i].0, value));
            i += 1;
            let separated = chars.get(i).is_some_and(|&(_, c)| is_separator(c))
                && chars
                    .get(i + 1)
                    .is_some_and(|&(_, c)| digit_value(c).is_some());
            if separated {
                run.group_ends.push(run.digits.len());
                i += 1;
            }
        }
        run.next = i;
        run
    }

    /// How many leading digits of the run form a card number, if any.
    fn card_len(&self) -> Option<usize> {
        let n = self.digits.len();
        if (MIN_DIGITS..=MAX_DIGITS).contains(&n) && luhn(&self.digits) {
            return Some(n);
        }
        self.group_ends
            .iter()
            .rev()
            .copied()
            .filter(|&k| {
                (MIN_PREFIX_DIGITS..=MAX_DIGITS).contains(&k) && n - k <= MAX_TRAILING_DIGITS
            })
            .find(|&k| luhn(&self.digits[..k]))
    }
}

fn luhn(digits: &[(usize, u8)]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &(_, d))| {
            let d = u32::from(d);
            if !i.is_multiple_of(2) {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn digit_value(c: char) -> Option<u8> {
    let zero = match c {
        '0'..='9' => '0',
        '\u{0660}'..='\u{0669}' => '\u{0660}',
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}',
        '\u{FF10}'..='\u{FF19}' => '\u{FF10}',
        _ => return None,
    };
    u8::try_from(u32::from(c) - u32::from(zero)).ok()
}

fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '\u{00A0}' | '\u{202F}' | '\u{3000}' | '\u{FF0D}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases = [
            // Visa test number, plain, spaced, hyphenated.
            ("4242424242424242", "••••••••••••4242"),
            ("4242 4242 4242 4242", "•••• •••• •••• 4242"),
            ("pay 4242-4242-4242-4242 ok", "pay ••••-••••-••••-4242 ok"),
            // Amex 4-6-5, 15 digits.
            ("3782 822463 10005", "•••• •••••• •0005"),
            // Glued to letters and punctuation.
            ("cc4242424242424242.", "cc••••••••••••4242."),
            // Full-width and Arabic-Indic digits.
            ("４２４２４２４２４２４２４２４２", "••••••••••••４２４２"),
            ("٤٢٤٢ ٤٢٤٢ ٤٢٤٢ ٤٢٤٢", "•••• •••• •••• ٤٢٤٢"),
            // CVC or expiry typed after the card.
            ("4242 4242 4242 4242 123", "•••• •••• •••• 4242 123"),
            ("4242 4242 4242 4242 12 28", "•••• •••• •••• 4242 12 28"),
            ("4242 4242 4242 4242 12/28", "•••• •••• •••• 4242 12/28"),
            // Order numbers (Luhn fails) and short runs stay.
            ("order 4242424242424241", "order 4242424242424241"),
            ("1234-5678-9012-3456", "1234-5678-9012-3456"),
            ("call +55 11 91234 5678", "call +55 11 91234 5678"),
            // Two separators end a run: two short runs.
            ("4242 4242  4242 4242", "4242 4242  4242 4242"),
            // Too long to be one card (USPS-style tracking code).
            ("9400 1000 0000 0000 0000 00", "9400 1000 0000 0000 0000 00"),
        ];
        for (input, want) in cases {
            assert_eq!(mask_cards(input), want, "{input}");
            assert_eq!(mask_cards(want), want, "idempotent: {want}");
        }
    }

    #[test]
    fn borrows_when_nothing_to_mask() {
        assert!(matches!(mask_cards("no digits"), Cow::Borrowed(_)));
        assert!(matches!(mask_cards("order 12345"), Cow::Borrowed(_)));
        assert!(matches!(mask_cards(""), Cow::Borrowed(_)));
    }
}
