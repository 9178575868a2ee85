-- The inbox's per-status and per-tag counts are kept up to date by triggers instead of being
-- counted over every conversation on each page view, the inbox filtered by a tag is read in its
-- order off an index, and the retention purge reads its two conditions off indexes instead of
-- scanning the table (see BENCHMARKS.md).

CREATE TABLE conversation_counts (
    status TEXT PRIMARY KEY NOT NULL,
    n BIGINT NOT NULL
);
INSERT INTO conversation_counts (status, n)
    SELECT status, COUNT(*) FROM conversations GROUP BY status;

CREATE TRIGGER conversation_counts_insert AFTER INSERT ON conversations
BEGIN
    INSERT INTO conversation_counts (status, n) VALUES (new.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER conversation_counts_delete AFTER DELETE ON conversations
BEGIN
    UPDATE conversation_counts SET n = n - 1 WHERE status = old.status;
END;

CREATE TRIGGER conversation_counts_update AFTER UPDATE OF status ON conversations
    WHEN old.status <> new.status
BEGIN
    UPDATE conversation_counts SET n = n - 1 WHERE status = old.status;
    INSERT INTO conversation_counts (status, n) VALUES (new.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

-- Tags in use with how many conversations carry each; a tag no conversation carries any more
-- is removed (a conversation's deletion removes its tags by cascade, which fires these too).
CREATE TABLE conversation_tag_counts (
    tag TEXT PRIMARY KEY NOT NULL,
    n BIGINT NOT NULL
);
INSERT INTO conversation_tag_counts (tag, n)
    SELECT tag, COUNT(*) FROM conversation_tags GROUP BY tag;

CREATE TRIGGER conversation_tag_counts_insert AFTER INSERT ON conversation_tags
BEGIN
    INSERT INTO conversation_tag_counts (tag, n) VALUES (new.tag, 1)
        ON CONFLICT (tag) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER conversation_tag_counts_delete AFTER DELETE ON conversation_tags
BEGIN
    UPDATE conversation_tag_counts SET n = n - 1 WHERE tag = old.tag;
    DELETE FROM conversation_tag_counts WHERE tag = old.tag AND n <= 0;
END;

-- The inbox filtered by a tag, in the inbox's order straight off an index: each tag row carries
-- its conversation's sort keys, kept equal to the conversation's by triggers.
ALTER TABLE conversation_tags ADD COLUMN urgent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversation_tags ADD COLUMN last_activity_at BIGINT NOT NULL DEFAULT 0;
UPDATE conversation_tags SET
    urgent = (SELECT c.urgent FROM conversations c WHERE c.id = conversation_tags.conversation_id),
    last_activity_at = (SELECT c.last_activity_at FROM conversations c
                        WHERE c.id = conversation_tags.conversation_id);
CREATE INDEX conversation_tags_inbox
    ON conversation_tags (tag, urgent, last_activity_at, conversation_id);

CREATE TRIGGER conversation_tags_sort_keys AFTER INSERT ON conversation_tags
BEGIN
    UPDATE conversation_tags SET
        urgent = (SELECT urgent FROM conversations WHERE id = new.conversation_id),
        last_activity_at = (SELECT last_activity_at FROM conversations WHERE id = new.conversation_id)
    WHERE conversation_id = new.conversation_id AND tag = new.tag;
END;

CREATE TRIGGER conversations_tag_sort_keys AFTER UPDATE OF urgent, last_activity_at ON conversations
    WHEN old.urgent <> new.urgent OR old.last_activity_at <> new.last_activity_at
BEGIN
    UPDATE conversation_tags SET urgent = new.urgent, last_activity_at = new.last_activity_at
    WHERE conversation_id = new.id;
END;

-- Retention: solved or archived conversations by when they were closed, and idle ones by their
-- last activity.
CREATE INDEX conversations_closed ON conversations (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX conversations_last_activity ON conversations (last_activity_at);
