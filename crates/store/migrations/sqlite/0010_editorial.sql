-- The editorial workflow over the content pack's files: every save of a file is a revision;
-- a file moves draft -> in_review -> published (a second staff member reviews) -> archived.
-- Publishing or archiving rewrites `content_files` (the published pack) in the same transaction.
-- Files never edited in the console have no row here: they are published as imported.
CREATE TABLE content_items (
    path TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL,
    head_version BIGINT NOT NULL,
    published_version BIGINT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE content_revisions (
    path TEXT NOT NULL REFERENCES content_items (path) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    edited_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    edited_at BIGINT NOT NULL,
    reviewed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    reviewed_at BIGINT,
    PRIMARY KEY (path, version)
);
