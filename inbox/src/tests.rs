//! The inbox's tests: routes, signatures, the page's order and escaping, and one exchange over
//! a real socket.

use super::*;
use crate::page::{iso_utc, slack_unescape};
use crate::terminal::plain;
use ferry_shared::Topic;
use ferry_shared::webhook::{self, TOLERANCE_SECS, signature_header};
use ferry_shared::wire::{
    Away, AwayReason, Contact, Language, LanguageSource, TranscriptLine, Urgency, UrgencyTag,
};
use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

type Headers = Vec<(String, String)>;

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const OTHER_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// 2026-04-06T09:00:00Z.
const NOW: i64 = 1_775_466_000_000;
const HOUR: i64 = 3_600_000;
const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

fn payload(ticket: &str, level: Urgency, created_at: i64) -> HandoffPayload {
    HandoffPayload {
        v: 1,
        id: format!("id-{ticket}"),
        ticket: ticket.into(),
        site: "demo".into(),
        conversation_id: "c-1".into(),
        created_at,
        language: Language {
            code: "pt".into(),
            confidence: 0.93,
            source: LanguageSource::Text,
        },
        urgency: UrgencyTag {
            level,
            reasons: vec!["safety:smoke".into()],
        },
        topic: Topic::Safety,
        question: "O carregador está soltando fumaça".into(),
        page_url: Some("https://shop.example/p/charger".into()),
        locale: Some("pt-BR".into()),
        time_zone: Some("America/Sao_Paulo".into()),
        contact: Some(Contact {
            email: Some("ana@example.com".into()),
            name: Some("Ana Souza".into()),
            order_number: Some("#10423".into()),
        }),
        reply_by: created_at + 8 * HOUR,
        country: Some("BR".into()),
        transcript: vec![TranscriptLine {
            role: "shopper".into(),
            text: "oi".into(),
            at: created_at - 60_000,
        }],
        away: None,
    }
}

fn body(p: &HandoffPayload) -> Vec<u8> {
    serde_json::to_vec(p).expect("serializes")
}

fn signed(secret: &str, id: &str, ts_secs: i64, body: &[u8]) -> Vec<(String, String)> {
    let secrets = Secret::parse_list(secret).expect("secret");
    vec![
        ("content-type".into(), JSON.into()),
        (webhook::HEADER_ID.into(), id.into()),
        (webhook::HEADER_TIMESTAMP.into(), ts_secs.to_string()),
        (
            webhook::HEADER_SIGNATURE.into(),
            signature_header(&secrets, id, ts_secs, body),
        ),
    ]
}

/// POSTs `p` to `path`, signed with `SECRET` at `NOW`, webhook-id = the payload id.
fn post_signed(state: &mut State, path: &str, p: &HandoffPayload) -> Reply {
    let body = body(p);
    let headers = signed(SECRET, &p.id, NOW / 1000, &body);
    handle(state, "POST", path, &headers, &body, NOW)
}

fn page(state: &mut State) -> String {
    let reply = handle(state, "GET", "/", &[], &[], NOW);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, HTML);
    reply.body
}

/// The `<article>` that mentions `ticket`.
fn article<'a>(html: &'a str, ticket: &str) -> &'a str {
    let at = html.find(ticket).expect("ticket on the page");
    let start = html[..at].rfind("<article").expect("inside an article");
    let end = at + html[at..].find("</article>").expect("article ends");
    &html[start..end]
}

fn error_code(reply: &Reply) -> String {
    let value: Value = serde_json::from_str(&reply.body).expect("JSON error body");
    value["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn signed_handoffs_are_verified_and_listed() {
    let mut state = State::new(Some(SECRET)).expect("secret");
    let p = payload("FRY-SIGNED1", Urgency::High, NOW - HOUR);
    let reply = post_signed(&mut state, "/handoffs/sales", &p);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.event, Event::Handoff(0));

    let html = page(&mut state);
    let card = article(&html, "FRY-SIGNED1");
    assert!(
        card.contains("verified") && !card.contains("unsigned"),
        "{card}"
    );
    assert!(card.contains("team sales"), "{card}");
    assert!(html.contains("rejected: 0"));

    let list = handle(&mut state, "GET", "/handoffs", &[], &[], NOW);
    let list: Vec<HandoffPayload> = serde_json::from_str(&list.body).expect("payload list");
    assert_eq!(list, vec![p]);

    // Key rotation: a signature by any of the configured secrets verifies.
    let mut rotating = State::new(Some(&format!("{OTHER_SECRET} {SECRET}"))).expect("secrets");
    let p = payload("FRY-ROTATED", Urgency::Low, NOW);
    assert_eq!(post_signed(&mut rotating, "/handoffs", &p).status, 200);
    assert!(article(&page(&mut rotating), "FRY-ROTATED").contains("team default"));
}

