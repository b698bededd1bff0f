//! The outbox: order, retries and backoff, offline, refusals, the edge's limits, and what
//! goes into each request.

use super::*;

#[test]
fn the_outbox_sends_one_at_a_time_in_order() {
    let mut m = model();
    typed(&mut m, "first", "m1");
    // Written while the first is in flight: queued, not sent yet.
    let cmds = typed(&mut m, "second", "m2");
    assert_eq!(sends(&cmds), Vec::<&str>::new());
    assert_eq!(state_of(&m, "m2"), Some(Delivery::Queued));
    assert_eq!(m.outbox.len(), 2);
    // The first is answered: the second goes.
    let cmds = update(&mut m, Msg::Replied(response("m1", answer("a", &[]))));
    assert_eq!(sends(&cmds), ["m2"]);
    assert_eq!(state_of(&m, "m1"), Some(Delivery::Sent));
    assert_eq!(state_of(&m, "m2"), Some(Delivery::Sending));
    update(&mut m, Msg::Replied(response("m2", answer("b", &[]))));
    assert!(m.outbox.is_empty() && !m.sending());
    let kinds: Vec<&str> = m
        .entries
        .iter()
        .map(|e| match e {
            Entry::Shopper { .. } => "shopper",
            _ => "bot",
        })
        .collect();
    assert_eq!(kinds, ["shopper", "shopper", "bot", "bot"]);
}

