-- The audit event log: one typed row per sign-in, throttling, token failure, refresh-token reuse, admin action
-- or key change. No password, secret or token is ever stored; a failed login names the account only by its
-- keyed fingerprint. Rows older than audit.retention are deleted by the cleanup job (audit_events_time).
CREATE TABLE audit_events (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)  NOT NULL,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    type        VARCHAR(64)  NOT NULL,
    actor       VARCHAR(255),
    subject     VARCHAR(255),
    client_id   VARCHAR(255),
    address     VARCHAR(64),
    outcome     VARCHAR(64)  NOT NULL,
    detail      VARCHAR(500)
);

-- Reading a tenant's log newest first, optionally from/to a time; and the retention cleanup.
CREATE INDEX audit_events_tenant_time ON audit_events (tenant_id, occurred_at);
CREATE INDEX audit_events_time ON audit_events (occurred_at);
-- "What happened to this user", "what did this admin do".
CREATE INDEX audit_events_subject ON audit_events (tenant_id, subject, occurred_at);
CREATE INDEX audit_events_actor ON audit_events (tenant_id, actor, occurred_at);
