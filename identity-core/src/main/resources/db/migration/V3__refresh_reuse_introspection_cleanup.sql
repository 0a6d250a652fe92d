-- Per-client refresh-token reuse grace (RFC 9700 §4.14.2; 0 = any reuse revokes the family) and the
-- audiences a client serves as a resource server (RFC 7662 §4: whose tokens it may introspect).
ALTER TABLE clients ADD COLUMN refresh_reuse_grace_seconds BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE clients ADD COLUMN introspection_audiences VARCHAR(1024) DEFAULT '' NOT NULL;

-- Cleanup: a family goes when none of its tokens is usable and none of its access tokens is unexpired, so
-- candidates are found by the access token's expiry (then checked per family through refresh_tokens_family);
-- the index on the 30-day family cap kept every family for 30 days and no longer drives anything.
DROP INDEX refresh_tokens_expires;
CREATE INDEX refresh_tokens_access_expires ON refresh_tokens (access_token_expires_at, token_hash);