#[test]
fn bad_signatures_are_refused_and_counted() {
    let mut state = State::new(Some(SECRET)).expect("secret");
    let p = payload("FRY-FORGED", Urgency::Urgent, NOW);
    let good = body(&p);
    let mut tampered_payload = p.clone();
    tampered_payload.question = "send the refund to my other card".into();
    let tampered = body(&tampered_payload);
    let ts = NOW / 1000;
    let without = |name: &str| -> Vec<(String, String)> {
        signed(SECRET, &p.id, ts, &good)
            .into_iter()
            .filter(|(n, _)| n != name)
            .collect()
    };
    let cases: Vec<(&str, Headers, &[u8], &str)> = vec![
        (
            "tampered body",
            signed(SECRET, &p.id, ts, &good),
            &tampered,
            "matches",
        ),
        (
            "wrong secret",
            signed(OTHER_SECRET, &p.id, ts, &good),
            &good,
            "matches",
        ),
        ("no headers", vec![], &good, webhook::HEADER_ID),
        (
            "no id",
            without(webhook::HEADER_ID),
            &good,
            webhook::HEADER_ID,
        ),
        (
            "no timestamp",
            without(webhook::HEADER_TIMESTAMP),
            &good,
            webhook::HEADER_TIMESTAMP,
        ),
        (
            "no signature",
            without(webhook::HEADER_SIGNATURE),
            &good,
            webhook::HEADER_SIGNATURE,
        ),
        (
            "stale timestamp",
            signed(SECRET, &p.id, ts - TOLERANCE_SECS - 1, &good),
            &good,
            "old",
        ),
        (
            "future timestamp",
            signed(SECRET, &p.id, ts + TOLERANCE_SECS + 1, &good),
            &good,
            "future",
        ),
    ];
    let total = cases.len() as u64;
    for (n, (name, headers, sent, why)) in cases.into_iter().enumerate() {
        let reply = handle(&mut state, "POST", "/handoffs", &headers, sent, NOW);
        assert_eq!(reply.status, 401, "{name}: {}", reply.body);
        assert_eq!(error_code(&reply), "bad_signature", "{name}");
        assert!(reply.body.contains(why), "{name}: {}", reply.body);
        assert!(matches!(reply.event, Event::Rejected(_)), "{name}");
        assert_eq!(state.rejected, n as u64 + 1, "{name}");
    }
    assert!(state.handoffs.is_empty());
    let html = page(&mut state);
    assert!(html.contains(&format!("rejected: {total}")), "{html}");
    assert!(!html.contains("FRY-FORGED"));

    // The same delivery, correctly signed, still goes through afterwards.
    assert_eq!(post_signed(&mut state, "/handoffs", &p).status, 200);
    assert_eq!(state.rejected, total);
}

#[test]
fn without_a_secret_deliveries_are_unsigned() {
    let mut state = State::new(None).expect("no secret");
    assert!(!state.verifies());
    let bare = payload("FRY-BARE", Urgency::Normal, NOW);
    let reply = handle(&mut state, "POST", "/handoffs", &[], &body(&bare), NOW);
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Signature headers are not checked (there is nothing to check them with).
    let forged = payload("FRY-FORGED-OK", Urgency::Normal, NOW);
    let forged_body = body(&forged);
    let headers = signed(OTHER_SECRET, &forged.id, 1, &forged_body);
    let reply = handle(&mut state, "POST", "/handoffs", &headers, &forged_body, NOW);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(state.rejected, 0);

    let html = page(&mut state);
    for ticket in ["FRY-BARE", "FRY-FORGED-OK"] {
        let card = article(&html, ticket);
        assert!(
            card.contains("unsigned") && !card.contains("verified"),
            "{card}"
        );
    }
    // Not JSON, or not a handoff: 400, and not a signature rejection.
    for bad in [&b"not json"[..], br#"{"v":1}"#] {
        let reply = handle(&mut state, "POST", "/handoffs", &[], bad, NOW);
        assert_eq!(
            (reply.status, error_code(&reply).as_str()),
            (400, "bad_request")
        );
    }
    assert_eq!((state.rejected, state.handoffs.len()), (0, 2));
}

#[test]
fn urgent_first_then_newest_first() {
    let mut state = State::new(Some(SECRET)).expect("secret");
    // Posted in an order that matches neither urgency nor time.
    let sent = [
        ("FRY-LOW-A", Urgency::Low, NOW - 5 * HOUR),
        ("FRY-NORMAL-OLD", Urgency::Normal, NOW - 4 * HOUR),
        ("FRY-URGENT-OLD", Urgency::Urgent, NOW - 3 * HOUR),
        ("FRY-HIGH-A", Urgency::High, NOW - HOUR),
        ("FRY-NORMAL-NEW", Urgency::Normal, NOW - HOUR),
        ("FRY-URGENT-NEW", Urgency::Urgent, NOW - 2 * HOUR),
    ];
    for (ticket, level, at) in sent {
        let reply = post_signed(&mut state, "/handoffs", &payload(ticket, level, at));
        assert_eq!(reply.status, 200, "{ticket}");
    }
    let html = page(&mut state);
    let expected = [
        "FRY-URGENT-NEW",
        "FRY-URGENT-OLD",
        "FRY-HIGH-A",
        "FRY-NORMAL-NEW",
        "FRY-NORMAL-OLD",
        "FRY-LOW-A",
    ];
    let positions: Vec<usize> = expected
        .iter()
        .map(|t| html.find(t).unwrap_or_else(|| panic!("{t} missing")))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "order on the page: {positions:?}"
    );
}

