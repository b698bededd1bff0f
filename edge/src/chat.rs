//! `POST /v1/chat`: parse, validate, route; an answer returns at once, a handoff is stored
//! and queued first.
//!
//! An answer awaits no storage: routing needs nothing from D1 to answer (the conversation's
//! earlier language and context come back with the request; earlier handoffs only change a
//! handoff's urgency), the exchange is recorded after the response (`wait_until`), and a
//! retry with the same `client_message_id` is routed again, to the same reply (an answer does
//! not depend on the clock or on stored state).
//!
//! A handoff keeps its order for "nothing lost": its row is written and the queue send
//! awaited before the shopper's message and its reply are recorded. A retry therefore either
//! finds the finished reply (and returns it unchanged) or redoes the unfinished steps, reusing
//! the handoff row it already wrote. The round trips each path awaits are counted
//! ([`Trips`], the `ferry-storage-awaits` header).

use ferry_shared::router::conversation_context;
use ferry_shared::status::{DeliveryStatus, HandoffStatus};
use ferry_shared::wire::{
    ChatRequest, ChatResponse, ConversationContext, HandoffPayload, Reply, WIRE_VERSION,
};
use ferry_shared::{CompiledSite, History, route_in_conversation};
use worker::{Context, Date, Env, console_error};

use crate::delivery;
use crate::error::ApiError;
use crate::guard::{self, Client};
use crate::sites::site_or_error;
use crate::store;
use crate::trips::Trips;

/// The response, and the storage round trips it awaited.
pub async fn handle(
    body: &[u8],
    geo_country: Option<String>,
    client: &Client,
    env: &Env,
    ctx: &Context,
) -> Result<(ChatResponse, u32), ApiError> {
    let mut req = parse(body)?;
    req.validate()?;
    if req.country.is_none() {
        req.country = geo_country;
    }
    // Card numbers are masked before anything is routed, stored, queued, sent or logged.
    req.mask();
    let site = site_or_error(&req.site)?;
    // Bursts are refused before anything is read or written.
    guard::bursts(env, site, Some(&req.conversation_id), client).await?;

    let trips = Trips::default();
    let now = Date::now().as_millis() as i64;
    // Earlier handoffs only raise a handoff's urgency: an answer is decided without them.
    let decision = route_in_conversation(site, &req, &History::default(), now);
    if decision.handoff().is_none() {
        let reply = decision.to_reply("");
        // Recorded after the response (for the report and the next handoff's transcript); the
        // first attempt's row wins, so a retry's record changes nothing.
        let (env, record, recorded) = (env.clone(), req.clone(), reply.clone());
        ctx.wait_until(async move {
            let trips = Trips::default();
            if let Err(e) = store::record_exchange(&env, &record, &recorded, now, &trips).await {
                console_error!("answer not recorded: {e:?}");
            }
        });
        let context = Some(decision.context).filter(|c| !c.is_empty());
        return Ok((response(&req, reply, context), trips.count()));
    }

    let conversation = store::conversation(env, &req, &trips).await?;
    if let Some(reply) = conversation.finished {
        // The same response as the first attempt's: its context is recomputed (deterministic).
        let context = Some(conversation_context(&req)).filter(|c| !c.is_empty());
        return Ok((response(&req, reply, context), trips.count()));
    }
    // Routed again with the conversation: the same handoff, with repeated contact counted.
    let decision = route_in_conversation(site, &req, &conversation.history, now);
    // Minted for every handoff attempt (two calls to the runtime's CSPRNG); a retry keeps the
    // first attempt's.
    let ids = (format!("hnd_{}", random_id()), ticket_id());
    let transcript = conversation.transcript;
    let reply = match HandoffPayload::from_decision(&decision, &req, &site.id, ids, transcript, now)
    {
        None => decision.to_reply(""),
        Some(fresh) => {
            let waiting = decision.handoff().is_some_and(|plan| plan.ask_contact);
            let retry = conversation.has_handoff;
            let attempt = Attempt {
                env,
                site,
                req: &req,
                client,
                trips: &trips,
            };
            let ticket = hand_off(&attempt, &fresh, waiting, retry, now).await?;
            decision.to_reply(&ticket)
        }
    };
    store::record_exchange(env, &req, &reply, now, &trips).await?;
    let context = Some(decision.context).filter(|c| !c.is_empty());
    Ok((response(&req, reply, context), trips.count()))
}