#[test]
fn network_errors_retry_with_backoff_and_the_same_id() {
    let mut m = model();
    typed(&mut m, "shipping?", "m1");
    let mut delays = Vec::new();
    for attempt in 1..=MAX_AUTO_ATTEMPTS {
        let cmds = update(&mut m, failed("m1", Failure::Network));
        let Some(&Cmd::RetryLater { ms, generation }) =
            cmds.iter().find(|c| matches!(c, Cmd::RetryLater { .. }))
        else {
            panic!("attempt {attempt}: {cmds:?}")
        };
        delays.push(ms);
        assert_eq!(state_of(&m, "m1"), Some(Delivery::Queued));
        assert!(m.notice.as_ref().is_some_and(|n| n.retry));
        // An older timer firing does nothing.
        assert_eq!(update(&mut m, Msg::RetryDue(generation - 1)), Vec::new());
        let cmds = update(&mut m, Msg::RetryDue(generation));
        assert_eq!(sends(&cmds), ["m1"], "a retry reuses the client message id");
    }
    assert_eq!(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    // Then it stops by itself; the Retry button still works.
    let cmds = update(&mut m, failed("m1", Failure::Network));
    assert!(!cmds.iter().any(|c| matches!(c, Cmd::RetryLater { .. })));
    assert_eq!(
        m.notice.as_ref().map(|n| n.text.as_str()),
        Some(m.ui.not_sent.as_str())
    );
    assert_eq!(sends(&update(&mut m, Msg::Retry)), ["m1"]);
    // Retrying again while in flight does nothing.
    assert_eq!(update(&mut m, Msg::Retry), Vec::new());
}

#[test]
fn retry_after_is_honoured_up_to_a_minute() {
    let mut m = model();
    typed(&mut m, "shipping?", "m1");
    let busy = |secs| {
        failed(
            "m1",
            Failure::Http {
                status: 503,
                code: None,
                retry_after_secs: Some(secs),
            },
        )
    };
    let cmds = update(&mut m, busy(7));
    assert!(cmds.contains(&Cmd::RetryLater {
        ms: 7000,
        generation: m.retry_generation
    }));
    assert_eq!(
        m.notice.as_ref().map(|n| n.text.as_str()),
        Some(m.ui.busy.as_str())
    );
    update(&mut m, Msg::Retry);
    let cmds = update(&mut m, busy(3600));
    assert!(!cmds.iter().any(|c| matches!(c, Cmd::RetryLater { .. })));
    assert!(m.notice.as_ref().is_some_and(|n| n.retry));
}

#[test]
fn offline_messages_wait_for_the_online_event() {
    let mut m = model();
    update(&mut m, Msg::Offline);
    let cmds = typed(&mut m, "first", "m1");
    assert_eq!(sends(&cmds), Vec::<&str>::new());
    typed(&mut m, "second", "m2");
    assert_eq!(
        m.notice.as_ref().map(|n| n.text.as_str()),
        Some(m.ui.queued.as_str())
    );
    assert_eq!(state_of(&m, "m1"), Some(Delivery::Queued));
    let cmds = update(&mut m, Msg::Online);
    assert_eq!(sends(&cmds), ["m1"]);
    assert_eq!(m.notice, None);
    let cmds = update(&mut m, Msg::Replied(response("m1", answer("a", &[]))));
    assert_eq!(sends(&cmds), ["m2"]);

    // Going offline mid-flight: the failure waits for `online` instead of a timer.
    update(&mut m, Msg::Offline);
    let cmds = update(&mut m, failed("m2", Failure::Network));
    assert!(!cmds.iter().any(|c| matches!(c, Cmd::RetryLater { .. })));
    assert_eq!(sends(&update(&mut m, Msg::Online)), ["m2"]);
}

#[test]
fn a_refused_message_goes_back_to_the_input_and_the_next_goes_on() {
    let mut m = model();
    typed(&mut m, "bad", "m1");
    typed(&mut m, "good", "m2");
    m.draft.clear();
    let cmds = update(&mut m, failed("m1", http(ErrorCode::BadRequest, None)));
    assert_eq!(sends(&cmds), ["m2"]);
    assert_eq!(state_of(&m, "m1"), None);
    assert_eq!(m.draft, "bad");
    assert!(m.notice.as_ref().is_some_and(|n| !n.retry));
}

#[test]
fn empty_or_whitespace_input_is_ignored() {
    let mut m = model();
    for text in ["", "   ", "\n\t "] {
        assert_eq!(typed(&mut m, text, "m1"), Vec::new());
    }
    assert!(m.entries.is_empty());
    assert!(m.outbox.is_empty());
    assert_eq!(m.notice, None);
    assert_eq!(
        update(&mut m, Msg::Say(" ".into(), stamp("m2"))),
        Vec::new()
    );
}

#[test]
fn text_over_the_limit_is_refused_with_a_visible_message() {
    let mut m = model();
    let long = "é".repeat(MAX_TEXT_CHARS + 1);
    assert_eq!(typed(&mut m, &long, "m1"), Vec::new());
    assert!(m.entries.is_empty());
    assert_eq!(m.draft, long, "the text stays for the shopper to shorten");
    let notice = m.notice.clone().expect("a notice");
    assert!(!notice.retry);
    assert!(
        notice.text.contains("2001") && notice.text.contains("2000"),
        "{}",
        notice.text
    );
    // Editing clears it; exactly at the limit is accepted.
    update(&mut m, Msg::Draft("é".repeat(MAX_TEXT_CHARS)));
    assert_eq!(m.notice, None);
    assert_eq!(sends(&update(&mut m, Msg::Submit(stamp("m1")))), ["m1"]);
}

#[test]
fn stale_responses_are_ignored() {
    let mut m = model();
    typed(&mut m, "shipping?", "m1");
    assert_eq!(
        update(&mut m, Msg::Replied(response("other", answer("x", &[])))),
        Vec::new()
    );
    assert!(m.sending());
    assert_eq!(
        update(&mut m, failed("other", Failure::Network)),
        Vec::new()
    );
    assert!(m.sending());
}

#[test]
fn restored_unanswered_messages_go_back_into_the_outbox() {
    let entries = vec![
        Entry::Shopper {
            id: "m7".into(),
            text: "answered".into(),
            state: Delivery::Sent,
        },
        Entry::Bot {
            text: "yes".into(),
            links: Vec::new(),
            quick_replies: Vec::new(),
            language: "en".into(),
        },
        Entry::Shopper {
            id: "m8".into(),
            text: "hi".into(),
            state: Delivery::Sending,
        },
        Entry::Shopper {
            id: "m9".into(),
            text: "hello?".into(),
            state: Delivery::Queued,
        },
    ];
    let mut m = Model::new(
        "demo".into(),
        "conv1".into(),
        "en",
        Client::default(),
        entries,
        i18n::Tables::all(),
    );
    assert_eq!(state_of(&m, "m8"), Some(Delivery::Queued));
    let ids: Vec<&str> = m
        .outbox
        .iter()
        .map(|r| r.client_message_id.as_str())
        .collect();
    assert_eq!(ids, ["m8", "m9"]);
    // The runtime reports the browser online at mount: the oldest goes first.
    assert_eq!(sends(&update(&mut m, Msg::Online)), ["m8"]);
}

#[test]
fn bad_browser_facts_are_dropped_not_sent() {
    let client = Client {
        locale: Some("not a locale!".into()),
        time_zone: Some("Europe/Berlin;".into()),
    };
    let mut m = Model::new(
        "demo".into(),
        "c".into(),
        "en",
        client,
        Vec::new(),
        i18n::Tables::all(),
    );
    update(&mut m, Msg::Draft("hi".into()));
    let long_url = format!("https://x.example/{}", "a".repeat(MAX_URL_LEN));
    let cmds = update(
        &mut m,
        Msg::Submit(Stamp {
            message_id: "m1".into(),
            page_url: Some(long_url),
        }),
    );
    let Some(Cmd::Send(req)) = cmds.iter().find(|c| matches!(c, Cmd::Send(_))) else {
        panic!("expected a send")
    };
    assert_eq!(
        (
            req.locale.as_ref(),
            req.time_zone.as_ref(),
            req.page_url.as_ref()
        ),
        (None, None, None)
    );
    assert_eq!(req.validate(), Ok(()));
    assert!(is_id("0f1e2d3c4b5a69788796a5b4c3d2e1f0") && !is_id("a b") && !is_id(""));
}

#[test]
fn backoff_doubles_to_a_ceiling() {
    assert_eq!(backoff_ms(0), 1000);
    assert_eq!(backoff_ms(1), 1000);
    assert_eq!(backoff_ms(3), 4000);
    assert_eq!(backoff_ms(40), MAX_BACKOFF_MS);
    assert!(is_https("HTTPS://kestrel.example") && !is_https("http://x") && !is_https("javas"));
    assert_eq!(
        fill("Try again after {when}.", "9:30"),
        "Try again after 9:30."
    );
    assert_eq!(fill("{email} へ", "a@b.example"), "a@b.example へ");
}

#[test]
fn a_burst_limit_waits_out_retry_after_then_resends_the_same_request() {
    let mut m = checked_model();
    let cmds = typed(&mut m, "shipping?", "m1");
    let sent = requests(&cmds)[0].clone();
    let cmds = update(&mut m, failed("m1", http(ErrorCode::RateLimited, Some(10))));
    assert_eq!(
        cmds.iter()
            .filter(|c| matches!(c, Cmd::RetryLater { .. }))
            .collect::<Vec<_>>(),
        [&Cmd::RetryLater {
            ms: 10_000,
            generation: m.retry_generation
        }],
        "waits out Retry-After, not the 1 s backoff"
    );
    assert_eq!(
        m.notice,
        Some(Notice {
            text: m.ui.busy.clone(),
            retry: true
        })
    );
    assert_eq!(state_of(&m, "m1"), Some(Delivery::Queued));
    assert_eq!(m.outbox.len(), 1);
    let due = Msg::RetryDue(m.retry_generation);
    let cmds = update(&mut m, due);
    assert_eq!(
        requests(&cmds),
        [&sent],
        "the same request, same client message id"
    );
    update(&mut m, Msg::Replied(response("m1", answer("a", &[]))));
    assert_eq!(m.notice, None);
}

#[test]
fn a_handoff_limit_keeps_the_message_and_waits_for_the_shopper() {
    let mut m = checked_model();
    let cmds = typed(&mut m, "Can I order 200 shirts?", "m1");
    let sent = requests(&cmds)[0].clone();
    let cmds = update(
        &mut m,
        Msg::SendFailed {
            client_message_id: "m1".into(),
            failure: http(ErrorCode::HandoffLimit, Some(7 * 3600)),
            retry_at: Some("Di., 1. Dez., 23:05".into()),
        },
    );
    assert!(
        !cmds
            .iter()
            .any(|c| matches!(c, Cmd::RetryLater { .. } | Cmd::Send(_))),
        "no automatic attempt: {cmds:?}"
    );
    assert!(matches!(cmds.as_slice(), [Cmd::Save(_)]), "{cmds:?}");
    assert_eq!(
        notice_text(&m),
        "Über den Chat ist gerade kein Mensch erreichbar. Versuchen Sie es ab Di., 1. Dez., \
         23:05 erneut. Sie können uns auch an help@kestrel.example schreiben."
    );
    assert!(m.notice.as_ref().is_some_and(|n| n.retry));
    assert_eq!(state_of(&m, "m1"), Some(Delivery::Queued), "kept, not lost");
    assert_eq!(m.outbox.front(), Some(&sent));
    assert!(!m.sending());

    // Nothing sends it by itself: not the network coming back, not an old timer, not the
    // next message (which waits behind it, in order).
    assert_eq!(update(&mut m, Msg::Offline), Vec::new());
    assert_eq!(sends(&update(&mut m, Msg::Online)), Vec::<&str>::new());
    for generation in 0..=m.retry_generation {
        assert_eq!(update(&mut m, Msg::RetryDue(generation)), Vec::new());
    }
    assert_eq!(sends(&typed(&mut m, "hello?", "m2")), Vec::<&str>::new());
    assert!(notice_text(&m).contains("help@kestrel.example"));

    // The Retry button sends it again, as it was.
    let cmds = update(&mut m, Msg::Retry);
    assert_eq!(requests(&cmds), [&sent]);
    assert_eq!(m.notice, None);
    // Still limited: the same calm notice (without a time if the edge gave none).
    update(&mut m, failed("m1", http(ErrorCode::HandoffLimit, None)));
    assert_eq!(
        notice_text(&m),
        format!(
            "{} {}",
            m.ui.no_person,
            m.ui.write_to.replace("{email}", "help@kestrel.example")
        )
    );
    // Later it goes through, and the message behind it follows by itself.
    update(&mut m, Msg::Retry);
    let cmds = update(&mut m, Msg::Replied(response("m1", handoff(false, false))));
    assert_eq!(sends(&cmds), ["m2"]);
    assert!(!m.held);
}

#[test]
fn origin_not_allowed_is_not_retried() {
    let mut m = checked_model();
    typed(&mut m, "shipping?", "m1");
    m.draft.clear();
    let cmds = update(
        &mut m,
        failed("m1", http(ErrorCode::OriginNotAllowed, None)),
    );
    assert!(
        !cmds.iter().any(|c| matches!(
            c,
            Cmd::RetryLater { .. } | Cmd::Send(_) | Cmd::Challenge { .. }
        )),
        "{cmds:?}"
    );
    let notice = m.notice.clone().expect("a notice");
    assert!(!notice.retry, "retrying cannot help");
    assert!(
        notice.text.starts_with(m.ui.not_sent.as_str())
            && notice.text.contains("help@kestrel.example"),
        "{}",
        notice.text
    );
    // As with any refused message: it leaves the outbox and the text goes back to the input.
    assert!(m.outbox.is_empty() && !m.sending());
    assert_eq!(state_of(&m, "m1"), None);
    assert_eq!(m.draft, "shipping?");
    assert_eq!(update(&mut m, Msg::Online), Vec::new());
}

#[test]
fn a_code_this_build_does_not_know_is_decided_by_its_status() {
    // A newer edge's code: under 429 the message waits and goes again; under 403 it is
    // refused like any other, without a check.
    let mut m = checked_model();
    typed(&mut m, "shipping?", "m1");
    let unknown = |status| Failure::Http {
        status,
        code: Some(ErrorCode::Unknown),
        retry_after_secs: None,
    };
    let cmds = update(&mut m, failed("m1", unknown(429)));
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::RetryLater { .. })),
        "{cmds:?}"
    );
    assert!(!m.held);
    let due = Msg::RetryDue(m.retry_generation);
    assert_eq!(sends(&update(&mut m, due)), ["m1"]);
    let cmds = update(&mut m, failed("m1", unknown(403)));
    assert!(
        !cmds
            .iter()
            .any(|c| matches!(c, Cmd::Challenge { .. } | Cmd::RetryLater { .. })),
        "{cmds:?}"
    );
    assert_eq!(m.challenge, None);
    assert!(m.outbox.is_empty());
    assert_eq!(m.draft, "shipping?");
}
