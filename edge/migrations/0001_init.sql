-- Conversations, their messages, and handoffs with delivery status.
-- Times are Unix epoch milliseconds.

CREATE TABLE conversations (
    id            TEXT PRIMARY KEY,
    site          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    locale        TEXT,
    time_zone     TEXT,
    page_url      TEXT,
    contact_email TEXT
);

CREATE TABLE messages (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id   TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    client_message_id TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('shopper', 'bot')),
    text              TEXT NOT NULL,
    -- On the shopper's row: the reply it got, so a retried request gets the same reply.
    reply_json        TEXT,
    created_at        INTEGER NOT NULL,
    UNIQUE (conversation_id, client_message_id, role)
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);

CREATE TABLE handoffs (
    id                TEXT PRIMARY KEY,
    ticket            TEXT NOT NULL UNIQUE,
    site              TEXT NOT NULL,
    conversation_id   TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    client_message_id TEXT NOT NULL,
    language          TEXT NOT NULL,
    urgency           TEXT NOT NULL CHECK (urgency IN ('low', 'normal', 'high', 'urgent')),
    topic             TEXT NOT NULL,
    payload_json      TEXT NOT NULL,
    -- queued -> delivered | retrying -> ... -> delivered | failed
    status            TEXT NOT NULL CHECK (status IN ('queued', 'retrying', 'delivered', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    delivered_at      INTEGER,
    UNIQUE (conversation_id, client_message_id)
);
CREATE INDEX handoffs_by_status ON handoffs (status, created_at);
