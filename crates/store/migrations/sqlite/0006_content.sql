-- The organisation's content pack, as imported with `netreach content import` (file path and
-- text, exactly as read), and a version number that app nodes poll to reload it.
CREATE TABLE content_files (
    path TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE content_meta (
    id BIGINT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
