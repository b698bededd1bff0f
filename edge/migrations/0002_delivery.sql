-- Per-destination delivery: a handoff goes to one or more destinations (the site's routes),
-- each with its own status; every state change is an event. A handoff may wait for the
-- shopper's email before it goes out (`awaiting_contact`).
-- Times are Unix epoch milliseconds.

PRAGMA defer_foreign_keys = on;

CREATE TABLE handoffs_v2 (
    id                TEXT PRIMARY KEY,
    ticket            TEXT NOT NULL UNIQUE,
    site              TEXT NOT NULL,
    conversation_id   TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    client_message_id TEXT NOT NULL,
    language          TEXT NOT NULL,
    urgency           TEXT NOT NULL CHECK (urgency IN ('low', 'normal', 'high', 'urgent')),
    topic             TEXT NOT NULL,
    payload_json      TEXT NOT NULL,
    -- awaiting_contact -> queued -> delivered | retrying -> ... -> delivered | failed
    -- (the roll-up of its deliveries: delivered when all are, failed when one is)
    status            TEXT NOT NULL CHECK (status IN ('awaiting_contact', 'queued', 'retrying', 'delivered', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    delivered_at      INTEGER,
    UNIQUE (conversation_id, client_message_id)
);
INSERT INTO handoffs_v2 SELECT id, ticket, site, conversation_id, client_message_id, language, urgency,
    topic, payload_json, status, attempts, last_error, created_at, updated_at, delivered_at FROM handoffs;
DROP TABLE handoffs;
ALTER TABLE handoffs_v2 RENAME TO handoffs;
CREATE INDEX handoffs_by_status ON handoffs (status, created_at);
CREATE INDEX handoffs_by_conversation ON handoffs (conversation_id);

CREATE TABLE deliveries (
    handoff_id      TEXT NOT NULL REFERENCES handoffs(id) ON DELETE CASCADE,
    destination     TEXT NOT NULL,
    format          TEXT NOT NULL CHECK (format IN ('json', 'slack')),
    status          TEXT NOT NULL CHECK (status IN ('waiting', 'queued', 'retrying', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      TEXT,
    next_attempt_at INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    delivered_at    INTEGER,
    PRIMARY KEY (handoff_id, destination)
);

-- Every state change of a delivery, oldest first.
CREATE TABLE delivery_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    handoff_id  TEXT NOT NULL REFERENCES handoffs(id) ON DELETE CASCADE,
    destination TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    -- queued: sent to the queue · delivered · retry: failed, sent again after delay_ms ·
    -- gone: 410, stopped · dead_lettered: retries exhausted, sent to the DLQ ·
    -- failed: marked failed for good · contact: the shopper's email arrived
    event       TEXT NOT NULL CHECK (event IN ('queued', 'delivered', 'retry', 'gone', 'dead_lettered', 'failed', 'contact')),
    http_status INTEGER,
    error       TEXT,
    delay_ms    INTEGER
);
CREATE INDEX delivery_events_by_handoff ON delivery_events (handoff_id, id);
CREATE INDEX conversations_by_age ON conversations (site, updated_at);
