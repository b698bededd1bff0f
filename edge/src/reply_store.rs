//! D1 for agents' replies (`agent_messages`, migration 0004) and the Slack thread of a
//! delivery (`deliveries.slack_channel` / `slack_ts`). Failures are 503s: the sender retries
//! with the same id, which is safe.

use ferry_shared::reply::{AgentMessage, Seen, judge};
use worker::Env;

use crate::error::ApiError;
use crate::store::{db, unavailable};

/// The handoff a reply answers.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Target {
    pub handoff_id: String,
    pub conversation_id: String,
    pub ticket: String,
}

const TARGET: &str = "SELECT h.id AS handoff_id, h.conversation_id, h.ticket
     FROM handoffs h JOIN deliveries d ON d.handoff_id = h.id";

/// The handoff of `ticket` in `site`, if it was sent to `destination` (a destination answers
/// only the handoffs it received).
pub async fn by_ticket(
    env: &Env,
    site: &str,
    destination: &str,
    ticket: &str,
) -> Result<Option<Target>, ApiError> {
    db(env)?
        .prepare(format!(
            "{TARGET} WHERE h.site = ?1 AND h.ticket = ?2 AND d.destination = ?3"
        ))
        .bind(&[site.into(), ticket.into(), destination.into()])
        .map_err(unavailable)?
        .first(None)
        .await
        .map_err(unavailable)
}

/// The handoff whose Slack message (posted to `destination`) is `channel` / `ts`.
pub async fn by_slack_thread(
    env: &Env,
    site: &str,
    destination: &str,
    channel: &str,
    ts: &str,
) -> Result<Option<Target>, ApiError> {
    db(env)?
        .prepare(format!(
            "{TARGET} WHERE d.slack_channel = ?3 AND d.slack_ts = ?4 AND h.site = ?1 AND d.destination = ?2"
        ))
        .bind(&[site.into(), destination.into(), channel.into(), ts.into()])
        .map_err(unavailable)?
        .first(None)
        .await
        .map_err(unavailable)
}

/// Where a reply came from: the Reply API or a Slack thread (the `source` column).
#[derive(Debug, Clone, Copy)]
pub enum Source {
    Api,
    Slack,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::Slack => "slack",
        }
    }
}

/// A reply to store, already verified, validated, masked and sanitised.
pub struct NewReply<'a> {
    pub site: &'a str,
    pub destination: &'a str,
    pub source: Source,
    /// The `webhook-id`, or `channel:ts` for Slack.
    pub source_id: &'a str,
    pub digest: &'a str,
    pub agent: &'a str,
    pub text: &'a str,
    pub target: &'a Target,
}

/// Stores `reply` unless its source id is stored already; returns the stored message's id
/// and what the id said ([`judge`]): `New` when this call stored it, `Duplicate` for the same
/// content again, `Conflict` for an id used before for other content (nothing stored).
pub async fn put(env: &Env, reply: &NewReply<'_>, now: i64) -> Result<(i64, Seen), ApiError> {
    let db = db(env)?;
    let inserted = db
        .prepare(
            "INSERT INTO agent_messages (site, conversation_id, handoff_id, ticket, destination, source,
                                         source_id, digest, agent, text, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT(site, destination, source_id) DO NOTHING",
        )
        .bind(&[
            reply.site.into(),
            reply.target.conversation_id.as_str().into(),
            reply.target.handoff_id.as_str().into(),
            reply.target.ticket.as_str().into(),
            reply.destination.into(),
            reply.source.as_str().into(),
            reply.source_id.into(),
            reply.digest.into(),
            reply.agent.into(),
            reply.text.into(),
            (now as f64).into(),
        ])
        .map_err(unavailable)?
        .run()
        .await
        .map_err(unavailable)?
        .meta()
        .ok()
        .flatten()
        .and_then(|m| m.changes)
        .unwrap_or(0)
        == 1;
    #[derive(serde::Deserialize)]
    struct Row {
        id: f64,
        digest: String,
    }
    let row: Row = db
        .prepare(
            "SELECT id, digest FROM agent_messages WHERE site = ?1 AND destination = ?2 AND source_id = ?3",
        )
        .bind(&[reply.site.into(), reply.destination.into(), reply.source_id.into()])
        .map_err(unavailable)?
        .first(None)
        .await
        .map_err(unavailable)?
        .ok_or_else(|| unavailable("agent message missing after insert"))?;
    if !inserted {
        return Ok((row.id as i64, judge(Some(&row.digest), reply.digest)));
    }
    // The conversation is alive again (retention counts from its last message).
    db.prepare("UPDATE conversations SET updated_at = MAX(updated_at, ?2) WHERE id = ?1")
        .bind(&[
            reply.target.conversation_id.as_str().into(),
            (now as f64).into(),
        ])
        .map_err(unavailable)?
        .run()
        .await
        .map_err(unavailable)?;
    Ok((row.id as i64, Seen::New))
}

/// The agent messages of a conversation after `after`, oldest first, at most `limit`.
pub async fn messages(
    env: &Env,
    site: &str,
    conversation_id: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<AgentMessage>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Row {
        id: f64,
        text: String,
        agent: String,
        ticket: String,
        created_at: f64,
    }
    let rows: Vec<Row> = db(env)?
        .prepare(
            "SELECT id, text, agent, ticket, created_at FROM agent_messages
             WHERE conversation_id = ?2 AND site = ?1 AND id > ?3 ORDER BY id LIMIT ?4",
        )
        .bind(&[
            site.into(),
            conversation_id.into(),
            (after as f64).into(),
            (limit as f64).into(),
        ])
        .map_err(unavailable)?
        .all()
        .await
        .map_err(unavailable)?
        .results()
        .map_err(unavailable)?;
    Ok(rows
        .into_iter()
        .map(|r| AgentMessage {
            id: r.id as i64,
            text: r.text,
            agent: r.agent,
            ticket: r.ticket,
            at: r.created_at as i64,
        })
        .collect())
}

/// The Slack message a delivery posted, if it did: `(channel, ts)`.
pub async fn slack_message(
    env: &Env,
    handoff_id: &str,
    destination: &str,
) -> worker::Result<Option<(String, String)>> {
    #[derive(serde::Deserialize)]
    struct Row {
        slack_channel: Option<String>,
        slack_ts: Option<String>,
    }
    let row: Option<Row> = env
        .d1("DB")?
        .prepare(
            "SELECT slack_channel, slack_ts FROM deliveries WHERE handoff_id = ?1 AND destination = ?2",
        )
        .bind(&[handoff_id.into(), destination.into()])?
        .first(None)
        .await?;
    Ok(row.and_then(|r| r.slack_channel.zip(r.slack_ts)))
}

/// Records the Slack message a delivery posted.
pub async fn set_slack_message(
    env: &Env,
    handoff_id: &str,
    destination: &str,
    channel: &str,
    ts: &str,
) -> worker::Result<()> {
    env.d1("DB")?
        .prepare(
            "UPDATE deliveries SET slack_channel = ?3, slack_ts = ?4 WHERE handoff_id = ?1 AND destination = ?2",
        )
        .bind(&[handoff_id.into(), destination.into(), channel.into(), ts.into()])?
        .run()
        .await?;
    Ok(())
}
