-- Encryption at rest and anonymous client conversations.
-- Bodies, notes and intake answers are sealed (see the crypto crate); what stays plaintext is
-- metadata needed for work and reports and holds nothing that identifies a client.

-- One row (id = 1): the install-wide codename salt and the inbox public key.
CREATE TABLE install (
    id BIGINT PRIMARY KEY NOT NULL,
    codename_salt BYTEA NOT NULL,
    inbox_public_key BYTEA,
    inbox_recovery_wrapped BYTEA,
    inbox_created_at BIGINT
);

-- Each staff member's own keypair: the secret only wrapped under their password.
ALTER TABLE users ADD COLUMN public_key BYTEA;
ALTER TABLE users ADD COLUMN wrapped_secret_key BYTEA;
ALTER TABLE users ADD COLUMN key_salt BYTEA;

-- Access to the inbox: its secret sealed to a staff member's public key.
CREATE TABLE inbox_grants (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sealed_inbox_key BYTEA NOT NULL,
    granted_at BIGINT NOT NULL
);

-- The inbox secret re-wrapped under the session cookie or API token, which only the holder has.
ALTER TABLE sessions ADD COLUMN wrapped_inbox_key BYTEA;
ALTER TABLE api_tokens ADD COLUMN wrapped_inbox_key BYTEA;

CREATE TABLE conversations (
    id TEXT PRIMARY KEY NOT NULL,
    lookup_id TEXT UNIQUE,
    channel TEXT NOT NULL,
    topic TEXT NOT NULL,
    lang TEXT NOT NULL,
    status TEXT NOT NULL,
    urgent BIGINT NOT NULL DEFAULT 0,
    assigned_to TEXT REFERENCES users (id) ON DELETE SET NULL,
    client_public_key BYTEA,
    created_at BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL,
    last_client_at BIGINT,
    first_response_at BIGINT,
    closed_at BIGINT,
    message_count BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    rating BIGINT
);
CREATE INDEX conversations_activity ON conversations (urgent, last_activity_at);
CREATE INDEX conversations_status ON conversations (status);
CREATE INDEX conversations_assigned ON conversations (assigned_to);

-- Messages, internal notes ('note', never shown to clients) and intake answers ('intake').
CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    author TEXT NOT NULL,
    staff_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    body BYTEA NOT NULL,
    key_inbox BYTEA NOT NULL,
    key_client BYTEA,
    UNIQUE (conversation_id, seq)
);

-- A client's signed-in browser: the client key wrapped under the cookie; fixed lifetime.
CREATE TABLE client_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    wrapped_client_key BYTEA NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX client_sessions_conversation ON client_sessions (conversation_id);
