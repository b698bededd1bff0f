//! Reading JSON into the wire types and the stored log, without serde's deserializer.
//!
//! Why: serde_json deserialization (parser, derived visitors, error messages that pull in
//! float formatting) was about half of the shipped `.wasm` (≈46 KB of ≈97 KB gzipped). The
//! browser parses JSON natively (`Response.json()`, `JSON.parse`); this module walks the
//! parsed value through the small [`Json`] trait and builds the `ferry-shared` types.
//!
//! Drift guard: the tests serialize the shared types with their serde derives (the source of
//! truth for the wire format) into `serde_json::Value`, which also implements [`Json`], and
//! check that reading them back gives the same values.
//!
//! Reading is strict about what the widget shows (texts, ids, tickets) and lenient about
//! what it ignores (an unknown topic or urgency from a newer edge reads as `other`/`normal`),
//! so a cached widget keeps working when the edge grows.

use std::collections::BTreeMap;

use ferry_shared::Topic;
use ferry_shared::wire::{
    Answer, Away, AwayReason, ChatResponse, Colors, ContactResponse, ConversationContext,
    ErrorCode, Handoff, Link, Reply, SiteStatus, Urgency, WidgetConfig,
};

use crate::json::Json;
use crate::model::{Delivery, Entry};

fn text<J: Json>(json: &J, key: &str) -> Option<String> {
    json.get(key)?.string()
}

