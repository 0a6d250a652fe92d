-- Pushed authorization requests (RFC 9126): the validated parameters a client pushed, under the SHA-256 (hex) of
-- the random part of the request_uri it was given. One-time use (consumed_at), short-lived (expires_at, about
-- 90 seconds); the cleanup job deletes rows at expiry.
--
-- The parameters are one text column, in the application/x-www-form-urlencoded form of the effective request
-- (after any request object was verified), not typed columns: the row is an opaque capsule of an authorization
-- request for a minute and a half, read back only by the authorization endpoint, which validates it again through
-- the one path every authorization request takes (the client or its redirect URIs may have changed meanwhile).
-- Typed columns would copy that validation's model and fall behind whenever a parameter is added.
CREATE TABLE pushed_authorization_requests (
    reference_hash CHAR(64)     NOT NULL PRIMARY KEY,
    tenant_id      VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    client_id      VARCHAR(255) NOT NULL,
    parameters     VARCHAR(65536) NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    consumed_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX pushed_authorization_requests_expiry ON pushed_authorization_requests (expires_at);
