//! The shopper's storage: the conversation id and the conversation log, per site, in
//! `localStorage` so they survive page changes on the shop.
//!
//! `localStorage` throws in some settings (Safari private mode quotas, blocked third-party
//! storage, sandboxed frames). Every access falls back to an in-memory map, so the widget
//! still works for the lifetime of the page, just without persistence.
//!
//! Keys: `ferry:<site>:conversation` (an id) and `ferry:<site>:log` (JSON of [`Entry`]s).

use std::cell::RefCell;

use crate::model::{Entry, is_id};
use crate::{browser, decode, encode};

thread_local! {
    /// The fallback store: a handful of keys, so a list (smaller in wasm than a hash map).
    static MEMORY: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(site: &str, name: &str) -> String {
    format!("ferry:{site}:{name}")
}

fn get(key: &str) -> Option<String> {
    if let Some(value) = local_storage().and_then(|s| s.get_item(key).ok().flatten()) {
        return Some(value);
    }
    MEMORY.with(|m| {
        m.borrow()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    })
}

fn set(key: &str, value: &str) {
    let stored = local_storage().is_some_and(|s| s.set_item(key, value).is_ok());
    MEMORY.with(|m| {
        let mut memory = m.borrow_mut();
        memory.retain(|(k, _)| k != key);
        if !stored {
            memory.push((key.to_string(), value.to_string()));
        }
    });
}

/// This site's conversation id: the stored one, or a new one (stored right away).
pub fn conversation_id(site: &str) -> String {
    let key = key(site, "conversation");
    if let Some(id) = get(&key).filter(|id| is_id(id)) {
        return id;
    }
    let id = browser::new_id();
    set(&key, &id);
    // A fresh conversation starts with an empty log.
    set(&self::key(site, "log"), "[]");
    id
}

/// The stored log of this site's conversation; empty if there is none or it does not parse.
pub fn load_log(site: &str) -> Vec<Entry> {
    get(&key(site, "log"))
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .map(|json| decode::entries(&json))
        .unwrap_or_default()
}

pub fn save_log(site: &str, entries: &[Entry]) {
    set(&key(site, "log"), &encode::entries(entries));
}
