-- Two-factor sign-in (RFC 6238). The secret is encrypted under a key derived from the server
-- secret (kept outside the database) with the user id as associated data; recovery codes are kept
-- only as keyed hashes. `last_step` is the last 30-second step whose code was accepted: a code
-- is taken by raising it with a compare-and-set, so one code signs in once.
CREATE TABLE staff_totp (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    last_step BIGINT
);

CREATE TABLE totp_recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- A console sign-in whose password was right and that waits for its second factor. Only the
-- keyed hash of its cookie is kept; the inbox key is wrapped under that cookie, as in sessions.
-- Never a session: nothing but the code step reads it, and it lives five minutes.
CREATE TABLE pending_signins (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    wrapped_inbox_key BYTEA
);
CREATE INDEX pending_signins_expires_at ON pending_signins (expires_at);
