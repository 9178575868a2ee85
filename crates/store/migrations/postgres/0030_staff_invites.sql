-- Invitations for new staff members: an admin names the username and role, the new member opens
-- a one-time link and chooses their own password (the admin never knows it). Only a keyed hash of
-- the link's token is kept. A row goes when the link is used or withdrawn, when it expires (the
-- housekeeping job), with the admin who made it, and at a panic lock.
CREATE TABLE staff_invites (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    username TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    invited_by TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
