-- Notifications chosen per person (issue 12). Nothing here is about a client: who on the staff
-- wants to hear of which kind of event and how, their own e-mail address, quiet hours and
-- whether they are on call; the console's notices hold an event kind and a console path only.

-- One row per (person, event, transport) the person chose.
CREATE TABLE notification_choices (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    transport TEXT NOT NULL,
    PRIMARY KEY (user_id, event, transport)
);
CREATE INDEX notification_choices_event ON notification_choices (event);

-- How a person is reached: the staff member's own address (never a client's), quiet hours as
-- `HH:MM-HH:MM` in the organisation's time zone ('' for none), and the on-call flag.
CREATE TABLE notification_profiles (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email TEXT,
    quiet_hours TEXT NOT NULL DEFAULT '',
    on_call BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

-- The outbox row's recipient, for notifications to one person (NULL: the team's webhook or
-- chat). The address is looked up when the row is sent, never copied into the outbox.
ALTER TABLE notifications ADD COLUMN recipient_id TEXT REFERENCES users (id) ON DELETE CASCADE;

-- The console transport: a person's notices, unread until they open the page or mark them read.
CREATE TABLE staff_notices (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    console_path TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX staff_notices_user ON staff_notices (user_id, read_at, created_at);
