-- One-time JWT identifiers (RFC 7519 §4.1.7) the server has accepted and must not accept again while the JWT is
-- valid: signed request objects (RFC 9101 §10.8), and client assertions (RFC 7523 §3). Only the SHA-256 (hex) of
-- the jti is kept, per client and purpose, until the JWT expires; the cleanup job deletes rows at expiry.
CREATE TABLE used_jtis (
    tenant_id  VARCHAR(64)  NOT NULL,
    client_id  VARCHAR(255) NOT NULL,
    purpose    VARCHAR(32)  NOT NULL,
    jti_hash   CHAR(64)     NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, client_id, purpose, jti_hash)
);
CREATE INDEX used_jtis_expiry ON used_jtis (expires_at);

-- RFC 9126 §6: the client's authorization requests are accepted only through pushed authorization requests.
ALTER TABLE clients ADD COLUMN require_pushed_authorization_requests BOOLEAN DEFAULT FALSE NOT NULL;

-- When a dynamically registered client first obtained a token (NULL: never). A client that never does is deleted
-- by the cleanup job once registration.unused.client.ttl has passed since registered_at (RFC 7591 §3.2.1
-- client_secret_expires_at says when), so that open registration cannot fill the clients table with abandoned rows.
ALTER TABLE client_registrations ADD COLUMN first_token_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX client_registrations_unused ON client_registrations (registered_at);
