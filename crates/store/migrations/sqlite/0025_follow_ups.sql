-- Follow-ups (issue 12): a conversation put aside until `follow_up_at` is left out of the inbox
-- until then and comes back, marked, at that time; a client message moves the time to the
-- message (it comes back at once), and a staff reply after it came due clears it. Metadata only.
ALTER TABLE conversations ADD COLUMN follow_up_at BIGINT;
CREATE INDEX conversations_follow_up ON conversations (follow_up_at)
    WHERE follow_up_at IS NOT NULL;
