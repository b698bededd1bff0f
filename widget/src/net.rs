//! The network: `GET /v1/config`, `POST /v1/chat` and `POST /v1/contact` on the Ferry edge.
//!
//! The fetch itself is eight lines of JavaScript (`fetch.js`, a wasm-bindgen snippet): it
//! parses the JSON with the browser's parser and calls back once with the status, the body
//! and `Retry-After`. Doing it there rather than through Rust futures keeps the async
//! runtime (and about a fifth of the module) out of the widget.
//!
//! Every outcome that is not the expected JSON becomes a [`Failure`] the model knows how to
//! show: no response at all (offline, blocked, timed out) is [`Failure::Network`], an error
//! status is [`Failure::Http`] with the `{"error":{"code"}}` body and `Retry-After` when
//! present. Never credentials: the widget sets no cookies and sends none.

use ferry_shared::wire::{
    ChatRequest, ChatResponse, ContactRequest, ContactResponse, WidgetConfig,
};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::*;

use crate::decode;
use crate::model::Failure;

/// A request that has not answered after this long is aborted and shown as retryable.
const TIMEOUT_MS: u32 = 20_000;

#[wasm_bindgen(module = "/src/fetch.js")]
extern "C" {
    #[wasm_bindgen(js_name = ferryFetch)]
    fn ferry_fetch(method: &str, url: &str, json: Option<String>, timeout_ms: u32, done: &JsValue);
}

/// Where a result goes: called exactly once.
pub type Done<T> = Box<dyn FnOnce(Result<T, Failure>)>;

/// The site's widget configuration.
pub fn config(api: &str, site: &str, done: Done<WidgetConfig>) {
    let site = String::from(js_sys::encode_uri_component(site));
    call(
        "GET",
        &format!("{api}/v1/config?site={site}"),
        None,
        Box::new(|body| {
            done(body.and_then(|b| decode::widget_config(&b).ok_or(Failure::Malformed)))
        }),
    );
}

/// Sends one shopper message; retries must pass the same request (same client message id).
pub fn chat(api: &str, request: &ChatRequest, done: Done<ChatResponse>) {
    post(
        api,
        "chat",
        serde_json::to_string(request),
        Box::new(|body| {
            done(body.and_then(|b| decode::chat_response(&b).ok_or(Failure::Malformed)))
        }),
    );
}

/// Leaves the shopper's email (and order number) for a handoff that asked for them.
pub fn contact(api: &str, request: &ContactRequest, done: Done<ContactResponse>) {
    post(
        api,
        "contact",
        serde_json::to_string(request),
        Box::new(|body| {
            done(body.and_then(|b| decode::contact_response(&b).ok_or(Failure::Malformed)))
        }),
    );
}

fn post(api: &str, path: &str, json: serde_json::Result<String>, done: Done<JsValue>) {
    match json {
        Ok(json) => call("POST", &format!("{api}/v1/{path}"), Some(json), done),
        Err(_) => done(Err(Failure::Malformed)),
    }
}

/// One fetch; `done` gets the parsed JSON body of a 2xx response or the failure.
fn call(method: &str, url: &str, json: Option<String>, done: Done<JsValue>) {
    let callback = Closure::once_into_js(
        move |status: u16, body: JsValue, retry_after: Option<String>| {
            done(outcome(status, body, retry_after));
        },
    );
    ferry_fetch(method, url, json, TIMEOUT_MS, &callback);
}

fn outcome(status: u16, body: JsValue, retry_after: Option<String>) -> Result<JsValue, Failure> {
    let has_body = !body.is_null() && !body.is_undefined();
    match status {
        0 => Err(Failure::Network),
        200..=299 if has_body => Ok(body),
        200..=299 => Err(Failure::Malformed),
        _ => Err(Failure::Http {
            status,
            code: has_body.then(|| decode::error_code(&body)).flatten(),
            retry_after_secs: retry_after.and_then(|v| v.trim().parse().ok()),
        }),
    }
}
