//! D1: conversations, their messages, and handoffs with their delivery status.
//! Schema: `migrations/`. Every failure here is a 503 to the client, which retries safely.

use ferry_shared::History;
use ferry_shared::status::{DeliveryEvent, DeliveryStatus, HandoffStatus};
use ferry_shared::wire::{ChatRequest, HandoffPayload, Reply, TRANSCRIPT_LINES, TranscriptLine};
use wasm_bindgen::JsValue;
use worker::{D1Database, Env};

use crate::error::ApiError;
use crate::trips::Trips;

pub(crate) fn db(env: &Env) -> Result<D1Database, ApiError> {
    env.d1("DB").map_err(unavailable)
}

pub(crate) fn unavailable(e: impl std::fmt::Display) -> ApiError {
    ApiError::Unavailable {
        what: "storage",
        detail: e.to_string(),
    }
}

fn opt(value: Option<&String>) -> JsValue {
    value.map_or(JsValue::NULL, |v| JsValue::from(v.as_str()))
}

pub async fn ping(env: &Env) -> Result<(), String> {
    let db = env.d1("DB").map_err(|e| e.to_string())?;
    db.prepare("SELECT COUNT(*) AS n FROM handoffs")
        .first::<f64>(Some("n"))
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// What D1 knows about a message and its conversation, read in one round trip before a
/// handoff (an answer reads nothing).
pub struct Conversation {
    /// The reply already given to this very message, if it was finished before.
    pub finished: Option<Reply>,
    /// Whether this message already has a handoff row (a retry after a failure further on):
    /// its cap slot and challenge were spent by the first attempt.
    pub has_handoff: bool,
    /// What the conversation so far tells the router. A retry of the same message does not
    /// count its own first attempt's handoff.
    pub history: History,
    /// The conversation's last messages, for the agent.
    pub transcript: Vec<TranscriptLine>,
}

/// Reads [`Conversation`]: four statements, one batch, one round trip.
pub async fn conversation(
    env: &Env,
    req: &ChatRequest,
    trips: &Trips,
) -> Result<Conversation, ApiError> {
    let conversation_id = req.conversation_id.as_str();
    let message_id = req.client_message_id.as_str();
    #[derive(serde::Deserialize)]
    struct Row {
        role: String,
        text: String,
        created_at: f64,
    }
    #[derive(serde::Deserialize)]
    struct Count {
        n: f64,
    }
    #[derive(serde::Deserialize)]
    struct Finished {
        reply_json: Option<String>,
    }
    let db = db(env)?;
    let ids = [conversation_id.into(), message_id.into()];
    let statements = vec![
        db.prepare(
            "SELECT reply_json FROM messages WHERE conversation_id = ?1 AND client_message_id = ?2 AND role = 'shopper'",
        )
        .bind(&ids)
        .map_err(unavailable)?,
        db.prepare(
            "SELECT COUNT(*) AS n FROM handoffs WHERE conversation_id = ?1 AND client_message_id = ?2",
        )
        .bind(&ids)
        .map_err(unavailable)?,
        db.prepare(
            "SELECT COUNT(*) AS n FROM handoffs WHERE conversation_id = ?1 AND client_message_id != ?2",
        )
        .bind(&ids)
        .map_err(unavailable)?,
        db.prepare(
            "SELECT role, text, created_at FROM messages WHERE conversation_id = ?1
             ORDER BY id DESC LIMIT ?2",
        )
        .bind(&[conversation_id.into(), (TRANSCRIPT_LINES as f64).into()])
        .map_err(unavailable)?,
    ];
    let results = trips
        .wait(db.batch(statements))
        .await
        .map_err(unavailable)?;
    let [finished, own, earlier, messages] = results.as_slice() else {
        return Err(unavailable(
            "the conversation batch returned the wrong number of results",
        ));
    };
    let count = |result: &worker::D1Result| -> Result<f64, ApiError> {
        Ok(result
            .results::<Count>()
            .map_err(unavailable)?
            .first()
            .map_or(0.0, |c| c.n))
    };
    let finished = finished
        .results::<Finished>()
        .map_err(unavailable)?
        .into_iter()
        .next()
        .and_then(|f| f.reply_json)
        .and_then(|json| serde_json::from_str(&json).ok());
    let rows: Vec<Row> = messages.results().map_err(unavailable)?;
    let transcript = rows
        .into_iter()
        .rev()
        .map(|r| TranscriptLine {
            role: r.role,
            text: r.text,
            at: r.created_at as i64,
        })
        .collect();
    Ok(Conversation {
        finished,
        has_handoff: count(own)? > 0.0,
        history: History {
            earlier_handoffs: count(earlier)? as u32,
        },
        transcript,
    })
}

fn upsert_conversation(
    db: &D1Database,
    req: &ChatRequest,
    now: i64,
) -> Result<worker::D1PreparedStatement, ApiError> {
    db.prepare(
        "INSERT INTO conversations (id, site, created_at, updated_at, locale, time_zone, page_url, contact_email)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at,
           contact_email = COALESCE(excluded.contact_email, conversations.contact_email)",
    )
    .bind(&[
        req.conversation_id.as_str().into(),
        req.site.as_str().into(),
        (now as f64).into(),
        opt(req.locale.as_ref()),
        opt(req.time_zone.as_ref()),
        opt(req.page_url.as_ref()),
        opt(req.contact.as_ref().and_then(|c| c.email.as_ref())),
    ])
    .map_err(unavailable)
}

/// A handoff as stored: its payload and roll-up status.
pub struct StoredHandoff {
    pub payload: HandoffPayload,
    pub status: HandoffStatus,
}

/// The columns every handoff read selects.
const HANDOFF_COLUMNS: &str = "SELECT payload_json, status FROM handoffs";

#[derive(serde::Deserialize)]
struct HandoffRow {
    payload_json: String,
    status: String,
}

impl HandoffRow {
    fn parse(self) -> Result<StoredHandoff, String> {
        Ok(StoredHandoff {
            payload: serde_json::from_str(&self.payload_json)
                .map_err(|e| format!("stored handoff payload: {e}"))?,
            status: HandoffStatus::from_name(&self.status)
                .ok_or_else(|| format!("stored handoff status `{}`", self.status))?,
        })
    }
}

/// Writes the handoff row and one delivery row per destination unless this message already
/// has them, and returns what is stored with its destinations' delivery status (the first
/// attempt's ids win, so retries never mint a second ticket). `waiting`: the handoff waits for
/// the shopper's email before it goes out. The writes and the reads are one batch (one D1
/// transaction, one round trip).
pub async fn put_handoff(
    env: &Env,
    req: &ChatRequest,
    fresh: &HandoffPayload,
    destinations: &[(&str, &str)],
    waiting: bool,
    now: i64,
    trips: &Trips,
) -> Result<(StoredHandoff, Vec<(String, DeliveryStatus)>), ApiError> {
    let db = db(env)?;
    let payload_json =
        serde_json::to_string(fresh).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (status, delivery_status) = HandoffStatus::new(waiting);
    let insert = db
        .prepare(
            "INSERT INTO handoffs (id, ticket, site, conversation_id, client_message_id, language, urgency, topic,
                                   payload_json, status, attempts, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?11)
             ON CONFLICT(conversation_id, client_message_id) DO NOTHING",
        )
        .bind(&[
            fresh.id.as_str().into(),
            fresh.ticket.as_str().into(),
            fresh.site.as_str().into(),
            req.conversation_id.as_str().into(),
            req.client_message_id.as_str().into(),
            fresh.language.code.as_str().into(),
            fresh.urgency.level.as_str().into(),
            fresh.topic.as_str().into(),
            payload_json.as_str().into(),
            status.as_str().into(),
            (now as f64).into(),
        ])
        .map_err(unavailable)?;
    let mut statements = vec![upsert_conversation(&db, req, now)?, insert];
    for (name, format) in destinations {
        // Only for the handoff this request created: a retry finds the first attempt's rows.
        statements.push(
            db.prepare(
                "INSERT INTO deliveries (handoff_id, destination, format, status, attempts, created_at, updated_at)
                 SELECT ?1, ?2, ?3, ?4, 0, ?5, ?5 WHERE EXISTS (SELECT 1 FROM handoffs WHERE id = ?1)
                 ON CONFLICT(handoff_id, destination) DO NOTHING",
            )
            .bind(&[
                fresh.id.as_str().into(),
                (*name).into(),
                (*format).into(),
                delivery_status.as_str().into(),
                (now as f64).into(),
            ])
            .map_err(unavailable)?,
        );
    }
    let ids = [
        req.conversation_id.as_str().into(),
        req.client_message_id.as_str().into(),
    ];
    statements.push(
        db.prepare(format!(
            "{HANDOFF_COLUMNS} WHERE conversation_id = ?1 AND client_message_id = ?2"
        ))
        .bind(&ids)
        .map_err(unavailable)?,
    );
    statements.push(
        db.prepare(
            "SELECT d.destination, d.status FROM deliveries d JOIN handoffs h ON h.id = d.handoff_id
             WHERE h.conversation_id = ?1 AND h.client_message_id = ?2 ORDER BY d.destination",
        )
        .bind(&ids)
        .map_err(unavailable)?,
    );
    let results = trips
        .wait(db.batch(statements))
        .await
        .map_err(unavailable)?;
    let [.., stored, deliveries] = results.as_slice() else {
        return Err(unavailable(
            "the handoff batch returned the wrong number of results",
        ));
    };
    let stored = stored
        .results::<HandoffRow>()
        .map_err(unavailable)?
        .into_iter()
        .next()
        .ok_or_else(|| unavailable("handoff row missing after insert"))?
        .parse()
        .map_err(ApiError::Internal)?;
    let deliveries = deliveries
        .results::<DeliveryRow>()
        .map_err(unavailable)?
        .into_iter()
        .map(DeliveryRow::parse)
        .collect::<Result<_, _>>()
        .map_err(ApiError::Internal)?;
    Ok((stored, deliveries))
}

