-- The public question-and-answer archive. A client may consent (and withdraw consent until an
-- entry is published); a worker rewrites a solved conversation into a question and an answer
-- with nothing identifying; a second staff member reviews and publishes it. A published entry
-- keeps no link to the conversation it came from; drafts go when the conversation goes.
ALTER TABLE conversations ADD COLUMN qa_consent_at BIGINT;

CREATE TABLE qa_entries (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT REFERENCES conversations (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    topic TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    status TEXT NOT NULL,
    written_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    written_at BIGINT NOT NULL,
    reviewed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    published_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX qa_entries_public ON qa_entries (status, lang, published_at);
CREATE INDEX qa_entries_conversation ON qa_entries (conversation_id);
