//! The plan: every request of a run, built before it starts. Simulated shoppers, each with
//! its own conversation and a documentation-range address, ask questions the demo site's rules
//! answer or send a message that is handed off, spread evenly over the run.

use std::fs::File;
use std::io::Read;

use serde_json::json;

/// Messages per answering shopper.
const MESSAGES_PER_SHOPPER: usize = 3;
/// New handoffs per address in one run; the Worker allows 6 per address per 12 hours.
pub(super) const HANDOFFS_PER_ADDRESS: usize = 5;

/// Questions the demo site's rules answer: (locale, text).
pub(super) const ANSWERED: &[(&str, &str)] = &[
    ("en-US", "how long does shipping to Germany take?"),
    ("pt-BR", "quanto tempo demora a entrega para o Brasil?"),
    ("de-DE", "Sind Zollgebühren im Preis enthalten?"),
    ("es-ES", "¿Cuánto cuesta el envío a España?"),
    (
        "fr-FR",
        "Quels moyens de paiement acceptez-vous en France ?",
    ),
    (
        "it-IT",
        "Quanto tempo ci vuole per la spedizione in Italia?",
    ),
    ("en-GB", "Do you ship to Canada?"),
    ("ja-JP", "日本までの配送は何日かかりますか?"),
];

/// Messages no rule answers, or that ask for a person (not urgent): handed off.
pub(super) const HANDED_OFF: &[(&str, &str)] = &[
    (
        "en-US",
        "Can I order 200 shirts for my boutique at a wholesale price?",
    ),
    ("en-GB", "The linen shirt I received has a torn seam"),
    ("de-DE", "Ich möchte bitte mit einem Mitarbeiter sprechen."),
    ("fr-FR", "Pouvez-vous graver mes initiales sur le casque ?"),
    (
        "ru-RU",
        "Можно ли вышить логотип нашей компании на рубашках?",
    ),
];

/// 8 random hex digits: one run's conversations and message ids are not another's.
fn run_id() -> String {
    let mut bytes = [0u8; 4];
    let _ = File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Answer,
    Handoff,
}

impl Kind {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Kind::Answer => "answer",
            Kind::Handoff => "handoff",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    Check,
    Warmup,
    Measured,
}

/// The shopper addresses of a phase (documentation ranges, RFC 5737: never contacted).
pub(super) fn pool(phase: Phase) -> Vec<String> {
    let nets: &[&str] = match phase {
        Phase::Check | Phase::Warmup => &["192.0.2"],
        Phase::Measured => &["198.51.100", "203.0.113"],
    };
    nets.iter()
        .flat_map(|net| (1..=254).map(move |host| format!("{net}.{host}")))
        .collect()
}

/// One request of the plan.
#[derive(Debug, Clone)]
pub(super) struct Planned {
    pub(super) bytes: Vec<u8>,
    pub(super) expect: Kind,
    pub(super) text: &'static str,
}

/// (requests, handoffs) of a run.
pub(super) fn plan_counts(rate: u32, secs: u32, handoff_pct: u32) -> (usize, usize) {
    let total = rate as usize * secs as usize;
    (
        total,
        (0..total).filter(|&j| is_handoff(j, handoff_pct)).count(),
    )
}

/// Spreads the handoffs evenly: request `j` is one when the running share crosses a whole one.
fn is_handoff(j: usize, pct: u32) -> bool {
    let pct = pct as usize;
    (j + 1) * pct / 100 > j * pct / 100
}

