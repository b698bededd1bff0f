//! Handoff delivery: the queue's producer side ([`enqueue`]) and its consumer ([`consume`]).
//!
//! - One queue message per handoff and destination. A failed POST is not retried by the queue:
//!   the consumer sends a new message carrying `attempt + 1`, delayed by the retry schedule
//!   (or the receiver's `Retry-After` on 429/503), and acks the old one. The queue's own
//!   retries (`max_retries`, then the dead-letter queue) only catch a consumer that crashed.
//! - 410 stops at once; an exhausted schedule sends the message to the dead-letter queue,
//!   whose consumer marks the delivery failed. Every state change is an event in D1.
//! - The payload is read from D1 at each attempt, so an email the shopper adds later is in
//!   the next delivery, and nothing is carried in the queue that D1 does not have.
//! - A handoff waiting for the shopper's email has a `Release` message delayed by the
//!   site's wait; whoever releases it first (the email or the timer) sends the deliveries.
//!
//! Settings (Worker variables): `DELIVERY_RETRY_SCHEDULE` (default "5s,5m,30m,2h,5h,10h"),
//! `DELIVERY_TIMEOUT_MS` (default 15000), `CONTACT_WAIT_SECONDS` (overrides the site's wait,
//! for local runs and tests).

use ferry_shared::retry::{self, Schedule, Verdict};
use ferry_shared::site::{Destination, Format, UrlSource};
use ferry_shared::status::{DeliveryEvent, DeliveryStatus};
use ferry_shared::wire::HandoffPayload;
use ferry_shared::{CompiledSite, slack, webhook};
use serde::{Deserialize, Serialize};
use worker::{
    AbortSignal, Date, Env, Fetch, Headers, MessageBatch, MessageBuilder, MessageExt, Method,
    Queue, Request, RequestInit, console_error, console_log,
};

use crate::sites::{self, Lookup};
use crate::slack_api;
use crate::store::{self, DeliveryUpdate};
use crate::trips::Trips;

/// One queue message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// POST handoff `handoff_id` to `destination`; `attempt` is 1 for the first POST.
    Deliver {
        handoff_id: String,
        destination: String,
        attempt: u32,
        /// Set for an update of a handoff already delivered (the shopper's email came later):
        /// the `webhook-id` of this delivery, different from the first one's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        update: Option<String>,
    },
    /// The wait for the shopper's email is over: send the handoff as it is.
    Release { handoff_id: String },
}

fn queue(env: &Env, binding: &str) -> worker::Result<Queue> {
    env.queue(binding)
}

/// Sends the first delivery of `handoff_id` to each destination. Awaited by the caller: a
/// handoff is only "handed off" once its messages are on the queue.
pub async fn enqueue(
    env: &Env,
    handoff_id: &str,
    destinations: &[String],
    trips: &Trips,
) -> worker::Result<()> {
    enqueue_as(env, handoff_id, destinations, None, trips).await
}

/// Sends the handoff again to every destination as an update with its own `webhook-id`.
pub async fn enqueue_update(env: &Env, handoff_id: &str, webhook_id: &str) -> worker::Result<()> {
    let destinations: Vec<String> = store::deliveries(env, handoff_id)
        .await?
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    enqueue_as(
        env,
        handoff_id,
        &destinations,
        Some(webhook_id),
        &Trips::default(),
    )
    .await
}

async fn enqueue_as(
    env: &Env,
    handoff_id: &str,
    destinations: &[String],
    update: Option<&str>,
    trips: &Trips,
) -> worker::Result<()> {
    let jobs: Vec<Job> = destinations
        .iter()
        .map(|d| Job::Deliver {
            handoff_id: handoff_id.to_string(),
            destination: d.clone(),
            attempt: 1,
            update: update.map(str::to_string),
        })
        .collect();
    if jobs.is_empty() {
        return Ok(());
    }
    trips.wait(queue(env, "HANDOFFS")?.send_batch(jobs)).await
}

