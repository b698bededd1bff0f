//! `POST /v1/slack/events?site=…&destination=…` — Slack's Events API for a destination with
//! a Slack app. The request is verified with the app's signing secret (`X-Slack-Signature`,
//! 5 minutes) before anything else; then `url_verification` is answered, and a member's
//! reply in the thread of a handoff this destination posted becomes an agent message in the
//! conversation (the store of the Reply API). Bot messages, edits, deletions, messages
//! outside such a thread: acknowledged, ignored. Slack retries until it gets a 2xx, so
//! everything but a failed signature (401) or a broken body (400) answers 200.

use ferry_shared::reply::{self, Seen};
use ferry_shared::slack_events::{self, Incoming};
use serde_json::json;
use worker::{Env, Request, Response};

use crate::error::ApiError;
use crate::replies::{self, digest, no_store, now_ms};
use crate::reply_store::{self, NewReply, Source};
use crate::slack_api;

pub async fn post(req: &Request, body: &[u8], env: &Env) -> Result<Response, ApiError> {
    let (site, destination) = replies::site_and_destination(req, "/v1/slack/events")?;
    let app = destination.slack_app.as_ref().ok_or_else(|| {
        ApiError::BadRequest(format!(
            "destination `{}` has no Slack app (bot_token and channel in its site file)",
            destination.name
        ))
    })?;
    let secret = app
        .signing_secret
        .as_deref()
        .and_then(|name| env.secret(name).ok())
        .map(|s| s.to_string())
        .unwrap_or_default();
    let headers = req.headers();
    let ts = headers.get(slack_events::HEADER_TIMESTAMP)?;
    let sig = headers.get(slack_events::HEADER_SIGNATURE)?;
    slack_events::verify(
        &secret,
        |name| match name {
            slack_events::HEADER_TIMESTAMP => ts.as_deref(),
            slack_events::HEADER_SIGNATURE => sig.as_deref(),
            _ => None,
        },
        body,
        now_ms().div_euclid(1000),
    )
    .map_err(|e| ApiError::Unauthorized(e.to_string()))?;

    let reply = match slack_events::classify(body).map_err(ApiError::BadRequest)? {
        Incoming::UrlVerification { challenge } => {
            return no_store(Response::from_json(&json!({ "challenge": challenge }))?);
        }
        Incoming::Ignored(why) => return ignored(why),
        Incoming::ThreadReply(reply) => reply,
    };
    let Some(target) = reply_store::by_slack_thread(
        env,
        &site.id,
        &destination.name,
        &reply.channel,
        &reply.thread_ts,
    )
    .await?
    else {
        return ignored("not in the thread of a handoff");
    };
    let text = reply::sanitize(
        &slack_events::mrkdwn_to_markup(&reply.text),
        &site.widget_config().link_hosts,
    );
    if text.trim().is_empty() {
        return ignored("nothing left to show");
    }
    // The site's name for this destination, else the member's Slack name, else the shop's.
    let from_slack = match (&destination.agent_name, slack_api::bot_token(env, app)) {
        (None, Some(token)) => slack_api::user_name(env, &token, &reply.user).await,
        _ => None,
    };
    let agent = destination
        .agent_name
        .clone()
        .or_else(|| from_slack.and_then(|n| reply::clean_agent_name(&n).ok()))
        .unwrap_or_else(|| site.widget_config().shop_name.clone());
    let source_id = format!("{}:{}", reply.channel, reply.ts);
    let digest = digest(&target.ticket, &agent, &text);
    let (id, seen) = reply_store::put(
        env,
        &NewReply {
            site: &site.id,
            destination: &destination.name,
            source: Source::Slack,
            source_id: &source_id,
            digest: &digest,
            agent: &agent,
            text: &text,
            target: &target,
        },
        now_ms(),
    )
    .await?;
    // Slack's own retries carry the same message: stored once either way.
    no_store(Response::from_json(&json!({
        "ok": true,
        "id": id,
        "duplicate": seen != Seen::New,
    }))?)
}

fn ignored(why: &str) -> Result<Response, ApiError> {
    no_store(Response::from_json(&json!({ "ok": true, "ignored": why }))?)
}
