//! The Reply API's rules as tables: validation, sanitising, the replay judgement, the ETag.

use super::*;
use crate::wire::MAX_ID_LEN;

fn request(text: &str, agent: &str) -> ReplyRequest {
    ReplyRequest {
        v: 1,
        ticket: "FRY-ABCD2345".into(),
        text: text.into(),
        agent: Agent { name: agent.into() },
    }
}

fn hosts() -> Vec<String> {
    vec!["kestrel.example".to_string()]
}

#[test]
fn validation_table() {
    let long_text = "é".repeat(MAX_REPLY_CHARS + 1);
    let long_name = "a".repeat(MAX_AGENT_NAME_CHARS + 1);
    // (request, the field refused or None, its kind)
    let cases: Vec<(ReplyRequest, Option<&str>, InputErrorKind)> = vec![
        (
            request("Hi! Your parcel left today.", "Ana"),
            None,
            InputErrorKind::Invalid,
        ),
        (
            request(&"é".repeat(MAX_REPLY_CHARS), "Ana"),
            None,
            InputErrorKind::Invalid,
        ),
        (
            request("  \n ", "Ana"),
            Some("text"),
            InputErrorKind::Invalid,
        ),
        (
            request(&long_text, "Ana"),
            Some("text"),
            InputErrorKind::TooLarge,
        ),
        (
            request("hi", ""),
            Some("agent.name"),
            InputErrorKind::Invalid,
        ),
        (
            request("hi", " \t "),
            Some("agent.name"),
            InputErrorKind::Invalid,
        ),
        (
            request("hi", &long_name),
            Some("agent.name"),
            InputErrorKind::Invalid,
        ),
        (
            request("hi", "[Ana](https://evil.example)"),
            Some("agent.name"),
            InputErrorKind::Invalid,
        ),
        (
            request("hi", "<b>Ana</b>"),
            Some("agent.name"),
            InputErrorKind::Invalid,
        ),
        (
            ReplyRequest {
                ticket: String::new(),
                ..request("hi", "Ana")
            },
            Some("ticket"),
            InputErrorKind::Invalid,
        ),
        (
            ReplyRequest {
                ticket: "FRY ABC".into(),
                ..request("hi", "Ana")
            },
            Some("ticket"),
            InputErrorKind::Invalid,
        ),
        (
            ReplyRequest {
                ticket: "x".repeat(MAX_ID_LEN + 1),
                ..request("hi", "Ana")
            },
            Some("ticket"),
            InputErrorKind::Invalid,
        ),
        (
            ReplyRequest {
                v: 2,
                ..request("hi", "Ana")
            },
            Some("v"),
            InputErrorKind::Invalid,
        ),
    ];
    for (req, field, kind) in cases {
        match (req.validate(), field) {
            (Ok(()), None) => {}
            (Err(e), Some(f)) => {
                assert_eq!(e.field, f, "{req:?}");
                assert_eq!(e.kind, kind, "{req:?}");
            }
            (got, want) => panic!("{req:?}: got {got:?}, want an error on {want:?}"),
        }
    }
}

