-- Drug alerts: anonymous reports from the public (sealed to the inbox like messages; nothing
-- identifying is asked or kept) and the alerts staff write, verify, publish and withdraw.
CREATE TABLE alert_reports (
    id TEXT PRIMARY KEY NOT NULL,
    created_at BIGINT NOT NULL,
    region TEXT NOT NULL,
    body BYTEA NOT NULL,
    key_inbox BYTEA NOT NULL,
    flagged BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE alerts (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT REFERENCES alert_reports (id) ON DELETE SET NULL,
    severity TEXT NOT NULL,
    regions TEXT NOT NULL,
    substances TEXT NOT NULL,
    title_en TEXT NOT NULL,
    body_en TEXT NOT NULL,
    title_ru TEXT NOT NULL,
    body_ru TEXT NOT NULL,
    status TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    verified_at BIGINT,
    published_at BIGINT,
    withdrawn_at BIGINT
);
CREATE INDEX alerts_status ON alerts (status, published_at);

CREATE TABLE alert_verifications (
    alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    PRIMARY KEY (alert_id, user_id)
);
