-- Outreach publishing: the register of venues (forums, Telegram channels and groups), posts
-- written once in Markdown with their versions and approvals, and the publication log (what
-- went where, by whom, its URL and status), which is also the Telegram send queue.
CREATE TABLE venues (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    address TEXT NOT NULL,
    lang TEXT NOT NULL,
    markup TEXT NOT NULL,
    rules TEXT NOT NULL,
    permission TEXT NOT NULL,
    permission_at BIGINT,
    permission_contact TEXT NOT NULL,
    notes TEXT NOT NULL,
    needs_approval BIGINT NOT NULL,
    char_limit BIGINT,
    telegram_chat TEXT,
    -- Encrypted under a key derived from the server secret, which is kept outside the database.
    bot_token BYTEA,
    push_alerts BIGINT NOT NULL DEFAULT 0,
    last_sent_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE posts (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE post_versions (
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    edited_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    edited_at BIGINT NOT NULL,
    approved_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    approved_at BIGINT,
    PRIMARY KEY (post_id, version)
);

CREATE TABLE publications (
    id TEXT PRIMARY KEY NOT NULL,
    venue_id TEXT NOT NULL REFERENCES venues (id),
    post_id TEXT REFERENCES posts (id) ON DELETE SET NULL,
    post_version BIGINT,
    alert_id TEXT REFERENCES alerts (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    url TEXT NOT NULL,
    followup TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    last_error TEXT NOT NULL,
    published_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX publications_due ON publications (status, next_attempt_at);
CREATE INDEX publications_venue ON publications (venue_id, created_at);
CREATE INDEX publications_post ON publications (post_id);
