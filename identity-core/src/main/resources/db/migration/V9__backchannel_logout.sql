-- OpenID Connect Back-Channel Logout 1.0.
-- A client's registration (§2.2): where logout tokens go, and whether it needs the sid claim in them.
ALTER TABLE clients ADD COLUMN backchannel_logout_uri VARCHAR(2048);
ALTER TABLE clients ADD COLUMN backchannel_logout_session_required BOOLEAN DEFAULT FALSE NOT NULL;

-- The clients that took part in a login session: each got an authorization code through it. Gone with the
-- session (the cleanup job deletes sessions at their expiry).
CREATE TABLE session_clients (
    session_id CHAR(64)     NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
    client_id  VARCHAR(255) NOT NULL,
    PRIMARY KEY (session_id, client_id)
);

-- Logout tokens still to deliver (an outbox): one row per ended session and participating client with a
-- back-channel logout URI, written in the transaction that ends the session, so a logout is queued exactly once
-- whichever instance ends it, and survives a restart. An instance takes a row by a conditional update of
-- claimed_until (a lease), so that one instance sends it at a time; the row goes on success or when its attempts
-- or its age run out. No foreign key to sessions: the session row may be cleaned up before delivery.
CREATE TABLE backchannel_logouts (
    session_id      CHAR(64)                 NOT NULL,
    client_id       VARCHAR(255)             NOT NULL,
    tenant_id       VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    user_id         VARCHAR(36)              NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    attempts        INTEGER DEFAULT 0        NOT NULL,
    claimed_until   TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (session_id, client_id)
);
CREATE INDEX backchannel_logouts_due ON backchannel_logouts (next_attempt_at);
