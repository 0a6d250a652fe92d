-- RFC 6749 §4.1.2: a code used twice SHOULD revoke all tokens issued based on it. In the hybrid flow (response
-- type code token, OIDC Core §3.3.2.5) an access token leaves in the same response as the code: remembered here,
-- as the redemption's one is in issued_access_jti, so that a replay of the code revokes it too.
ALTER TABLE authorization_codes ADD COLUMN front_channel_access_jti VARCHAR(64);
ALTER TABLE authorization_codes ADD COLUMN front_channel_access_expires TIMESTAMP WITH TIME ZONE;
