-- Dynamic client registration (RFC 7591, RFC 7592, OpenID Connect Registration 1.0).

-- Per tenant: DISABLED (the default: no registration endpoint), OPEN, or INITIAL_ACCESS_TOKEN.
ALTER TABLE tenants ADD COLUMN registration_mode VARCHAR(32) DEFAULT 'DISABLED' NOT NULL;

-- Client metadata of RFC 7591 §2 and OIDC Registration §2 that the management API can set as well.
-- jwks is a public JWK Set (RFC 7517 §5) as JSON; jwks_uri and jwks are never both set.
ALTER TABLE clients ADD COLUMN jwks VARCHAR(32768);
ALTER TABLE clients ADD COLUMN jwks_uri VARCHAR(2048);
ALTER TABLE clients ADD COLUMN token_endpoint_auth_method VARCHAR(32);
ALTER TABLE clients ADD COLUMN request_object_signing_alg VARCHAR(16);
ALTER TABLE clients ADD COLUMN application_type VARCHAR(16);
-- Space-separated like the other lists: an e-mail address has no space.
ALTER TABLE clients ADD COLUMN contacts VARCHAR(4096) DEFAULT '' NOT NULL;
ALTER TABLE clients ADD COLUMN logo_uri VARCHAR(2048);
ALTER TABLE clients ADD COLUMN client_uri VARCHAR(2048);
ALTER TABLE clients ADD COLUMN policy_uri VARCHAR(2048);
ALTER TABLE clients ADD COLUMN tos_uri VARCHAR(2048);

-- A client made by the registration endpoint, with the SHA-256 (hex) of its registration access token
-- (RFC 7592 §1). Clients of the management API have no row here, so RFC 7592 cannot reach them.
CREATE TABLE client_registrations (
    tenant_id         VARCHAR(64)  NOT NULL,
    client_id         VARCHAR(255) NOT NULL,
    access_token_hash CHAR(64)     NOT NULL,
    registered_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, client_id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, client_id) ON DELETE CASCADE
);

-- Initial access tokens an administrator issued (RFC 7591 §3): SHA-256 (hex) only, with expiry and optional
-- use limit; deleted by the cleanup job at expiry.
CREATE TABLE initial_access_tokens (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    token_hash  CHAR(64)     NOT NULL UNIQUE,
    max_uses    INTEGER,
    uses        INTEGER      DEFAULT 0 NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX initial_access_tokens_expires ON initial_access_tokens (expires_at);
CREATE INDEX initial_access_tokens_tenant ON initial_access_tokens (tenant_id);