#[test]
fn shopper_text_is_escaped() {
    let mut state = State::new(Some(SECRET)).expect("secret");
    let mut p = payload("FRY-HOSTILE", Urgency::Urgent, NOW);
    p.question = format!("{SCRIPT} {IMG} & 'quoted'");
    p.transcript = vec![
        TranscriptLine {
            role: "shopper".into(),
            text: IMG.into(),
            at: NOW - 1,
        },
        TranscriptLine {
            role: SCRIPT.into(),
            text: SCRIPT.into(),
            at: NOW,
        },
    ];
    p.contact = Some(Contact {
        email: Some(format!("a@b.co{IMG}")),
        name: Some(SCRIPT.into()),
        order_number: Some(IMG.into()),
    });
    p.page_url = Some(format!("https://shop.example/?q={IMG}"));
    p.urgency.reasons = vec![SCRIPT.into()];
    p.language.code = IMG.into();
    p.country = Some(SCRIPT.into());
    p.site = IMG.into();
    p.conversation_id = SCRIPT.into();
    p.locale = Some(IMG.into());
    p.time_zone = Some(SCRIPT.into());
    assert_eq!(post_signed(&mut state, "/handoffs", &p).status, 200);
    // Slack text is shown decoded (as Slack would), so its entities must not become markup.
    let slack = json!({
        "text": "&lt;script&gt;alert(1)&lt;/script&gt;",
        "blocks": [{ "type": "section", "text": { "type": "mrkdwn", "text": IMG } }],
    });
    let slack = serde_json::to_vec(&slack).expect("json");
    assert_eq!(
        handle(&mut state, "POST", "/slack/x", &[], &slack, NOW).status,
        200
    );

    let html = page(&mut state);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("onerror=alert(1)>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&amp; &#39;quoted&#39;"));

    assert_eq!(
        escape_html(r#"a & b < c > d " e ' f"#),
        "a &amp; b &lt; c &gt; d &quot; e &#39; f"
    );
    assert_eq!(escape_html("é 語 ok"), "é 語 ok");
}

#[test]
fn redeliveries_are_listed_once() {
    let mut state = State::new(Some(SECRET)).expect("secret");
    let p = payload("FRY-TWICE", Urgency::Normal, NOW);
    assert_eq!(
        post_signed(&mut state, "/handoffs", &p).event,
        Event::Handoff(0)
    );
    let again = post_signed(&mut state, "/handoffs", &p);
    assert_eq!(again.status, 200);
    assert_eq!(again.event, Event::Redelivery(0));

    let html = page(&mut state);
    assert_eq!(
        html.matches("<h3><span class=\"level\">normal</span> FRY-TWICE")
            .count(),
        1,
        "{html}"
    );
    assert!(article(&html, "FRY-TWICE").contains("delivered 2 times"));
    let list = handle(&mut state, "GET", "/handoffs", &[], &[], NOW);
    let list: Vec<Value> = serde_json::from_str(&list.body).expect("list");
    assert_eq!(list.len(), 1);

    // The same handoff at another team's destination is that team's copy.
    assert_eq!(
        post_signed(&mut state, "/handoffs/ru", &p).event,
        Event::Handoff(1)
    );
    // A different delivery id is a different handoff, even for the same ticket.
    let mut other = p.clone();
    other.id = "id-other".into();
    assert_eq!(
        post_signed(&mut state, "/handoffs", &other).event,
        Event::Handoff(2)
    );
    let html = page(&mut state);
    assert_eq!(html.matches("delivered 2 times").count(), 1);
}

#[test]
fn slack_messages_show_under_their_channel() {
    let mut state = State::new(Some(SECRET)).expect("secret");
    let mut p = payload("FRY-SLACK1", Urgency::Urgent, NOW);
    p.question = "Is <b>this</b> & that safe?".into();
    let message = ferry_shared::slack::block_kit(
        &p,
        "tomorrow 09:00",
        &[("shopper".to_string(), "the cable is hot".to_string())],
    );
    let sent = serde_json::to_vec(&message).expect("json");
    // Slack's incoming webhooks are unsigned: accepted even though the inbox has a secret.
    let reply = handle(&mut state, "POST", "/slack/support", &[], &sent, NOW);
    assert_eq!((reply.status, reply.body.as_str()), (200, "ok"));
    let other = json!({ "text": "hello ops" }).to_string();
    let reply = handle(&mut state, "POST", "/slack/ops", &[], other.as_bytes(), NOW);
    assert_eq!(reply.status, 200);

    let html = page(&mut state);
    let support = html.find("Slack #support").expect("support section");
    let ops = html.find("Slack #ops").expect("ops section");
    let (first, second) = (support.min(ops), support.max(ops));
    let section = |start: usize| {
        let end = if start == first { second } else { html.len() };
        &html[start..end]
    };
    let support_html = section(support);
    assert!(support_html.contains("FRY-SLACK1"), "{support_html}");
    assert!(support_html.contains("the cable is hot"));
    assert!(support_html.contains("tomorrow 09:00"));
    // Slack's `&lt;b&gt;` shows as the text `<b>`, which the page escapes once.
    assert!(support_html.contains("Is &lt;b&gt;this&lt;/b&gt; &amp; that safe?"));
    assert!(!support_html.contains("&amp;lt;"));
    assert!(!support_html.contains("hello ops"));
    assert!(section(ops).contains("hello ops"));
    assert_eq!(html.matches("No handoffs yet").count(), 1);

    let list = handle(&mut state, "GET", "/slack", &[], &[], NOW);
    let list: Vec<Value> = serde_json::from_str(&list.body).expect("list");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["channel"], "support");
    assert_eq!(list[0]["message"], message);

    for bad in [&b"nope"[..], br#"{"attachments":[]}"#] {
        let reply = handle(&mut state, "POST", "/slack/support", &[], bad, NOW);
        assert_eq!(reply.status, 400);
    }
}