#[test]
fn the_body_is_strict_json() {
    let ok: ReplyRequest =
        serde_json::from_str(r#"{"ticket":"FRY-1","text":"hi","agent":{"name":"Ana"}}"#)
            .expect("parses");
    assert_eq!(ok.v, WIRE_VERSION);
    for bad in [
        r#"{"ticket":"FRY-1","text":"hi"}"#,
        r#"{"ticket":"FRY-1","text":"hi","agent":"Ana"}"#,
        r#"{"ticket":"FRY-1","text":"hi","agent":{"name":"Ana"},"html":"<b>"}"#,
        r#"{"ticket":1,"text":"hi","agent":{"name":"Ana"}}"#,
    ] {
        assert!(serde_json::from_str::<ReplyRequest>(bad).is_err(), "{bad}");
    }
}

#[test]
fn agent_names_are_cleaned() {
    let cases = [
        ("  Ana  ", Ok("Ana".to_string())),
        ("Ana\u{202E}moc.live", Ok("Anamoc.live".to_string())),
        ("Ana\n\tSilva", Ok("Ana Silva".to_string())),
        (
            "Ana 4242 4242 4242 4242",
            Ok("Ana •••• •••• •••• 4242".to_string()),
        ),
        ("", Err("must not be empty")),
    ];
    for (name, want) in cases {
        assert_eq!(clean_agent_name(name), want, "{name:?}");
    }
}

#[test]
fn sanitize_table() {
    let cases = [
        // Plain text passes as written.
        ("Your parcel left today.", "Your parcel left today."),
        // CRLF and lone CR become \n; trailing spaces go; blank-line runs shrink to one.
        (
            "Hi,\r\n\r\n\r\n\r\nIt left.  \rThanks",
            "Hi,\n\nIt left.\nThanks",
        ),
        ("\n\n  Hello\n\n", "  Hello"),
        // Card numbers are masked.
        (
            "Card 4242 4242 4242 4242 refunded",
            "Card •••• •••• •••• 4242 refunded",
        ),
        // Allowed links stay; others are written out as text.
        (
            "See [tracking](https://kestrel.example/track/1).",
            "See [tracking](https://kestrel.example/track/1).",
        ),
        (
            "See [help](https://help.kestrel.example/a)",
            "See [help](https://help.kestrel.example/a)",
        ),
        (
            "Click [here](https://evil.example/login)",
            "Click here (https://evil.example/login)",
        ),
        ("[x](javascript:alert(1))", "x (javascript:alert(1))"),
        (
            "[x](http://kestrel.example/a)",
            "x (http://kestrel.example/a)",
        ),
        // Not links: kept as typed.
        ("a [b] c [", "a [b] c ["),
        // HTML is text (the widget uses textContent); control and bidi characters go.
        ("<b>hi</b>\u{0007}", "<b>hi</b>"),
        ("abc\u{202E}fed\u{2066}", "abcfed"),
        ("a\tb", "a b"),
        // Markup the widget draws stays.
        ("1. Open\n2. Pay\n- **now**", "1. Open\n2. Pay\n- **now**"),
    ];
    for (input, want) in cases {
        assert_eq!(sanitize(input, &hosts()), want, "{input:?}");
    }
    // The result is never over the limit, and sanitising twice changes nothing.
    let long = format!("{} [x](https://evil.example)", "a".repeat(MAX_REPLY_CHARS));
    let once = sanitize(&long, &hosts());
    assert_eq!(once.chars().count(), MAX_REPLY_CHARS);
    assert!(once.ends_with('…'));
    for (input, _) in cases {
        let once = sanitize(input, &hosts());
        assert_eq!(sanitize(&once, &hosts()), once, "{input:?}");
    }
}

#[test]
fn replay_judgement() {
    assert_eq!(judge(None, "d1"), Seen::New);
    assert_eq!(judge(Some("d1"), "d1"), Seen::Duplicate);
    assert_eq!(judge(Some("d1"), "d2"), Seen::Conflict);
}

#[test]
fn etags_and_queries() {
    let response = |last, n: usize| MessagesResponse {
        v: 1,
        conversation_id: "c1".into(),
        messages: (0..n)
            .map(|i| AgentMessage {
                id: last - i as i64,
                text: "t".into(),
                agent: "Ana".into(),
                ticket: "FRY-1".into(),
                at: 0,
            })
            .collect(),
        last,
    };
    let empty = etag(&response(0, 0));
    let one = etag(&response(5, 1));
    let two = etag(&response(5, 2));
    assert!(empty != one && one != two && empty != two);
    assert!(etag_matches(&one, &one));
    assert!(etag_matches(&format!("W/{one}"), &one));
    assert!(etag_matches(&format!("\"x\", {one}"), &one));
    assert!(etag_matches("*", &one));
    assert!(!etag_matches(&empty, &one));
    assert!(!etag_matches("", &one));

    assert_eq!(messages_query(Some("c1"), None), Ok(("c1".into(), 0)));
    assert_eq!(
        messages_query(Some("c1"), Some("12")),
        Ok(("c1".into(), 12))
    );
    for (conversation, after, field) in [
        (None, None, "conversation"),
        (Some("c 1"), None, "conversation"),
        (Some("c1"), Some("-1"), "after"),
        (Some("c1"), Some("x"), "after"),
    ] {
        assert_eq!(
            messages_query(conversation, after).map_err(|e| e.field),
            Err(field)
        );
    }
}
