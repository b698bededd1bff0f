//! Routing and receiving: one request in, one [`Reply`] out. No IO and no clock (the caller
//! passes `now_ms`), so every route is tested without a socket.

use ferry_shared::reply::{Agent, ReplyRequest};
use ferry_shared::webhook;
use ferry_shared::wire::{HandoffPayload, WIRE_VERSION};
use serde_json::{Value, json};

use crate::page::{escape_html, handoff_anchor, render_page};
use crate::{
    DEFAULT_TEAM, Entry, Event, HTML, MAX_BODY, Outgoing, REJECTIONS_SHOWN, Rejection, Reply,
    Signature, SlackMessage, State, TEXT,
};

/// Answers one request. `headers` have lower-case names; `now_ms` is the clock signatures are
/// checked against and the page is drawn at.
pub fn handle(
    state: &mut State,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    now_ms: i64,
) -> Reply {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let allow = |allowed: &'static str| {
        let mut reply = Reply::error(
            405,
            "method_not_allowed",
            &format!("{path} accepts {allowed}"),
        );
        reply.headers.push(("allow", allowed.into()));
        reply
    };
    match (method, segments.as_slice()) {
        ("GET", [""]) => Reply::new(200, HTML, render_page(state, now_ms)),
        (_, [""]) => allow("GET"),
        ("GET", ["handoffs"]) => Reply::json(
            200,
            &Value::Array(state.handoffs.iter().map(|e| e.raw.clone()).collect()),
        ),
        ("POST", ["handoffs"]) => receive_handoff(state, DEFAULT_TEAM, path, headers, body, now_ms),
        (_, ["handoffs"]) => allow("GET, POST"),
        ("POST", ["handoffs", team, ticket, "reply"]) => {
            reply_to(state, team, ticket, headers, body, now_ms)
        }
        (_, ["handoffs", _, _, "reply"]) => allow("POST"),
        (method, ["handoffs", team]) if is_name(team, 32, false) => match method {
            "POST" => receive_handoff(state, team, path, headers, body, now_ms),
            _ => allow("POST"),
        },
        ("GET", ["slack"]) => Reply::json(
            200,
            &Value::Array(
                state
                    .slack
                    .iter()
                    .map(|m| json!({ "channel": m.channel, "message": m.message }))
                    .collect(),
            ),
        ),
        (_, ["slack"]) => allow("GET"),
        ("GET", ["report"]) => Reply::json(200, &reports_json(state)),
        (_, ["report"]) => allow("GET"),
        (method, ["slack", channel]) if is_name(channel, 80, true) => match method {
            "POST" => receive_slack(state, channel, body, now_ms),
            _ => allow("POST"),
        },
        (_, ["handoffs" | "slack", _]) => Reply::error(
            404,
            "not_found",
            "team and channel names are 1-32 (channels 1-80) of a-z, 0-9 and `-` \
             (channels also `_`), e.g. /handoffs/sales or /slack/support",
        ),
        _ => Reply::error(
            404,
            "not_found",
            "GET / (the page), GET|POST /handoffs, POST /handoffs/<team>, \
             POST /handoffs/<team>/<ticket>/reply, GET /slack, POST /slack/<channel>, GET /report",
        ),
    }
}

/// `GET /report`: `[{"site", "vocabularies", "summary"}]`, one per site.
fn reports_json(state: &State) -> Value {
    Value::Array(
        state
            .reports()
            .into_iter()
            .map(|r| {
                json!({
                    "site": r.site,
                    "vocabularies": r.vocabularies,
                    "summary": serde_json::to_value(&r.summary).unwrap_or(Value::Null),
                })
            })
            .collect(),
    )
}

/// `[a-z0-9-]{1,max}` (plus `_` when `underscore`).
fn is_name(name: &str, max: usize, underscore: bool) -> bool {
    (1..=max).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || (underscore && b == b'_')
        })
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn too_large() -> Reply {
    Reply::error(
        413,
        "too_large",
        &format!("the body is larger than {} KiB", MAX_BODY / 1024),
    )
}

fn receive_handoff(
    state: &mut State,
    team: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
    now_ms: i64,
) -> Reply {
    if body.len() > MAX_BODY {
        return too_large();
    }
    let signature = if state.verifies() {
        let checked = webhook::verify(
            &state.secrets,
            |name| header(headers, name),
            body,
            now_ms.div_euclid(1000),
        );
        if let Err(e) = checked {
            let reason = e.to_string();
            state.rejected += 1;
            state.rejections.push(Rejection {
                at: now_ms,
                path: path.to_string(),
                reason: reason.clone(),
            });
            if state.rejections.len() > REJECTIONS_SHOWN {
                state.rejections.remove(0);
            }
            return Reply::error(401, "bad_signature", &reason).with_event(Event::Rejected(reason));
        }
        Signature::Verified
    } else {
        Signature::Unsigned
    };
    let parsed = serde_json::from_slice::<HandoffPayload>(body)
        .and_then(|payload| serde_json::from_slice::<Value>(body).map(|raw| (payload, raw)));
    let (payload, raw) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let why = format!("not a handoff payload: {e}");
            return Reply::error(400, "bad_request", &why).with_event(Event::BadRequest(why));
        }
    };
    let delivery_id = header(headers, webhook::HEADER_ID)
        .filter(|id| !id.is_empty())
        .unwrap_or(&payload.id)
        .to_string();
    // A redelivery goes to the same destination; the same id at another team is that team's copy.
    if let Some(index) = state
        .handoffs
        .iter()
        .position(|e| e.team == team && e.delivery_id == delivery_id)
    {
        state.handoffs[index].deliveries += 1;
        return Reply::json(200, &json!({ "ok": true, "duplicate": true }))
            .with_event(Event::Redelivery(index));
    }
    state.handoffs.push(Entry {
        team: team.to_string(),
        delivery_id,
        payload,
        raw,
        signature,
        deliveries: 1,
        received_at: now_ms,
        replies: Vec::new(),
    });
    Reply::json(200, &json!({ "ok": true })).with_event(Event::Handoff(state.handoffs.len() - 1))
}

