//! The Slack message for a handoff: hostile shopper text cannot ping, link or break out of
//! escaping, the message stays within Slack's limits, and it shows what the inbox needs.

use ferry_shared::Topic;
use ferry_shared::slack::{QUESTION_MAX_CHARS, block_kit, escape};
use ferry_shared::wire::{Contact, HandoffPayload, Language, LanguageSource, Urgency, UrgencyTag};
use serde_json::Value;

const HOSTILE: &str = "<!channel> <!here> <!everyone> <@U123> <#C999|general> <!subteam^S1> \
     <https://evil.example/login|Your bank> <mailto:x@evil.example|help> &amp; &lt;!channel&gt; \
     > quoted *bold* `code` ```block``` <!date^1392734382^{date}|x>";

fn payload(question: &str) -> HandoffPayload {
    HandoffPayload {
        v: 1,
        id: "d1".into(),
        ticket: "FRY-7Q2KM4XD".into(),
        site: "demo".into(),
        conversation_id: "c-1".into(),
        created_at: 1_775_466_000_000,
        language: Language {
            code: "pt".into(),
            confidence: 0.93,
            source: LanguageSource::Text,
        },
        urgency: UrgencyTag {
            level: Urgency::Urgent,
            reasons: vec!["safety:smoke".into()],
        },
        topic: Topic::Safety,
        question: question.into(),
        page_url: Some("https://shop.example/p?q=<!channel>&x=1".into()),
        locale: Some("pt-BR".into()),
        time_zone: Some("America/Sao_Paulo".into()),
        contact: Some(Contact {
            email: Some("ana@example.com".into()),
            name: Some("Ana Souza".into()),
            order_number: Some("#10423".into()),
        }),
        reply_by: 1_775_552_400_000,
        country: Some("BR".into()),
        transcript: vec![],
        away: None,
    }
}

fn hostile_payload() -> HandoffPayload {
    let mut p = payload(HOSTILE);
    p.ticket = "FRY-<!channel>".into();
    p.site = "<@U1>".into();
    p.conversation_id = "<#C1>".into();
    p.language.code = "<!here>".into();
    p.urgency.reasons = vec!["<!channel>".into(), "a&b".into()];
    p.page_url = Some(format!("https://shop.example/?{HOSTILE}"));
    p.locale = Some("<!everyone>".into());
    p.time_zone = Some(">".into());
    p.country = Some("<>".into());
    p.contact = Some(Contact {
        email: Some("<mailto:x@evil.example|ana@example.com>".into()),
        name: Some("<@U0ADMIN>".into()),
        order_number: Some("<https://evil.example|#10423>".into()),
    });
    p
}

fn strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// No `<` or `>` anywhere, and every `&` starts one of Slack's three entities. The one `>`
/// the message writes itself, the block-quote marker at the start of a line of the question,
/// is taken out first (a shopper's `>` there would read `&gt;`).
fn assert_escaped(message: &Value) {
    let mut all = Vec::new();
    strings(message, &mut all);
    assert!(all.len() > 10, "the message has text");
    for s in all {
        let unquoted = s.strip_prefix("> ").unwrap_or(s).replace("\n> ", "\n");
        assert!(
            !unquoted.contains('<') && !unquoted.contains('>'),
            "unescaped: {s:?}"
        );
        for (i, _) in s.match_indices('&') {
            let rest = &s[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;"]
                    .iter()
                    .any(|e| rest.starts_with(e)),
                "bare & in {s:?}"
            );
        }
    }
}

fn transcript(lines: &[(&str, &str)]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|(r, t)| (r.to_string(), t.to_string()))
        .collect()
}

