//! Slack's signature scheme (Slack's own worked example as the vector) and the events the
//! Worker acts on or ignores, as tables.

use super::*;

// The worked example of Slack's "Verifying requests from Slack" page.
const DOC_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const DOC_TS: &str = "1531420618";
const DOC_BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const DOC_SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const NOW: i64 = 1_531_420_618;

fn headers<'a>(ts: Option<&'a str>, sig: Option<&'a str>) -> impl Fn(&str) -> Option<&'a str> {
    move |name| match name {
        HEADER_TIMESTAMP => ts,
        HEADER_SIGNATURE => sig,
        _ => None,
    }
}

#[test]
fn slacks_worked_example() {
    assert_eq!(sign(DOC_SECRET, DOC_TS, DOC_BODY.as_bytes()), DOC_SIG);
    assert_eq!(
        verify(
            DOC_SECRET,
            headers(Some(DOC_TS), Some(DOC_SIG)),
            DOC_BODY.as_bytes(),
            NOW
        ),
        Ok(())
    );
}

/// (secret, timestamp, signature, body, expected)
type Case<'a> = (
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    &'a [u8],
    Result<(), SignatureError>,
);

#[test]
fn verification_table() {
    let body = DOC_BODY.as_bytes();
    let upper = DOC_SIG.to_uppercase().replacen("V0=", "v0=", 1);
    let flipped = DOC_SIG.replacen("a2114", "a2115", 1);
    let old = (NOW - TOLERANCE_SECS - 1).to_string();
    let new = (NOW + TOLERANCE_SECS + 1).to_string();
    let edge = (NOW - TOLERANCE_SECS).to_string();
    let edge_sig = sign(DOC_SECRET, &edge, body);
    let old_sig = sign(DOC_SECRET, &old, body);
    let new_sig = sign(DOC_SECRET, &new, body);
    // (secret, timestamp, signature, body, expected)
    let cases: Vec<Case> = vec![
        // valid, hex in either case, at the window's edge
        (DOC_SECRET, Some(DOC_TS), Some(DOC_SIG), body, Ok(())),
        (DOC_SECRET, Some(DOC_TS), Some(&upper), body, Ok(())),
        (DOC_SECRET, Some(&edge), Some(&edge_sig), body, Ok(())),
        // forged: another secret, a changed body, a changed digit
        (
            "another-secret",
            Some(DOC_TS),
            Some(DOC_SIG),
            body,
            Err(SignatureError::NoMatch),
        ),
        (
            DOC_SECRET,
            Some(DOC_TS),
            Some(DOC_SIG),
            b"token=changed",
            Err(SignatureError::NoMatch),
        ),
        (
            DOC_SECRET,
            Some(DOC_TS),
            Some(&flipped),
            body,
            Err(SignatureError::NoMatch),
        ),
        // the signature signed for another timestamp (replayed with a fresh timestamp)
        (
            DOC_SECRET,
            Some(&edge),
            Some(DOC_SIG),
            body,
            Err(SignatureError::NoMatch),
        ),
        // expired, or from the future, though correctly signed
        (
            DOC_SECRET,
            Some(&old),
            Some(&old_sig),
            body,
            Err(SignatureError::TooOld),
        ),
        (
            DOC_SECRET,
            Some(&new),
            Some(&new_sig),
            body,
            Err(SignatureError::TooNew),
        ),
        // malformed
        (
            DOC_SECRET,
            Some(DOC_TS),
            Some("v0="),
            body,
            Err(SignatureError::NoMatch),
        ),
        (
            DOC_SECRET,
            Some(DOC_TS),
            Some("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"),
            body,
            Err(SignatureError::NoMatch),
        ),
        (
            DOC_SECRET,
            Some(DOC_TS),
            Some("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b5"),
            body,
            Err(SignatureError::NoMatch),
        ),
        (
            DOC_SECRET,
            Some(DOC_TS),
            Some("v0=zz114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"),
            body,
            Err(SignatureError::NoMatch),
        ),
        (
            DOC_SECRET,
            Some(DOC_TS),
            Some("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b5031"),
            body,
            Err(SignatureError::NoMatch),
        ),
        (
            DOC_SECRET,
            Some("soon"),
            Some(DOC_SIG),
            body,
            Err(SignatureError::BadTimestamp),
        ),
        (
            DOC_SECRET,
            Some(" 1531420618"),
            Some(DOC_SIG),
            body,
            Err(SignatureError::BadTimestamp),
        ),
        (
            DOC_SECRET,
            None,
            Some(DOC_SIG),
            body,
            Err(SignatureError::MissingHeader(HEADER_TIMESTAMP)),
        ),
        (
            DOC_SECRET,
            Some(DOC_TS),
            None,
            body,
            Err(SignatureError::MissingHeader(HEADER_SIGNATURE)),
        ),
        (
            DOC_SECRET,
            Some(DOC_TS),
            Some(""),
            body,
            Err(SignatureError::MissingHeader(HEADER_SIGNATURE)),
        ),
        (
            "",
            Some(DOC_TS),
            Some(DOC_SIG),
            body,
            Err(SignatureError::NoSecret),
        ),
        (
            "  ",
            Some(DOC_TS),
            Some(DOC_SIG),
            body,
            Err(SignatureError::NoSecret),
        ),
    ];
    for (i, (secret, ts, sig, body, want)) in cases.into_iter().enumerate() {
        assert_eq!(
            verify(secret, headers(ts, sig), body, NOW),
            want,
            "case {i}"
        );
    }
    // Clocks at the ends of i64 do not overflow.
    assert_eq!(
        verify(
            DOC_SECRET,
            headers(Some(DOC_TS), Some(DOC_SIG)),
            body,
            i64::MAX
        ),
        Err(SignatureError::TooOld)
    );
    assert_eq!(
        verify(
            DOC_SECRET,
            headers(Some(DOC_TS), Some(DOC_SIG)),
            body,
            i64::MIN
        ),
        Err(SignatureError::TooNew)
    );
}

