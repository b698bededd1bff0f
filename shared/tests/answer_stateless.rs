//! An answer needs nothing stored and no clock: the edge returns it without a storage round
//! trip and answers a retry by routing again (ARCHITECTURE.md, "What a request awaits"). For
//! every message of the answers corpus (14 languages), the decision at another time of day,
//! week and year, and with earlier handoffs in the conversation, is the same answer; a message
//! that is handed off stays handed off (only its urgency may rise: repeated contact).

#[allow(dead_code)] // `held_out` is for the corpus measurements, not this test.
mod corpus;

use ferry_shared::wire::ChatRequest;
use ferry_shared::{History, Outcome, route_in_conversation};

const LANGUAGES: [&str; 14] = [
    "en", "es", "pt", "fr", "de", "it", "nl", "pl", "ru", "tr", "ar", "zh", "ja", "ko",
];

/// 2026-01-01T00:00:00Z (a holiday, night in Europe), then a Tuesday mid-morning in June and
/// a Sunday evening in October: business hours, holidays and the away state all differ.
const TIMES: [i64; 3] = [1_767_225_600_000, 1_781_600_400_000, 1_792_353_600_000];

#[test]
fn answers_depend_on_neither_clock_nor_earlier_handoffs() {
    let site = corpus::demo_site();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/answers");
    let (mut answers, mut handoffs) = (0, 0);
    for (lang, line) in corpus::lines(dir, LANGUAGES, true) {
        let text = line
            .text
            .split_once('\t')
            .map_or(line.text.as_str(), |(_, t)| t);
        let req: ChatRequest = serde_json::from_value(serde_json::json!({
            "v": 1, "site": "demo", "conversation_id": "t", "client_message_id": "t",
            "text": text, "locale": lang, "time_zone": "Europe/Berlin",
        }))
        .expect("a valid ChatRequest");
        let first = route_in_conversation(&site, &req, &History::default(), TIMES[0]);
        let is_answer = matches!(first.outcome, Outcome::Answer { .. });
        for (now, earlier_handoffs) in [(TIMES[1], 0), (TIMES[2], 2), (TIMES[0], 1)] {
            let other = route_in_conversation(&site, &req, &History { earlier_handoffs }, now);
            let at = format!(
                "{}:{} at {now} after {earlier_handoffs}",
                line.path, line.number
            );
            if is_answer {
                assert_eq!(other.outcome, first.outcome, "{at}: {text}");
                assert_eq!(other.to_reply(""), first.to_reply(""), "{at}: {text}");
                assert_eq!(other.context, first.context, "{at}: {text}");
            } else {
                assert!(other.handoff().is_some(), "{at}: {text}: became an answer");
                assert!(other.urgency.level >= first.urgency.level, "{at}: {text}");
            }
        }
        if is_answer {
            answers += 1
        } else {
            handoffs += 1
        }
    }
    // The corpus holds both kinds, so neither branch above is vacuous.
    assert!(
        answers > 100 && handoffs > 50,
        "{answers} answers, {handoffs} handoffs"
    );
}
