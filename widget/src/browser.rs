//! Facts the widget reads from the browser that are neither DOM, network nor storage:
//! random ids, the page URL, the shopper's locale and time zone, and local time formatting.
//!
//! Every function degrades instead of throwing: a missing API gives `None` or a fallback.

use js_sys::{Array, Date, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::model::{Client, Stamp};

/// 32 hex characters from the platform CSPRNG: `crypto.randomUUID()` without dashes where it
/// exists (secure contexts), `crypto.getRandomValues()` otherwise. Empty if neither works,
/// which the model treats as "cannot send".
pub fn new_id() -> String {
    let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) else {
        return String::new();
    };
    let has_uuid =
        Reflect::get(&crypto, &JsValue::from_str("randomUUID")).is_ok_and(|f| f.is_function());
    if has_uuid {
        return crypto.random_uuid().replace('-', "");
    }
    let mut bytes = [0u8; 16];
    if crypto.get_random_values_with_u8_array(&mut bytes).is_err() {
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh message id and the current page, taken when the shopper sends.
pub fn stamp() -> Stamp {
    Stamp {
        message_id: new_id(),
        page_url: page_url(),
    }
}

/// `location.href`.
pub fn page_url() -> Option<String> {
    web_sys::window()?.location().href().ok()
}

/// `navigator.language`, e.g. `pt-BR`.
pub fn locale() -> Option<String> {
    web_sys::window()?.navigator().language()
}

/// `Intl.DateTimeFormat().resolvedOptions().timeZone`, e.g. `America/Sao_Paulo`.
pub fn time_zone() -> Option<String> {
    let options = Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
    Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()?
        .as_string()
}

/// `navigator.onLine`: false only when the browser knows it has no network.
pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// The facts sent with every message.
pub fn client() -> Client {
    Client {
        locale: locale(),
        time_zone: time_zone(),
    }
}

/// `epoch_ms` as local weekday, date and time in the shopper's locale, without the year
/// (reply-by and opening times are days away at most), e.g. "Mon, Nov 30, 9:00 AM".
pub fn format_time(epoch_ms: i64, locale: Option<&str>) -> String {
    let date = Date::new(&JsValue::from_f64(epoch_ms as f64));
    let options = Object::new();
    for (key, value) in [
        ("weekday", "short"),
        ("day", "numeric"),
        ("month", "short"),
        ("hour", "numeric"),
        ("minute", "2-digit"),
    ] {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&options, &key.into(), &value.into());
    }
    // `locale` was checked with `is_locale_tag` by the model; an unknown but well-formed tag
    // falls back to the browser default inside Intl.
    let text = date.to_locale_string(locale.unwrap_or("en"), &options);
    String::from(text)
}
