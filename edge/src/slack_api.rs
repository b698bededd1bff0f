//! Slack's Web API, for destinations with a Slack app (`bot_token` and `channel` in the site
//! file): `chat.postMessage` posts a handoff so it has a `ts` (kept on the delivery; replies in
//! its thread come back through the Events API), `users.info` names a replying member.
//!
//! Settings: the bot token is the Worker secret the destination names; `SLACK_API_BASE`
//! (a Worker variable, default `https://slack.com/api`) points the calls elsewhere, for tests.

use ferry_shared::retry;
use ferry_shared::site::SlackApp;
use serde_json::Value;
use worker::{AbortSignal, Env, Fetch, Headers, Method, Request, RequestInit};

use crate::reply_store;

/// A failed call: the HTTP status when there was one, the receiver's `Retry-After`, and what
/// went wrong (the delivery records it and retries on its schedule).
pub struct Failure {
    pub status: Option<u16>,
    pub retry_after: Option<u32>,
    pub error: String,
}

impl Failure {
    fn local(error: impl std::fmt::Display) -> Failure {
        Failure {
            status: None,
            retry_after: None,
            error: error.to_string(),
        }
    }
}

const DEFAULT_API_BASE: &str = "https://slack.com/api";

fn api_base(env: &Env) -> String {
    env.var("SLACK_API_BASE")
        .ok()
        .map(|v| v.to_string())
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_API_BASE.to_string())
        .trim_end_matches('/')
        .to_string()
}

/// The bot token, when the destination has a Slack app and its secret is set (else the
/// destination posts to its incoming webhook).
pub fn bot_token(env: &Env, app: &SlackApp) -> Option<String> {
    env.secret(&app.bot_token)
        .ok()
        .map(|s| s.to_string())
        .filter(|t| !t.trim().is_empty())
}

fn call(
    env: &Env,
    method: Method,
    api: &str,
    token: &str,
    body: Option<String>,
) -> worker::Result<Request> {
    let headers = Headers::new();
    headers.set("authorization", &format!("Bearer {token}"))?;
    headers.set("user-agent", concat!("Ferry/", env!("CARGO_PKG_VERSION")))?;
    if body.is_some() {
        headers.set("content-type", "application/json; charset=utf-8")?;
    }
    let mut init = RequestInit::new();
    init.with_method(method)
        .with_headers(headers)
        .with_body(body.map(Into::into));
    Request::new_with_init(&format!("{}/{api}", api_base(env)), &init)
}

/// Posts `message` (Block Kit) to the app's channel for one delivery, and records the
/// message's channel and `ts` on it. A delivery that already has a message is not posted
/// again (the queue delivers at least once); an `update` of it (the shopper's email came
/// later) is posted in its thread.
pub async fn deliver(
    env: &Env,
    app: &SlackApp,
    token: &str,
    mut message: Value,
    (handoff_id, destination, update): (&str, &str, bool),
    timeout_ms: u32,
) -> Result<u16, Failure> {
    let posted = reply_store::slack_message(env, handoff_id, destination)
        .await
        .map_err(Failure::local)?;
    message["channel"] = Value::String(app.channel.clone());
    match posted {
        Some((channel, ts)) if update => {
            message["channel"] = Value::String(channel);
            message["thread_ts"] = Value::String(ts);
        }
        Some(_) => return Ok(200),
        None => {}
    }
    let first = message.get("thread_ts").is_none();
    let request = call(
        env,
        Method::Post,
        "chat.postMessage",
        token,
        Some(message.to_string()),
    )
    .map_err(|e| Failure::local(format!("chat.postMessage: {e}")))?;
    let signal = AbortSignal::from(web_sys::AbortSignal::timeout_with_u32(timeout_ms));
    let mut response = Fetch::Request(request)
        .send_with_signal(&signal)
        .await
        .map_err(|e| Failure::local(format!("chat.postMessage: {e}")))?;
    let status = response.status_code();
    if !(200..300).contains(&status) {
        let retry_after = response
            .headers()
            .get("retry-after")
            .ok()
            .flatten()
            .and_then(|v| retry::retry_after_secs(&v, crate::replies::now_ms()));
        return Err(Failure {
            status: Some(status),
            retry_after,
            error: format!("chat.postMessage: HTTP {status}"),
        });
    }
    let answer: Value = response
        .json()
        .await
        .map_err(|e| Failure::local(format!("chat.postMessage: not JSON: {e}")))?;
    let text = |k: &str| answer.get(k).and_then(Value::as_str).map(str::to_string);
    if answer.get("ok") != Some(&Value::Bool(true)) {
        // Slack answers 200 with `ok: false` and an error name (`channel_not_found`, …).
        return Err(Failure::local(format!(
            "chat.postMessage: {}",
            text("error").unwrap_or_else(|| "ok is not true".into())
        )));
    }
    let (Some(channel), Some(ts)) = (text("channel"), text("ts")) else {
        return Err(Failure::local(
            "chat.postMessage: no channel or ts in the answer",
        ));
    };
    if first {
        reply_store::set_slack_message(env, handoff_id, destination, &channel, &ts)
            .await
            .map_err(Failure::local)?;
    }
    Ok(status)
}

/// The name a member shows in Slack (`users.info`: display name, else real name, else user
/// name); `None` when the call fails.
pub async fn user_name(env: &Env, token: &str, user: &str) -> Option<String> {
    let api = format!(
        "users.info?user={}",
        user.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
    );
    let request = call(env, Method::Get, &api, token, None).ok()?;
    let mut response = Fetch::Request(request).send().await.ok()?;
    let answer: Value = response.json().await.ok()?;
    if answer.get("ok") != Some(&Value::Bool(true)) {
        return None;
    }
    let user = answer.get("user")?;
    let pick = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    pick(user.pointer("/profile/display_name"))
        .or_else(|| pick(user.pointer("/profile/real_name")))
        .or_else(|| pick(user.get("real_name")))
        .or_else(|| pick(user.get("name")))
}
