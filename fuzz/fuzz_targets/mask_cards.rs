//! Card masking over any text. Checked against an independent reading of the rules in
//! `shared/src/mask.rs`: no card number survives, masking is idempotent, only digits change
//! (into `•`), and text without digits comes back borrowed.
#![no_main]

use std::borrow::Cow;

use ferry_shared::mask::{MASK, mask_cards};
use libfuzzer_sys::fuzz_target;

fn digit(c: char) -> Option<u32> {
    let zero = match c {
        '0'..='9' => '0',
        '\u{0660}'..='\u{0669}' => '\u{0660}',
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}',
        '\u{FF10}'..='\u{FF19}' => '\u{FF10}',
        _ => return None,
    };
    Some(c as u32 - zero as u32)
}

fn separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '\u{00A0}' | '\u{202F}' | '\u{3000}' | '\u{FF0D}'
    )
}

fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match (i % 2 == 1, d * 2) {
            (true, doubled) if doubled > 9 => doubled - 9,
            (true, doubled) => doubled,
            (false, _) => d,
        })
        .sum();
    sum % 10 == 0
}

/// The maximal runs `digit (separator? digit)*`: digits, and the digit counts after which a
/// separator stands.
fn runs(text: &str) -> Vec<(Vec<u32>, Vec<usize>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some(d) = digit(chars[i]) else {
            i += 1;
            continue;
        };
        let mut digits = vec![d];
        let mut ends = Vec::new();
        i += 1;
        loop {
            if let Some(d) = chars.get(i).copied().and_then(digit) {
                digits.push(d);
                i += 1;
            } else if chars.get(i).copied().is_some_and(separator)
                && chars.get(i + 1).copied().and_then(digit).is_some()
            {
                ends.push(digits.len());
                i += 1;
            } else {
                break;
            }
        }
        out.push((digits, ends));
    }
    out
}

/// A card number by the module's rules: a whole run of 12–19 digits, or a leading part of
/// 13–19 digits ending at a separator with at most 4 digits after it, passing Luhn.
fn holds_card(text: &str) -> Option<String> {
    for (digits, ends) in runs(text) {
        let n = digits.len();
        if (12..=19).contains(&n) && luhn(&digits) {
            return Some(format!("{digits:?}"));
        }
        for &k in &ends {
            if (13..=19).contains(&k) && n - k <= 4 && luhn(&digits[..k]) {
                return Some(format!("{:?}", &digits[..k]));
            }
        }
    }
    None
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let masked = mask_cards(text);
    if let Some(card) = holds_card(&masked) {
        panic!("card {card} survives masking: {masked:?}");
    }
    assert_eq!(mask_cards(&masked), masked, "masking is not idempotent");
    // Only digits change, each into the mask, one char for one char.
    assert_eq!(masked.chars().count(), text.chars().count());
    for (a, b) in text.chars().zip(masked.chars()) {
        assert!(
            a == b || (b == MASK && digit(a).is_some()),
            "{a:?} became {b:?}"
        );
    }
    match &masked {
        Cow::Borrowed(_) => assert_eq!(masked, text),
        Cow::Owned(s) => assert_ne!(s, text, "allocated without masking"),
    }
    if !text.chars().any(|c| digit(c).is_some()) {
        assert!(
            matches!(masked, Cow::Borrowed(_)),
            "no digits yet not borrowed"
        );
    }
    // Text is masked exactly when it holds a card.
    assert_eq!(
        holds_card(text).is_some(),
        matches!(masked, Cow::Owned(_)),
        "masked {text:?} into {masked:?}"
    );
});
