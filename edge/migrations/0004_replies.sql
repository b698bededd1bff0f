-- Agents' replies into a conversation: through the Reply API (`POST /v1/replies`, signed by
-- the destination) or a Slack thread reply (Events API). Stored once per source id (the
-- `webhook-id`, or the Slack channel and message ts); `digest` is the SHA-256 of what was
-- stored, so a sender's retry is recognised and an id reused for other content refused.
-- The widget reads them with `GET /v1/messages` (by `id`, increasing).
-- Times are Unix epoch milliseconds.

CREATE TABLE agent_messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    site            TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    handoff_id      TEXT NOT NULL REFERENCES handoffs(id) ON DELETE CASCADE,
    ticket          TEXT NOT NULL,
    destination     TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('api', 'slack')),
    source_id       TEXT NOT NULL,
    digest          TEXT NOT NULL,
    agent           TEXT NOT NULL,
    text            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (site, destination, source_id)
);
CREATE INDEX agent_messages_by_conversation ON agent_messages (conversation_id, id);

-- A Slack destination posting through `chat.postMessage`: the channel and `ts` of the
-- message, so a reply in its thread finds its handoff.
ALTER TABLE deliveries ADD COLUMN slack_channel TEXT;
ALTER TABLE deliveries ADD COLUMN slack_ts TEXT;
CREATE INDEX deliveries_by_slack_thread ON deliveries (slack_channel, slack_ts);
