-- Earlier packs kept as versions (issue 11): every import, publication, archive and restore
-- first copies the pack it replaces here, so any of them can be brought back. Only staff-written
-- public text, never anything about a client.
CREATE TABLE content_versions (
    version BIGINT PRIMARY KEY NOT NULL,
    -- when this pack became the published one, and when it was replaced (Unix seconds)
    made_at BIGINT NOT NULL,
    replaced_at BIGINT NOT NULL,
    -- what made it: import, publish, archive or restore:<version>
    how TEXT NOT NULL,
    files BIGINT NOT NULL
);

CREATE TABLE content_version_files (
    version BIGINT NOT NULL,
    path TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (version, path)
);

-- What made the pack in use (the same words as content_versions.how).
ALTER TABLE content_meta ADD COLUMN how TEXT NOT NULL DEFAULT 'import';
