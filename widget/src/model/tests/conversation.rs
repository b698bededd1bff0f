//! What the shopper sees of the conversation: answers, handoffs and the contact form, the
//! config and the panel's language, opening and closing, the stored log.

use ferry_shared::wire::{Contact, ContactResponse};

use super::*;

#[test]
fn sending_appends_the_shopper_message_and_sends_it() {
    let mut m = model();
    let cmds = typed(&mut m, "How long does shipping take?", "m1");
    assert_eq!(
        m.entries,
        vec![Entry::Shopper {
            id: "m1".into(),
            text: "How long does shipping take?".into(),
            state: Delivery::Sending
        }]
    );
    assert!(m.sending());
    assert_eq!(m.draft, "", "the input is cleared");
    assert_eq!(sends(&cmds), ["m1"]);
    let Some(Cmd::Send(req)) = cmds.iter().find(|c| matches!(c, Cmd::Send(_))) else {
        unreachable!()
    };
    assert_eq!(req.site, "demo");
    assert_eq!(req.conversation_id, "conv1");
    assert_eq!(req.text, "How long does shipping take?");
    assert_eq!(req.page_url.as_deref(), Some("https://shop.example/p/1"));
    assert_eq!(req.locale.as_deref(), Some("de-AT"));
    assert_eq!(req.time_zone.as_deref(), Some("Europe/Vienna"));
    assert_eq!(req.previous_language, None, "no reply yet");
    assert_eq!(req.contact, None);
    assert_eq!(req.validate(), Ok(()));
    assert!(cmds.contains(&Cmd::Emit(Event::Message {
        from: "shopper",
        text: "How long does shipping take?".into(),
        language: String::new()
    })));
    assert!(matches!(cmds.last(), Some(Cmd::Save(entries)) if entries.len() == 1));
}

#[test]
fn an_answer_appends_bot_text_links_and_quick_replies() {
    let mut m = model();
    typed(&mut m, "shipping?", "m1");
    let cmds = update(
        &mut m,
        Msg::Replied(response("m1", answer("3–5 days.", &["Duties?"]))),
    );
    assert_eq!(cmds.last(), Some(&Cmd::Save(m.entries.clone())));
    assert!(cmds.contains(&Cmd::Emit(Event::Message {
        from: "bot",
        text: "3–5 days.".into(),
        language: "en".into()
    })));
    assert!(!m.sending());
    let Entry::Bot {
        text,
        links,
        quick_replies,
        language,
    } = &m.entries[1]
    else {
        panic!("expected a bot entry: {:?}", m.entries)
    };
    assert_eq!(text, "3–5 days.");
    assert_eq!(language, "en");
    assert_eq!(links.len(), 1, "only https links are kept");
    assert_eq!(m.chips(), quick_replies.as_slice());
    assert_eq!(m.chips(), ["Duties?".to_string()]);

    // The next message tells the edge which language the conversation is in.
    let cmds = typed(&mut m, "ok", "m2");
    let Some(Cmd::Send(req)) = cmds.iter().find(|c| matches!(c, Cmd::Send(_))) else {
        panic!("expected a send: {cmds:?}")
    };
    assert_eq!(req.previous_language.as_deref(), Some("en"));
}

#[test]
fn the_panel_follows_the_reply_language() {
    // A German browser writing in Spanish gets Spanish chrome once the edge answers in Spanish.
    let mut m = model();
    assert_eq!(m.ui_lang, "de");
    typed(&mut m, "¿cuánto tarda el envío?", "m1");
    let mut reply = answer("3–5 días.", &[]);
    if let Reply::Answer(a) = &mut reply {
        a.language = "es".into();
    }
    update(&mut m, Msg::Replied(response("m1", reply)));
    assert_eq!(m.ui_lang, "es");
    assert_eq!(m.ui.placeholder, ui_table("es").placeholder);
    assert!(!m.rtl());
    let mut reply = answer("٣-٥ أيام", &[]);
    if let Reply::Answer(a) = &mut reply {
        a.language = "ar".into();
    }
    typed(&mut m, "كم يستغرق الشحن؟", "m2");
    update(&mut m, Msg::Replied(response("m2", reply)));
    assert!(m.rtl());
}

#[test]
fn the_panel_follows_the_shoppers_language_over_the_reply_language() {
    // A Korean shopper on a shop that answers in English keeps a Korean panel; a language
    // the panel has no words for (Polish) falls back to the reply's.
    let mut m = model();
    typed(&mut m, "배송은 얼마나 걸리나요?", "m1");
    let mut reply = answer("3–5 days.", &[]);
    if let Reply::Answer(a) = &mut reply {
        a.shopper_language = "ko".into();
    }
    update(&mut m, Msg::Replied(response("m1", reply)));
    assert_eq!(m.ui_lang, "ko");
    typed(&mut m, "ile kosztuje wysylka", "m2");
    let mut reply = handoff(false, false);
    if let Reply::Handoff(h) = &mut reply {
        h.shopper_language = "pl".into();
    }
    update(&mut m, Msg::Replied(response("m2", reply)));
    assert_eq!(m.ui_lang, "en");
}