fn integer<J: Json>(json: &J, key: &str) -> Option<i64> {
    let n = json.get(key)?.number()?;
    (n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
}

/// A boolean member; absent or not a boolean is false.
fn flag<J: Json>(json: &J, key: &str) -> bool {
    json.get(key).and_then(|v| v.boolean()).unwrap_or(false)
}

fn strings<J: Json>(json: &J) -> Option<Vec<String>> {
    json.items()?.iter().map(J::string).collect()
}

/// An optional list: missing is empty, present but malformed is an error.
fn list<J: Json, T>(json: &J, key: &str, read: impl Fn(&J) -> Option<T>) -> Option<Vec<T>> {
    match json.get(key) {
        None => Some(Vec::new()),
        Some(items) => items.items()?.iter().map(read).collect(),
    }
}

fn map<J: Json, T>(json: &J, read: impl Fn(&J) -> Option<T>) -> Option<BTreeMap<String, T>> {
    // Inserting one by one: collecting into a BTreeMap links a sort routine.
    let mut map = BTreeMap::new();
    for (key, value) in json.members()? {
        map.insert(key, read(&value)?);
    }
    Some(map)
}

fn topic<J: Json>(json: &J) -> Option<Topic> {
    Some(Topic::parse(&text(json, "topic")?).unwrap_or(Topic::Other))
}

fn link<J: Json>(json: &J) -> Option<Link> {
    Some(Link {
        label: text(json, "label")?,
        url: text(json, "url")?,
    })
}

/// `GET /v1/config`.
pub fn widget_config<J: Json>(json: &J) -> Option<WidgetConfig> {
    let colors = json.get("colors")?;
    Some(WidgetConfig {
        v: u16::try_from(integer(json, "v")?).ok()?,
        site: text(json, "site")?,
        shop_name: text(json, "shop_name")?,
        greeting: map(&json.get("greeting")?, J::string)?,
        quick_replies: match json.get("quick_replies") {
            None => BTreeMap::new(),
            Some(replies) => map(&replies, strings)?,
        },
        colors: Colors {
            brand: text(&colors, "brand")?,
            on_brand: text(&colors, "on_brand")?,
        },
        languages: strings(&json.get("languages")?)?,
        support_email: text(json, "support_email")?,
        link_hosts: list(json, "link_hosts", J::string)?,
        // Only a hint for the header: a missing or malformed status reads as unknown.
        status: json.get("status").as_ref().and_then(site_status),
        turnstile_site_key: json.get("turnstile_site_key").and_then(|k| k.string()),
    })
}

fn site_status<J: Json>(json: &J) -> Option<SiteStatus> {
    Some(SiteStatus {
        open: json.get("open")?.boolean()?,
        away: json.get("away").as_ref().and_then(away),
        reply_within_hours: u32::try_from(integer(json, "reply_within_hours")?).ok()?,
    })
}

/// `POST /v1/chat`.
pub fn chat_response<J: Json>(json: &J) -> Option<ChatResponse> {
    let reply = json.get("reply")?;
    let reply = match text(&reply, "kind")?.as_str() {
        "answer" => Reply::Answer(Answer {
            text: text(&reply, "text")?,
            topic: topic(&reply)?,
            rule: text(&reply, "rule")?,
            language: text(&reply, "language")?,
            shopper_language: text(&reply, "shopper_language").unwrap_or_default(),
            quick_replies: list(&reply, "quick_replies", J::string)?,
            links: list(&reply, "links", link)?,
        }),
        "handoff" => Reply::Handoff(Handoff {
            ticket: text(&reply, "ticket")?,
            text: text(&reply, "text")?,
            language: text(&reply, "language")?,
            shopper_language: text(&reply, "shopper_language").unwrap_or_default(),
            urgency: match text(&reply, "urgency")?.as_str() {
                "low" => Urgency::Low,
                "high" => Urgency::High,
                "urgent" => Urgency::Urgent,
                _ => Urgency::Normal,
            },
            topic: topic(&reply)?,
            reply_by: integer(&reply, "reply_by")?,
            away: reply.get("away").as_ref().and_then(away),
            ask_contact: flag(&reply, "ask_contact"),
            ask_order_number: flag(&reply, "ask_order_number"),
        }),
        _ => return None,
    };
    Some(ChatResponse {
        v: u16::try_from(integer(json, "v")?).ok()?,
        conversation_id: text(json, "conversation_id")?,
        client_message_id: text(json, "client_message_id")?,
        reply,
        context: json.get("context").as_ref().and_then(context),
    })
}

/// A reply's `context`: what it cannot read is left out (the next message goes without it).
fn context<J: Json>(json: &J) -> Option<ConversationContext> {
    let read = |key: &str| text(json, key).filter(|v| v.len() <= 16);
    let context = ConversationContext {
        country: read("country").filter(|c| c.len() == 2),
        size: read("size"),
    };
    (!context.is_empty()).then_some(context)
}

/// The `code` of an error body `{"error":{"code","message"}}`; a name this build does not
/// know (a newer edge's) reads as [`ErrorCode::Unknown`].
pub fn error_code<J: Json>(json: &J) -> Option<ErrorCode> {
    Some(ErrorCode::from_name(&text(&json.get("error")?, "code")?))
}

/// `{"reason", "opens_at"}`: why nobody is at the inbox, and until when.
fn away<J: Json>(json: &J) -> Option<Away> {
    Some(Away {
        reason: match text(json, "reason")?.as_str() {
            "holiday" => AwayReason::Holiday,
            _ => AwayReason::Closed,
        },
        opens_at: integer(json, "opens_at")?,
    })
}

/// `POST /v1/contact`.
pub fn contact_response<J: Json>(json: &J) -> Option<ContactResponse> {
    Some(ContactResponse {
        v: u16::try_from(integer(json, "v")?).ok()?,
        ticket: text(json, "ticket")?,
        text: text(json, "text").unwrap_or_default(),
    })
}

/// The stored log (written with [`Entry`]'s serde derive). Entries this version cannot read
/// are skipped rather than losing the whole conversation.
pub fn entries<J: Json>(json: &J) -> Vec<Entry> {
    json.items()
        .unwrap_or_default()
        .iter()
        .filter_map(entry)
        .collect()
}

fn entry<J: Json>(json: &J) -> Option<Entry> {
    Some(match text(json, "k")?.as_str() {
        "shopper" => Entry::Shopper {
            id: text(json, "id")?,
            text: text(json, "text")?,
            // Anything not known to be answered goes back into the outbox.
            state: match text(json, "state")?.as_str() {
                "sent" => Delivery::Sent,
                _ => Delivery::Queued,
            },
        },
        "bot" => Entry::Bot {
            text: text(json, "text")?,
            links: list(json, "links", link)?,
            quick_replies: list(json, "quick_replies", J::string)?,
            language: text(json, "language").unwrap_or_default(),
        },
        "handoff" => Entry::Handoff {
            text: text(json, "text")?,
            ticket: text(json, "ticket")?,
            reply_by: integer(json, "reply_by")?,
            language: text(json, "language").unwrap_or_default(),
            ask_contact: flag(json, "ask_contact"),
            ask_order_number: flag(json, "ask_order_number"),
            away: json.get("away").as_ref().and_then(away),
        },
        "contact" => Entry::Contact {
            ticket: text(json, "ticket")?,
            text: text(json, "text")?,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use ferry_shared::wire::{ErrorBody, ErrorDetail};
    use serde_json::{Value, json};

    use super::*;

    fn value<T: serde::Serialize>(t: &T) -> Value {
        serde_json::to_value(t).expect("serializes")
    }

    fn response(reply: Reply) -> ChatResponse {
        ChatResponse {
            v: 1,
            conversation_id: "c1".into(),
            client_message_id: "m1".into(),
            reply,
            context: None,
        }
    }

    #[test]
    fn chat_responses_read_back_as_the_shared_serde_wrote_them() {
        let answer = response(Reply::Answer(Answer {
            text: "3–5 days".into(),
            topic: Topic::CustomsDuties,
            rule: "customs-duties".into(),
            language: "en".into(),
            shopper_language: String::new(),
            quick_replies: vec!["Size guide".into()],
            links: vec![Link {
                label: "Track".into(),
                url: "https://x.example/t".into(),
            }],
        }));
        let bare = response(Reply::Answer(Answer {
            text: "Hi".into(),
            topic: Topic::Greeting,
            rule: "greeting".into(),
            language: "de".into(),
            shopper_language: String::new(),
            quick_replies: Vec::new(),
            links: Vec::new(),
        }));
        let handoff = response(Reply::Handoff(Handoff {
            ticket: "FRY-7K2M9QXA".into(),
            text: "A person will reply.".into(),
            language: "en".into(),
            shopper_language: String::new(),
            urgency: Urgency::Urgent,
            topic: Topic::Safety,
            reply_by: 1_767_225_600_000,
            away: None,
            ask_contact: false,
            ask_order_number: false,
        }));
        let away = response(Reply::Handoff(Handoff {
            ticket: "FRY-7K2M9QXB".into(),
            text: "A person will reply on Monday.".into(),
            language: "en".into(),
            shopper_language: String::new(),
            urgency: Urgency::Normal,
            topic: Topic::Other,
            reply_by: 1_767_225_600_000,
            away: Some(Away {
                reason: AwayReason::Holiday,
                opens_at: 1_767_225_000_000,
            }),
            ask_contact: true,
            ask_order_number: true,
        }));
        let mut with_context = answer.clone();
        with_context.context = Some(ConversationContext {
            country: Some("MX".into()),
            size: Some("us 8".into()),
        });
        let mut country_only = bare.clone();
        country_only.context = Some(ConversationContext {
            country: Some("BR".into()),
            size: None,
        });
        for r in [answer, bare, handoff, away, with_context, country_only] {
            assert_eq!(chat_response(&value(&r)), Some(r));
        }
    }

    #[test]
    fn the_demo_config_reads_back() {
        let config = WidgetConfig {
            v: 1,
            site: "demo".into(),
            shop_name: "Kestrel Goods".into(),
            greeting: BTreeMap::from([("en".into(), "Hi!".into()), ("de".into(), "Hallo!".into())]),
            quick_replies: BTreeMap::from([("en".into(), vec!["Shipping times".into()])]),
            colors: Colors {
                brand: "#0f766e".into(),
                on_brand: "#ffffff".into(),
            },
            languages: vec!["en".into(), "de".into()],
            support_email: "help@kestrel.example".into(),
            link_hosts: vec!["help.kestrel.example".into(), "kestrel.example".into()],
            status: Some(SiteStatus {
                open: false,
                away: Some(Away {
                    reason: AwayReason::Holiday,
                    opens_at: 1_767_225_600_000,
                }),
                reply_within_hours: 8,
            }),
            turnstile_site_key: Some("0x4AAAAAAAferrytest".into()),
        };
        assert_eq!(widget_config(&value(&config)), Some(config.clone()));
        let mut without = value(&config);
        for key in [
            "quick_replies",
            "link_hosts",
            "status",
            "turnstile_site_key",
        ] {
            without.as_object_mut().expect("object").remove(key);
        }
        let read = widget_config(&without).expect("these fields are optional");
        assert!(read.quick_replies.is_empty());
        assert!(read.link_hosts.is_empty());
        assert_eq!(read.status, None);
        assert_eq!(read.turnstile_site_key, None);
        // Open, and closed for the evening, as the edge writes them.
        for status in [
            SiteStatus {
                open: true,
                away: None,
                reply_within_hours: 24,
            },
            SiteStatus {
                open: false,
                away: Some(Away {
                    reason: AwayReason::Closed,
                    opens_at: 1_767_254_400_000,
                }),
                reply_within_hours: 8,
            },
        ] {
            let config = WidgetConfig {
                status: Some(status),
                ..config.clone()
            };
            assert_eq!(widget_config(&value(&config)), Some(config));
        }
    }

    #[test]
    fn a_malformed_status_reads_as_unknown() {
        let mut json = json!({"v":1,"site":"demo","shop_name":"K","greeting":{"en":"Hi"},
            "colors":{"brand":"#000","on_brand":"#fff"},"languages":["en"],
            "support_email":"h@k.example","link_hosts":["k.example"]});
        for status in [
            json!("open"),
            json!({"open":"yes","reply_within_hours":8}),
            json!({"open":true}),
            json!({"open":true,"reply_within_hours":-1}),
            json!({"open":true,"reply_within_hours":1.5}),
        ] {
            json["status"] = status.clone();
            let read = widget_config(&json).expect("the rest still reads");
            assert_eq!(read.status, None, "{status}");
            assert_eq!(read.link_hosts, ["k.example"]);
        }
        // A malformed `away` leaves the status, without the reason.
        json["status"] = json!({"open":false,"away":{"reason":"closed"},"reply_within_hours":8});
        let read = widget_config(&json).expect("reads");
        assert_eq!(
            read.status,
            Some(SiteStatus {
                open: false,
                away: None,
                reply_within_hours: 8
            })
        );
        // Hosts are what the widget checks links against: a malformed list is an error.
        json["link_hosts"] = json!(["k.example", 7]);
        assert_eq!(widget_config(&json), None);
    }

    #[test]
    fn newer_edges_and_broken_bodies() {
        // Unknown extra fields, topic and urgency: still readable.
        let newer = json!({"v":1,"conversation_id":"c","client_message_id":"m","extra":true,
            "reply":{"kind":"handoff","ticket":"FRY-1","text":"t","language":"en",
                     "urgency":"critical","topic":"space.travel","reply_by":5}});
        let Some(ChatResponse {
            reply: Reply::Handoff(h),
            ..
        }) = chat_response(&newer)
        else {
            panic!("readable")
        };
        assert_eq!((h.urgency, h.topic), (Urgency::Normal, Topic::Other));
        // What the shopper would see must be there and well-typed.
        for broken in [
            json!({"v":1,"conversation_id":"c","client_message_id":"m","reply":{"kind":"answer"}}),
            json!({"v":1,"conversation_id":"c","client_message_id":"m","reply":{"kind":"poll"}}),
            json!({"v":1,"conversation_id":"c","client_message_id":"m","reply":{"kind":"handoff",
                "ticket":"T","text":"t","language":"en","urgency":"low","topic":"other","reply_by":1.5}}),
            json!([1, 2]),
            json!("text"),
        ] {
            assert_eq!(chat_response(&broken), None, "{broken}");
        }
        assert_eq!(error_code(&json!({"message": "plain"})), None);
        assert_eq!(error_code(&json!({"error": {"message": "no code"}})), None);
    }

    #[test]
    fn every_error_code_reads_back_as_the_shared_serde_wrote_it() {
        for code in ErrorCode::ALL {
            let error = ErrorBody {
                error: ErrorDetail {
                    code,
                    message: "m".into(),
                },
            };
            assert_eq!(error_code(&value(&error)), Some(code), "{code:?}");
        }
        // A code from a newer edge is still a code: the status decides what to do with it.
        let newer = json!({"error": {"code": "teapot", "message": "m"}});
        assert_eq!(error_code(&newer), Some(ErrorCode::Unknown));
    }

    #[test]
    fn the_stored_log_roundtrips_and_skips_what_it_cannot_read() {
        let log = vec![
            Entry::Shopper {
                id: "m1".into(),
                text: "hi".into(),
                state: Delivery::Sent,
            },
            Entry::Shopper {
                id: "m2".into(),
                text: "x".into(),
                state: Delivery::Queued,
            },
            Entry::Bot {
                text: "Hello".into(),
                links: vec![Link {
                    label: "L".into(),
                    url: "https://x.example".into(),
                }],
                quick_replies: vec!["Q".into()],
                language: "pt".into(),
            },
            Entry::Bot {
                text: "Plain".into(),
                links: Vec::new(),
                quick_replies: Vec::new(),
                language: String::new(),
            },
            Entry::Handoff {
                text: "t".into(),
                ticket: "FRY-2".into(),
                reply_by: 42,
                language: "de".into(),
                ask_contact: false,
                ask_order_number: false,
                away: None,
            },
            Entry::Handoff {
                text: "t".into(),
                ticket: "FRY-3".into(),
                reply_by: 43,
                language: "de".into(),
                ask_contact: true,
                ask_order_number: true,
                away: Some(Away {
                    reason: AwayReason::Holiday,
                    opens_at: 44,
                }),
            },
            Entry::Contact {
                ticket: "FRY-3".into(),
                text: "Danke".into(),
            },
        ];
        assert_eq!(entries(&value(&log)), log);
        let mut stored = value(&log);
        stored
            .as_array_mut()
            .expect("array")
            .push(json!({"k": "video", "url": "x"}));
        assert_eq!(entries(&stored), log);
        assert_eq!(entries(&json!({"not": "a list"})), Vec::new());
        // Logs written by the previous widget: "sending"/"failed" come back queued.
        let old = json!([{"k": "shopper", "id": "m1", "text": "hi", "state": "failed"}]);
        assert!(matches!(
            entries(&old).as_slice(),
            [Entry::Shopper {
                state: Delivery::Queued,
                ..
            }]
        ));
    }

    #[test]
    fn a_contact_response_roundtrips() {
        let response = ContactResponse {
            v: 1,
            ticket: "FRY-7K2M9QXA".into(),
            text: "Thanks!".into(),
        };
        assert_eq!(contact_response(&value(&response)), Some(response));
        assert_eq!(contact_response(&json!({"v": 1})), None);
    }
}
