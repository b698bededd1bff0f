//! Any bytes as a `POST /v1/chat` or `POST /v1/contact` body: `parse_json` returns the value
//! or an error message; whatever parses and validates round-trips through serde_json.
#![no_main]

use ferry_shared::json::parse_json;
use ferry_shared::wire::{ChatRequest, ContactRequest, MAX_ID_LEN, MAX_TEXT_CHARS};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let bytes = serde_json::to_vec(value).expect("a validated request serialises");
    let back: T = parse_json(&bytes, "x").expect("serialised request parses back");
    assert_eq!(
        &back,
        value,
        "round trip through {}",
        String::from_utf8_lossy(&bytes)
    );
}

fn id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn error_ok(e: &str) {
    assert!(!e.trim().is_empty(), "empty parse error");
}

fuzz_target!(|data: &[u8]| {
    match parse_json::<ChatRequest>(data, "a JSON chat request") {
        Ok(req) => {
            if req.validate().is_ok() {
                assert!(id_ok(&req.site) && id_ok(&req.conversation_id));
                assert!(id_ok(&req.client_message_id));
                assert!(!req.text.trim().is_empty());
                assert!(req.text.chars().count() <= MAX_TEXT_CHARS);
                round_trip(&req);
            }
        }
        Err(e) => error_ok(&e),
    }
    match parse_json::<ContactRequest>(data, "a JSON contact request") {
        Ok(req) => {
            if req.validate().is_ok() {
                assert!(id_ok(&req.site) && id_ok(&req.ticket));
                assert!(req.contact.email.as_deref().is_some_and(|e| !e.is_empty()));
                round_trip(&req);
            }
        }
        Err(e) => error_ok(&e),
    }
});
