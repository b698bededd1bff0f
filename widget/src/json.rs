//! A parsed JSON value, as the browser's `JSON.parse` gives it (`JsValue`) or, natively in
//! tests and tools, serde_json's `Value`: the small trait [`decode`](crate::decode) and the
//! panel's word tables ([`i18n`](crate::i18n)) read through. A leaf: it knows no widget type.

use wasm_bindgen::{JsCast, JsValue};

/// A parsed JSON value.
pub trait Json: Sized {
    /// The member `key` of an object; `None` when missing or `null`.
    fn get(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
    fn boolean(&self) -> Option<bool>;
    /// The elements of an array.
    fn items(&self) -> Option<Vec<Self>>;
    /// The members of an object, in any order.
    fn members(&self) -> Option<Vec<(String, Self)>>;
}

impl Json for JsValue {
    fn get(&self, key: &str) -> Option<JsValue> {
        if !self.is_object() {
            return None;
        }
        let value = js_sys::Reflect::get(self, &JsValue::from_str(key)).ok()?;
        (!value.is_undefined() && !value.is_null()).then_some(value)
    }

    fn string(&self) -> Option<String> {
        self.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn items(&self) -> Option<Vec<JsValue>> {
        js_sys::Array::is_array(self).then(|| js_sys::Array::from(self).iter().collect())
    }

    fn members(&self) -> Option<Vec<(String, JsValue)>> {
        if !self.is_object() || js_sys::Array::is_array(self) {
            return None;
        }
        let object: &js_sys::Object = self.unchecked_ref();
        js_sys::Object::entries(object)
            .iter()
            .map(|pair| {
                let pair = js_sys::Array::from(&pair);
                Some((pair.get(0).as_string()?, pair.get(1)))
            })
            .collect()
    }
}

/// Natively (tests, tools) the parsed value is serde_json's.
#[cfg(not(target_arch = "wasm32"))]
impl Json for serde_json::Value {
    fn get(&self, key: &str) -> Option<serde_json::Value> {
        self.as_object()?.get(key).filter(|v| !v.is_null()).cloned()
    }
    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_string)
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn items(&self) -> Option<Vec<serde_json::Value>> {
        self.as_array().cloned()
    }
    fn members(&self) -> Option<Vec<(String, serde_json::Value)>> {
        Some(
            self.as_object()?
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }
}
