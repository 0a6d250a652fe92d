-- Optimistic concurrency for user edits: every write of a user row adds one to version, and an update from a
-- copy writes only if the row still has the copy's version, so that a stale copy cannot undo a concurrent
-- disable, demotion or password change (a version, not updated_at: two writes can share a clock reading).
ALTER TABLE users ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;
