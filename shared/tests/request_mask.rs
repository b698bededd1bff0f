//! No card number survives the masking of a request: every free-text field of every request
//! type the Worker accepts (`ChatRequest::mask`, `ContactRequest::mask`), one table row per
//! field, and a property over random cards, separators, surroundings and fields.

use ferry_shared::wire::{ChatRequest, Contact, ContactRequest};
use proptest::prelude::*;

/// A field a shopper can type into, and how to put `value` there.
#[derive(Debug, Clone, Copy)]
enum Field {
    ChatText,
    ChatPageUrl,
    ChatEmail,
    ChatName,
    ChatOrder,
    ContactEmail,
    ContactName,
    ContactOrder,
}

const FIELDS: [Field; 8] = [
    Field::ChatText,
    Field::ChatPageUrl,
    Field::ChatEmail,
    Field::ChatName,
    Field::ChatOrder,
    Field::ContactEmail,
    Field::ContactName,
    Field::ContactOrder,
];

fn chat() -> ChatRequest {
    serde_json::from_value(serde_json::json!({
        "v": 1, "site": "demo", "conversation_id": "c", "client_message_id": "m",
        "text": "where is my order", "contact": {"email": "ana@example.com"},
    }))
    .expect("a valid ChatRequest")
}

fn contact() -> ContactRequest {
    ContactRequest {
        v: 1,
        site: "demo".into(),
        conversation_id: "c".into(),
        ticket: "FRY-ABCDEFGH".into(),
        contact: Contact {
            email: Some("ana@example.com".into()),
            ..Contact::default()
        },
    }
}

fn chat_contact(req: &mut ChatRequest) -> &mut Contact {
    req.contact.get_or_insert_default()
}

/// The request with `value` in `field`, masked, as the JSON the Worker would store and send.
fn masked_json(field: Field, value: &str) -> String {
    let text = value.to_string();
    let value = Some(text.clone());
    match field {
        Field::ChatText
        | Field::ChatPageUrl
        | Field::ChatEmail
        | Field::ChatName
        | Field::ChatOrder => {
            let mut req = chat();
            match field {
                Field::ChatText => req.text = text,
                Field::ChatPageUrl => req.page_url = value,
                Field::ChatEmail => chat_contact(&mut req).email = value,
                Field::ChatName => chat_contact(&mut req).name = value,
                _ => chat_contact(&mut req).order_number = value,
            }
            req.mask();
            serde_json::to_string(&req).expect("serializes")
        }
        Field::ContactEmail | Field::ContactName | Field::ContactOrder => {
            let mut req = contact();
            match field {
                Field::ContactEmail => req.contact.email = value,
                Field::ContactName => req.contact.name = value,
                _ => req.contact.order_number = value,
            }
            req.mask();
            serde_json::to_string(&req).expect("serializes")
        }
    }
}

/// The digits of `json` with the separators a card may be typed with removed, so a card
/// survives in it only as its whole digit string.
fn squeezed(json: &str) -> String {
    json.chars().filter(|c| !matches!(c, ' ' | '-')).collect()
}

#[test]
fn every_free_text_field_of_every_request_is_masked() {
    let card = "4242 4242 4242 4242";
    let values = [
        format!("my card {card} got charged twice"),
        format!("https://shop.example/checkout?cc={card}"),
        format!("{card}@example.com"),
        format!("Ana {card}"),
        format!("#{card}"),
    ];
    for field in FIELDS {
        for value in &values {
            let json = masked_json(field, value);
            assert!(
                !squeezed(&json).contains("4242424242424242"),
                "{field:?} keeps the card of {value:?}: {json}"
            );
            assert!(json.contains("•••• •••• •••• 4242"), "{field:?}: {json}");
        }
    }
}

#[test]
fn what_is_not_a_card_stays_as_typed() {
    for field in FIELDS {
        let json = masked_json(field, "order 1234-5678-9012 of 2026");
        assert!(
            json.contains("order 1234-5678-9012 of 2026"),
            "{field:?}: {json}"
        );
    }
}

fn luhn_check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_card_survives_any_request_type(
        body in prop::collection::vec(0u8..10, 11..=18),
        seps in prop::collection::vec(0u8..4, 19),
        before in "[a-zA-Z .,:;#!?()/=_éñ語Ж]{0,12}",
        after in "[a-zA-Z .,:;#!?()/=_éñ語Ж]{0,12}",
        field in 0..FIELDS.len(),
    ) {
        let mut digits = body.clone();
        digits.push(luhn_check_digit(&body));
        let card: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        let mut typed = String::new();
        for (i, c) in card.chars().enumerate() {
            if i > 0 {
                match seps[i] {
                    0 => typed.push(' '),
                    1 => typed.push('-'),
                    _ => {}
                }
            }
            typed.push(c);
        }
        let json = masked_json(FIELDS[field], &format!("{before}{typed}{after}"));
        prop_assert!(
            !squeezed(&json).contains(&card),
            "{:?} keeps {card}: {json}", FIELDS[field]
        );
    }
}