#[test]
fn a_handoff_that_asks_for_contact_opens_the_form_and_saves_it() {
    let mut m = model();
    typed(&mut m, "I want to return a gift", "m1");
    let cmds = update(&mut m, Msg::Replied(response("m1", handoff(true, true))));
    assert!(cmds.contains(&Cmd::Emit(Event::Handoff {
        ticket: "FRY-7K2M9QXA".into(),
        reply_by: 1_767_225_600_000
    })));
    assert_eq!(m.contact_wanted(), Some(("FRY-7K2M9QXA", true)));
    assert!(m.chips().is_empty());

    // An invalid email is refused in place, with the reason, and focus goes back to it.
    update(&mut m, Msg::ContactEmail("ana@".into()));
    assert_eq!(
        update(&mut m, Msg::ContactSubmit),
        vec![Cmd::Focus(Focus::Email)]
    );
    assert_eq!(
        m.contact.error.as_deref(),
        Some(m.ui.email_invalid.as_str())
    );
    // Typing clears the error; an over-long order number is refused with its own reason.
    update(&mut m, Msg::ContactEmail(" ana@example.com ".into()));
    assert_eq!(m.contact.error, None);
    update(&mut m, Msg::ContactOrder("9".repeat(500)));
    update(&mut m, Msg::ContactSubmit);
    assert_eq!(
        m.contact.error.as_deref(),
        Some(m.ui.order_invalid.as_str())
    );
    update(&mut m, Msg::ContactOrder("#10423".into()));
    let cmds = update(&mut m, Msg::ContactSubmit);
    let [Cmd::SendContact(request)] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(request.ticket, "FRY-7K2M9QXA");
    assert_eq!(request.contact.email.as_deref(), Some("ana@example.com"));
    assert_eq!(request.contact.order_number.as_deref(), Some("#10423"));
    assert_eq!(request.validate(), Ok(()));
    assert!(m.contact.sending);
    // A double submit sends nothing more.
    assert_eq!(update(&mut m, Msg::ContactSubmit), Vec::new());

    // A failure keeps the form, with a message; the next submit goes again.
    update(&mut m, Msg::ContactFailed(Failure::Network));
    assert_eq!(m.contact.error.as_deref(), Some(m.ui.not_sent.as_str()));
    assert!(matches!(
        update(&mut m, Msg::ContactSubmit).as_slice(),
        [Cmd::SendContact(_)]
    ));
    let cmds = update(
        &mut m,
        Msg::ContactSaved(ContactResponse {
            v: 1,
            ticket: "FRY-7K2M9QXA".into(),
            text: "Thanks, we'll write to ana@example.com.".into(),
        }),
    );
    assert!(cmds.iter().any(|c| matches!(c, Cmd::Save(_))));
    assert_eq!(m.contact_wanted(), None, "the form is gone");
    assert_eq!(
        m.entries.last(),
        Some(&Entry::Contact {
            ticket: "FRY-7K2M9QXA".into(),
            text: "Thanks, we'll write to ana@example.com.".into()
        })
    );
    // Later messages carry the email, so the edge does not ask again.
    let cmds = typed(&mut m, "one more thing", "m2");
    let Some(Cmd::Send(req)) = cmds.iter().find(|c| matches!(c, Cmd::Send(_))) else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        req.contact.as_ref().and_then(|c| c.email.as_deref()),
        Some("ana@example.com")
    );
}

#[test]
fn a_handoff_without_contact_request_shows_no_form() {
    let mut m = model();
    typed(&mut m, "My charger smoked!", "m1");
    update(&mut m, Msg::Replied(response("m1", handoff(false, false))));
    assert_eq!(m.contact_wanted(), None);
    assert_eq!(update(&mut m, Msg::ContactSubmit), Vec::new());
    assert!(
        matches!(m.entries.last(), Some(Entry::Handoff { ticket, .. }) if ticket == "FRY-7K2M9QXA")
    );
}