fn message(fields: &str) -> String {
    format!(
        r#"{{"type":"event_callback","event_id":"Ev1","event":{{"type":"message","channel":"C1","user":"U1","text":"On its way","ts":"1700000001.000200","thread_ts":"1700000000.000100"{fields}}}}}"#
    )
}

#[test]
fn events_table() {
    let reply = Incoming::ThreadReply(ThreadReply {
        channel: "C1".into(),
        thread_ts: "1700000000.000100".into(),
        ts: "1700000001.000200".into(),
        user: "U1".into(),
        text: "On its way".into(),
    });
    let cases: Vec<(String, Result<Incoming, ()>)> = vec![
        (
            r#"{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#.into(),
            Ok(Incoming::UrlVerification { challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P".into() }),
        ),
        (r#"{"type":"url_verification"}"#.into(), Err(())),
        (message(""), Ok(reply)),
        (message(r#","bot_id":"B1""#), Ok(Incoming::Ignored("a bot's message"))),
        (message(r#","subtype":"bot_message""#), Ok(Incoming::Ignored("a bot's message"))),
        (message(r#","subtype":"message_changed""#), Ok(Incoming::Ignored("an edit"))),
        (message(r#","subtype":"message_deleted""#), Ok(Incoming::Ignored("a deletion"))),
        (message(r#","subtype":"channel_join""#), Ok(Incoming::Ignored("a message subtype"))),
        (
            r#"{"type":"event_callback","event":{"type":"message","channel":"C1","user":"U1","text":"hi","ts":"1.2"}}"#.into(),
            Ok(Incoming::Ignored("not a reply in a thread")),
        ),
        (
            r#"{"type":"event_callback","event":{"type":"message","channel":"C1","user":"U1","text":"hi","ts":"1.2","thread_ts":"1.2"}}"#.into(),
            Ok(Incoming::Ignored("not a reply in a thread")),
        ),
        (
            r#"{"type":"event_callback","event":{"type":"message","channel":"C1","user":"U1","text":"  ","ts":"1.3","thread_ts":"1.2"}}"#.into(),
            Ok(Incoming::Ignored("an empty message")),
        ),
        (
            r#"{"type":"event_callback","event":{"type":"reaction_added"}}"#.into(),
            Ok(Incoming::Ignored("not a message")),
        ),
        (r#"{"type":"app_rate_limited"}"#.into(), Ok(Incoming::Ignored("not an event callback"))),
        ("not json".into(), Err(())),
        (r#"{"event":{}}"#.into(), Err(())),
    ];
    for (body, want) in cases {
        assert_eq!(classify(body.as_bytes()).map_err(|_| ()), want, "{body}");
    }
}

#[test]
fn mrkdwn_table() {
    let cases = [
        ("plain", "plain"),
        (
            "See <https://kestrel.example/t|tracking>",
            "See [tracking](https://kestrel.example/t)",
        ),
        ("<https://kestrel.example/t>", "https://kestrel.example/t"),
        ("<!here> it left", " it left"),
        ("hi <@U123> and <#C1|support>", "hi @U123 and #support"),
        ("*on its way* today", "**on its way** today"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        ("a *b", "a *b"),
        ("&lt;b&gt;x&lt;/b&gt; &amp; y", "<b>x</b> & y"),
        ("&amp;lt;", "&lt;"),
        ("a < b", "a < b"),
        ("line one\n*two*", "line one\n**two**"),
    ];
    for (input, want) in cases {
        assert_eq!(mrkdwn_to_markup(input), want, "{input:?}");
    }
}
