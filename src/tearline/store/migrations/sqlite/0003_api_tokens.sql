-- API tokens: only a hash of each token is kept; a token expires and can be revoked.
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    hash TEXT NOT NULL UNIQUE,
    created BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    expires TEXT NOT NULL,
    revoked BIGINT
);
CREATE INDEX api_tokens_person ON api_tokens (person_id);
