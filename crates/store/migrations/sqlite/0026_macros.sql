-- Macros (issue 12): a canned reply can also tag the conversation and set its status when a
-- worker applies it, in one action. Tags are short labels separated by spaces (the same alphabet
-- as conversation tags); no status leaves it as the reply makes it. The organisation's own text,
-- nothing about clients.
ALTER TABLE canned_replies ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE canned_replies ADD COLUMN status TEXT;
