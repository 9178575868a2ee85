-- Staff search asks the database for the first matches instead of reading whole tables: each
-- canned reply, post and venue keeps its searchable text lower-cased by the application (which
-- folds every script; SQLite's lower() folds ASCII only). Rows written before this migration are
-- filled in by the application right after it migrates.
ALTER TABLE canned_replies ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE venues ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
