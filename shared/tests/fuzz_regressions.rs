//! Regression tests from the fuzz targets in `fuzz/` (`cargo xtask fuzz`): every input that
//! crashed or hung one of them, and the nastiest inputs they led us to, each checked through
//! the same function the target calls, with the answer a user should get.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::borrow::Cow;
use std::time::{Duration, Instant};

use ferry_shared::CompiledSite;
use ferry_shared::json::parse_json;
use ferry_shared::mask::mask_cards;
use ferry_shared::webhook::{
    HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, Secret, WebhookError, signature_header, verify,
};
use ferry_shared::wire::{ChatRequest, ContactRequest, InputErrorKind};

// ---------------------------------------------------------------------------------------
// webhook_verify

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
const TS: i64 = 1_649_367_553;
const BODY: &[u8] = br#"{"email":"test@example.com","username":"test_user"}"#;
const SIGNATURE: &str = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";

fn headers<'a>(id: &'a str, ts: &'a str, sig: &'a str) -> impl Fn(&str) -> Option<&'a str> {
    move |name| match name {
        HEADER_ID => Some(id),
        HEADER_TIMESTAMP => Some(ts),
        HEADER_SIGNATURE => Some(sig),
        _ => None,
    }
}

/// Found by `webhook_verify` (crash-f1f20771…): `now - TOLERANCE_SECS` overflowed for a
/// receiver clock near `i64::MIN` ("attempt to subtract with overflow" in debug builds; a
/// wrapped, wrong verdict in release builds). The bounds now saturate.
#[test]
fn verify_at_the_ends_of_time_does_not_overflow() {
    let secrets = Secret::parse_list("58RJZZZZ").expect("a bare base64 key");
    let header = signature_header(&secrets, "Z", i64::MIN, b"");
    let ts = i64::MIN.to_string();
    assert_eq!(
        verify(&secrets, headers("Z", &ts, &header), b"", i64::MIN),
        Ok(())
    );
    let header = signature_header(&secrets, "Z", i64::MAX, b"");
    let ts = i64::MAX.to_string();
    assert_eq!(
        verify(&secrets, headers("Z", &ts, &header), b"", i64::MAX),
        Ok(())
    );
    // A sane timestamp against an absurd clock is refused, not a panic.
    let secret = Secret::parse(SECRET).unwrap();
    let ts = TS.to_string();
    let at = |now| {
        verify(
            std::slice::from_ref(&secret),
            headers(ID, &ts, SIGNATURE),
            BODY,
            now,
        )
    };
    assert_eq!(at(i64::MIN), Err(WebhookError::TooNew));
    assert_eq!(at(i64::MAX), Err(WebhookError::TooOld));
    assert_eq!(at(TS), Ok(()));
}

#[test]
fn malformed_signatures_never_verify() {
    let secret = Secret::parse(SECRET).unwrap();
    let ts = TS.to_string();
    let check = |sig: &str| {
        verify(
            std::slice::from_ref(&secret),
            headers(ID, &ts, sig),
            BODY,
            TS,
        )
    };
    for bad in [
        // The right signature with other trailing bits (non-canonical base64): the same
        // 32 bytes to a lenient decoder, so it must be refused to stay unforgeable-by-tweak.
        "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkx=",
        // Without padding, with extra padding, URL-safe alphabet, upper-case version.
        "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw",
        "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw==",
        "v1,tZ1I4_hDygAJgO5TYxiSd6Sd0kDW6hPenDe-bTa3Kkw=",
        "V1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
        // Glued to another candidate, tab-separated, or with the version twice.
        "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=v1,",
        "v1,x\tv1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
        "v1,v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
        // 32 bytes, but not the HMAC; the signature of an empty body.
        "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "v1,\u{0}",
        "                                                            ",
    ] {
        assert_eq!(check(bad), Err(WebhookError::NoMatch), "{bad:?}");
    }
    // One good candidate among thousands of bad ones still verifies (rotation), and the bad
    // ones alone do not.
    let noise = "v1,AAAA ".repeat(5000);
    assert_eq!(check(&format!("{noise}{SIGNATURE}")), Ok(()));
    assert_eq!(check(&noise), Err(WebhookError::NoMatch));
    // Timestamps that are not plain integers.
    for ts in ["1e9", "0x10", "١٦٤٩٣٦٧٥٥٣", "9223372036854775808", "--1"] {
        assert_eq!(
            verify(
                std::slice::from_ref(&secret),
                headers(ID, ts, SIGNATURE),
                BODY,
                TS
            ),
            Err(WebhookError::BadTimestamp),
            "{ts}"
        );
    }
}

