//! The local inbox: a webhook receiver on 127.0.0.1 that prints each handoff it receives
//! (the agents' view in the demo). `GET /handoffs` lists what it has received, as JSON.

use std::io::Read;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use ferry_shared::wire::HandoffPayload;
use tiny_http::{Header, Method, Response, Server};

const MAX_BODY: u64 = 256 * 1024;

pub fn serve(port: u16) -> Result<()> {
    let server = Server::http(("127.0.0.1", port))
        .map_err(|e| anyhow::anyhow!("inbox cannot listen on 127.0.0.1:{port}: {e}"))?;
    let received: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    for mut request in server.incoming_requests() {
        let json = Header::from_bytes("content-type", "application/json").ok();
        let reply = |code: u16, body: String| {
            let mut r = Response::from_string(body).with_status_code(code);
            if let Some(h) = json.clone() {
                r.add_header(h);
            }
            r
        };
        let response = match (request.method(), request.url()) {
            (Method::Post, "/handoffs") => {
                let mut body = String::new();
                let read = request.as_reader().take(MAX_BODY).read_to_string(&mut body);
                match read.map_err(|e| e.to_string()).and_then(|_| {
                    serde_json::from_str::<HandoffPayload>(&body).map_err(|e| e.to_string())
                }) {
                    Ok(handoff) => {
                        print_handoff(&handoff);
                        if let (Ok(mut list), Ok(value)) =
                            (received.lock(), serde_json::from_str(&body))
                        {
                            list.push(value);
                        }
                        reply(200, r#"{"ok":true}"#.into())
                    }
                    Err(e) => {
                        eprintln!("inbox: rejected a POST that is not a handoff: {e}");
                        reply(
                            400,
                            serde_json::json!({ "error": { "code": "bad_request", "message": e } })
                                .to_string(),
                        )
                    }
                }
            }
            (Method::Get, "/handoffs") => {
                let list = received
                    .lock()
                    .map(|l| serde_json::Value::Array(l.clone()))
                    .unwrap_or_default();
                reply(200, list.to_string())
            }
            _ => reply(
                404,
                r#"{"error":{"code":"not_found","message":"POST or GET /handoffs"}}"#.into(),
            ),
        };
        let _ = request.respond(response);
    }
    Ok(())
}

fn print_handoff(h: &HandoffPayload) {
    let level = h.urgency.level.as_str().to_uppercase();
    let colour = match h.urgency.level {
        ferry_shared::wire::Urgency::Urgent => "\x1b[1;31m",
        ferry_shared::wire::Urgency::High => "\x1b[1;33m",
        _ => "\x1b[1;36m",
    };
    println!(
        "\n{colour}[inbox] {level}\x1b[0m {} · {} · language {} ({:.2}, {:?}) · topic {}",
        h.ticket, h.site, h.language.code, h.language.confidence, h.language.source, h.topic
    );
    if !h.urgency.reasons.is_empty() {
        println!("        reasons: {}", h.urgency.reasons.join(", "));
    }
    println!(
        "        \u{201c}{}\u{201d}",
        h.question.replace(['\n', '\r'], " ")
    );
    if let Some(email) = h.contact.as_ref().and_then(|c| c.email.as_deref()) {
        println!("        contact: {email}");
    }
}
