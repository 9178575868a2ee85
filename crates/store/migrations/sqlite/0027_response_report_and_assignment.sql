-- The weekly first-response report (issue 12): one row per conversation answered, written when
-- its first answer is sent. Only metadata: who answered, when, the working time the client had
-- waited and the target it was measured against. It does not go with its conversation (no link
-- to it), so the figures survive retention; the id only keeps a row from being written twice.
CREATE TABLE first_responses (
    conversation_id TEXT PRIMARY KEY NOT NULL,
    responder_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    answered_at BIGINT NOT NULL,
    working_seconds BIGINT NOT NULL,
    target_seconds BIGINT NOT NULL
);
CREATE INDEX first_responses_answered ON first_responses (answered_at);

-- Auto-assignment (issue 12, off by default): the one row every assignment locks, holding who
-- was given the last conversation, so the round goes on from there on every node.
CREATE TABLE assignment_cursor (
    id BIGINT PRIMARY KEY NOT NULL,
    last_user_id TEXT
);
INSERT INTO assignment_cursor (id, last_user_id) VALUES (1, NULL);
