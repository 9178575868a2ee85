-- The organisation's Telegram bot as a second way in (issue 13). Of a Telegram client the
-- database holds only a keyed hash of the chat id (to find the conversation again) and the chat
-- id sealed to the inbox key (to answer); never the username, name, phone or photo.

-- The one bot: its token encrypted under the server secret, who it is, how it gets updates, and
-- where polling stands. Exactly one node polls at a time: the one holding the lease.
CREATE TABLE telegram_bot (
    id BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    token BLOB NOT NULL,
    bot_id BIGINT NOT NULL,
    username TEXT NOT NULL,
    mode TEXT NOT NULL,
    next_update_id BIGINT NOT NULL DEFAULT 0,
    poll_holder TEXT,
    poll_until BIGINT,
    last_update_at BIGINT,
    last_error TEXT NOT NULL DEFAULT '',
    last_error_at BIGINT,
    connected_at BIGINT NOT NULL,
    connected_by TEXT REFERENCES users (id) ON DELETE SET NULL
);

-- Every update received, stored (its payload encrypted under the server secret) before the
-- offset moves on, so none is lost; handled once (the payload is dropped then and the id kept a
-- while, so none is handled twice).
CREATE TABLE telegram_updates (
    update_id BIGINT PRIMARY KEY NOT NULL,
    payload BLOB,
    received_at BIGINT NOT NULL,
    handled_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT
);
CREATE INDEX telegram_updates_pending ON telegram_updates (handled_at, update_id);

-- Where a chat with the bot stands (the menu step it is on) and its language, by keyed hash.
CREATE TABLE telegram_chats (
    chat_hash TEXT PRIMARY KEY NOT NULL,
    lang TEXT NOT NULL,
    step TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);
CREATE INDEX telegram_chats_updated ON telegram_chats (updated_at);

-- A Telegram conversation's chat id, sealed to the inbox key only; it goes with the conversation.
CREATE TABLE telegram_contacts (
    conversation_id TEXT PRIMARY KEY NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    body BLOB NOT NULL,
    key_inbox BLOB NOT NULL
);

-- Whether a staff reply reached a Telegram client: '' (not a Telegram reply), 'sent' or 'failed'.
ALTER TABLE messages ADD COLUMN delivery TEXT NOT NULL DEFAULT '';

-- A staff member's own Telegram account for notifications, linked with a one-time code typed
-- into the bot; the chat id encrypted under the server secret (the notifier needs it unattended).
CREATE TABLE staff_telegram (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    chat BLOB,
    code_hash TEXT UNIQUE,
    code_expires_at BIGINT,
    linked_at BIGINT
);

-- Conversations started through the JSON API are web conversations too.
UPDATE conversations SET channel = 'web' WHERE channel = 'api';
