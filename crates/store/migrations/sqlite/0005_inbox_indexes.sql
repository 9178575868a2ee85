-- Indexes in the inbox order (urgent first, newest activity first), so filtered lists stay fast
-- at 100,000 conversations (see BENCHMARKS.md).
DROP INDEX conversations_activity;
DROP INDEX conversations_status;
DROP INDEX conversations_assigned;
CREATE INDEX conversations_inbox ON conversations (urgent, last_activity_at, id);
CREATE INDEX conversations_status_inbox ON conversations (status, urgent, last_activity_at, id);
CREATE INDEX conversations_assigned_inbox ON conversations (assigned_to, urgent, last_activity_at, id);
CREATE INDEX conversations_created ON conversations (created_at);