/// What one handoff attempt works with.
struct Attempt<'a> {
    env: &'a Env,
    site: &'a CompiledSite,
    req: &'a ChatRequest,
    client: &'a Client,
    trips: &'a Trips,
}

/// Stores the handoff (once per message) and sends it on, or schedules its release when it
/// waits for the shopper's email; returns the ticket, the first attempt's on a retry.
async fn hand_off(
    attempt: &Attempt<'_>,
    fresh: &HandoffPayload,
    waiting: bool,
    retry: bool,
    now: i64,
) -> Result<String, ApiError> {
    let Attempt {
        env,
        site,
        req,
        client,
        trips,
    } = *attempt;
    // A new handoff counts against the address's cap, and needs a solved challenge where the
    // site asks for one; a retry of a message whose handoff is stored already paid.
    if !retry {
        let key = format!("{}/{}", req.conversation_id, req.client_message_id);
        guard::take_handoff(env, site, client, &key, trips).await?;
        guard::challenge(
            env,
            site,
            req.turnstile_token.as_deref(),
            client,
            now,
            trips,
        )
        .await?;
    }
    let destinations: Vec<(&str, &str)> = site
        .destinations_for(fresh.urgency.level, &fresh.language.code, fresh.topic)
        .into_iter()
        .map(|d| (d.name.as_str(), d.format.as_str()))
        .collect();
    // A retry finds the rows its first attempt wrote and reuses that ticket.
    let (stored, deliveries) =
        store::put_handoff(env, req, fresh, &destinations, waiting, now, trips).await?;
    let payload = stored.payload;
    let queued = if stored.status == HandoffStatus::AwaitingContact {
        delivery::schedule_release(env, &payload.id, site.contact_wait_secs, trips).await
    } else {
        let pending: Vec<String> = deliveries
            .into_iter()
            .filter(|(_, status)| *status == DeliveryStatus::Queued)
            .map(|(name, _)| name)
            .collect();
        delivery::enqueue(env, &payload.id, &pending, trips).await
    };
    queued.map_err(|e| ApiError::Unavailable {
        what: "the handoff queue",
        detail: e.to_string(),
    })?;
    Ok(payload.ticket)
}

fn response(req: &ChatRequest, reply: Reply, context: Option<ConversationContext>) -> ChatResponse {
    ChatResponse {
        v: WIRE_VERSION,
        conversation_id: req.conversation_id.clone(),
        client_message_id: req.client_message_id.clone(),
        reply,
        context,
    }
}

/// Parses the body, naming the field that is wrong.
fn parse(body: &[u8]) -> Result<ChatRequest, ApiError> {
    crate::error::parse_json(body, "a JSON chat request")
}

/// 32 hex characters from the runtime's CSPRNG (`crypto.randomUUID`).
fn random_id() -> String {
    let uuid = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .and_then(|crypto| {
            let f = js_sys::Reflect::get(&crypto, &"randomUUID".into())?;
            js_sys::Function::from(f).call0(&crypto)
        })
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    uuid.replace('-', "")
}

/// A short id a shopper can read out: `FRY-` and 8 characters without look-alikes.
fn ticket_id() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let hex = random_id();
    let mut out = String::from("FRY-");
    for pair in hex.as_bytes().chunks(2).take(8) {
        let byte = u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("0"), 16).unwrap_or(0);
        out.push(ALPHABET[usize::from(byte) % ALPHABET.len()] as char);
    }
    out
}
