-- Photos and voice messages clients add to their conversation (issue 13). Each belongs to the
-- thread message that shows it (its caption, sealed like any message) and goes with it and with
-- the conversation, at deletion and at retention. The bytes were re-encoded (images) or re-muxed
-- (voice) before they were sealed, so no metadata of the original file is kept; what stays
-- plaintext is what the console needs to show it: the kind, the media type and the size.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    body BLOB NOT NULL,
    key_inbox BLOB NOT NULL,
    key_client BLOB
);
CREATE INDEX attachments_conversation ON attachments (conversation_id, created_at);
CREATE INDEX attachments_message ON attachments (message_id);
