-- How far a conversation has gone past its first-response target (issue 12): level 1 when its
-- assignee (or the team) was told, level 2 when it was escalated to the supervisors. Raised with
-- a compare-and-set, so one node tells once. Goes with its conversation.
CREATE TABLE target_breaches (
    conversation_id TEXT PRIMARY KEY NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    level BIGINT NOT NULL,
    at BIGINT NOT NULL
);
