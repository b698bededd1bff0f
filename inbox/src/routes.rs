//! Routing and receiving: one request in, one [`Reply`] out. No IO and no clock (the caller
//! passes `now_ms`), so every route is tested without a socket.

use ferry_shared::webhook;
use ferry_shared::wire::HandoffPayload;
use serde_json::{Value, json};

use crate::page::render_page;
use crate::{
    DEFAULT_TEAM, Entry, Event, HTML, MAX_BODY, REJECTIONS_SHOWN, Rejection, Reply, Signature,
    SlackMessage, State, TEXT,
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
            "GET / (the page), GET|POST /handoffs, POST /handoffs/<team>, GET /slack, \
             POST /slack/<channel>, GET /report",
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
