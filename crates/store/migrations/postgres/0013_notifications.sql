-- Staff notifications waiting to go out (webhook, the team's Telegram chat). A notification is
-- written before the client's request is answered and deleted once delivered, so one is never
-- lost because the process stopped; it holds the kind of event and a console path, nothing
-- about the client.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    event TEXT NOT NULL,
    transport TEXT NOT NULL,
    console_path TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notifications_due ON notifications (next_attempt_at);