/// A handoff by id (for the queue consumer).
pub async fn handoff(env: &Env, id: &str) -> worker::Result<Option<StoredHandoff>> {
    let row: Option<HandoffRow> = env
        .d1("DB")?
        .prepare(format!("{HANDOFF_COLUMNS} WHERE id = ?1"))
        .bind(&[id.into()])?
        .first(None)
        .await?;
    row.map(|r| r.parse().map_err(worker::Error::RustError))
        .transpose()
}

/// The destinations of a handoff and their delivery status.
pub async fn deliveries(
    env: &Env,
    handoff_id: &str,
) -> worker::Result<Vec<(String, DeliveryStatus)>> {
    let rows: Vec<DeliveryRow> = env
        .d1("DB")?
        .prepare(
            "SELECT destination, status FROM deliveries WHERE handoff_id = ?1 ORDER BY destination",
        )
        .bind(&[handoff_id.into()])?
        .all()
        .await?
        .results()?;
    rows.into_iter()
        .map(|r| r.parse().map_err(worker::Error::RustError))
        .collect()
}

#[derive(serde::Deserialize)]
struct DeliveryRow {
    destination: String,
    status: String,
}

impl DeliveryRow {
    fn parse(self) -> Result<(String, DeliveryStatus), String> {
        match DeliveryStatus::from_name(&self.status) {
            Some(status) => Ok((self.destination, status)),
            None => Err(format!("stored delivery status `{}`", self.status)),
        }
    }
}