#[test]
fn reply_by_overdue_and_away() {
    let mut state = State::new(None).expect("no secret");
    let mut late = payload("FRY-LATE", Urgency::Normal, NOW - 10 * HOUR);
    late.reply_by = NOW - HOUR;
    let mut away = payload("FRY-AWAY", Urgency::Low, NOW);
    // 2026-04-07T09:00:00Z, tomorrow as seen from NOW.
    away.reply_by = 1_775_552_400_000;
    away.away = Some(Away {
        reason: AwayReason::Holiday,
        opens_at: 1_775_552_400_000,
    });
    for p in [&late, &away] {
        assert_eq!(
            handle(&mut state, "POST", "/handoffs", &[], &body(p), NOW).status,
            200
        );
    }
    let html = page(&mut state);
    let late_card = article(&html, "FRY-LATE");
    assert!(late_card.contains("overdue"), "{late_card}");
    assert!(late_card.contains("2026-04-06T08:00:00Z"), "{late_card}");
    let away_card = article(&html, "FRY-AWAY");
    assert!(!away_card.contains("overdue"), "{away_card}");
    assert!(
        away_card.contains("tomorrow 09:00 UTC (2026-04-07T09:00:00Z)"),
        "{away_card}"
    );
    assert!(away_card.contains("holiday"), "{away_card}");
    assert!(!late_card.contains("holiday"));
}

#[test]
fn iso_times_match_the_calendar() {
    // Expected values from `date -u -d @SECONDS +%Y-%m-%dT%H:%M:%SZ`.
    for (ms, want) in [
        (0, "1970-01-01T00:00:00Z"),
        (1_775_466_000_000, "2026-04-06T09:00:00Z"),
        (951_782_400_000, "2000-02-29T00:00:00Z"),
        (4_102_444_799_000, "2099-12-31T23:59:59Z"),
        (-1, "1969-12-31T23:59:59Z"),
    ] {
        assert_eq!(iso_utc(ms), want, "{ms}");
    }
}

