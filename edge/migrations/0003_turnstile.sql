-- Turnstile tokens already spent on a handoff: a token is single use, and Ferry refuses a
-- replay itself rather than trusting the verification endpoint alone. Only the SHA-256 of
-- the token is kept; the daily cron deletes rows older than a day (tokens live 5 minutes).
CREATE TABLE turnstile_tokens (
    digest   TEXT PRIMARY KEY,
    site     TEXT NOT NULL,
    used_at  INTEGER NOT NULL
);
CREATE INDEX turnstile_tokens_used_at ON turnstile_tokens (used_at);
