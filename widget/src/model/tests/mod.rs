//! The model's behaviour, driven through [`update`] as the runtime would: shared fixtures here,
//! the tests by topic in the submodules.

use std::collections::BTreeMap;

use ferry_shared::Topic;
use ferry_shared::wire::{
    Answer, Away, AwayReason, ChatRequest, ChatResponse, Colors, ErrorCode, Handoff, Link,
    MAX_TEXT_CHARS, MAX_URL_LEN, Reply, SiteStatus, Urgency, WidgetConfig,
};

use super::state::fill;
use super::*;
use crate::i18n;

mod challenge;
mod conversation;
mod outbox;

fn model() -> Model {
    Model::new(
        "demo".into(),
        "conv1".into(),
        "de-AT",
        Client {
            locale: Some("de-AT".into()),
            time_zone: Some("Europe/Vienna".into()),
        },
        Vec::new(),
        i18n::Tables::all(),
    )
}

/// A table as the tests' models have it.
fn ui_table(code: &str) -> std::rc::Rc<i18n::Ui> {
    i18n::Tables::all().get(code).expect("a table")
}

fn stamp(id: &str) -> Stamp {
    Stamp {
        message_id: id.into(),
        page_url: Some("https://shop.example/p/1".into()),
    }
}

fn config() -> WidgetConfig {
    WidgetConfig {
        v: 1,
        site: "demo".into(),
        shop_name: "Kestrel Goods".into(),
        greeting: BTreeMap::from([("en".into(), "Hi!".into()), ("de".into(), "Hallo!".into())]),
        quick_replies: BTreeMap::from([(
            "en".into(),
            vec!["Shipping times".into(), "Size guide".into()],
        )]),
        colors: Colors {
            brand: "#0f766e".into(),
            on_brand: "#ffffff".into(),
        },
        languages: vec!["en".into(), "de".into()],
        support_email: "help@kestrel.example".into(),
        link_hosts: vec!["kestrel.example".into()],
        status: Some(SiteStatus {
            open: false,
            away: Some(Away {
                reason: AwayReason::Closed,
                opens_at: 1_767_600_000_000,
            }),
            reply_within_hours: 4,
        }),
        turnstile_site_key: None,
    }
}

const SITE_KEY: &str = "1x00000000000000000000AA";

/// The German model with a loaded config whose site asks for Turnstile checks.
fn checked_model() -> Model {
    let mut m = model();
    update(
        &mut m,
        Msg::ConfigLoaded(WidgetConfig {
            turnstile_site_key: Some(SITE_KEY.into()),
            ..config()
        }),
    );
    m
}

/// The edge's answer with `code`, under the status the edge sends it with.
fn http(code: ErrorCode, retry_after_secs: Option<u32>) -> Failure {
    Failure::Http {
        status: code.status(),
        code: Some(code),
        retry_after_secs,
    }
}

/// The requests among `cmds`.
fn requests(cmds: &[Cmd]) -> Vec<&ChatRequest> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Send(r) => Some(&**r),
            _ => None,
        })
        .collect()
}

fn notice_text(m: &Model) -> &str {
    m.notice.as_ref().map_or("", |n| n.text.as_str())
}

fn typed(model: &mut Model, text: &str, id: &str) -> Vec<Cmd> {
    update(model, Msg::Draft(text.into()));
    update(model, Msg::Submit(stamp(id)))
}

fn response(id: &str, reply: Reply) -> ChatResponse {
    ChatResponse {
        v: 1,
        conversation_id: "conv1".into(),
        client_message_id: id.into(),
        reply,
        context: None,
    }
}

fn answer(text: &str, quick_replies: &[&str]) -> Reply {
    Reply::Answer(Answer {
        text: text.into(),
        topic: Topic::ShippingTime,
        rule: "shipping-time".into(),
        language: "en".into(),
        shopper_language: String::new(),
        quick_replies: quick_replies.iter().map(|s| s.to_string()).collect(),
        links: vec![
            Link {
                label: "Track".into(),
                url: "https://kestrel.example/track".into(),
            },
            Link {
                label: "Evil".into(),
                url: "javascript:alert(1)".into(),
            },
        ],
    })
}

fn handoff(ask_contact: bool, ask_order_number: bool) -> Reply {
    Reply::Handoff(Handoff {
        ticket: "FRY-7K2M9QXA".into(),
        text: "A person will reply.".into(),
        language: "en".into(),
        shopper_language: String::new(),
        urgency: Urgency::Normal,
        topic: Topic::Other,
        reply_by: 1_767_225_600_000,
        away: None,
        ask_contact,
        ask_order_number,
    })
}

fn sends(cmds: &[Cmd]) -> Vec<&str> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Send(r) => Some(r.client_message_id.as_str()),
            _ => None,
        })
        .collect()
}

fn failed(id: &str, failure: Failure) -> Msg {
    Msg::SendFailed {
        client_message_id: id.into(),
        failure,
        retry_at: None,
    }
}

fn state_of(m: &Model, wanted: &str) -> Option<Delivery> {
    m.entries.iter().find_map(|e| match e {
        Entry::Shopper { id, state, .. } if id == wanted => Some(*state),
        _ => None,
    })
}