#[test]
fn malformed_secrets_are_refused() {
    for bad in [
        "",
        " ",
        "whsec_",
        " whsec_ ",
        "whsec_=",
        "whsec_====",
        "whsec_not base64!",
        "whsec_whsec_AAAA",
        "whsec_AAA",
        "whsec_\u{0}",
        "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7o",
    ] {
        assert!(
            matches!(Secret::parse(bad), Err(WebhookError::BadSecret(_))),
            "{bad:?} parsed"
        );
    }
    for bad in ["", " ,\n, ", ",,,", "whsec_AAAA whsec_!"] {
        assert!(
            matches!(Secret::parse_list(bad), Err(WebhookError::BadSecret(_))),
            "{bad:?} parsed"
        );
    }
    assert_eq!(
        Secret::parse_list(" ,whsec_AAAA,\n whsec_AAAB ").map(|s| s.len()),
        Ok(2)
    );
}

// ---------------------------------------------------------------------------------------
// chat_request

const CHAT: &str = "a JSON chat request";

#[test]
fn deeply_nested_json_is_no_stack_overflow() {
    for depth in [200, 100_000] {
        // An unknown field's value is skipped without recursion (serde_json's ignore path is
        // iterative), so any depth is fine there, open or closed.
        let open = "[".repeat(depth);
        let closed = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let body = |x: &str| {
            format!(
                r#"{{"site":"demo","conversation_id":"c","client_message_id":"m","text":"hi","x":{x}}}"#
            )
        };
        let req: ChatRequest =
            parse_json(body(&closed).as_bytes(), CHAT).expect("deep but ignored");
        assert_eq!(req.text, "hi");
        let e = parse_json::<ChatRequest>(body(&open).as_bytes(), CHAT).expect_err("unclosed");
        assert!(e.starts_with("malformed JSON: "), "{e}");
        // In a typed field, the second level is already the wrong type: named, not descended.
        let body =
            format!(r#"{{"site":"demo","conversation_id":"c","ticket":"t","contact":{closed}}}"#);
        let e = parse_json::<ContactRequest>(body.as_bytes(), CHAT).expect_err("wrong type");
        assert!(e.starts_with("`contact[0]`: invalid type: sequence"), "{e}");
    }
}

#[test]
fn nasty_json_bodies_get_a_clear_error() {
    let base = r#""site":"demo","conversation_id":"c","client_message_id":"m""#;
    let cases = [
        // Duplicate field: refused rather than "last one wins".
        (
            format!(r#"{{{base},"text":"a","text":"b"}}"#),
            "duplicate field `text`",
        ),
        // A lone surrogate cannot become a Rust string.
        (
            format!(r#"{{{base},"text":"\ud800"}}"#),
            "malformed JSON: unexpected end of hex escape",
        ),
        (
            format!(r#"{{{base},"text":"\udc00"}}"#),
            "malformed JSON: lone leading surrogate",
        ),
        // The wire version does not fit in a u16: named, not wrapped to 0.
        (
            format!(r#"{{{base},"text":"a","v":65537}}"#),
            "`v`: invalid value: integer `65537`",
        ),
        (
            format!(r#"{{{base},"text":"a","v":1.0}}"#),
            "`v`: invalid type: floating point",
        ),
        (
            format!(r#"{{{base},"text":"a","contact":{{"email":[]}}}}"#),
            "`contact.email`: invalid type",
        ),
        ("\u{feff}{}".to_string(), "malformed JSON: expected value"),
        ("null".to_string(), "invalid type: null"),
        (" ".to_string(), "malformed JSON: EOF while parsing"),
    ];
    for (body, want) in cases {
        let e = parse_json::<ChatRequest>(body.as_bytes(), CHAT).expect_err(&body);
        assert!(e.starts_with(want), "{body}: {e}");
    }
    assert_eq!(
        parse_json::<ChatRequest>(b"", CHAT).unwrap_err(),
        "empty body; send a JSON chat request"
    );
}

#[test]
fn requests_that_parse_but_must_not_validate() {
    let body = |fields: &str| {
        format!(r#"{{"site":"demo","conversation_id":"c","client_message_id":"m",{fields}}}"#)
    };
    let refused = |fields: &str| {
        let req: ChatRequest = parse_json(body(fields).as_bytes(), CHAT).expect(fields);
        req.validate().expect_err(fields)
    };
    // 2,001 characters of a 3-byte script is over the limit by characters, not bytes.
    let long = "語".repeat(2001);
    let e = refused(&format!(r#""text":"{long}""#));
    assert_eq!((e.field, e.kind), ("text", InputErrorKind::TooLarge));
    // Whitespace only, including no-break and ideographic spaces.
    assert_eq!(refused(r#""text":" \u00a0\u3000\n""#).field, "text");
    assert_eq!(refused(r#""text":"a","v":0"#).field, "v");
    assert_eq!(refused(r#""text":"a","locale":"pt-BR-""#).field, "locale");
    assert_eq!(refused(r#""text":"a","country":"ÄÄ""#).field, "country");
    assert_eq!(
        refused(r#""text":"a","time_zone":"../../etc""#).field,
        "time_zone"
    );
    assert_eq!(
        refused(r#""text":"a","contact":{"email":"a@b"}"#).field,
        "contact.email"
    );
    let e = parse_json::<ChatRequest>(
        r#"{"site":"de mo","conversation_id":"c","client_message_id":"m","text":"a"}"#.as_bytes(),
        CHAT,
    )
    .unwrap()
    .validate()
    .unwrap_err();
    assert_eq!(e.field, "site");
    // What validates round-trips (the property the fuzz target checks).
    let ok: ChatRequest = parse_json(
        body(r#""text":"\u0000 é 😀","locale":"zh-Hant-TW""#).as_bytes(),
        CHAT,
    )
    .unwrap();
    ok.validate().unwrap();
    let back: ChatRequest = parse_json(&serde_json::to_vec(&ok).unwrap(), CHAT).unwrap();
    assert_eq!(back, ok);
}

// ---------------------------------------------------------------------------------------
// mask_cards

#[test]
fn nasty_card_numbers_are_masked_once() {
    let cases = [
        // Digits of three scripts in one run.
        ("4242٤٢٤٢４２４２4242", "••••••••••••4242"),
        // Every digit its own group.
        (
            "4 2 4 2 4 2 4 2 4 2 4 2 4 2 4 2",
            "• • • • • • • • • • • • 4 2 4 2",
        ),
        // A card and 4 more digits: 20 in the run, the card part is masked.
        ("4242 4242 4242 4242 4242", "•••• •••• •••• 4242 4242"),
        // Two cards apart.
        (
            "4242424242424242 / 5555555555554444",
            "••••••••••••4242 / ••••••••••••4444",
        ),
        // Next to mask characters already there.
        ("••••4242424242424242", "••••••••••••••••4242"),
        // Separators of each kind, the run ending at a double one.
        (
            "4242\u{a0}4242\u{202f}4242\u{3000}4242  1",
            "••••\u{a0}••••\u{202f}••••\u{3000}4242  1",
        ),
    ];
    for (input, want) in cases {
        let got = mask_cards(input);
        assert_eq!(got, want, "{input:?}");
        assert_eq!(mask_cards(&got), got, "idempotent: {got:?}");
    }
    // Not cards: left alone and borrowed.
    for keep in [
        "4242 4242 4242 4242 12345",
        "42424242424242424242",
        "٠٠٠",
        "𝟒𝟐𝟒𝟐𝟒𝟐𝟒𝟐𝟒𝟐𝟒𝟐𝟒𝟐𝟒𝟐",
        "",
    ] {
        assert!(matches!(mask_cards(keep), Cow::Borrowed(_)), "{keep:?}");
    }
    // A long message of digits is linear, not quadratic.
    let long = "4242 ".repeat(2000);
    let (masked, took) = timed(|| mask_cards(&long).into_owned());
    assert_eq!(masked.chars().count(), long.chars().count());
    assert!(took < Duration::from_secs(2), "{took:?}");
}

// ---------------------------------------------------------------------------------------
// site_file

const HEAD: &str = r#"
[site]
id = "shop"
name = "Shop"
support_email = "help@shop.example"
languages = ["en"]

[handoff]
reply_within_hours = 8
urgent_reply_within_hours = 4
reply.en = "A person will reply."
"#;

fn site_with_patterns(patterns: &[&str]) -> String {
    let list: Vec<String> = patterns.iter().map(|p| format!("'{p}'")).collect();
    format!(
        "{HEAD}\n[[rule]]\nid = \"r\"\ntopic = \"returns\"\npatterns.en = [{}]\nanswer.en = \"ok\"\n",
        list.join(", ")
    )
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
}

fn load_error(source: &str) -> ferry_shared::LoadError {
    match CompiledSite::from_toml(source) {
        Ok(_) => panic!("loaded:\n{}", &source[..source.len().min(400)]),
        Err(e) => e,
    }
}

#[test]
fn the_seed_loads() {
    let site = site_with_patterns(&[r"\breturn"]);
    CompiledSite::from_toml(&site).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn deeply_nested_toml_is_refused_not_a_stack_overflow() {
    for depth in [2_000, 100_000] {
        for source in [
            format!("x = {}", "[".repeat(depth)),
            format!("x = {}1{}", "[".repeat(depth), "]".repeat(depth)),
            format!("x = {}", "{a=".repeat(depth)),
            format!("{} = 1", vec!["a"; depth].join(".")),
            format!("[{}]", vec!["a"; depth].join(".")),
            format!(
                "{HEAD}\n[[rule]]\nid = \"r\"\ntopic = \"returns\"\nanswer.en = {}",
                "[".repeat(depth)
            ),
        ] {
            let (e, took) = timed(|| load_error(&source));
            assert!(e.message.contains("recursion"), "{e}");
            assert!(took < Duration::from_secs(10), "{took:?}");
        }
    }
}

#[test]
fn huge_repetitions_are_refused_with_a_hint() {
    for pattern in [
        "a{1000}{1000}",
        "(?:a{0,1000}){0,1000}",
        r"\w{10}",
        r"[\p{L}\p{N}]{50}",
        "(?:(?:(?:a{100}){100}){100})",
    ] {
        let e = load_error(&site_with_patterns(&[pattern]));
        assert!(
            e.message.starts_with("pattern is too big"),
            "{pattern}: {e}"
        );
        assert_eq!((e.rule.as_deref(), e.line), (Some("r"), 16), "{pattern}");
    }
    // Each pattern small enough, but together over the set's limit: refused in bounded time.
    let (e, took) = timed(|| load_error(&site_with_patterns(&[r"\w{5}"; 300])));
    assert!(
        e.message
            .starts_with("the rules' patterns together are too large to compile"),
        "{e}"
    );
    assert!(took < Duration::from_secs(60), "{took:?}");
}

#[test]
fn broken_patterns_name_their_line() {
    for pattern in [
        r"(",
        r"[z-a]",
        r"\",
        r"a{2,1}",
        r"(?<n>a)(?<n>b)",
        r"\p{Nope}",
        r"x\́",
    ] {
        let e = load_error(&site_with_patterns(&[pattern]));
        assert!(
            e.message.starts_with("pattern does not compile"),
            "{pattern}: {e}"
        );
        assert_eq!(e.line, 16, "{pattern}");
    }
}

/// Found by the `site_file` target: `ascii_word_boundaries` rewrote `\b` into `(?-u:\b)` even
/// when it starts `\b{start}` / `\b{end}` (valid in regex ≥ 1.10), so the pattern compiled alone
/// but the set did not, and the error blamed the size of all the patterns at line 0.
#[test]
fn word_boundary_with_braces_loads() {
    let source = site_with_patterns(&[r"\b{start}return\b{end}"]);
    CompiledSite::from_toml(&source).unwrap_or_else(|e| panic!("{e}"));
}

/// Found while writing these tests: `parse_json` (then in the edge) never called
/// `Deserializer::end`, so a valid request followed by anything (`{…} trailing`, `{…}{…}`)
/// was accepted. Now it is a 400.
#[test]
fn trailing_characters_are_refused() {
    let body =
        r#"{"site":"demo","conversation_id":"c","client_message_id":"m","text":"a"} trailing"#;
    let e = parse_json::<ChatRequest>(body.as_bytes(), CHAT).expect_err("trailing");
    assert!(e.starts_with("malformed JSON: trailing characters"), "{e}");
}
