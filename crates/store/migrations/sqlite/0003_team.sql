-- The team's working hours, canned replies and conversation tags. None of it is about clients:
-- tags are short labels from a fixed alphabet, canned replies are the organisation's own text.
CREATE TABLE availability (
    id BIGINT PRIMARY KEY NOT NULL,
    timezone TEXT NOT NULL,
    hours TEXT NOT NULL,
    holidays TEXT NOT NULL,
    away BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

CREATE TABLE canned_replies (
    id TEXT PRIMARY KEY NOT NULL,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE conversation_tags (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX conversation_tags_tag ON conversation_tags (tag);
