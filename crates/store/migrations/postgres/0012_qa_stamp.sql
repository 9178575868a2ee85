-- What app nodes poll every 30 seconds to know whether the public Q&A archive changed: a
-- number raised in the same transaction as every publication and withdrawal, instead of a hash
-- over every published entry. It starts at the number of entries the archive has seen, so it is
-- 0 exactly when nothing was ever published.
CREATE TABLE qa_meta (
    id BIGINT PRIMARY KEY NOT NULL,
    stamp BIGINT NOT NULL
);
INSERT INTO qa_meta (id, stamp)
    SELECT 1, COUNT(*) FROM qa_entries WHERE status IN ('published', 'withdrawn');
