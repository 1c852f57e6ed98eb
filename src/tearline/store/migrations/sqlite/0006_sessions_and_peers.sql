-- Browser sessions: only a hash of the session id and of its CSRF token is kept. A session
-- belongs to the API token it was opened with, ends at its absolute expiry, after an idle
-- spell, at logout, or when its token or person no longer counts.
CREATE TABLE sessions (
    hash TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    token_id TEXT NOT NULL REFERENCES api_tokens (id),
    csrf_hash TEXT NOT NULL,
    created BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    expires BIGINT NOT NULL,
    ended BIGINT
);
CREATE INDEX sessions_person ON sessions (person_id);

-- Peer nodes: a principal of a nation under an agreement, read as a person of that nation
-- cleared at the agreement's ceiling. Only a hash of the peer's inbound credential is kept.
CREATE TABLE peers (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    nation TEXT NOT NULL,
    agreement TEXT NOT NULL,
    public_key TEXT NOT NULL,
    ceiling_level TEXT NOT NULL,
    ceiling_scheme TEXT NOT NULL,
    nonce TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    created BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    modified BIGINT NOT NULL
);
