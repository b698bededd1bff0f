//! Writing the requests and the stored log as JSON, without serde_json's serializer.
//!
//! Why: what the widget writes is three shapes of strings, numbers and booleans; a serializer
//! generic over every serde type cost more of the module than these few lines. The mirror of
//! [`decode`](crate::decode).
//!
//! Drift guard: the tests write values with this module and with the serde derives (the source
//! of truth for the wire format: `ferry-shared`'s, and [`Entry`]'s for the log) and check that
//! both parse to the same JSON; strings with quotes, backslashes and control characters
//! included.

use ferry_shared::wire::{ChatRequest, Contact, ContactRequest, ConversationContext, Link};

use crate::model::{Delivery, Entry};

/// A JSON object being written: `{`, then members, then [`Object::end`].
struct Object<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Object<'a> {
    fn start(out: &'a mut String) -> Object<'a> {
        out.push('{');
        Object { out, first: true }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        string(self.out, key);
        self.out.push(':');
        self.out
    }

    fn text(&mut self, key: &str, value: &str) {
        string(self.key(key), value);
    }

    fn text_opt(&mut self, key: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.text(key, value);
        }
    }

    /// A text member left out when empty (the log's `skip_serializing_if = "String::is_empty"`).
    fn text_nonempty(&mut self, key: &str, value: &str) {
        if !value.is_empty() {
            self.text(key, value);
        }
    }

    fn number(&mut self, key: &str, value: i64) {
        let out = self.key(key);
        out.push_str(&value.to_string());
    }

    /// A `true` member; `false` is left out (the log's `skip_serializing_if = "is_false"`).
    fn flag(&mut self, key: &str, value: bool) {
        if value {
            self.key(key).push_str("true");
        }
    }

    fn end(self) {
        self.out.push('}');
    }
}

