//! Turnstile checks: the edge asks for a token, the widget runs the check and sends the same
//! request again with it, a bounded number of times.

use super::*;

#[test]
fn a_challenge_runs_then_the_same_request_goes_again_with_a_token_used_once() {
    let mut m = checked_model();
    let cmds = typed(&mut m, "Can I order 200 shirts?", "m1");
    let first = requests(&cmds)[0].clone();
    assert_eq!(first.turnstile_token, None);
    let cmds = update(
        &mut m,
        failed("m1", http(ErrorCode::ChallengeRequired, None)),
    );
    assert_eq!(
        cmds,
        [Cmd::Challenge {
            site_key: SITE_KEY.into()
        }]
    );
    assert_eq!(m.challenge.as_deref(), Some(SITE_KEY));
    assert_eq!(m.notice, None, "no error while the check runs");
    // While it runs, nothing else sends the message.
    assert_eq!(sends(&update(&mut m, Msg::Online)), Vec::<&str>::new());
    assert_eq!(sends(&update(&mut m, Msg::Retry)), Vec::<&str>::new());
    assert_eq!(
        sends(&typed(&mut m, "and in blue?", "m2")),
        Vec::<&str>::new()
    );

    let cmds = update(&mut m, Msg::ChallengeSolved("tok-1".into()));
    let [again] = requests(&cmds)[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        again,
        &ChatRequest {
            turnstile_token: Some("tok-1".into()),
            ..first.clone()
        },
        "the same request (same client message id), now with the token"
    );
    assert_eq!(again.validate(), Ok(()));
    assert_eq!(m.challenge, None);
    // A second callback of the same check is ignored.
    assert_eq!(
        update(&mut m, Msg::ChallengeSolved("tok-1".into())),
        Vec::new()
    );

    // The attempt fails on the way: the token is spent, the retry goes without it.
    update(&mut m, failed("m1", Failure::Network));
    assert_eq!(
        m.outbox.front().and_then(|r| r.turnstile_token.clone()),
        None
    );
    let due = Msg::RetryDue(m.retry_generation);
    let cmds = update(&mut m, due);
    assert_eq!(requests(&cmds), [&first]);
    // The edge asks again: a second check, and this time the answer comes.
    let cmds = update(
        &mut m,
        failed("m1", http(ErrorCode::ChallengeRequired, None)),
    );
    assert!(matches!(cmds.as_slice(), [Cmd::Challenge { .. }]));
    let cmds = update(&mut m, Msg::ChallengeSolved("tok-2".into()));
    assert_eq!(requests(&cmds)[0].turnstile_token.as_deref(), Some("tok-2"));
    let cmds = update(&mut m, Msg::Replied(response("m1", handoff(false, false))));
    // The next message goes without a token, and gets its own checks.
    let [next] = requests(&cmds)[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        (next.client_message_id.as_str(), &next.turnstile_token),
        ("m2", &None)
    );
    assert_eq!((m.challenges, m.challenge.as_deref()), (0, None));
}

#[test]
fn a_rejected_token_gets_a_new_check_up_to_three() {
    let mut m = checked_model();
    let first = requests(&typed(&mut m, "wholesale?", "m1"))[0].clone();
    let mut codes = vec![
        ErrorCode::ChallengeRequired,
        ErrorCode::ChallengeFailed,
        ErrorCode::ChallengeFailed,
    ];
    let mut tokens = Vec::new();
    for (round, code) in codes.drain(..).enumerate() {
        let cmds = update(&mut m, failed("m1", http(code, None)));
        assert!(
            matches!(cmds.as_slice(), [Cmd::Challenge { site_key }] if site_key == SITE_KEY),
            "round {round}: {cmds:?}"
        );
        let token = format!("tok-{round}");
        let cmds = update(&mut m, Msg::ChallengeSolved(token.clone()));
        let [request] = requests(&cmds)[..] else {
            panic!("{cmds:?}")
        };
        assert_eq!(request.client_message_id, "m1");
        assert_eq!(request.text, first.text);
        tokens.push(request.turnstile_token.clone().unwrap_or_default());
    }
    assert_eq!(
        tokens,
        ["tok-0", "tok-1", "tok-2"],
        "a fresh token each round"
    );
    // The third check was the last: its token works.
    update(&mut m, Msg::Replied(response("m1", handoff(false, false))));
    assert!(m.outbox.is_empty() && m.notice.is_none());
    assert_eq!(state_of(&m, "m1"), Some(Delivery::Sent));
}

