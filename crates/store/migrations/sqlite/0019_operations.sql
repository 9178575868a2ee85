-- What the first-run checks look at (issue 15): the last time something that keeps a server
-- safe was done, by kind ('backup': a backup was written; 'recovery_key': an admin confirmed the
-- recovery key is written down). Nothing about clients.
CREATE TABLE milestones (
    kind TEXT PRIMARY KEY NOT NULL,
    at BIGINT NOT NULL
);