#[test]
fn escape_cases() {
    let cases = [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U1>", "&lt;@U1&gt;"),
        ("<https://x|y>", "&lt;https://x|y&gt;"),
        ("&amp;", "&amp;amp;"),
        ("a & b < c > d", "a &amp; b &lt; c &gt; d"),
        (
            "@channel #general *b* _i_ ~s~ `c`",
            "@channel #general *b* _i_ ~s~ `c`",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(escape(input), want);
    }
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let lines = transcript(&[
        ("<@U1>", "<!channel> hello"),
        ("bot", "<https://evil.example|click>"),
        ("shopper", "& > <"),
    ]);
    let message = block_kit(&hostile_payload(), "<!date^1^{time}|now>", &lines);
    assert_escaped(&message);
    let json = serde_json::to_string(&message).expect("serializes");
    // What was hostile is now visible text.
    assert!(json.contains("&lt;!channel&gt;"), "{json}");
    assert!(json.contains("&lt;https://evil.example/login|Your bank&gt;"));
    assert!(json.contains("&amp;amp;"));
    // Unfurling off, and the text objects are verbatim.
    assert_eq!(message["unfurl_links"], false);
    assert_eq!(message["unfurl_media"], false);
    // Even a very long hostile question.
    let long = hostile_payload();
    let long = HandoffPayload {
        question: HOSTILE.repeat(200),
        ..long
    };
    assert_escaped(&block_kit(&long, "tomorrow 10:59", &[]));
}

#[test]
fn limits_hold() {
    let mut p = payload(&"<&>".repeat(4_000));
    p.contact = Some(Contact {
        email: Some("&".repeat(5_000)),
        name: Some("n".repeat(5_000)),
        order_number: Some("o".repeat(5_000)),
    });
    p.page_url = Some(format!("https://shop.example/{}", "<".repeat(5_000)));
    p.urgency.reasons = vec!["r&".repeat(3_000)];
    let long_lines: Vec<(String, String)> = (0..9)
        .map(|i| (format!("role{i}"), "&".repeat(3_000)))
        .collect();
    let message = block_kit(&p, "Tuesday 09:00", &long_lines);
    let blocks = message["blocks"].as_array().expect("blocks");
    assert!(blocks.len() <= 50);
    let chars = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    for block in blocks {
        match block["type"].as_str() {
            Some("header") => assert!(chars(&block["text"]["text"]) <= 150),
            Some("section") => {
                if let Some(fields) = block["fields"].as_array() {
                    assert!(fields.len() <= 10);
                    for f in fields {
                        assert!(chars(&f["text"]) <= 2_000, "{f}");
                    }
                }
                assert!(chars(&block["text"]["text"]) <= 3_000);
            }
            Some("context") => {
                for e in block["elements"].as_array().expect("elements") {
                    assert!(chars(&e["text"]) <= 3_000);
                }
            }
            other => panic!("unexpected block {other:?}"),
        }
    }
    let question = blocks
        .iter()
        .find_map(|b| {
            b["text"]["text"]
                .as_str()
                .filter(|t| t.starts_with("*Question*"))
        })
        .expect("question block");
    let quote = question.trim_start_matches("*Question*\n");
    // Entities are kept whole, so the cut may come a few characters short of the budget.
    let len = quote.chars().count();
    assert!(
        (QUESTION_MAX_CHARS - 5..=QUESTION_MAX_CHARS).contains(&len),
        "{len}"
    );
    assert!(quote.starts_with("> &lt;&amp;&gt;") && quote.ends_with('…'));
    assert!(chars(&message["text"]) <= 400);
}

#[test]
fn the_message_shows_what_the_inbox_needs() {
    let lines = transcript(&[
        ("shopper", "line 1"),
        ("bot", "line 2"),
        ("shopper", "line 3"),
        ("bot", "line 4"),
        ("shopper", "line 5"),
        ("bot", "line 6"),
        ("shopper", "line 7 my card is 4242 4242 4242 4242"),
    ]);
    let p = payload("Meu carregador soltou fumaça.\nCartão 4242-4242-4242-4242");
    let message = block_kit(&p, "amanhã 10:59", &lines);
    let json = serde_json::to_string(&message).expect("ser");
    let blocks = message["blocks"].as_array().expect("blocks");

    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(blocks[0]["text"]["text"], "🔴 Urgent · FRY-7Q2KM4XD");
    let fields: Vec<&str> = blocks[1]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["text"].as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "*Language*\npt · 93% · text",
            "*Topic*\nsafety",
            "*Reply by*\namanhã 10:59",
            "*Email*\nana@example.com",
            "*Name*\nAna Souza",
            "*Order*\n#10423",
            "*Country*\nBR",
        ]
    );
    assert_eq!(
        blocks[2]["text"]["text"],
        "*Question*\n> Meu carregador soltou fumaça.\n> Cartão ••••-••••-••••-4242"
    );
    let recent = blocks[3]["text"]["text"].as_str().expect("transcript");
    assert!(
        recent.starts_with("*Recent messages*\n*shopper:* line 3\n"),
        "{recent}"
    );
    assert!(!recent.contains("line 2"));
    assert!(
        recent.ends_with("line 7 my card is •••• •••• •••• 4242"),
        "{recent}"
    );
    assert!(json.contains("Urgency reasons: safety:smoke"));
    assert!(json.contains("Page: https://shop.example/p?q=&lt;!channel&gt;&amp;x=1"));
    assert!(!json.contains("4242 4242 4242 4242") && !json.contains("4242-4242-4242-4242"));
    let text = message["text"].as_str().expect("fallback");
    assert!(text.starts_with("🔴 Urgent handoff FRY-7Q2KM4XD (pt, safety): Meu carregador"));

    // Without optional parts: no contact fields, no transcript, no reasons.
    let mut bare = payload("hi");
    bare.contact = None;
    bare.country = None;
    bare.page_url = None;
    bare.urgency = UrgencyTag {
        level: Urgency::Low,
        reasons: vec![],
    };
    let message = block_kit(&bare, "Tuesday 09:00", &[]);
    let blocks = message["blocks"].as_array().expect("blocks");
    assert_eq!(blocks[0]["text"]["text"], "⚪ Low · FRY-7Q2KM4XD");
    assert_eq!(blocks[1]["fields"].as_array().map(Vec::len), Some(3));
    let json = serde_json::to_string(&message).expect("ser");
    assert!(!json.contains("Recent messages") && !json.contains("Urgency reasons"));
    assert!(!json.contains("Page:"));

    for (level, emoji) in [
        (Urgency::Urgent, "🔴"),
        (Urgency::High, "🟠"),
        (Urgency::Normal, "🔵"),
        (Urgency::Low, "⚪"),
    ] {
        let mut p = payload("x");
        p.urgency.level = level;
        let header = block_kit(&p, "", &[])["blocks"][0]["text"]["text"].clone();
        assert!(
            header.as_str().is_some_and(|h| h.starts_with(emoji)),
            "{header}"
        );
    }
}
