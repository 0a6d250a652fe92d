-- Login attempt counters shared by every server instance: one row per bucket (an account, an
-- address, an account at an address, a device cookie, or a "known address" mark), counted in fixed windows.
-- The bucket is an HMAC-SHA256 (base64url) of its key under a key derived from the master key, so the table
-- holds no username and no client address, and a password typed into the username field cannot be tested offline.
-- A row past expires_at is a finished window: the next attempt restarts it; the cleanup job deletes it.
CREATE TABLE login_attempts (
    bucket     VARCHAR(64) NOT NULL PRIMARY KEY,
    attempts   INTEGER     NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX login_attempts_expires ON login_attempts (expires_at);
