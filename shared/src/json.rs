//! Request bodies: JSON into a wire type, with an error a client can act on.
//!
//! - An empty body: `empty body; send {what}`.
//! - A value of the wrong shape: `` `path`: what serde says `` (the path of the bad field,
//!   e.g. `` `contact.email`: invalid type: integer `5`, expected a string at line 1 column 9 ``),
//!   or serde's message alone when the whole document is the wrong shape.
//! - Anything else (syntax, EOF, non-UTF-8): `malformed JSON: …`.
//!
//! The messages go back to the client in a 400; they hold no server state.

/// Parses a JSON body into `T`, naming the field that is wrong; `what` completes "send …".
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, String> {
    if body.is_empty() {
        return Err(format!("empty body; send {what}"));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    let describe = |inner: serde_json::Error, path: String| match inner.classify() {
        serde_json::error::Category::Data if path != "." && path != "?" => {
            format!("`{path}`: {inner}")
        }
        serde_json::error::Category::Data => inner.to_string(),
        _ => format!("malformed JSON: {inner}"),
    };
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        describe(e.into_inner(), path)
    })?;
    // One JSON document, nothing after it (`{…} trailing` is not a request).
    de.end().map_err(|e| describe(e, String::new()))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{ChatRequest, ContactRequest};

    const WHAT: &str = "a JSON chat request";

    fn err<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        match parse_json::<T>(body.as_bytes(), WHAT) {
            Ok(v) => panic!("{body} parsed: {v:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn parses_a_request() {
        let body = br#"{"site":"demo","conversation_id":"c","client_message_id":"m","text":"hi"}"#;
        let req: ChatRequest = parse_json(body, WHAT).expect("parses");
        assert_eq!((req.v, req.text.as_str()), (1, "hi"));
    }

    #[test]
    fn empty_body_says_what_to_send() {
        assert_eq!(
            err::<ChatRequest>(""),
            "empty body; send a JSON chat request"
        );
    }

    #[test]
    fn names_the_bad_field() {
        let e = err::<ChatRequest>(
            r#"{"site":"demo","conversation_id":"c","client_message_id":"m","text":5}"#,
        );
        assert!(e.starts_with("`text`: invalid type: integer `5`"), "{e}");
        let e = err::<ContactRequest>(
            r#"{"site":"demo","conversation_id":"c","ticket":"t","contact":{"email":5}}"#,
        );
        assert!(e.starts_with("`contact.email`: invalid type"), "{e}");
    }

    #[test]
    fn a_missing_field_or_wrong_document_has_no_path() {
        let e = err::<ChatRequest>(r#"{"site":"demo"}"#);
        assert!(e.starts_with("missing field `conversation_id`"), "{e}");
        let e = err::<ChatRequest>("true");
        assert!(e.starts_with("invalid type: boolean `true`"), "{e}");
    }

    #[test]
    fn syntax_errors_are_malformed_json() {
        for body in ["{", "{\"site\":}", "nul", "[1,]", "\u{feff}{}"] {
            let e = err::<ChatRequest>(body);
            assert!(e.starts_with("malformed JSON: "), "{body}: {e}");
        }
        let e = parse_json::<ChatRequest>(b"{\"site\":\"\xff\"}", WHAT).expect_err("not UTF-8");
        assert!(e.starts_with("malformed JSON: "), "{e}");
    }
}
