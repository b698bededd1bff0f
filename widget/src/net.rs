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

use crate::i18n::{self, Ui};
use crate::model::Failure;
use crate::{decode, encode};

/// A request that has not answered after this long is aborted and shown as retryable.
const TIMEOUT_MS: u32 = 20_000;

#[wasm_bindgen(module = "/src/fetch.js")]
extern "C" {
    #[wasm_bindgen(js_name = ferryFetch)]
    fn ferry_fetch(method: &str, url: &str, json: Option<String>, timeout_ms: u32, done: &JsValue);
    /// The URL of a file beside the module (`widget/<version>/<path>`).
    #[wasm_bindgen(js_name = ferryAsset)]
    fn ferry_asset(path: &str) -> String;
}

/// Where a result goes: called exactly once.
pub type Done<T> = Box<dyn FnOnce(Result<T, Failure>)>;

/// `{api}/v1/{path}?site={site}`, the site id percent-encoded: every request names its site
/// in the URL, so the edge can answer a CORS preflight (which has no body) per site.
pub fn endpoint(api: &str, path: &str, site: &str) -> String {
    let mut url = format!("{api}/v1/{path}?site=");
    for b in site.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            url.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            url.push('%');
            url.push(char::from(HEX[usize::from(b >> 4)]));
            url.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    url
}

/// The site's widget configuration.
pub fn config(api: &str, site: &str, done: Done<WidgetConfig>) {
    call(
        "GET",
        &endpoint(api, "config", site),
        None,
        Box::new(|body| {
            done(body.and_then(|b| decode::widget_config(&b).ok_or(Failure::Malformed)))
        }),
    );
}

/// The panel's words in `code`: `i18n/<code>.json` beside the module (static, cached).
pub fn ui_table(code: &'static str, done: Done<Ui>) {
    call(
        "GET",
        &ferry_asset(&["i18n/", code, ".json"].concat()),
        None,
        Box::new(move |body| done(body.and_then(|b| i18n::ui(&b, code).ok_or(Failure::Malformed)))),
    );
}

/// Sends one shopper message; retries must pass the same request (same client message id).
pub fn chat(api: &str, request: &ChatRequest, done: Done<ChatResponse>) {
    post(
        &endpoint(api, "chat", &request.site),
        encode::chat_request(request),
        Box::new(|body| {
            done(body.and_then(|b| decode::chat_response(&b).ok_or(Failure::Malformed)))
        }),
    );
}

/// Leaves the shopper's email (and order number) for a handoff that asked for them.
pub fn contact(api: &str, request: &ContactRequest, done: Done<ContactResponse>) {
    post(
        &endpoint(api, "contact", &request.site),
        encode::contact_request(request),
        Box::new(|body| {
            done(body.and_then(|b| decode::contact_response(&b).ok_or(Failure::Malformed)))
        }),
    );
}

fn post(url: &str, json: String, done: Done<JsValue>) {
    call("POST", url, Some(json), done);
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

#[cfg(test)]
mod tests {
    use super::endpoint;

    #[test]
    fn every_url_names_its_site() {
        let api = "https://ferry.example";
        assert_eq!(
            endpoint(api, "chat", "demo"),
            "https://ferry.example/v1/chat?site=demo"
        );
        assert_eq!(
            endpoint(api, "contact", "kestrel_goods-2"),
            "https://ferry.example/v1/contact?site=kestrel_goods-2"
        );
        assert_eq!(
            endpoint(api, "config", "a b&c=d/é"),
            "https://ferry.example/v1/config?site=a%20b%26c%3Dd%2F%C3%A9"
        );
    }
}
