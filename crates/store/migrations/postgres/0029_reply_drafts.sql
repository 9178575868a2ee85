-- Reply drafts (issue 12): what a staff member has typed into a conversation's reply box and not
-- sent yet, one per conversation and member, so that it survives a reload. The text is sealed to
-- the inbox key like a message (body under a data key, key_inbox that key sealed to the inbox),
-- bound to its conversation and member, so a copy of the database shows no draft. It goes when the
-- reply is sent, with the conversation (client deletion, retention) or the member, and after
-- seven days untouched (the housekeeping job).
CREATE TABLE reply_drafts (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body BYTEA NOT NULL,
    key_inbox BYTEA NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX reply_drafts_updated ON reply_drafts (updated_at);