/// Schedules the end of the wait for the shopper's email.
pub async fn schedule_release(
    env: &Env,
    handoff_id: &str,
    wait_secs: u32,
    trips: &Trips,
) -> worker::Result<()> {
    let wait = env
        .var("CONTACT_WAIT_SECONDS")
        .ok()
        .and_then(|v| v.to_string().trim().parse::<u32>().ok())
        .unwrap_or(wait_secs)
        .min(retry::MAX_DELAY_SECS);
    let release = MessageBuilder::new(Job::Release {
        handoff_id: handoff_id.to_string(),
    })
    .delay_seconds(wait)
    .build();
    trips.wait(queue(env, "HANDOFFS")?.send(release)).await
}

/// Releases a waiting handoff and sends its deliveries, unless someone else released it
/// (then false).
pub async fn release(env: &Env, handoff_id: &str) -> worker::Result<bool> {
    let now = now();
    if !store::release(env, handoff_id, now).await? {
        return Ok(false);
    }
    let destinations: Vec<String> = store::deliveries(env, handoff_id)
        .await?
        .into_iter()
        .filter(|(_, status)| *status == DeliveryStatus::Queued)
        .map(|(name, _)| name)
        .collect();
    enqueue(env, handoff_id, &destinations, &Trips::default()).await?;
    Ok(true)
}

fn now() -> i64 {
    Date::now().as_millis() as i64
}

pub async fn consume(batch: MessageBatch<Job>, env: &Env) -> worker::Result<()> {
    let dead_letter = batch.queue().ends_with("-dlq");
    let settings = Settings::from_env(env);
    for message in batch.messages()? {
        let outcome = match message.body() {
            Job::Release { handoff_id } => release(env, handoff_id).await.map(|_| ()),
            Job::Deliver {
                handoff_id,
                destination,
                attempt,
                ..
            } if dead_letter => give_up(env, handoff_id, destination, *attempt).await,
            Job::Deliver {
                handoff_id,
                destination,
                attempt,
                update,
            } => {
                let job = Attempt {
                    handoff_id,
                    destination,
                    attempt: *attempt,
                    update: update.as_deref(),
                };
                deliver(env, &settings, &job).await
            }
        };
        match outcome {
            Ok(()) => message.ack(),
            Err(error) => {
                // D1 or the queue failed under us: let the queue itself retry this message.
                console_error!("queue job {:?} failed: {error}", message.body());
                message.retry();
            }
        }
    }
    Ok(())
}

struct Settings {
    schedule: Schedule,
    timeout_ms: u32,
}

impl Settings {
    fn from_env(env: &Env) -> Settings {
        let var = |name: &str| env.var(name).ok().map(|v| v.to_string());
        let schedule = match var("DELIVERY_RETRY_SCHEDULE").map(|s| Schedule::parse(&s)) {
            Some(Ok(schedule)) => schedule,
            Some(Err(e)) => {
                console_error!(
                    "DELIVERY_RETRY_SCHEDULE: {e}; using {}",
                    retry::DEFAULT_SCHEDULE
                );
                Schedule::default()
            }
            None => Schedule::default(),
        };
        let timeout_ms = var("DELIVERY_TIMEOUT_MS")
            .and_then(|v| v.trim().parse().ok())
            .filter(|ms| *ms > 0)
            .unwrap_or(retry::DEFAULT_TIMEOUT_MS);
        Settings {
            schedule,
            timeout_ms,
        }
    }
}

/// The dead-letter queue: retries are exhausted (or the consumer kept crashing).
async fn give_up(
    env: &Env,
    handoff_id: &str,
    destination: &str,
    attempt: u32,
) -> worker::Result<()> {
    console_error!(
        "handoff {handoff_id} → {destination}: failed for good after {attempt} attempt(s)"
    );
    store::update_delivery(
        env,
        &DeliveryUpdate {
            handoff_id,
            destination,
            attempt,
            status: DeliveryStatus::Failed,
            event: DeliveryEvent::Failed,
            http_status: None,
            error: None,
            delay_ms: None,
        },
        now(),
    )
    .await
}

struct Attempt<'a> {
    handoff_id: &'a str,
    destination: &'a str,
    attempt: u32,
    update: Option<&'a str>,
}

