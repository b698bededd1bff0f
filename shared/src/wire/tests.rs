//! Validation and the wire names, on hand-built requests.

use super::*;

fn request(text: &str) -> ChatRequest {
    ChatRequest {
        v: 1,
        site: "demo".into(),
        conversation_id: "c-1".into(),
        client_message_id: "m-1".into(),
        text: text.into(),
        page_url: None,
        locale: Some("pt-BR".into()),
        time_zone: Some("America/Sao_Paulo".into()),
        contact: None,
        country: None,
        previous_language: None,
        context: None,
        turnstile_token: None,
    }
}

#[test]
fn error_codes_are_spelled_once_on_the_wire() {
    for code in ErrorCode::ALL {
        let json = serde_json::to_value(code).expect("json");
        assert_eq!(json.as_str(), Some(code.as_str()), "{code:?}");
        assert_eq!(ErrorCode::from_name(code.as_str()), code);
        let back: ErrorCode = serde_json::from_value(json).expect("json");
        assert_eq!(back, code);
    }
    let newer: ErrorBody = serde_json::from_str(
        r#"{"error":{"code":"quota_exceeded","message":"from a newer server"}}"#,
    )
    .expect("json");
    assert_eq!(newer.error.code, ErrorCode::Unknown);
    assert_eq!(ErrorCode::from_name("quota_exceeded"), ErrorCode::Unknown);
    assert_eq!(ErrorCode::HandoffLimit.status(), 429);
    assert_eq!(ErrorCode::ChallengeRequired.status(), 403);
}

#[test]
fn limits_and_fields() {
    assert_eq!(request("olá").validate(), Ok(()));
    let cases: Vec<(ChatRequest, &str, InputErrorKind)> = vec![
        (request("   "), "text", InputErrorKind::Invalid),
        (
            request(&"é".repeat(MAX_TEXT_CHARS + 1)),
            "text",
            InputErrorKind::TooLarge,
        ),
        (
            ChatRequest {
                v: 2,
                ..request("hi")
            },
            "v",
            InputErrorKind::Invalid,
        ),
        (
            ChatRequest {
                site: String::new(),
                ..request("hi")
            },
            "site",
            InputErrorKind::Invalid,
        ),
        (
            ChatRequest {
                conversation_id: "a b".into(),
                ..request("hi")
            },
            "conversation_id",
            InputErrorKind::Invalid,
        ),
        (
            ChatRequest {
                client_message_id: "x".repeat(65),
                ..request("hi")
            },
            "client_message_id",
            InputErrorKind::Invalid,
        ),
        (
            ChatRequest {
                locale: Some("pt_BR!".into()),
                ..request("hi")
            },
            "locale",
            InputErrorKind::Invalid,
        ),
        (
            ChatRequest {
                time_zone: Some("Europe/Berlin;".into()),
                ..request("hi")
            },
            "time_zone",
            InputErrorKind::Invalid,
        ),
        (
            ChatRequest {
                contact: Some(Contact {
                    email: Some("ana@".into()),
                    ..Contact::default()
                }),
                ..request("hi")
            },
            "contact.email",
            InputErrorKind::Invalid,
        ),
    ];
    for (req, field, kind) in cases {
        let err = req.validate().expect_err(field);
        assert_eq!((err.field, err.kind), (field, kind), "{err}");
    }
    // Exactly at the limit is fine; the count is in characters, not bytes.
    assert_eq!(request(&"語".repeat(MAX_TEXT_CHARS)).validate(), Ok(()));
}

#[test]
fn request_roundtrips_and_defaults_version() {
    let json =
        r#"{"site":"demo","conversation_id":"c","client_message_id":"m","text":"hi","extra":1}"#;
    let req: ChatRequest = serde_json::from_str(json).expect("parses");
    assert_eq!(req.v, WIRE_VERSION);
    let back: ChatRequest =
        serde_json::from_str(&serde_json::to_string(&req).expect("ser")).expect("de");
    assert_eq!(back, req);
}

#[test]
fn reply_is_tagged_by_kind() {
    let reply = Reply::Handoff(Handoff {
        ticket: "FRY-1".into(),
        text: "A person will reply.".into(),
        language: "en".into(),
        shopper_language: String::new(),
        urgency: Urgency::Urgent,
        topic: Topic::Safety,
        reply_by: 1,
        away: Some(Away {
            reason: AwayReason::Holiday,
            opens_at: 2,
        }),
        ask_contact: false,
        ask_order_number: false,
    });
    let json = serde_json::to_value(&reply).expect("ser");
    assert_eq!(json["kind"], "handoff");
    assert_eq!(json["away"]["reason"], "holiday");
    assert_eq!(json["urgency"], "urgent");
    assert_eq!(json["topic"], "safety");
}

#[test]
fn contact_requests_need_a_valid_email() {
    let ok = ContactRequest {
        v: WIRE_VERSION,
        site: "demo".into(),
        conversation_id: "c1".into(),
        ticket: "FRY-7K2M9QXA".into(),
        contact: Contact {
            email: Some("ana@example.com".into()),
            name: None,
            order_number: Some("#10423".into()),
        },
    };
    assert_eq!(ok.validate(), Ok(()));
    let with = |f: &dyn Fn(&mut ContactRequest)| {
        let mut r = ok.clone();
        f(&mut r);
        r.validate().map_err(|e| e.field)
    };
    assert_eq!(with(&|r| r.contact.email = None), Err("contact.email"));
    assert_eq!(
        with(&|r| r.contact.email = Some(String::new())),
        Err("contact.email")
    );
    assert_eq!(
        with(&|r| r.contact.email = Some("ana@".into())),
        Err("contact.email")
    );
    assert_eq!(with(&|r| r.ticket = "FRY 1".into()), Err("ticket"));
    assert_eq!(with(&|r| r.v = 2), Err("v"));
    assert_eq!(with(&|r| r.site = String::new()), Err("site"));
    assert_eq!(
        with(&|r| r.contact.order_number = Some("9".repeat(121))),
        Err("contact.order_number")
    );
}

#[test]
fn emails() {
    for ok in ["ana@example.com", "a.b+c@sub.example.co.uk"] {
        assert!(is_plausible_email(ok), "{ok}");
    }
    for bad in [
        "",
        "ana",
        "ana@",
        "@x.com",
        "ana@x",
        "ana@x..com",
        "a b@x.com",
        "a@b@c.com",
        "ana@-x.com",
    ] {
        assert!(!is_plausible_email(bad), "{bad}");
    }
}