fn receive_slack(state: &mut State, channel: &str, body: &[u8], now_ms: i64) -> Reply {
    if body.len() > MAX_BODY {
        return too_large();
    }
    let message = match serde_json::from_slice::<Value>(body) {
        Ok(message)
            if message.get("text").is_some_and(Value::is_string)
                || message.get("blocks").is_some_and(Value::is_array) =>
        {
            message
        }
        Ok(_) => {
            let why = "a Slack message needs `text` or `blocks`".to_string();
            return Reply::error(400, "bad_request", &why).with_event(Event::BadRequest(why));
        }
        Err(e) => {
            let why = format!("not JSON: {e}");
            return Reply::error(400, "bad_request", &why).with_event(Event::BadRequest(why));
        }
    };
    state.slack.push(SlackMessage {
        channel: channel.to_string(),
        message,
        received_at: now_ms,
    });
    // What Slack's incoming webhooks answer.
    Reply::new(200, TEXT, "ok".into()).with_event(Event::Slack(state.slack.len() - 1))
}

/// A small HTML page for a refused reply: the reason, escaped, and the way back.
fn refused(status: u16, message: &str) -> Reply {
    let body = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Reply not sent</title></head><body>\n<h1>Reply not sent</h1>\n\
         <p role=\"alert\">{}</p>\n<p><a href=\"/\">Back to the inbox</a></p>\n</body></html>\n",
        escape_html(message)
    );
    Reply::new(status, HTML, body).with_event(Event::BadRequest(message.to_string()))
}

/// `POST /handoffs/<team>/<ticket>/reply`: the page's reply box. Checks the origin (a form on
/// another site must not reply in the agent's name), the handoff, the form and the reply
/// itself (`ReplyRequest::validate`, the Worker's own rules), then hands an [`Outgoing`] to
/// the IO layer and sends the browser back to the handoff (303).
fn reply_to(
    state: &mut State,
    team: &str,
    ticket: &str,
    headers: &[(String, String)],
    body: &[u8],
    now_ms: i64,
) -> Reply {
    let same_origin = match (header(headers, "origin"), header(headers, "host")) {
        (Some(origin), Some(host)) => origin == format!("http://{host}"),
        (Some(_), None) => false,
        (None, _) => true,
    } && header(headers, "sec-fetch-site").is_none_or(|s| s == "same-origin");
    if !same_origin {
        return refused(
            403,
            "replies are sent from the inbox page itself (cross-site request refused)",
        );
    }
    if body.len() > MAX_BODY {
        return too_large();
    }
    let Some(index) = state
        .handoffs
        .iter()
        .position(|e| e.team == team && e.payload.ticket == ticket)
    else {
        return refused(
            404,
            &format!("no handoff with ticket {ticket} was received for team {team}"),
        );
    };
    if let Some(why) = state.replies_off() {
        return refused(409, &format!("replies are off: {why}"));
    }
    let form = parse_form(body);
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let request = ReplyRequest {
        v: WIRE_VERSION,
        ticket: ticket.to_string(),
        text: field("text"),
        agent: Agent {
            name: field("agent"),
        },
    };
    if let Err(e) = request.validate() {
        let field = match e.field {
            "agent.name" => "agent name",
            other => other,
        };
        return refused(400, &format!("{field}: {}", e.message));
    }
    let Some(target) = &state.reply_target else {
        return refused(409, "replies are off");
    };
    let entry = &state.handoffs[index];
    let url = format!(
        "{}/v1/replies?site={}&destination={}",
        target.worker,
        percent_encode(&entry.payload.site),
        percent_encode(&target.destination(team)),
    );
    state.replies_sent += 1;
    let outgoing = Outgoing {
        index,
        url,
        webhook_id: format!("inbox-{now_ms}-{}", state.replies_sent),
        body: serde_json::to_vec(&request).unwrap_or_default(),
        agent: request.agent.name,
        text: request.text,
    };
    let mut reply = Reply::new(303, TEXT, "sent; back to the page".into());
    reply
        .headers
        .push(("location", format!("/#{}", handoff_anchor(team, ticket))));
    reply.outgoing = Some(outgoing);
    reply
}

/// `application/x-www-form-urlencoded` pairs (`+` is a space, `%XX` a byte; bad escapes stay).
pub(crate) fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    let decode = |part: &[u8]| {
        let mut out = Vec::with_capacity(part.len());
        let mut i = 0;
        while i < part.len() {
            match part[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = part
                        .get(i + 1..i + 3)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    if let Some(byte) = hex {
                        out.push(byte);
                        i += 2;
                    } else {
                        out.push(b'%');
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    body.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.iter().position(|b| *b == b'=') {
            Some(at) => (decode(&pair[..at]), decode(&pair[at + 1..])),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// A query value: unreserved characters as they are, every other byte `%XX`.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
