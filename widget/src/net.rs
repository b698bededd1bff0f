//! The network: `GET /v1/config` and `POST /v1/chat` on the Ferry edge, with `fetch`.
//!
//! Every outcome that is not the expected JSON becomes a [`Failure`] the model knows how to
//! show: no response at all (offline, timed out) is [`Failure::Network`], an error status is
//! [`Failure::Http`] with the `{"error":{"code"}}` body and `Retry-After` when present.

use ferry_shared::wire::{ChatRequest, ChatResponse, WidgetConfig};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

use crate::decode;
use crate::model::Failure;

/// A request that has not answered after this long is aborted and shown as retryable.
const TIMEOUT_MS: i32 = 20_000;

/// The site's widget configuration.
pub async fn config(api: &str, site: &str) -> Result<WidgetConfig, Failure> {
    let site = String::from(js_sys::encode_uri_component(site));
    let body = call("GET", &format!("{api}/v1/config?site={site}"), None).await?;
    decode::widget_config(&body).ok_or(Failure::Malformed)
}

/// Sends one shopper message; retries must pass the same request (same client message id).
pub async fn chat(api: &str, request: &ChatRequest) -> Result<ChatResponse, Failure> {
    let json = serde_json::to_string(request).map_err(|_| Failure::Malformed)?;
    let body = call("POST", &format!("{api}/v1/chat"), Some(&json)).await?;
    decode::chat_response(&body).ok_or(Failure::Malformed)
}

/// One fetch; `Ok` is the parsed JSON body of a 2xx response.
async fn call(method: &str, url: &str, json: Option<&str>) -> Result<JsValue, Failure> {
    let window = web_sys::window().ok_or(Failure::Network)?;
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(json) = json {
        let headers = Headers::new().map_err(|_| Failure::Network)?;
        headers
            .set("content-type", "application/json")
            .map_err(|_| Failure::Network)?;
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(json));
    }

    // A request that hangs must end in a visible, retryable failure.
    let controller = AbortController::new().ok();
    let abort = controller.map(|controller| {
        init.set_signal(Some(&controller.signal()));
        Closure::<dyn FnMut()>::new(move || controller.abort())
    });
    let timer = abort.as_ref().and_then(|abort| {
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                abort.as_ref().unchecked_ref(),
                TIMEOUT_MS,
            )
            .ok()
    });

    let result = read(&window, url, &init).await;

    if let Some(timer) = timer {
        window.clear_timeout_with_handle(timer);
    }
    drop(abort);
    result
}

async fn read(window: &web_sys::Window, url: &str, init: &RequestInit) -> Result<JsValue, Failure> {
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, init))
        .await
        .map_err(|_| Failure::Network)?
        .dyn_into()
        .map_err(|_| Failure::Network)?;
    // The browser's JSON parser: the wasm carries none (see `decode`).
    let body = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    if response.ok() {
        return body.ok_or(Failure::Malformed);
    }
    let retry_after_secs = response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u32>().ok());
    let code = body.as_ref().and_then(decode::error_code);
    Err(Failure::Http {
        status: response.status(),
        code,
        retry_after_secs,
    })
}
