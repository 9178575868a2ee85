-- The audit log: an append-only record of staff actions (who, when, what kind, on which id),
-- never content and never anything about a client. Nothing updates a row; rows older than the
-- configured retention (365 days by default) are deleted by the housekeeping job.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Security events every node must notice, by name and time: the panic lock signs out every staff
-- session and API token at once, and each node drops the keys it holds in memory when it sees a
-- newer time here.
CREATE TABLE security_events (
    name TEXT PRIMARY KEY NOT NULL,
    at BIGINT NOT NULL
);
