//! The Reply API and the read endpoint.
//!
//! - `POST /v1/replies?site=…&destination=…` — a helpdesk answers a handoff. The request is
//!   signed with Standard Webhooks by the destination's own secret (the one its handoffs are
//!   signed with): `webhook-id`, `webhook-timestamp` (±5 minutes) and `webhook-signature`
//!   over the raw body. Anything that does not verify is a 401 before the body is read. The
//!   ticket must be one that was delivered to that destination. The text is masked and
//!   limited to the answers' markup (`ferry_shared::reply`), then stored once per
//!   `webhook-id`: a retry gets the same answer (`duplicate: true`), an id reused for other
//!   content a 401.
//! - `GET /v1/messages?site=…&conversation=…&after=…` — the agent messages of a conversation
//!   after id `after`, for the widget to poll; `ETag` / `If-None-Match` → 304.

use ferry_shared::CompiledSite;
use ferry_shared::reply::{
    self, MAX_MESSAGES_PER_READ, MessagesResponse, ReplyRequest, ReplyResponse, Seen,
};
use ferry_shared::webhook;
use ferry_shared::wire::WIRE_VERSION;
use sha2::{Digest, Sha256};
use worker::{Date, Env, Request, Response};

use crate::error::{ApiError, parse_json};
use crate::reply_store::{self, NewReply, Source};
use crate::sites;

/// A query parameter of the request URL.
pub fn query(req: &Request, name: &str) -> Result<Option<String>, ApiError> {
    Ok(req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned()))
}

/// The site and destination a server-to-server request names in its URL.
pub fn site_and_destination(
    req: &Request,
    path: &str,
) -> Result<
    (
        &'static CompiledSite,
        &'static ferry_shared::site::Destination,
    ),
    ApiError,
> {
    let required = |name: &str| {
        query(req, name)?.ok_or_else(|| {
            ApiError::BadRequest(format!(
                "`{name}`: query parameter is required, e.g. {path}?site=demo&destination=helpdesk"
            ))
        })
    };
    let site = sites::site_or_error(&required("site")?)?;
    let name = required("destination")?;
    let destination = site.destination(&name).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "`destination`: site `{}` has no destination `{}`",
            site.id,
            name.chars().take(64).collect::<String>()
        ))
    })?;
    Ok((site, destination))
}

/// The digest stored with a reply: what was stored, so a retry is told from a reuse.
pub fn digest(ticket: &str, agent: &str, text: &str) -> String {
    let mut hash = Sha256::new();
    for part in [ticket, agent, text] {
        hash.update(part.as_bytes());
        hash.update([0u8]);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub fn now_ms() -> i64 {
    Date::now().as_millis() as i64
}

pub async fn post(req: &Request, body: &[u8], env: &Env) -> Result<Response, ApiError> {
    let (site, destination) = site_and_destination(req, "/v1/replies")?;
    // The signature first: nothing of an unverified body is read.
    let secret_name = destination.secret.as_deref().ok_or_else(|| {
        ApiError::Unauthorized(format!(
            "destination `{}` has no `secret` in its site file: replies must be signed with it",
            destination.name
        ))
    })?;
    let secret_text = env
        .secret(secret_name)
        .ok()
        .map(|s| s.to_string())
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized(format!(
                "the secret {secret_name} of destination `{}` is not set",
                destination.name
            ))
        })?;
    let secrets = webhook::Secret::parse_list(&secret_text)
        .map_err(|e| ApiError::Internal(format!("secret {secret_name}: {e}")))?;
    let headers = req.headers();
    let get = |name: &str| headers.get(name).ok().flatten();
    let (id, ts, sig) = (
        get(webhook::HEADER_ID),
        get(webhook::HEADER_TIMESTAMP),
        get(webhook::HEADER_SIGNATURE),
    );
    webhook::verify(
        &secrets,
        |name| match name {
            webhook::HEADER_ID => id.as_deref(),
            webhook::HEADER_TIMESTAMP => ts.as_deref(),
            webhook::HEADER_SIGNATURE => sig.as_deref(),
            _ => None,
        },
        body,
        now_ms().div_euclid(1000),
    )
    .map_err(|e| ApiError::Unauthorized(e.to_string()))?;
    let webhook_id = id.unwrap_or_default();
    if webhook_id.len() > 256 {
        return Err(ApiError::BadRequest(
            "`webhook-id`: at most 256 characters".into(),
        ));
    }

    let reply: ReplyRequest = parse_json(body, "a JSON reply {ticket, text, agent: {name}}")?;
    reply.validate()?;
    let agent = reply::clean_agent_name(&reply.agent.name)
        .map_err(|why| ApiError::BadRequest(format!("`agent.name`: {why}")))?;
    let text = reply::sanitize(&reply.text, &site.widget_config().link_hosts);
    let target = reply_store::by_ticket(env, &site.id, &destination.name, &reply.ticket)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "ticket {} (no handoff with it was sent to destination `{}`)",
                reply.ticket, destination.name
            ))
        })?;
    let digest = digest(&target.ticket, &agent, &text);
    let (message_id, seen) = reply_store::put(
        env,
        &NewReply {
            site: &site.id,
            destination: &destination.name,
            source: Source::Api,
            source_id: &webhook_id,
            digest: &digest,
            agent: &agent,
            text: &text,
            target: &target,
        },
        now_ms(),
    )
    .await?;
    if seen == Seen::Conflict {
        return Err(ApiError::Unauthorized(format!(
            "`webhook-id` {webhook_id} was used before for another reply; send each reply with its own id"
        )));
    }
    let response = ReplyResponse {
        v: WIRE_VERSION,
        id: message_id,
        ticket: target.ticket,
        duplicate: seen == Seen::Duplicate,
    };
    no_store(Response::from_json(&response)?)
}

/// `GET /v1/messages` for a site whose origin check passed.
pub async fn messages(req: &Request, site: &CompiledSite, env: &Env) -> Result<Response, ApiError> {
    let conversation = query(req, "conversation")?;
    let after = query(req, "after")?;
    let (conversation_id, after) =
        reply::messages_query(conversation.as_deref(), after.as_deref())?;
    let messages = reply_store::messages(
        env,
        &site.id,
        &conversation_id,
        after,
        MAX_MESSAGES_PER_READ,
    )
    .await?;
    let last = messages.last().map_or(after, |m| m.id);
    let response = MessagesResponse {
        v: WIRE_VERSION,
        conversation_id,
        messages,
        last,
    };
    let etag = reply::etag(&response);
    let unchanged = req
        .headers()
        .get("if-none-match")?
        .is_some_and(|inm| reply::etag_matches(&inm, &etag));
    let mut out = if unchanged {
        Response::empty()?.with_status(304)
    } else {
        Response::from_json(&response)?
    };
    let headers = out.headers_mut();
    headers.set("etag", &etag)?;
    // Stored per browser, always revalidated: a poll with nothing new is a bodiless 304.
    headers.set("cache-control", "private, no-cache")?;
    Ok(out)
}

pub fn no_store(mut response: Response) -> Result<Response, ApiError> {
    response.headers_mut().set("cache-control", "no-store")?;
    Ok(response)
}
