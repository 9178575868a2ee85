-- The inbox's per-status and per-tag counts are kept up to date by triggers instead of being
-- counted over every conversation on each page view, the inbox filtered by a tag is read in its
-- order off an index, and the retention purge reads its two conditions off indexes instead of
-- scanning the table (see BENCHMARKS.md).
--
-- The triggers run once per statement and apply their changes in the order of the key, so two
-- transactions that change several counts (two nodes purging at once) take the count rows'
-- locks in the same order and cannot deadlock on them.

CREATE TABLE conversation_counts (
    status TEXT PRIMARY KEY NOT NULL,
    n BIGINT NOT NULL
);
INSERT INTO conversation_counts (status, n)
    SELECT status, COUNT(*) FROM conversations GROUP BY status;

CREATE FUNCTION conversation_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO conversation_counts (status, n)
        SELECT status, COUNT(*) FROM new_rows GROUP BY status ORDER BY status
        ON CONFLICT (status) DO UPDATE SET n = conversation_counts.n + excluded.n;
    RETURN NULL;
END;
$$;

CREATE FUNCTION conversation_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO conversation_counts (status, n)
        SELECT status, -COUNT(*) FROM old_rows GROUP BY status ORDER BY status
        ON CONFLICT (status) DO UPDATE SET n = conversation_counts.n + excluded.n;
    RETURN NULL;
END;
$$;

CREATE FUNCTION conversation_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO conversation_counts (status, n)
        SELECT status, SUM(d) FROM (
            SELECT status, 1 AS d FROM new_rows
            UNION ALL
            SELECT status, -1 AS d FROM old_rows
        ) AS changes
        GROUP BY status HAVING SUM(d) <> 0 ORDER BY status
        ON CONFLICT (status) DO UPDATE SET n = conversation_counts.n + excluded.n;
    RETURN NULL;
END;
$$;

CREATE TRIGGER conversation_counts_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION conversation_counts_inserted();
CREATE TRIGGER conversation_counts_delete AFTER DELETE ON conversations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION conversation_counts_deleted();
CREATE TRIGGER conversation_counts_update AFTER UPDATE ON conversations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION conversation_counts_updated();

-- Tags in use with how many conversations carry each; a tag no conversation carries any more
-- is removed (a conversation's deletion removes its tags by cascade, which fires these too).
CREATE TABLE conversation_tag_counts (
    tag TEXT PRIMARY KEY NOT NULL,
    n BIGINT NOT NULL
);
INSERT INTO conversation_tag_counts (tag, n)
    SELECT tag, COUNT(*) FROM conversation_tags GROUP BY tag;

CREATE FUNCTION conversation_tag_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO conversation_tag_counts (tag, n)
        SELECT tag, COUNT(*) FROM new_rows GROUP BY tag ORDER BY tag
        ON CONFLICT (tag) DO UPDATE SET n = conversation_tag_counts.n + excluded.n;
    RETURN NULL;
END;
$$;

CREATE FUNCTION conversation_tag_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO conversation_tag_counts (tag, n)
        SELECT tag, -COUNT(*) FROM old_rows GROUP BY tag ORDER BY tag
        ON CONFLICT (tag) DO UPDATE SET n = conversation_tag_counts.n + excluded.n;
    DELETE FROM conversation_tag_counts
        WHERE n <= 0 AND tag IN (SELECT tag FROM old_rows);
    RETURN NULL;
END;
$$;

CREATE TRIGGER conversation_tag_counts_insert AFTER INSERT ON conversation_tags
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION conversation_tag_counts_inserted();
CREATE TRIGGER conversation_tag_counts_delete AFTER DELETE ON conversation_tags
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION conversation_tag_counts_deleted();

-- The inbox filtered by a tag, in the inbox's order straight off an index: each tag row carries
-- its conversation's sort keys, kept equal to the conversation's by triggers.
ALTER TABLE conversation_tags ADD COLUMN urgent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversation_tags ADD COLUMN last_activity_at BIGINT NOT NULL DEFAULT 0;
UPDATE conversation_tags t SET urgent = c.urgent, last_activity_at = c.last_activity_at
    FROM conversations c WHERE c.id = t.conversation_id;
CREATE INDEX conversation_tags_inbox
    ON conversation_tags (tag, urgent, last_activity_at, conversation_id);

CREATE FUNCTION conversation_tags_sort_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT urgent, last_activity_at INTO NEW.urgent, NEW.last_activity_at
        FROM conversations WHERE id = NEW.conversation_id;
    RETURN NEW;
END;
$$;

CREATE FUNCTION conversations_tag_sort_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversation_tags SET urgent = NEW.urgent, last_activity_at = NEW.last_activity_at
        WHERE conversation_id = NEW.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER conversation_tags_sort_keys BEFORE INSERT ON conversation_tags
    FOR EACH ROW EXECUTE FUNCTION conversation_tags_sort_keys();
CREATE TRIGGER conversations_tag_sort_keys AFTER UPDATE OF urgent, last_activity_at ON conversations
    FOR EACH ROW
    WHEN (OLD.urgent <> NEW.urgent OR OLD.last_activity_at <> NEW.last_activity_at)
    EXECUTE FUNCTION conversations_tag_sort_keys();

-- Retention: solved or archived conversations by when they were closed, and idle ones by their
-- last activity.
CREATE INDEX conversations_closed ON conversations (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX conversations_last_activity ON conversations (last_activity_at);