#[test]
fn identify_fills_the_contact_and_rejects_bad_input() {
    let mut m = model();
    let bad = update(
        &mut m,
        Msg::Identify(Contact {
            email: Some("not-an-email".into()),
            name: None,
            order_number: None,
        }),
    );
    assert!(
        matches!(bad.as_slice(), [Cmd::Warn(w)] if w.contains("email")),
        "{bad:?}"
    );
    assert_eq!(m.identity, Contact::default());
    update(
        &mut m,
        Msg::Identify(Contact {
            email: Some("ana@example.com".into()),
            name: Some("Ana".into()),
            order_number: None,
        }),
    );
    let cmds = typed(&mut m, "hi", "m1");
    let Some(Cmd::Send(req)) = cmds.iter().find(|c| matches!(c, Cmd::Send(_))) else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        req.contact.as_ref().and_then(|c| c.name.as_deref()),
        Some("Ana")
    );
    // The edge asked anyway (an old edge): an identified shopper is not asked twice.
    update(&mut m, Msg::Replied(response("m1", handoff(true, false))));
    assert_eq!(m.contact_wanted(), None);
}

#[test]
fn config_picks_the_shoppers_language_and_falls_back_to_the_default() {
    let mut m = model();
    assert!(m.chips().is_empty());
    update(&mut m, Msg::ConfigLoaded(config()));
    let settings = m.settings().expect("ready");
    assert_eq!(m.lang, "de");
    assert_eq!(m.ui_lang, "de");
    assert_eq!(settings.greeting.as_deref(), Some("Hallo!"));
    assert_eq!(settings.link_hosts, ["kestrel.example"]);
    assert_eq!(settings.status.map(|s| s.reply_within_hours), Some(4));
    // No German quick replies: the default language's.
    assert_eq!(
        m.chips(),
        ["Shipping times".to_string(), "Size guide".to_string()]
    );
    let cmds = update(&mut m, Msg::QuickReply("Size guide".into(), stamp("m1")));
    assert!(
        matches!(cmds.iter().find(|c| matches!(c, Cmd::Send(_))), Some(Cmd::Send(r)) if r.text == "Size guide")
    );
    assert_eq!(
        cmds.last(),
        Some(&Cmd::Focus(Focus::Input)),
        "the chip is gone"
    );
    // `Ferry.send` moves no focus: the shopper may be busy elsewhere on the page.
    let cmds = update(&mut m, Msg::Say("Shipping times".into(), stamp("m2")));
    assert!(!cmds.iter().any(|c| matches!(c, Cmd::Focus(_))), "{cmds:?}");
    assert!(m.chips().is_empty());

    assert_eq!(pick_language("pt-BR", &["en".into(), "pt".into()]), "pt");
    assert_eq!(pick_language("ja", &["en".into(), "pt".into()]), "en");
    assert_eq!(pick_language("", &[]), "en");

    // A browser language the panel has no words for: the shop's language.
    let mut m = Model::new(
        "demo".into(),
        "c".into(),
        "sw-KE",
        Client::default(),
        Vec::new(),
        i18n::Tables::all(),
    );
    assert_eq!(m.ui_lang, "en");
    let mut c = config();
    c.languages = vec!["de".into(), "en".into()];
    update(&mut m, Msg::ConfigLoaded(c));
    assert_eq!((m.lang.as_str(), m.ui_lang), ("de", "de"));
}

#[test]
fn config_failure_is_retryable_and_retried_on_reopen() {
    let mut m = model();
    update(&mut m, Msg::ConfigFailed(Failure::Network));
    assert!(m.notice.as_ref().is_some_and(|n| n.retry));
    assert_eq!(update(&mut m, Msg::Retry), vec![Cmd::FetchConfig]);
    assert_eq!(m.config, Config::Loading);
    update(&mut m, Msg::ConfigFailed(Failure::Network));
    assert_eq!(
        update(&mut m, Msg::Open),
        vec![
            Cmd::Emit(Event::Open),
            Cmd::FetchConfig,
            Cmd::Focus(Focus::Input)
        ]
    );
    update(&mut m, Msg::ConfigLoaded(config()));
    assert_eq!(m.notice, None);
}

#[test]
fn open_close_toggle_move_focus_emit_and_clear_unread() {
    let mut m = model();
    typed(&mut m, "shipping?", "m1");
    update(&mut m, Msg::Replied(response("m1", answer("a", &[]))));
    assert_eq!(m.unread, 1, "a reply while closed is unread");
    assert_eq!(
        update(&mut m, Msg::Toggle),
        vec![Cmd::Emit(Event::Open), Cmd::Focus(Focus::Input)]
    );
    assert!(m.open);
    assert_eq!(m.unread, 0);
    typed(&mut m, "and duties?", "m2");
    update(&mut m, Msg::Replied(response("m2", answer("b", &[]))));
    assert_eq!(m.unread, 0, "a reply while open is read");
    assert_eq!(
        update(&mut m, Msg::Close),
        vec![Cmd::Focus(Focus::Launcher), Cmd::Emit(Event::Close)]
    );
    assert!(!m.open);
    assert_eq!(update(&mut m, Msg::Close), Vec::new());
}