/// The handoff of `ticket` in this conversation, if any.
pub async fn handoff_by_ticket(
    env: &Env,
    site: &str,
    conversation_id: &str,
    ticket: &str,
) -> Result<Option<StoredHandoff>, ApiError> {
    let row: Option<HandoffRow> = db(env)?
        .prepare(format!(
            "{HANDOFF_COLUMNS} WHERE site = ?1 AND conversation_id = ?2 AND ticket = ?3"
        ))
        .bind(&[site.into(), conversation_id.into(), ticket.into()])
        .map_err(unavailable)?
        .first(None)
        .await
        .map_err(unavailable)?;
    row.map(|r| r.parse().map_err(ApiError::Internal))
        .transpose()
}

/// Stores the shopper's contact on the handoff and its conversation.
pub async fn set_contact(env: &Env, payload: &HandoffPayload, now: i64) -> Result<(), ApiError> {
    let db = db(env)?;
    let json = serde_json::to_string(payload).map_err(|e| ApiError::Internal(e.to_string()))?;
    let email = payload
        .contact
        .as_ref()
        .and_then(|c| c.email.as_deref())
        .map_or(JsValue::NULL, JsValue::from);
    db.batch(vec![
        db.prepare("UPDATE handoffs SET payload_json = ?2, updated_at = ?3 WHERE id = ?1")
            .bind(&[
                payload.id.as_str().into(),
                json.as_str().into(),
                (now as f64).into(),
            ])
            .map_err(unavailable)?,
        db.prepare("UPDATE conversations SET contact_email = ?2, updated_at = ?3 WHERE id = ?1")
            .bind(&[
                payload.conversation_id.as_str().into(),
                email,
                (now as f64).into(),
            ])
            .map_err(unavailable)?,
        event(
            &db,
            &payload.id,
            "*",
            0,
            now,
            DeliveryEvent::Contact,
            None,
            None,
            None,
        )
        .map_err(unavailable)?,
    ])
    .await
    .map_err(unavailable)?;
    Ok(())
}

