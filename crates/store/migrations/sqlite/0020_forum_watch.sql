-- Forum watch: the feeds and pages a supervisor registered, the posts that matched the risk
-- lexicon (the watch queue), and the supervisors' changes to the default lexicon.
--
-- A source is fetched by one node at a time: `lease_until` is its claim (like the outbox's).
-- Its session cookie is encrypted under a key derived from the server secret, kept outside the
-- database, like a venue's bot token.
CREATE TABLE watch_sources (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    url TEXT NOT NULL,
    -- JSON of the CSS selectors of an HTML source; empty for feeds.
    selectors TEXT NOT NULL,
    venue_id TEXT REFERENCES venues (id) ON DELETE SET NULL,
    interval_seconds BIGINT NOT NULL,
    enabled BIGINT NOT NULL,
    cookie BLOB,
    etag TEXT,
    last_modified TEXT,
    next_fetch_at BIGINT NOT NULL,
    lease_until BIGINT,
    failures BIGINT NOT NULL DEFAULT 0,
    last_fetch_at BIGINT,
    last_success_at BIGINT,
    last_error_at BIGINT,
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX watch_sources_due ON watch_sources (next_fetch_at);

-- A post that matched, kept for the retention period (watch.retention_days) and then deleted.
-- The handle, title, text and snippet are encrypted under a key derived from the server secret;
-- the signals (names of lexicon categories and substance slugs) and the forum's URL are not.
-- Nothing else about the forum user is kept.
CREATE TABLE watch_matches (
    id TEXT PRIMARY KEY NOT NULL,
    source_id TEXT NOT NULL REFERENCES watch_sources (id) ON DELETE CASCADE,
    entry_key TEXT NOT NULL,
    url TEXT NOT NULL,
    sealed BLOB NOT NULL,
    signals TEXT NOT NULL,
    status TEXT NOT NULL,
    claimed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    dismiss_reason TEXT NOT NULL DEFAULT '',
    posted_at BIGINT,
    found_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (source_id, entry_key)
);
CREATE INDEX watch_matches_queue ON watch_matches (status, found_at);
CREATE INDEX watch_matches_found ON watch_matches (found_at);

-- The supervisors' edits of the default lexicon: a phrase added to a signal, or a default
-- phrase removed (removed = 1).
CREATE TABLE watch_terms (
    phrase TEXT NOT NULL,
    signal TEXT NOT NULL,
    removed BIGINT NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (phrase, signal)
);