#[test]
fn the_log_is_bounded() {
    let entries: Vec<Entry> = (0..MAX_ENTRIES + 5)
        .map(|i| Entry::Bot {
            text: i.to_string(),
            links: Vec::new(),
            quick_replies: Vec::new(),
            language: "en".into(),
        })
        .collect();
    let m = Model::new(
        "demo".into(),
        "c".into(),
        "en",
        Client::default(),
        entries,
        i18n::Tables::all(),
    );
    assert_eq!(m.entries.len(), MAX_ENTRIES);
    assert!(
        matches!(&m.entries[0], Entry::Bot { text, .. } if text == "5"),
        "oldest dropped"
    );
}

#[test]
fn what_the_conversation_named_goes_back_with_the_next_messages() {
    use ferry_shared::wire::ConversationContext;
    let mut m = model();
    typed(&mut m, "¿cuánto tarda el envío a México?", "m1");
    // A second message is queued while the first is in flight.
    typed(&mut m, "¿y los aranceles?", "m2");
    let mexico = ConversationContext {
        country: Some("MX".into()),
        size: None,
    };
    let mut first = response("m1", answer("5–8 días.", &[]));
    first.context = Some(mexico.clone());
    let cmds = update(&mut m, Msg::Replied(first));
    let Some(Cmd::Send(req)) = cmds.iter().find(|c| matches!(c, Cmd::Send(_))) else {
        panic!("the queued message goes next: {cmds:?}")
    };
    assert_eq!(req.client_message_id, "m2");
    assert_eq!(
        req.context.as_ref(),
        Some(&mexico),
        "the queued message carries it"
    );
    // A reply without context keeps what was named; a new one replaces it.
    update(
        &mut m,
        Msg::Replied(response("m2", answer("Incluidos.", &[]))),
    );
    let cmds = typed(&mut m, "ok", "m3");
    let Some(Cmd::Send(req)) = cmds.iter().find(|c| matches!(c, Cmd::Send(_))) else {
        panic!("expected a send: {cmds:?}")
    };
    assert_eq!(req.context.as_ref(), Some(&mexico));
}

/// A model with English only at hand, as a browser starts before any table is fetched.
fn english_only(requested: &str) -> Model {
    Model::new(
        "demo".into(),
        "conv1".into(),
        requested,
        Client::default(),
        Vec::new(),
        i18n::Tables::new(i18n::Ui::english()),
    )
}

#[test]
fn a_language_not_at_hand_is_fetched_and_the_panel_switches_when_it_arrives() {
    // The requested language could not be fetched before mounting: English.
    let mut m = english_only("es-MX");
    assert_eq!(m.ui_lang, "en");
    typed(&mut m, "¿cuánto tarda el envío?", "m1");
    let mut reply = answer("3–5 días.", &[]);
    if let Reply::Answer(a) = &mut reply {
        a.language = "es".into();
    }
    let cmds = update(&mut m, Msg::Replied(response("m1", reply)));
    assert!(cmds.contains(&Cmd::LoadUi("es")), "{cmds:?}");
    // The words stay English until the Spanish ones are here.
    assert_eq!(m.ui_lang, "en");
    assert_eq!(m.ui_pending, Some("es"));
    // A table for another language (a stale fetch) is kept but not shown.
    update(&mut m, Msg::UiLoaded(Box::new((*ui_table("de")).clone())));
    assert_eq!(m.ui_lang, "en");
    update(&mut m, Msg::UiLoaded(Box::new((*ui_table("es")).clone())));
    assert_eq!((m.ui_lang, m.ui_pending), ("es", None));
    assert_eq!(m.ui.placeholder, ui_table("es").placeholder);
    // Fetched tables stay at hand: going to German needs no fetch.
    assert_eq!(m.set_ui_lang("de"), None);
    assert_eq!(m.ui_lang, "de");
}

#[test]
fn a_table_that_fails_to_load_leaves_the_words_as_they_are() {
    // A browser language the panel has no words for: the shop's language, French.
    let mut m = english_only("sw-KE");
    let mut c = config();
    c.languages = vec!["fr".into()];
    let cmds = update(&mut m, Msg::ConfigLoaded(c));
    assert_eq!(cmds, vec![Cmd::LoadUi("fr")]);
    // Asked again while the fetch runs: no second fetch.
    assert_eq!(m.set_ui_lang("fr-CA"), None);
    update(&mut m, Msg::UiFailed("fr"));
    assert_eq!((m.ui_lang, m.ui_pending), ("en", None));
    // A later reason to switch tries again.
    assert_eq!(m.set_ui_lang("fr"), Some(Cmd::LoadUi("fr")));
}