/// Ends the wait for the shopper's email: `awaiting_contact` becomes `queued` (and its
/// deliveries `queued`). True if this call did it, false if it was no longer waiting, so the
/// caller that wins is the one that sends the deliveries.
pub async fn release(env: &Env, handoff_id: &str, now: i64) -> worker::Result<bool> {
    let db = env.d1("DB")?;
    let results = db
        .batch(vec![
            db.prepare(
                "UPDATE deliveries SET status = 'queued', updated_at = ?2
                 WHERE handoff_id = ?1 AND status = 'waiting'",
            )
            .bind(&[handoff_id.into(), (now as f64).into()])?,
            db.prepare(
                "UPDATE handoffs SET status = 'queued', updated_at = ?2
                 WHERE id = ?1 AND status = 'awaiting_contact'",
            )
            .bind(&[handoff_id.into(), (now as f64).into()])?,
        ])
        .await?;
    let changed = results
        .last()
        .and_then(|r| r.meta().ok().flatten())
        .and_then(|m| m.changes)
        .unwrap_or(0);
    Ok(changed > 0)
}

/// One delivery's new state, recorded with its event and rolled up onto the handoff.
pub struct DeliveryUpdate<'a> {
    pub handoff_id: &'a str,
    pub destination: &'a str,
    /// The attempt this update is about (1 = the first POST); 0 for `queued`.
    pub attempt: u32,
    pub status: DeliveryStatus,
    pub event: DeliveryEvent,
    pub http_status: Option<u16>,
    pub error: Option<&'a str>,
    pub delay_ms: Option<i64>,
}

pub async fn update_delivery(env: &Env, u: &DeliveryUpdate<'_>, now: i64) -> worker::Result<()> {
    let db = env.d1("DB")?;
    let error = u.error.map_or(JsValue::NULL, JsValue::from);
    let http = u
        .http_status
        .map_or(JsValue::NULL, |s| JsValue::from(f64::from(s)));
    let next = u
        .delay_ms
        .map_or(JsValue::NULL, |d| JsValue::from((now + d) as f64));
    db.batch(vec![
        db.prepare(
            "UPDATE deliveries SET status = ?3, attempts = MAX(attempts, ?4), last_status = COALESCE(?5, last_status),
                    last_error = CASE WHEN ?3 = 'delivered' THEN last_error ELSE COALESCE(?6, last_error) END,
                    next_attempt_at = ?7, updated_at = ?8,
                    delivered_at = CASE WHEN ?3 = 'delivered' THEN ?8 ELSE delivered_at END
             WHERE handoff_id = ?1 AND destination = ?2",
        )
        .bind(&[
            u.handoff_id.into(),
            u.destination.into(),
            u.status.as_str().into(),
            f64::from(u.attempt).into(),
            http.clone(),
            error.clone(),
            next,
            (now as f64).into(),
        ])?,
        event(&db, u.handoff_id, u.destination, u.attempt, now, u.event, u.http_status, u.error, u.delay_ms)?,
        // The handoff's roll-up: delivered when every destination is, failed when one failed.
        db.prepare(
            "UPDATE handoffs SET
               status = CASE
                 WHEN NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.handoff_id = ?1 AND d.status != 'delivered') THEN 'delivered'
                 WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.handoff_id = ?1 AND d.status = 'failed') THEN 'failed'
                 WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.handoff_id = ?1 AND d.status = 'retrying') THEN 'retrying'
                 ELSE 'queued' END,
               attempts = (SELECT COALESCE(SUM(attempts), 0) FROM deliveries d WHERE d.handoff_id = ?1),
               last_error = COALESCE((SELECT last_error FROM deliveries d WHERE d.handoff_id = ?1 AND d.status != 'delivered'
                                      AND d.last_error IS NOT NULL ORDER BY d.updated_at DESC LIMIT 1), last_error),
               updated_at = ?2,
               delivered_at = CASE WHEN NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.handoff_id = ?1 AND d.status != 'delivered')
                                   THEN COALESCE(delivered_at, ?2) ELSE delivered_at END
             WHERE id = ?1 AND status != 'awaiting_contact'",
        )
        .bind(&[u.handoff_id.into(), (now as f64).into()])?,
    ])
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn event(
    db: &D1Database,
    handoff_id: &str,
    destination: &str,
    attempt: u32,
    now: i64,
    event: DeliveryEvent,
    http_status: Option<u16>,
    error: Option<&str>,
    delay_ms: Option<i64>,
) -> worker::Result<worker::D1PreparedStatement> {
    db.prepare(
        "INSERT INTO delivery_events (handoff_id, destination, attempt, at, event, http_status, error, delay_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(&[
        handoff_id.into(),
        destination.into(),
        f64::from(attempt).into(),
        (now as f64).into(),
        event.as_str().into(),
        http_status.map_or(JsValue::NULL, |s| JsValue::from(f64::from(s))),
        error.map_or(JsValue::NULL, JsValue::from),
        delay_ms.map_or(JsValue::NULL, |d| JsValue::from(d as f64)),
    ])
}

