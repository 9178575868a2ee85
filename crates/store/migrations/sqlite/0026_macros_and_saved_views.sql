-- Macros (issue 12): a canned reply can also tag the conversation and set its status when a
-- worker applies it, in one action. Tags are short labels separated by spaces (the same alphabet
-- as conversation tags); no status leaves it as the reply makes it. The organisation's own text,
-- nothing about clients.
ALTER TABLE canned_replies ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE canned_replies ADD COLUMN status TEXT;

-- Saved inbox views (issue 12): a staff member's own named filter sets, as the inbox's query
-- string (status, assignment, topic, language, channel, tag, order, follow-ups). Filters only.
CREATE TABLE saved_views (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, name)
);