/// The requests of one phase. Answering shoppers send [`MESSAGES_PER_SHOPPER`] questions about
/// a second apart (`rate` shoppers interleave); a handing-off shopper sends one message.
pub(super) fn plan(
    phase: Phase,
    total: usize,
    rate: u32,
    handoff_pct: u32,
    port: u16,
) -> Vec<Planned> {
    let run = format!(
        "load{}{}",
        run_id(),
        match phase {
            Phase::Check => "c",
            Phase::Warmup => "w",
            Phase::Measured => "m",
        }
    );
    let addresses = pool(phase);
    let width = rate.max(1) as usize;
    let (mut answers, mut handoffs) = (0usize, 0usize);
    (0..total)
        .map(|j| {
            let (conversation, address, (locale, text), expect) = if phase == Phase::Check {
                // Every text once, each its own shopper.
                let all: Vec<_> = ANSWERED
                    .iter()
                    .map(|t| (*t, Kind::Answer))
                    .chain(HANDED_OFF.iter().map(|t| (*t, Kind::Handoff)))
                    .collect();
                let (t, kind) = all[j % all.len()];
                (
                    format!("{run}-c{j}"),
                    addresses[j % addresses.len()].clone(),
                    t,
                    kind,
                )
            } else if is_handoff(j, handoff_pct) {
                let h = handoffs;
                handoffs += 1;
                (
                    format!("{run}-h{h}"),
                    addresses[h % addresses.len()].clone(),
                    HANDED_OFF[h % HANDED_OFF.len()],
                    Kind::Handoff,
                )
            } else {
                let a = answers;
                answers += 1;
                let block = width * MESSAGES_PER_SHOPPER;
                let shopper = a / block * width + a % block % width;
                let round = a % block / width;
                (
                    format!("{run}-a{shopper}"),
                    // Offset from the handoff shoppers', so addresses share the load evenly.
                    addresses[(shopper + addresses.len() / 2) % addresses.len()].clone(),
                    ANSWERED[(shopper + round) % ANSWERED.len()],
                    Kind::Answer,
                )
            };
            let body = json!({
                "site": "demo",
                "conversation_id": conversation,
                "client_message_id": format!("{run}-m{j}"),
                "text": text,
                "locale": locale,
                "page_url": format!("http://127.0.0.1:{port}/"),
            })
            .to_string();
            let head = format!(
                "POST /v1/chat?site=demo HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
                 Content-Type: application/json\r\nOrigin: http://127.0.0.1:{port}\r\n\
                 CF-Connecting-IP: {address}\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            let mut bytes = head.into_bytes();
            bytes.extend_from_slice(body.as_bytes());
            Planned {
                bytes,
                expect,
                text,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::root;
    use ferry_shared::CompiledSite;
    use ferry_shared::wire::ChatRequest;
    use serde_json::Value;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn the_plan_spreads_handoffs_and_keeps_under_the_limits() {
        assert_eq!(plan_counts(50, 30, 20), (1500, 300));
        assert_eq!(plan_counts(10, 10, 0).1, 0);
        assert_eq!(plan_counts(10, 10, 100).1, 100);
        let planned = plan(Phase::Measured, 1500, 50, 20, 9);
        assert_eq!(
            planned.iter().filter(|p| p.expect == Kind::Handoff).count(),
            300
        );
        let text = |p: &Planned| String::from_utf8_lossy(&p.bytes).into_owned();
        let header = |p: &Planned, name: &str| {
            text(p)
                .lines()
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
                .unwrap_or_default()
        };
        let body = |p: &Planned| -> Value {
            let t = text(p);
            serde_json::from_str(t.split("\r\n\r\n").nth(1).unwrap_or_default()).expect("json")
        };
        let mut per_conversation: HashMap<String, usize> = HashMap::new();
        let mut handoffs_per_address: HashMap<String, usize> = HashMap::new();
        let mut ids = HashSet::new();
        for p in &planned {
            let b = body(p);
            let request: ChatRequest = serde_json::from_value(b.clone()).expect("a ChatRequest");
            assert_eq!(request.validate(), Ok(()));
            let address = header(p, "CF-Connecting-IP:");
            assert!(
                address.starts_with("198.51.100.") || address.starts_with("203.0.113."),
                "{address}"
            );
            assert_eq!(header(p, "Origin:"), "http://127.0.0.1:9");
            *per_conversation.entry(request.conversation_id).or_default() += 1;
            if p.expect == Kind::Handoff {
                *handoffs_per_address.entry(address).or_default() += 1;
            }
            assert!(ids.insert(request.client_message_id));
        }
        assert!(
            per_conversation
                .values()
                .all(|&n| n <= MESSAGES_PER_SHOPPER)
        );
        assert!(
            handoffs_per_address
                .values()
                .all(|&n| n <= HANDOFFS_PER_ADDRESS)
        );
    }

    #[test]
    fn the_texts_route_as_planned_on_the_demo_site() {
        let source = std::fs::read_to_string(root().join("edge/sites/demo.toml")).expect("read");
        let site = CompiledSite::from_toml(&source).expect("the demo site loads");
        let texts = ANSWERED
            .iter()
            .map(|t| (t, false))
            .chain(HANDED_OFF.iter().map(|t| (t, true)));
        for ((locale, text), handoff) in texts {
            // From JSON, so fields the wire gains later take their defaults.
            let request: ChatRequest = serde_json::from_value(json!({
                "site": "demo",
                "conversation_id": "c",
                "client_message_id": "m",
                "text": text,
                "locale": locale,
            }))
            .expect("a ChatRequest");
            let decision = ferry_shared::route(&site, &request, 1_800_000_000_000);
            assert_eq!(decision.is_handoff(), handoff, "{text}: {decision:?}");
        }
    }
}
