//! The queue consumer: POSTs each handoff to the inbox webhook and records the outcome.
//! A failed POST retries the message (the queue's `max_retries`, then its dead-letter queue).

use ferry_shared::webhook;
use ferry_shared::wire::HandoffPayload;
use serde::{Deserialize, Serialize};
use worker::{
    Date, Env, Fetch, Headers, MessageBatch, MessageExt, Method, Request, RequestInit,
    console_error, console_log,
};

use crate::store;

/// One handoff on the queue. `attempt` travels with the message because a consumer cannot
/// read the queue's own attempt count.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub handoff_id: String,
    pub payload: HandoffPayload,
    pub attempt: u32,
}

pub async fn consume(batch: MessageBatch<Job>, env: &Env) -> worker::Result<()> {
    let dead_letter = batch.queue().ends_with("-dlq");
    for message in batch.messages()? {
        let job = message.body();
        let now = Date::now().as_millis() as i64;
        if dead_letter {
            // Retries are exhausted: the row shows it, and the message stays in the DLQ's history.
            console_error!("handoff {} failed for good", job.handoff_id);
            store::mark_delivery(
                env,
                &job.handoff_id,
                "failed",
                Some("delivery retries exhausted"),
                now,
            )
            .await?;
            message.ack();
            continue;
        }
        match post(env, &job.payload).await {
            Ok(()) => {
                store::mark_delivery(env, &job.handoff_id, "delivered", None, now).await?;
                console_log!("handoff {} delivered", job.handoff_id);
                message.ack();
            }
            Err(error) => {
                console_error!("handoff {} delivery failed: {error}", job.handoff_id);
                store::mark_delivery(env, &job.handoff_id, "retrying", Some(&error), now).await?;
                message.retry();
            }
        }
    }
    Ok(())
}

async fn post(env: &Env, payload: &HandoffPayload) -> Result<(), String> {
    let url = env
        .var("WEBHOOK_URL")
        .map_err(|e| format!("WEBHOOK_URL is not configured: {e}"))?
        .to_string();
    let body = serde_json::to_string(payload).map_err(|e| e.to_string())?;
    let headers = Headers::new();
    headers
        .set("content-type", "application/json")
        .map_err(|e| e.to_string())?;
    headers
        .set(webhook::HEADER_ID, &payload.id)
        .map_err(|e| e.to_string())?;
    // Standard Webhooks signature when the secret is set (`wrangler secret put WEBHOOK_SECRET`:
    // one or more `whsec_…` keys separated by spaces while rotating).
    if let Ok(secret) = env.secret("WEBHOOK_SECRET") {
        let secrets = webhook::Secret::parse_list(&secret.to_string())
            .map_err(|e| format!("WEBHOOK_SECRET: {e}"))?;
        let timestamp = (Date::now().as_millis() / 1000) as i64;
        let signature =
            webhook::signature_header(&secrets, &payload.id, timestamp, body.as_bytes());
        headers
            .set(webhook::HEADER_TIMESTAMP, &timestamp.to_string())
            .map_err(|e| e.to_string())?;
        headers
            .set(webhook::HEADER_SIGNATURE, &signature)
            .map_err(|e| e.to_string())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let request = Request::new_with_init(&url, &init).map_err(|e| e.to_string())?;
    let response = Fetch::Request(request)
        .send()
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    match response.status_code() {
        200..=299 => Ok(()),
        status => Err(format!("POST {url}: HTTP {status}")),
    }
}
