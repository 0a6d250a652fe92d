-- One schema for H2 (embedded default) and PostgreSQL (production).
-- Every row belongs to a tenant. Secrets (refresh tokens, codes, opaque access tokens, sessions,
-- client secrets) are stored only as hashes; private keys only encrypted.
-- Times are TIMESTAMP WITH TIME ZONE, written and read as UTC instants.

CREATE TABLE tenants (
    id                      VARCHAR(64)   NOT NULL PRIMARY KEY,
    issuer                  VARCHAR(2048) NOT NULL,
    signing_algorithm       VARCHAR(16)   NOT NULL,
    rotation_period_seconds BIGINT        NOT NULL,
    created_at              TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE users (
    tenant_id           VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    id                  VARCHAR(36)  NOT NULL,
    username            VARCHAR(255) NOT NULL,
    username_normalized VARCHAR(255) NOT NULL,
    password_hash       VARCHAR(512),
    enabled             BOOLEAN      NOT NULL,
    name                VARCHAR(255),
    given_name          VARCHAR(255),
    family_name         VARCHAR(255),
    email               VARCHAR(320),
    email_verified      BOOLEAN      NOT NULL,
    picture             VARCHAR(2048),
    locale              VARCHAR(35),
    -- Tokens issued before this instant are inactive (revoke everything of a user).
    tokens_valid_after  TIMESTAMP WITH TIME ZONE,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT users_username_unique UNIQUE (tenant_id, username_normalized)
);

CREATE TABLE user_roles (
    tenant_id VARCHAR(64)  NOT NULL,
    user_id   VARCHAR(36)  NOT NULL,
    role      VARCHAR(255) NOT NULL,
    PRIMARY KEY (tenant_id, user_id, role),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

-- Extra user attributes for custom claim mappings: one typed row per attribute, never a blob.
CREATE TABLE user_attributes (
    tenant_id VARCHAR(64)   NOT NULL,
    user_id   VARCHAR(36)   NOT NULL,
    name      VARCHAR(255)  NOT NULL,
    attr_value VARCHAR(4096) NOT NULL,
    PRIMARY KEY (tenant_id, user_id, name),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE clients (
    tenant_id                  VARCHAR(64)   NOT NULL REFERENCES tenants (id),
    client_id                  VARCHAR(255)  NOT NULL,
    name                       VARCHAR(255),
    secret_hash                VARCHAR(512),
    -- Space-separated lists, as OAuth itself writes scopes; URIs cannot contain spaces.
    redirect_uris              VARCHAR(8192) NOT NULL,
    post_logout_redirect_uris  VARCHAR(8192) NOT NULL,
    allowed_origins            VARCHAR(8192) NOT NULL,
    grant_types                VARCHAR(1024) NOT NULL,
    scopes                     VARCHAR(4096) NOT NULL,
    audience                   VARCHAR(1024),
    access_token_format        VARCHAR(16)   NOT NULL,
    access_token_ttl_seconds   BIGINT        NOT NULL,
    id_token_ttl_seconds       BIGINT        NOT NULL,
    refresh_policy             VARCHAR(16)   NOT NULL,
    refresh_ttl_seconds        BIGINT,
    refresh_max_seconds        BIGINT,
    id_token_encryption_jwk    VARCHAR(8192),
    created_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, client_id)
);

CREATE TABLE client_claim_mappings (
    tenant_id  VARCHAR(64)  NOT NULL,
    client_id  VARCHAR(255) NOT NULL,
    token_type VARCHAR(16)  NOT NULL, -- ACCESS or ID
    attribute  VARCHAR(255) NOT NULL,
    claim      VARCHAR(255) NOT NULL,
    PRIMARY KEY (tenant_id, client_id, token_type, claim),
    FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, client_id) ON DELETE CASCADE
);

CREATE TABLE signing_keys (
    tenant_id          VARCHAR(64)    NOT NULL REFERENCES tenants (id),
    kid                VARCHAR(128)   NOT NULL,
    algorithm          VARCHAR(16)    NOT NULL,
    state              VARCHAR(16)    NOT NULL,
    public_jwk         VARCHAR(8192)  NOT NULL,
    -- AES-GCM under the master key, base64url; the private JWK never touches the table in clear.
    private_key_sealed VARCHAR(16384) NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    activated_at       TIMESTAMP WITH TIME ZONE,
    rotated_at         TIMESTAMP WITH TIME ZONE,
    revoked_at         TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (tenant_id, kid)
);
CREATE INDEX signing_keys_state ON signing_keys (tenant_id, state);

-- Login sessions at the authorize endpoint (cookie value stored as SHA-256).
CREATE TABLE sessions (
    id_hash    CHAR(64)    NOT NULL PRIMARY KEY,
    tenant_id  VARCHAR(64) NOT NULL REFERENCES tenants (id),
    user_id    VARCHAR(36) NOT NULL,
    auth_time  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id);

CREATE TABLE refresh_tokens (
    token_hash              CHAR(64)      NOT NULL PRIMARY KEY,
    tenant_id               VARCHAR(64)   NOT NULL REFERENCES tenants (id),
    family_id               VARCHAR(36)   NOT NULL,
    client_id               VARCHAR(255)  NOT NULL,
    user_id                 VARCHAR(36)   NOT NULL,
    session_id              CHAR(64),
    scope                   VARCHAR(4096) NOT NULL,
    auth_time               TIMESTAMP WITH TIME ZONE NOT NULL,
    amr                     VARCHAR(255)  NOT NULL,
    -- The access token issued together with this refresh token.
    access_token_jti        VARCHAR(64)   NOT NULL,
    access_token_expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    -- When this refresh token stops being usable (policy-dependent) and the family's absolute cap.
    expires_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    family_expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    state                   VARCHAR(16)   NOT NULL, -- ACTIVE, ROTATED, REVOKED
    created_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at                 TIMESTAMP WITH TIME ZONE
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (tenant_id, family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (tenant_id, user_id);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (family_expires_at);

-- Opaque (reference) access tokens, resolved by introspection.
CREATE TABLE opaque_access_tokens (
    token_hash CHAR(64)      NOT NULL PRIMARY KEY,
    tenant_id  VARCHAR(64)   NOT NULL REFERENCES tenants (id),
    jti        VARCHAR(64)   NOT NULL,
    client_id  VARCHAR(255)  NOT NULL,
    subject    VARCHAR(255)  NOT NULL,
    user_id    VARCHAR(36),
    username   VARCHAR(255),
    scope      VARCHAR(4096) NOT NULL,
    roles      VARCHAR(4096) NOT NULL,
    audience   VARCHAR(1024) NOT NULL,
    issued_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX opaque_access_tokens_expires ON opaque_access_tokens (expires_at);
CREATE INDEX opaque_access_tokens_jti ON opaque_access_tokens (tenant_id, jti);

-- Access tokens revoked before their expiry (RFC 7009, family revocation): JWTs stay
-- self-contained for guards, introspection consults this list.
CREATE TABLE revoked_access_tokens (
    tenant_id  VARCHAR(64) NOT NULL,
    jti        VARCHAR(64) NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, jti)
);
CREATE INDEX revoked_access_tokens_expires ON revoked_access_tokens (expires_at);

CREATE TABLE authorization_codes (
    code_hash             CHAR(64)      NOT NULL PRIMARY KEY,
    tenant_id             VARCHAR(64)   NOT NULL REFERENCES tenants (id),
    client_id             VARCHAR(255)  NOT NULL,
    user_id               VARCHAR(36)   NOT NULL,
    session_id            CHAR(64),
    redirect_uri          VARCHAR(2048) NOT NULL,
    scope                 VARCHAR(4096) NOT NULL,
    nonce                 VARCHAR(512),
    code_challenge        VARCHAR(128),
    code_challenge_method VARCHAR(8),
    auth_time             TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    consumed_at           TIMESTAMP WITH TIME ZONE,
    -- What the redemption issued, so that a replay can revoke it.
    issued_family_id      VARCHAR(36),
    issued_access_jti     VARCHAR(64),
    issued_access_expires TIMESTAMP WITH TIME ZONE
);
CREATE INDEX authorization_codes_expires ON authorization_codes (expires_at);
