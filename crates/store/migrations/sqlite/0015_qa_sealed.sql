-- Q&A drafts are made from a client's words, so they are sealed to the inbox key like messages
-- (draft_body, draft_key) and keep no link to their conversation: only a keyed hash of its id
-- (source, under the server secret, which the database does not hold), so that deleting the
-- conversation or withdrawing consent still finds and deletes them. Publishing writes the
-- reviewed text in the clear and forgets the hash. Withdrawn entries are deleted, not kept.
-- Drafts written before this migration are sealed by the application when it starts.
ALTER TABLE qa_entries ADD COLUMN draft_body BLOB;
ALTER TABLE qa_entries ADD COLUMN draft_key BLOB;
ALTER TABLE qa_entries ADD COLUMN source TEXT;
CREATE INDEX qa_entries_source ON qa_entries (source);
DELETE FROM qa_entries WHERE status = 'withdrawn';