async fn deliver(env: &Env, settings: &Settings, job: &Attempt<'_>) -> worker::Result<()> {
    let Attempt {
        handoff_id,
        destination,
        attempt,
        update: update_id,
    } = *job;
    let Some(stored) = store::handoff(env, handoff_id).await? else {
        // Deleted by retention (or never written): nothing left to deliver.
        console_log!("handoff {handoff_id}: no longer stored, delivery dropped");
        return Ok(());
    };
    let already = store::deliveries(env, handoff_id)
        .await?
        .into_iter()
        .find(|(name, _)| name == destination)
        .map(|(_, status)| status);
    if update_id.is_none() && already.is_some_and(DeliveryStatus::is_final) {
        return Ok(()); // a duplicate message: the queue delivers at least once
    }
    let site = match sites::get(&stored.payload.site) {
        Lookup::Found(site) => Some(site),
        _ => None,
    };
    let target = site.and_then(|s| s.destination(destination).map(|d| (s, d)));
    let result = match target {
        Some((site, dest)) => {
            let webhook_id = update_id.unwrap_or(&stored.payload.id);
            post(env, settings, site, dest, &stored.payload, webhook_id).await
        }
        None => Err(Failure {
            status: None,
            retry_after: None,
            error: format!(
                "destination `{destination}` is not in site `{}` any more",
                stored.payload.site
            ),
        }),
    };
    let now = now();
    let update = |status, event, http_status, error, delay_ms| DeliveryUpdate {
        handoff_id,
        destination,
        attempt,
        status,
        event,
        http_status,
        error,
        delay_ms,
    };
    let failure = match result {
        Ok(status) => {
            console_log!("handoff {handoff_id} → {destination}: delivered (attempt {attempt})");
            let u = update(
                DeliveryStatus::Delivered,
                DeliveryEvent::Delivered,
                Some(status),
                None,
                None,
            );
            return store::update_delivery(env, &u, now).await;
        }
        Err(failure) => failure,
    };
    let verdict = failure.status.map_or(
        Verdict::Retry {
            honour_retry_after: false,
        },
        retry::classify,
    );
    console_error!(
        "handoff {handoff_id} → {destination}: attempt {attempt} failed: {}",
        failure.error
    );
    if verdict == Verdict::Gone {
        let u = update(
            DeliveryStatus::Failed,
            DeliveryEvent::Gone,
            failure.status,
            Some(&failure.error),
            None,
        );
        return store::update_delivery(env, &u, now).await;
    }
    let retry_index = attempt.saturating_sub(1) as usize;
    let next = retry::next_delay(
        &settings.schedule,
        retry_index,
        verdict,
        failure.retry_after,
        js_sys::Math::random(),
    );
    let job = |attempt| Job::Deliver {
        handoff_id: handoff_id.to_string(),
        destination: destination.to_string(),
        attempt,
        update: update_id.map(str::to_string),
    };
    match next {
        Some(delay) => {
            // Recorded first: if sending fails, the queue retries this message and the
            // attempt is made again (the receiver deduplicates on webhook-id).
            let u = update(
                DeliveryStatus::Retrying,
                DeliveryEvent::Retry,
                failure.status,
                Some(&failure.error),
                Some(i64::from(delay) * 1000),
            );
            store::update_delivery(env, &u, now).await?;
            queue(env, "HANDOFFS")?
                .send(
                    MessageBuilder::new(job(attempt + 1))
                        .delay_seconds(delay)
                        .build(),
                )
                .await
        }
        None => {
            let u = update(
                DeliveryStatus::Retrying,
                DeliveryEvent::DeadLettered,
                failure.status,
                Some(&failure.error),
                None,
            );
            store::update_delivery(env, &u, now).await?;
            queue(env, "HANDOFFS_DLQ")?.send(job(attempt)).await
        }
    }
}

struct Failure {
    status: Option<u16>,
    retry_after: Option<u32>,
    error: String,
}

impl Failure {
    fn local(error: impl std::fmt::Display) -> Failure {
        Failure {
            status: None,
            retry_after: None,
            error: error.to_string(),
        }
    }
}