/// Deletes the conversations of `site` whose last message is older than `cutoff`, with their
/// messages, handoffs, deliveries and events. Returns how many conversations went.
pub async fn purge(env: &Env, site: &str, cutoff: i64) -> worker::Result<usize> {
    let db = env.d1("DB")?;
    let old = "SELECT id FROM conversations WHERE site = ?1 AND updated_at < ?2";
    let handoffs = format!("SELECT id FROM handoffs WHERE conversation_id IN ({old})");
    let bind = |sql: String| db.prepare(sql).bind(&[site.into(), (cutoff as f64).into()]);
    let results = db
        .batch(vec![
            bind(format!(
                "DELETE FROM delivery_events WHERE handoff_id IN ({handoffs})"
            ))?,
            bind(format!(
                "DELETE FROM deliveries WHERE handoff_id IN ({handoffs})"
            ))?,
            bind(format!(
                "DELETE FROM handoffs WHERE conversation_id IN ({old})"
            ))?,
            bind(format!(
                "DELETE FROM messages WHERE conversation_id IN ({old})"
            ))?,
            bind("DELETE FROM conversations WHERE site = ?1 AND updated_at < ?2".to_string())?,
        ])
        .await?;
    Ok(results
        .last()
        .and_then(|r| r.meta().ok().flatten())
        .and_then(|m| m.changes)
        .unwrap_or(0))
}

/// Records the shopper's message with the reply it got, and the reply as the bot's message.
pub async fn record_exchange(
    env: &Env,
    req: &ChatRequest,
    reply: &Reply,
    now: i64,
    trips: &Trips,
) -> Result<(), ApiError> {
    let db = db(env)?;
    let reply_json = serde_json::to_string(reply).map_err(|e| ApiError::Internal(e.to_string()))?;
    let reply_text = match reply {
        Reply::Answer(a) => a.text.as_str(),
        Reply::Handoff(h) => h.text.as_str(),
    };
    let message = |role: &str, text: &str, json: JsValue| {
        db.prepare(
            "INSERT INTO messages (conversation_id, client_message_id, role, text, reply_json, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(conversation_id, client_message_id, role) DO NOTHING",
        )
        .bind(&[
            req.conversation_id.as_str().into(),
            req.client_message_id.as_str().into(),
            role.into(),
            text.into(),
            json,
            (now as f64).into(),
        ])
        .map_err(unavailable)
    };
    let statements = vec![
        upsert_conversation(&db, req, now)?,
        message("shopper", &req.text, reply_json.as_str().into())?,
        message("bot", reply_text, JsValue::NULL)?,
    ];
    trips
        .wait(db.batch(statements))
        .await
        .map_err(unavailable)?;
    Ok(())
}

/// Claims a Turnstile token (by its digest) for this site; `false` when it was spent before.
pub async fn claim_token(env: &Env, site: &str, digest: &str, now: i64) -> Result<bool, ApiError> {
    let result = db(env)?
        .prepare(
            "INSERT INTO turnstile_tokens (digest, site, used_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(digest) DO NOTHING",
        )
        .bind(&[digest.into(), site.into(), (now as f64).into()])
        .map_err(unavailable)?
        .run()
        .await
        .map_err(unavailable)?;
    let changes = result
        .meta()
        .ok()
        .flatten()
        .and_then(|m| m.changes)
        .unwrap_or(0);
    Ok(changes == 1)
}

/// Forgets spent Turnstile tokens older than `cutoff` (they expire after 5 minutes anyway).
pub async fn purge_tokens(env: &Env, cutoff: i64) -> worker::Result<usize> {
    let result = env
        .d1("DB")?
        .prepare("DELETE FROM turnstile_tokens WHERE used_at < ?1")
        .bind(&[(cutoff as f64).into()])?
        .run()
        .await?;
    Ok(result
        .meta()
        .ok()
        .flatten()
        .and_then(|m| m.changes)
        .unwrap_or(0))
}
