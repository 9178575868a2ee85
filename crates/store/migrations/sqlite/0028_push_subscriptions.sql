-- Web Push to staff members' browsers (issue 12). The server's own signing key (VAPID), one
-- row, encrypted under the server secret so that every node signs with the same key; and the
-- browsers members subscribed, each sealed under the server secret (the push service's address
-- for that browser and its encryption keys). The endpoint is found again by a keyed hash.
CREATE TABLE push_key (
    id BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    private_key BLOB NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE push_subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint_hash TEXT NOT NULL UNIQUE,
    subscription BLOB NOT NULL,
    -- The push service's host, shown to the member beside the browser they subscribed.
    service TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);
