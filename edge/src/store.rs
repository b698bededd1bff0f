//! D1: conversations, their messages, and handoffs with their delivery status.
//! Schema: `migrations/`. Every failure here is a 503 to the client, which retries safely.

use ferry_shared::History;
use ferry_shared::wire::{ChatRequest, HandoffPayload, Reply, TRANSCRIPT_LINES, TranscriptLine};
use wasm_bindgen::JsValue;
use worker::{D1Database, Env};

use crate::error::ApiError;

fn db(env: &Env) -> Result<D1Database, ApiError> {
    env.d1("DB").map_err(unavailable)
}

fn unavailable(e: impl std::fmt::Display) -> ApiError {
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

/// The reply already given to this very message, if it was finished before.
pub async fn finished_reply(env: &Env, req: &ChatRequest) -> Result<Option<Reply>, ApiError> {
    let stored: Option<String> = db(env)?
        .prepare("SELECT reply_json FROM messages WHERE conversation_id = ?1 AND client_message_id = ?2 AND role = 'shopper'")
        .bind(&[req.conversation_id.as_str().into(), req.client_message_id.as_str().into()])
        .map_err(unavailable)?
        .first(Some("reply_json"))
        .await
        .map_err(unavailable)?;
    Ok(stored.and_then(|json| serde_json::from_str(&json).ok()))
}

/// What the conversation so far tells the router, and its last messages for the agent.
/// A retry of the same message does not count its own first attempt's handoff.
pub async fn conversation(
    env: &Env,
    req: &ChatRequest,
) -> Result<(History, Vec<TranscriptLine>), ApiError> {
    let conversation_id = req.conversation_id.as_str();
    #[derive(serde::Deserialize)]
    struct Row {
        role: String,
        text: String,
        created_at: f64,
    }
    let db = db(env)?;
    let earlier: Option<f64> = db
        .prepare(
            "SELECT COUNT(*) AS n FROM handoffs WHERE conversation_id = ?1 AND client_message_id != ?2",
        )
        .bind(&[conversation_id.into(), req.client_message_id.as_str().into()])
        .map_err(unavailable)?
        .first(Some("n"))
        .await
        .map_err(unavailable)?;
    let rows: Vec<Row> = db
        .prepare(
            "SELECT role, text, created_at FROM messages WHERE conversation_id = ?1
             ORDER BY id DESC LIMIT ?2",
        )
        .bind(&[conversation_id.into(), (TRANSCRIPT_LINES as f64).into()])
        .map_err(unavailable)?
        .all()
        .await
        .map_err(unavailable)?
        .results()
        .map_err(unavailable)?;
    let transcript = rows
        .into_iter()
        .rev()
        .map(|r| TranscriptLine {
            role: r.role,
            text: r.text,
            at: r.created_at as i64,
        })
        .collect();
    let history = History {
        earlier_handoffs: earlier.unwrap_or(0.0) as u32,
    };
    Ok((history, transcript))
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

/// Writes the handoff row unless this message already has one, and returns the stored
/// payload (the first attempt's ids win, so retries never mint a second ticket).
pub async fn put_handoff(
    env: &Env,
    req: &ChatRequest,
    fresh: &HandoffPayload,
    now: i64,
) -> Result<HandoffPayload, ApiError> {
    let db = db(env)?;
    let payload_json =
        serde_json::to_string(fresh).map_err(|e| ApiError::Internal(e.to_string()))?;
    let insert = db
        .prepare(
            "INSERT INTO handoffs (id, ticket, site, conversation_id, client_message_id, language, urgency, topic,
                                   payload_json, status, attempts, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', 0, ?10, ?10)
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
            (now as f64).into(),
        ])
        .map_err(unavailable)?;
    db.batch(vec![upsert_conversation(&db, req, now)?, insert])
        .await
        .map_err(unavailable)?;
    let stored: Option<String> = db
        .prepare("SELECT payload_json FROM handoffs WHERE conversation_id = ?1 AND client_message_id = ?2")
        .bind(&[req.conversation_id.as_str().into(), req.client_message_id.as_str().into()])
        .map_err(unavailable)?
        .first(Some("payload_json"))
        .await
        .map_err(unavailable)?;
    let stored = stored.ok_or_else(|| unavailable("handoff row missing after insert"))?;
    serde_json::from_str(&stored)
        .map_err(|e| ApiError::Internal(format!("stored handoff payload: {e}")))
}

/// Records the shopper's message with the reply it got, and the reply as the bot's message.
pub async fn record_exchange(
    env: &Env,
    req: &ChatRequest,
    reply: &Reply,
    now: i64,
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
    db.batch(vec![
        upsert_conversation(&db, req, now)?,
        message("shopper", &req.text, reply_json.as_str().into())?,
        message("bot", reply_text, JsValue::NULL)?,
    ])
    .await
    .map_err(unavailable)?;
    Ok(())
}

/// Records a delivery attempt's outcome on the handoff row.
pub async fn mark_delivery(
    env: &Env,
    handoff_id: &str,
    status: &str,
    error: Option<&str>,
    now: i64,
) -> worker::Result<()> {
    env.d1("DB")?
        .prepare(
            "UPDATE handoffs SET status = ?2, attempts = attempts + 1, last_error = ?3, updated_at = ?4,
                    delivered_at = CASE WHEN ?2 = 'delivered' THEN ?4 ELSE delivered_at END
             WHERE id = ?1",
        )
        .bind(&[handoff_id.into(), status.into(), error.map_or(JsValue::NULL, JsValue::from), (now as f64).into()])?
        .run()
        .await?;
    Ok(())
}