#[test]
fn routes_limits_and_headers() {
    let mut state = State::new(None).expect("no secret");
    let page = handle(&mut state, "GET", "/?refresh=1", &[], &[], NOW);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<meta charset=\"utf-8\">"));
    let header = |r: &Reply, name: &str| {
        r.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        header(&page, "content-security-policy").as_deref(),
        Some("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    );
    assert_eq!(
        header(&page, "x-content-type-options").as_deref(),
        Some("nosniff")
    );

    let big = vec![b' '; MAX_BODY + 1];
    for path in ["/handoffs", "/handoffs/sales", "/slack/support"] {
        let reply = handle(&mut state, "POST", path, &[], &big, NOW);
        assert_eq!(
            (reply.status, error_code(&reply).as_str()),
            (413, "too_large"),
            "{path}"
        );
    }
    let long_team = format!("/handoffs/{}", "a".repeat(33));
    for (method, path, status) in [
        ("GET", "/nope", 404),
        ("POST", "/handoffs/Sales", 404),
        ("POST", "/handoffs/a_b", 404),
        ("POST", long_team.as_str(), 404),
        ("POST", "/handoffs/sales/x", 404),
        ("GET", "/handoffs/sales", 405),
        ("DELETE", "/handoffs", 405),
        ("POST", "/", 405),
        ("POST", "/slack", 405),
        ("GET", "/slack/support", 405),
    ] {
        let reply = handle(&mut state, method, path, &[], b"{}", NOW);
        assert_eq!(reply.status, status, "{method} {path}");
        let code = error_code(&reply);
        assert!(!code.is_empty(), "{method} {path}: {}", reply.body);
        if status == 405 {
            assert!(header(&reply, "allow").is_some(), "{method} {path}");
        }
    }
    // Exactly at the limit is read (and here refused only as not a handoff).
    let at_limit = vec![b' '; MAX_BODY];
    assert_eq!(
        handle(&mut state, "POST", "/handoffs", &[], &at_limit, NOW).status,
        400
    );
    assert!(State::new(Some("whsec_not base64!")).is_err());
}

#[test]
fn terminal_text_has_no_control_characters() {
    assert_eq!(plain("a\x1b[2Jb\r\nc\u{9b}d"), "a [2Jb  c d");
    assert_eq!(slack_unescape("&lt;a&gt; &amp;lt; & &x;"), "<a> &lt; & &x;");
}

/// Writes one HTTP/1.1 request and reads the whole answer (the server closes it).
fn exchange(port: u16, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(request).expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

#[test]
fn serves_over_a_socket() {
    let server = Arc::new(Server::http("127.0.0.1:0").expect("listen"));
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .expect("an IP address");
    let state = Arc::new(Mutex::new(State::new(Some(SECRET)).expect("secret")));
    let thread = {
        let (server, state) = (Arc::clone(&server), Arc::clone(&state));
        std::thread::spawn(move || serve_on(&server, &state, false))
    };

    // The server checks signatures against the real clock.
    let now = now_ms();
    let p = payload("FRY-SOCKET1", Urgency::Urgent, now);
    let sent = body(&p);
    let mut request = format!(
        "POST /handoffs/sales HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {JSON}\r\n\
         Content-Length: {}\r\nConnection: close\r\n",
        sent.len()
    );
    for (name, value) in signed(SECRET, &p.id, now / 1000, &sent)
        .into_iter()
        .filter(|(n, _)| n != "content-type")
    {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(&sent);
    let posted = exchange(port, &bytes);
    assert!(posted.starts_with("HTTP/1.1 200"), "{posted}");

    let forged = String::from_utf8(bytes)
        .expect("utf-8")
        .replace("FRY-SOCKET1", "FRY-SOCKET2");
    let refused = exchange(port, forged.as_bytes());
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");

    let got = exchange(
        port,
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
    let lower = got.to_ascii_lowercase();
    assert!(
        lower.contains("content-type: text/html; charset=utf-8"),
        "{got}"
    );
    assert!(
        lower.contains("content-security-policy: default-src 'none'"),
        "{got}"
    );
    assert!(got.contains("FRY-SOCKET1"), "{got}");
    assert!(!got.contains("FRY-SOCKET2"));
    assert!(got.contains("rejected: 1"));

    server.unblock();
    thread.join().expect("the server thread ends");
    assert_eq!(state.lock().map(|s| s.handoffs.len()).unwrap_or(0), 1);
}

/// A handoff of `language` and `topic` asking `question`, normal urgency.
fn question(ticket: &str, language: &str, topic: Topic, question: &str) -> HandoffPayload {
    let mut p = payload(ticket, Urgency::Normal, NOW - HOUR);
    p.language.code = language.into();
    p.topic = topic;
    p.urgency.reasons.clear();
    p.question = question.into();
    p
}

/// The report's section of the page.
fn report_section(html: &str) -> &str {
    let start = html
        .find("<h2>Unanswered questions")
        .expect("the report on the page");
    let end = start + html[start..].find("</section>").expect("section ends");
    &html[start..end]
}

#[test]
fn the_page_and_get_report_summarize_unanswered_questions() {
    let mut state = State::new(Some(SECRET)).expect("secret");
    let gift = question("FRY-Q1", "en", Topic::Other, "Can you gift wrap it?");
    for path in ["/handoffs", "/handoffs/sales"] {
        // The same handoff at two teams counts once.
        assert_eq!(post_signed(&mut state, path, &gift).status, 200);
    }
    let again = question("FRY-Q2", "en", Topic::Other, "gift wrap please");
    let hostile = question(
        "FRY-Q3",
        "en",
        Topic::Other,
        &format!("gift {SCRIPT} {IMG}"),
    );
    let smoke = payload("FRY-Q4", Urgency::Urgent, NOW - HOUR);
    for p in [&again, &hostile, &smoke] {
        assert_eq!(post_signed(&mut state, "/handoffs", p).status, 200);
    }

    let html = page(&mut state);
    let section = report_section(&html);
    for expected in [
        "Unanswered questions · site demo",
        "4 handoffs · 1 by design",
        "3 a rule could answer",
        "By topic: other 3 · safety 1. By language: en 3 · pt 1.",
        "<td>en · other</td><td>3</td>",
        "<li dir=\"auto\">Can you gift wrap it?</li>",
        "the site file is not loaded, so no vocabularies; frequent words:</span> gift (3), wrap (2)",
        "<td>pt · safety</td><td>1 <span class=\"muted\">(1 by design)</span></td>",
        "by design: a person always takes these",
    ] {
        assert!(
            section.contains(expected),
            "missing {expected:?} in:\n{section}"
        );
    }
    assert!(
        !section.contains(SCRIPT) && !section.contains(IMG),
        "{section}"
    );
    assert!(
        section.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{section}"
    );
    let order = |needle: &str| section.find(needle).expect(needle);
    assert!(
        order("en · other") < order("pt · safety"),
        "most open questions first"
    );

    let reply = handle(&mut state, "GET", "/report", &[], &[], NOW);
    assert_eq!(reply.status, 200);
    let reports: Value = serde_json::from_str(&reply.body).expect("JSON");
    assert_eq!(reports[0]["site"], "demo");
    assert_eq!(reports[0]["vocabularies"], false);
    let summary = &reports[0]["summary"];
    assert_eq!(
        (summary["handed_off"].clone(), summary["by_design"].clone()),
        (json!(4), json!(1))
    );
    assert_eq!(summary["groups"][0]["questions"], 3);
    assert_eq!(summary["groups"][0]["suggestion"]["kind"], "words");
    assert_eq!(summary["groups"][1]["suggestion"]["kind"], "by_design");
    let post = handle(&mut state, "POST", "/report", &[], &[], NOW);
    assert_eq!(post.status, 405);
}

#[test]
fn no_handoffs_no_report_and_a_site_file_brings_its_vocabularies() {
    let mut state = State::new(None).expect("no secret");
    assert!(!page(&mut state).contains("Unanswered questions"));
    assert_eq!(
        handle(&mut state, "GET", "/report", &[], &[], NOW).body,
        "[]"
    );

    let site = ferry_shared::CompiledSite::from_toml(
        r#"
[site]
id = "demo"
name = "Demo"
support_email = "help@demo.example"
languages = ["en"]

[handoff]
reply_within_hours = 24
urgent_reply_within_hours = 2

[handoff.reply]
en = "A person will reply."
"#,
    )
    .expect("a site file");
    state.add_site(site);
    let p = question("FRY-V1", "en", Topic::Other, "gift wrap?");
    let reply = handle(&mut state, "POST", "/handoffs", &[], &body(&p), NOW);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reports = state.reports();
    assert_eq!(reports.len(), 1);
    assert!(reports[0].vocabularies);
    let html = page(&mut state);
    assert!(
        !report_section(&html).contains("the site file is not loaded"),
        "{html}"
    );
}

// ---- The reply box -------------------------------------------------------------------------

use ferry_shared::reply::{MAX_REPLY_CHARS, ReplyRequest};

/// A state that verifies with `SECRET` and sends replies to `worker`, with `p` received by `team`.
fn replying(worker: &str, team_path: &str, p: &HandoffPayload) -> State {
    let mut state = State::new(Some(SECRET)).expect("secret");
    state.set_reply_target(ReplyTarget::new(worker).with_destination("ru", "team-ru"));
    assert_eq!(post_signed(&mut state, team_path, p).status, 200);
    state
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b' ' => "+".to_string(),
                b if b.is_ascii_alphanumeric() => (b as char).to_string(),
                b => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn form_headers() -> Headers {
    vec![
        (
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        ),
        ("host".into(), "127.0.0.1:8788".into()),
        ("origin".into(), "http://127.0.0.1:8788".into()),
    ]
}

#[test]
fn each_handoff_has_an_escaped_reply_form() {
    let hostile = payload(IMG, Urgency::High, NOW);
    let mut state = replying("http://127.0.0.1:9", "/handoffs/sales", &hostile);
    post_signed(
        &mut state,
        "/handoffs",
        &payload("FRY-PLAIN", Urgency::Low, NOW),
    );
    let html = page(&mut state);
    assert_eq!(html.matches("<form class=\"reply\"").count(), 2, "{html}");
    assert!(!html.contains(IMG), "the ticket is escaped everywhere");
    let escaped = escape_html(IMG);
    assert!(
        html.contains(&format!("action=\"/handoffs/sales/{escaped}/reply\"")),
        "{html}"
    );
    let card = article(&html, "FRY-PLAIN");
    for needle in [
        "id=\"h-default-FRY-PLAIN\"",
        "method=\"post\" action=\"/handoffs/default/FRY-PLAIN/reply\"",
        "<label for=\"h-default-FRY-PLAIN-text\">",
        "<textarea id=\"h-default-FRY-PLAIN-text\" name=\"text\"",
        &format!("maxlength=\"{MAX_REPLY_CHARS}\""),
        "<label for=\"h-default-FRY-PLAIN-agent\">",
        "<input id=\"h-default-FRY-PLAIN-agent\" name=\"agent\"",
        "<button type=\"submit\">Send reply</button>",
    ] {
        assert!(card.contains(needle), "{needle}: {card}");
    }
    // A reload would lose a half-written reply: no auto-refresh, a link instead.
    assert!(!html.contains("http-equiv=\"refresh\""));
    assert!(html.contains("<a href=\"/\">reload</a>"));

    // Without --worker, or without a secret, the box says why replies are off.
    let mut off = State::new(Some(SECRET)).expect("secret");
    post_signed(
        &mut off,
        "/handoffs",
        &payload("FRY-OFF", Urgency::Low, NOW),
    );
    let html = page(&mut off);
    assert!(!html.contains("<form"), "{html}");
    assert!(article(&html, "FRY-OFF").contains("Reply box off: start the inbox with --worker"));
    assert!(html.contains("http-equiv=\"refresh\""));
    let mut unsigned = State::new(None).expect("no secret");
    unsigned.set_reply_target(ReplyTarget::new("http://127.0.0.1:9"));
    let p = payload("FRY-UNSIGNED", Urgency::Low, NOW);
    let b = body(&p);
    assert_eq!(
        handle(&mut unsigned, "POST", "/handoffs", &[], &b, NOW).status,
        200
    );
    assert!(
        page(&mut unsigned)
            .contains("Reply box off: replies are signed with the destination&#39;s secret")
    );
}

#[test]
fn the_reply_route_checks_before_anything_is_sent() {
    let p = payload("FRY-ASK1", Urgency::Normal, NOW);
    let mut state = replying("http://127.0.0.1:9", "/handoffs/ru", &p);
    let long = "a".repeat(MAX_REPLY_CHARS + 1);
    let path = "/handoffs/ru/FRY-ASK1/reply";
    let cases: Vec<(&str, Vec<u8>, Headers, u16, &str)> = vec![
        (
            "/handoffs/ru/FRY-NOPE/reply",
            form(&[("agent", "Ana"), ("text", "hi")]),
            form_headers(),
            404,
            "no handoff with ticket FRY-NOPE was received for team ru",
        ),
        (
            "/handoffs/sales/FRY-ASK1/reply",
            form(&[("agent", "Ana"), ("text", "hi")]),
            form_headers(),
            404,
            "for team sales",
        ),
        (
            path,
            form(&[("agent", "Ana"), ("text", "  \n ")]),
            form_headers(),
            400,
            "text: must not be empty",
        ),
        (
            path,
            form(&[("agent", "Ana")]),
            form_headers(),
            400,
            "text: must not be empty",
        ),
        (
            path,
            form(&[("agent", "Ana"), ("text", &long)]),
            form_headers(),
            400,
            "text: 4001 characters; at most 4000 are accepted",
        ),
        (
            path,
            form(&[("text", "hi")]),
            form_headers(),
            400,
            "agent name: must not be empty",
        ),
        (
            path,
            form(&[("agent", "<b>Ana</b>"), ("text", "hi")]),
            form_headers(),
            400,
            "agent name: may not contain [ ] * &lt; or &gt;",
        ),
        (
            path,
            form(&[("agent", "Ana"), ("text", "hi")]),
            vec![
                ("host".into(), "127.0.0.1:8788".into()),
                ("origin".into(), "https://evil.example".into()),
            ],
            403,
            "cross-site request refused",
        ),
        (
            path,
            form(&[("agent", "Ana"), ("text", "hi")]),
            vec![("sec-fetch-site".into(), "cross-site".into())],
            403,
            "cross-site request refused",
        ),
    ];
    for (path, body, headers, status, says) in cases {
        let reply = handle(&mut state, "POST", path, &headers, &body, NOW);
        assert_eq!(reply.status, status, "{path}: {}", reply.body);
        assert!(reply.body.contains(says), "{says}: {}", reply.body);
        assert!(reply.outgoing.is_none(), "{says}");
        assert_eq!(reply.content_type, HTML);
    }
    assert_eq!(state.replies_sent, 0);
    let get = handle(&mut state, "GET", path, &[], &[], NOW);
    assert_eq!(get.status, 405);

    // Replies off: refused with the reason.
    let mut off = State::new(Some(SECRET)).expect("secret");
    post_signed(&mut off, "/handoffs", &p);
    let reply = handle(
        &mut off,
        "POST",
        "/handoffs/default/FRY-ASK1/reply",
        &form_headers(),
        &form(&[("agent", "Ana"), ("text", "hi")]),
        NOW,
    );
    assert_eq!(reply.status, 409);
    assert!(
        reply
            .body
            .contains("replies are off: start the inbox with --worker")
    );

    // A good one: an instruction for the IO layer, and the browser goes back to the handoff.
    let text = "Olá Ana! 1. Desligue o carregador\r\n2. Nós trocamos — 100% grátis & já";
    let reply = handle(
        &mut state,
        "POST",
        path,
        &form_headers(),
        &form(&[("agent", "Kestrel support"), ("text", text)]),
        NOW,
    );
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert!(
        reply
            .headers
            .contains(&("location", "/#h-ru-FRY-ASK1".into()))
    );
    let out = reply.outgoing.expect("an outgoing reply");
    assert_eq!(
        out.url,
        "http://127.0.0.1:9/v1/replies?site=demo&destination=team-ru"
    );
    let sent: ReplyRequest = serde_json::from_slice(&out.body).expect("a ReplyRequest");
    assert_eq!(
        (
            sent.ticket.as_str(),
            sent.text.as_str(),
            sent.agent.name.as_str()
        ),
        ("FRY-ASK1", text, "Kestrel support")
    );
    assert_eq!(out.index, 0);
    assert_ne!(out.webhook_id, "");
}

/// What the fake Worker saw: URL, headers, body.
type Seen = (String, Headers, Vec<u8>);

/// A stand-in for the Worker on 127.0.0.1: records each request (URL, headers, body) and
/// answers them in turn with `answers` (status, JSON).
fn fake_worker(answers: Vec<(u16, String)>) -> (u16, std::thread::JoinHandle<Vec<Seen>>) {
    let server = Server::http("127.0.0.1:0").expect("listen");
    let port = server.server_addr().to_ip().map(|a| a.port()).expect("ip");
    let thread = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for (status, json) in answers {
            let mut request = server.recv().expect("a request");
            let headers: Headers = request
                .headers()
                .iter()
                .map(|h| {
                    (
                        h.field.as_str().as_str().to_ascii_lowercase(),
                        h.value.as_str().to_string(),
                    )
                })
                .collect();
            let mut body = Vec::new();
            request.as_reader().read_to_end(&mut body).expect("body");
            seen.push((request.url().to_string(), headers, body));
            let response = Response::from_string(json).with_status_code(status);
            request.respond(response).expect("respond");
        }
        seen
    });
    (port, thread)
}

#[test]
fn a_reply_is_signed_and_posted_to_the_worker() {
    let (worker_port, worker) = fake_worker(vec![
        (
            200,
            r#"{"v":1,"id":42,"ticket":"FRY-LIVE1","duplicate":false}"#.into(),
        ),
        (
            404,
            r#"{"error":{"code":"not_found","message":"ticket FRY-LIVE1 (no handoff with it was sent to destination `helpdesk`)"}}"#.into(),
        ),
    ]);
    let server = Arc::new(Server::http("127.0.0.1:0").expect("listen"));
    let port = server.server_addr().to_ip().map(|a| a.port()).expect("ip");
    let now = now_ms();
    let p = payload("FRY-LIVE1", Urgency::Urgent, now);
    let mut state = State::new(Some(SECRET)).expect("secret");
    state.set_reply_target(ReplyTarget::new(&format!(
        "http://127.0.0.1:{worker_port}/"
    )));
    assert_eq!(post_signed(&mut state, "/handoffs", &p).status, 200);
    let state = Arc::new(Mutex::new(state));
    let thread = {
        let (server, state) = (Arc::clone(&server), Arc::clone(&state));
        std::thread::spawn(move || serve_on(&server, &state, false))
    };

    let text = "Olá! Desligue o carregador já.\nTrocamos grátis: 100% & <sem custo>";
    let send = |text: &str| {
        let body = form(&[("text", text), ("agent", "Ana")]);
        let mut request = format!(
            "POST /handoffs/default/FRY-LIVE1/reply HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
             Origin: http://127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(&body);
        exchange(port, &request)
    };
    let answer = send(text);
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("location: /#h-default-fry-live1"),
        "{answer}"
    );
    let answer = send("second");
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");

    let seen = worker.join().expect("the fake Worker ends");
    assert_eq!(seen.len(), 2);
    let (url, headers, body) = &seen[0];
    assert_eq!(url, "/v1/replies?site=demo&destination=helpdesk");
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("content-type"), Some(JSON));
    let secrets = Secret::parse_list(SECRET).expect("secret");
    assert_eq!(
        webhook::verify(&secrets, get, body, now_ms() / 1000),
        Ok(()),
        "signed with the destination's secret"
    );
    let other = Secret::parse_list(OTHER_SECRET).expect("secret");
    assert!(webhook::verify(&other, get, body, now_ms() / 1000).is_err());
    let sent: ReplyRequest = serde_json::from_slice(body).expect("a ReplyRequest");
    assert_eq!(sent.ticket, "FRY-LIVE1");
    assert_eq!(sent.text, text);
    assert_eq!(sent.agent.name, "Ana");
    assert_eq!(sent.validate(), Ok(()));
    assert_ne!(
        get(webhook::HEADER_ID),
        seen[1]
            .1
            .iter()
            .find(|(n, _)| n == webhook::HEADER_ID)
            .map(|(_, v)| v.as_str()),
        "one webhook-id per reply"
    );

    let html = exchange(
        port,
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    let card = article(&html, "FRY-LIVE1");
    assert!(card.contains(&escape_html(text)), "{card}");
    assert!(card.contains("sent: stored as message 42"), "{card}");
    assert!(
        card.contains("refused by the Worker (404): ticket FRY-LIVE1 (no handoff with it was sent to destination `helpdesk`)"),
        "{card}"
    );
    server.unblock();
    thread.join().expect("the server thread ends");

    // A Worker that is not there: the outcome says so.
    let gone = {
        let s = Server::http("127.0.0.1:0").expect("listen");
        s.server_addr().to_ip().map(|a| a.port()).expect("ip")
    };
    let out = Outgoing {
        index: 0,
        url: format!("http://127.0.0.1:{gone}/v1/replies?site=demo&destination=helpdesk"),
        webhook_id: "x".into(),
        body: b"{}".to_vec(),
        agent: "Ana".into(),
        text: "hi".into(),
    };
    let outcome = send_reply(&out, &secrets, now_ms());
    assert!(
        matches!(&outcome, Outcome::Failed(why) if why.contains(&format!("Worker at 127.0.0.1:{gone}"))),
        "{outcome:?}"
    );
}