/// A handoff as a Slack message (Block Kit), the reply-by time in the shop's zone.
fn slack_message(site: &CompiledSite, payload: &HandoffPayload) -> serde_json::Value {
    let tz = site.hours.tz_name();
    let reply_by = format!(
        "{} ({tz})",
        ferry_shared::hours::format_local(
            payload.reply_by,
            now(),
            Some(tz),
            ferry_shared::lang::LangCode::En,
        )
    );
    let transcript: Vec<(String, String)> = payload
        .transcript
        .iter()
        .map(|l| (l.role.clone(), l.text.clone()))
        .collect();
    slack::block_kit(payload, &reply_by, &transcript)
}

/// One POST to one destination, in its format, signed when it names a secret that is set.
async fn post(
    env: &Env,
    settings: &Settings,
    site: &CompiledSite,
    dest: &Destination,
    payload: &HandoffPayload,
    webhook_id: &str,
) -> Result<u16, Failure> {
    // A Slack app with its bot token set: `chat.postMessage`, so agents can reply in the thread.
    if let Some((app, token)) = dest
        .slack_app
        .as_ref()
        .and_then(|app| slack_api::bot_token(env, app).map(|t| (app, t)))
    {
        let message = slack_message(site, payload);
        let timeout = settings.timeout_ms;
        let update = webhook_id != payload.id;
        let delivery = (payload.id.as_str(), dest.name.as_str(), update);
        return slack_api::deliver(env, app, &token, message, delivery, timeout)
            .await
            .map_err(|f| Failure {
                status: f.status,
                retry_after: f.retry_after,
                error: f.error,
            });
    }
    let url = match &dest.url {
        UrlSource::Literal(url) => url.clone(),
        UrlSource::Var(name) => env.var(name).map(|v| v.to_string()).map_err(|_| {
            Failure::local(format!(
                "destination `{}`: the variable {name} holding its URL is not set",
                dest.name
            ))
        })?,
    };
    let body = match dest.format {
        Format::Json => serde_json::to_string(payload),
        Format::Slack => serde_json::to_string(&slack_message(site, payload)),
    }
    .map_err(Failure::local)?;

    let headers = Headers::new();
    let set = |k: &str, v: &str| headers.set(k, v).map_err(Failure::local);
    set("content-type", "application/json")?;
    set("user-agent", concat!("Ferry/", env!("CARGO_PKG_VERSION")))?;
    set(webhook::HEADER_ID, webhook_id)?;
    // Standard Webhooks signature when the destination's secret is set (one or more `whsec_…`
    // separated by spaces while rotating).
    if let Some(secret) = dest
        .secret
        .as_deref()
        .and_then(|n| env.secret(n).ok().map(|s| (n, s)))
    {
        let (name, value) = secret;
        let secrets = webhook::Secret::parse_list(&value.to_string())
            .map_err(|e| Failure::local(format!("secret {name}: {e}")))?;
        let timestamp = now() / 1000;
        set(webhook::HEADER_TIMESTAMP, &timestamp.to_string())?;
        set(
            webhook::HEADER_SIGNATURE,
            &webhook::signature_header(&secrets, webhook_id, timestamp, body.as_bytes()),
        )?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let request = Request::new_with_init(&url, &init)
        .map_err(|e| Failure::local(format!("POST {url}: {e}")))?;
    let signal = AbortSignal::from(web_sys::AbortSignal::timeout_with_u32(settings.timeout_ms));
    let response = Fetch::Request(request)
        .send_with_signal(&signal)
        .await
        .map_err(|e| {
            if signal.aborted() {
                Failure::local(format!(
                    "POST {url}: no answer within {} ms",
                    settings.timeout_ms
                ))
            } else {
                Failure::local(format!("POST {url}: {e}"))
            }
        })?;
    let status = response.status_code();
    if (200..300).contains(&status) {
        return Ok(status);
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|v| retry::retry_after_secs(&v, now()));
    Err(Failure {
        status: Some(status),
        retry_after,
        error: format!("POST {url}: HTTP {status}"),
    })
}