/// `value` as a JSON string: quotes, backslashes and control characters escaped.
fn string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = u32::from(c) as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[n >> 4]));
                out.push(char::from(HEX[n & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `[a,b,…]`, each item written by `write`.
fn array<T>(out: &mut String, items: &[T], write: impl Fn(&mut String, &T)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write(out, item);
    }
    out.push(']');
}

fn contact(out: &mut String, contact: &Contact) {
    let mut o = Object::start(out);
    o.text_opt("email", contact.email.as_deref());
    o.text_opt("name", contact.name.as_deref());
    o.text_opt("order_number", contact.order_number.as_deref());
    o.end();
}

fn context(out: &mut String, context: &ConversationContext) {
    let mut o = Object::start(out);
    o.text_opt("country", context.country.as_deref());
    o.text_opt("size", context.size.as_deref());
    o.end();
}

fn link(out: &mut String, link: &Link) {
    let mut o = Object::start(out);
    o.text("label", &link.label);
    o.text("url", &link.url);
    o.end();
}

/// The body of `POST /v1/chat`.
pub fn chat_request(request: &ChatRequest) -> String {
    let mut out = String::new();
    let mut o = Object::start(&mut out);
    o.number("v", i64::from(request.v));
    o.text("site", &request.site);
    o.text("conversation_id", &request.conversation_id);
    o.text("client_message_id", &request.client_message_id);
    o.text("text", &request.text);
    o.text_opt("page_url", request.page_url.as_deref());
    o.text_opt("locale", request.locale.as_deref());
    o.text_opt("time_zone", request.time_zone.as_deref());
    if let Some(c) = &request.contact {
        contact(o.key("contact"), c);
    }
    o.text_opt("country", request.country.as_deref());
    o.text_opt("previous_language", request.previous_language.as_deref());
    if let Some(c) = &request.context {
        context(o.key("context"), c);
    }
    o.text_opt("turnstile_token", request.turnstile_token.as_deref());
    o.end();
    out
}

/// The body of `POST /v1/contact`.
pub fn contact_request(request: &ContactRequest) -> String {
    let mut out = String::new();
    let mut o = Object::start(&mut out);
    o.number("v", i64::from(request.v));
    o.text("site", &request.site);
    o.text("conversation_id", &request.conversation_id);
    o.text("ticket", &request.ticket);
    contact(o.key("contact"), &request.contact);
    o.end();
    out
}

/// The stored conversation log (read back by [`decode::entries`](crate::decode::entries)).
pub fn entries(entries: &[Entry]) -> String {
    let mut out = String::new();
    array(&mut out, entries, entry);
    out
}

fn entry(out: &mut String, entry: &Entry) {
    let mut o = Object::start(out);
    match entry {
        Entry::Shopper { id, text, state } => {
            o.text("k", "shopper");
            o.text("id", id);
            o.text("text", text);
            o.text(
                "state",
                match state {
                    Delivery::Queued => "queued",
                    Delivery::Sending => "sending",
                    Delivery::Sent => "sent",
                },
            );
        }
        Entry::Bot {
            text,
            links,
            quick_replies,
            language,
        } => {
            o.text("k", "bot");
            o.text("text", text);
            if !links.is_empty() {
                array(o.key("links"), links, link);
            }
            if !quick_replies.is_empty() {
                array(o.key("quick_replies"), quick_replies, |out, r| {
                    string(out, r)
                });
            }
            o.text_nonempty("language", language);
        }
        Entry::Handoff {
            text,
            ticket,
            reply_by,
            language,
            ask_contact,
            ask_order_number,
            away,
        } => {
            o.text("k", "handoff");
            o.text("text", text);
            o.text("ticket", ticket);
            o.number("reply_by", *reply_by);
            o.text_nonempty("language", language);
            o.flag("ask_contact", *ask_contact);
            o.flag("ask_order_number", *ask_order_number);
            if let Some(away) = away {
                let mut a = Object::start(o.key("away"));
                a.text(
                    "reason",
                    match away.reason {
                        ferry_shared::wire::AwayReason::Closed => "closed",
                        ferry_shared::wire::AwayReason::Holiday => "holiday",
                    },
                );
                a.number("opens_at", away.opens_at);
                a.end();
            }
        }
        Entry::Contact { ticket, text } => {
            o.text("k", "contact");
            o.text("ticket", ticket);
            o.text("text", text);
        }
    }
    o.end();
}

#[cfg(test)]
mod tests {
    use ferry_shared::wire::{Away, AwayReason, WIRE_VERSION};
    use serde_json::Value;

    use super::*;

    /// Text that needs every escape.
    const NASTY: &str =
        "a \"quoted\" \\ back\\slash\nnew\tline\r\u{1}\u{1f}\u{7f} é 日本 😀 </script>";

    fn parse(json: &str) -> Value {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
    }

    fn serde<T: serde::Serialize>(value: &T) -> Value {
        serde_json::to_value(value).expect("serializes")
    }

    fn full_request() -> ChatRequest {
        ChatRequest {
            v: WIRE_VERSION,
            site: "demo".into(),
            conversation_id: "c1".into(),
            client_message_id: "m1".into(),
            text: NASTY.into(),
            page_url: Some("https://shop.example/p?q=\"x\"".into()),
            locale: Some("pt-BR".into()),
            time_zone: Some("America/Sao_Paulo".into()),
            contact: Some(Contact {
                email: Some("a@b.example".into()),
                name: Some(NASTY.into()),
                order_number: None,
            }),
            country: Some("BR".into()),
            previous_language: Some("pt".into()),
            context: Some(ConversationContext {
                country: Some("MX".into()),
                size: Some("eu 38.5".into()),
            }),
            turnstile_token: Some("tok".into()),
        }
    }

    #[test]
    fn chat_requests_are_what_serde_writes() {
        let full = full_request();
        let bare = ChatRequest {
            page_url: None,
            locale: None,
            time_zone: None,
            contact: None,
            country: None,
            previous_language: None,
            context: None,
            turnstile_token: None,
            text: String::new(),
            ..full.clone()
        };
        let empty_parts = ChatRequest {
            contact: Some(Contact::default()),
            context: Some(ConversationContext::default()),
            ..bare.clone()
        };
        for request in [full, bare, empty_parts] {
            let json = chat_request(&request);
            assert_eq!(parse(&json), serde(&request), "{json}");
            // And the edge reads it back as the same request.
            let back: ChatRequest = serde_json::from_str(&json).expect("the edge's type");
            assert_eq!(back, request);
        }
    }

    #[test]
    fn contact_requests_are_what_serde_writes() {
        for contact in [
            Contact {
                email: Some(NASTY.into()),
                name: None,
                order_number: Some("#12".into()),
            },
            Contact::default(),
        ] {
            let request = ContactRequest {
                v: WIRE_VERSION,
                site: "demo".into(),
                conversation_id: "c1".into(),
                ticket: "T-1".into(),
                contact,
            };
            let json = contact_request(&request);
            assert_eq!(parse(&json), serde(&request), "{json}");
        }
    }

    #[test]
    fn the_log_is_what_serde_writes_and_reads_back() {
        let log = vec![
            Entry::Shopper {
                id: "m1".into(),
                text: NASTY.into(),
                state: Delivery::Queued,
            },
            Entry::Shopper {
                id: "m2".into(),
                text: "x".into(),
                state: Delivery::Sending,
            },
            Entry::Shopper {
                id: "m3".into(),
                text: "y".into(),
                state: Delivery::Sent,
            },
            Entry::Bot {
                text: NASTY.into(),
                links: vec![Link {
                    label: "Track \"it\"".into(),
                    url: "https://shop.example/t".into(),
                }],
                quick_replies: vec!["a".into(), NASTY.into()],
                language: "de".into(),
            },
            Entry::Bot {
                text: "plain".into(),
                links: Vec::new(),
                quick_replies: Vec::new(),
                language: String::new(),
            },
            Entry::Handoff {
                text: "t".into(),
                ticket: "T-1".into(),
                reply_by: 1_767_225_600_000,
                language: "en".into(),
                ask_contact: true,
                ask_order_number: true,
                away: Some(Away {
                    reason: AwayReason::Holiday,
                    opens_at: -5,
                }),
            },
            Entry::Handoff {
                text: "t".into(),
                ticket: "T-2".into(),
                reply_by: 0,
                language: String::new(),
                ask_contact: false,
                ask_order_number: false,
                away: Some(Away {
                    reason: AwayReason::Closed,
                    opens_at: 1,
                }),
            },
            Entry::Handoff {
                text: "t".into(),
                ticket: "T-3".into(),
                reply_by: 2,
                language: String::new(),
                ask_contact: false,
                ask_order_number: true,
                away: None,
            },
            Entry::Contact {
                ticket: "T-1".into(),
                text: NASTY.into(),
            },
        ];
        let json = entries(&log);
        assert_eq!(parse(&json), serde(&log), "{json}");
        // Read back, a message that was on its way when the page unloaded is queued again.
        let resumed: Vec<Entry> = log
            .iter()
            .cloned()
            .map(|e| match e {
                Entry::Shopper {
                    id,
                    text,
                    state: Delivery::Sending,
                } => Entry::Shopper {
                    id,
                    text,
                    state: Delivery::Queued,
                },
                e => e,
            })
            .collect();
        assert_eq!(crate::decode::entries(&parse(&json)), resumed);
        assert_eq!(entries(&[]), "[]");
    }

    #[test]
    fn every_control_character_is_escaped() {
        for c in (0u32..0x20).filter_map(char::from_u32) {
            let text = c.to_string();
            let mut out = String::new();
            string(&mut out, &text);
            assert!(out.chars().all(|c| u32::from(c) >= 0x20), "{out:?}");
            assert_eq!(parse(&out), Value::String(text));
        }
    }
}