#[test]
fn three_failed_checks_leave_the_message_not_sent_with_retry() {
    let mut m = checked_model();
    let first = requests(&typed(&mut m, "wholesale?", "m1"))[0].clone();
    update(
        &mut m,
        failed("m1", http(ErrorCode::ChallengeRequired, None)),
    );
    for round in 1..=MAX_CHALLENGES {
        let cmds = update(&mut m, Msg::ChallengeSolved(format!("tok-{round}")));
        assert_eq!(sends(&cmds), ["m1"]);
        let cmds = update(&mut m, failed("m1", http(ErrorCode::ChallengeFailed, None)));
        if round < MAX_CHALLENGES {
            assert!(
                matches!(cmds.as_slice(), [Cmd::Challenge { .. }]),
                "{cmds:?}"
            );
        } else {
            assert!(matches!(cmds.as_slice(), [Cmd::Save(_)]), "{cmds:?}");
        }
    }
    assert_eq!(m.challenge, None);
    assert_eq!(
        notice_text(&m),
        format!(
            "{} {}",
            m.ui.not_sent,
            m.ui.write_to.replace("{email}", "help@kestrel.example")
        )
    );
    assert!(m.notice.as_ref().is_some_and(|n| n.retry));
    assert_eq!(state_of(&m, "m1"), Some(Delivery::Queued));
    assert_eq!(m.outbox.front(), Some(&first), "kept, and without a token");
    // Retry starts over: the same request, and three checks again.
    assert_eq!(requests(&update(&mut m, Msg::Retry)), [&first]);
    let cmds = update(
        &mut m,
        failed("m1", http(ErrorCode::ChallengeRequired, None)),
    );
    assert!(matches!(cmds.as_slice(), [Cmd::Challenge { .. }]));
}

#[test]
fn a_check_that_cannot_run_shows_not_sent_with_retry_and_the_email() {
    let mut m = checked_model();
    let first = requests(&typed(&mut m, "wholesale?", "m1"))[0].clone();
    update(
        &mut m,
        failed("m1", http(ErrorCode::ChallengeRequired, None)),
    );
    // The script is blocked (CSP), the browser offline, or the check errs.
    let cmds = update(&mut m, Msg::ChallengeFailed);
    assert!(matches!(cmds.as_slice(), [Cmd::Save(_)]), "{cmds:?}");
    assert_eq!(m.challenge, None, "no hang: the check is over");
    assert_eq!(
        notice_text(&m),
        "Ihre Nachricht wurde nicht gesendet. Sie können uns auch an help@kestrel.example \
         schreiben."
    );
    assert!(m.notice.as_ref().is_some_and(|n| n.retry));
    assert_eq!(state_of(&m, "m1"), Some(Delivery::Queued));
    // A late callback changes nothing; Retry sends the message again.
    assert_eq!(update(&mut m, Msg::ChallengeFailed), Vec::new());
    assert_eq!(
        update(&mut m, Msg::ChallengeSolved("late".into())),
        Vec::new()
    );
    assert_eq!(requests(&update(&mut m, Msg::Retry)), [&first]);
    // A token the edge could not accept counts as a failed check, not a send.
    update(
        &mut m,
        failed("m1", http(ErrorCode::ChallengeRequired, None)),
    );
    let cmds = update(&mut m, Msg::ChallengeSolved(String::new()));
    assert!(
        matches!(cmds.as_slice(), [Cmd::Challenge { .. }]),
        "{cmds:?}"
    );
    assert_eq!(m.challenges, 2);
}

#[test]
fn a_check_the_config_has_no_key_for_is_not_sent_with_retry() {
    // The config has not loaded (or predates the site's [turnstile]): no key to run with.
    let mut m = model();
    typed(&mut m, "wholesale?", "m1");
    let cmds = update(
        &mut m,
        failed("m1", http(ErrorCode::ChallengeRequired, None)),
    );
    assert!(
        !cmds.iter().any(|c| matches!(c, Cmd::Challenge { .. })),
        "{cmds:?}"
    );
    assert_eq!(notice_text(&m), m.ui.not_sent, "no email before the config");
    assert!(m.notice.as_ref().is_some_and(|n| n.retry));
    assert_eq!(m.outbox.len(), 1);
}
