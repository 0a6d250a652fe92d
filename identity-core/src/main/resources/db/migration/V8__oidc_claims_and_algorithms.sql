-- OIDC Core §5.1 standard claims: one typed column per claim; the address (§5.1.1) as its own columns.
ALTER TABLE users ADD COLUMN middle_name VARCHAR(255);
ALTER TABLE users ADD COLUMN nickname VARCHAR(255);
ALTER TABLE users ADD COLUMN profile_url VARCHAR(2048);
ALTER TABLE users ADD COLUMN website VARCHAR(2048);
ALTER TABLE users ADD COLUMN gender VARCHAR(255);
ALTER TABLE users ADD COLUMN birthdate VARCHAR(10);
ALTER TABLE users ADD COLUMN zoneinfo VARCHAR(64);
ALTER TABLE users ADD COLUMN phone_number VARCHAR(64);
ALTER TABLE users ADD COLUMN phone_number_verified BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE users ADD COLUMN address_formatted VARCHAR(1024);
ALTER TABLE users ADD COLUMN address_street VARCHAR(1024);
ALTER TABLE users ADD COLUMN address_locality VARCHAR(255);
ALTER TABLE users ADD COLUMN address_region VARCHAR(255);
ALTER TABLE users ADD COLUMN address_postal_code VARCHAR(255);
ALTER TABLE users ADD COLUMN address_country VARCHAR(255);

-- The OIDC Core §5.5 claims request (acr_values folded in) of a code and of a refresh-token family, so that
-- tokens issued from them, and /userinfo, answer it; and the names an opaque access token makes userinfo release.
ALTER TABLE authorization_codes ADD COLUMN claims_request VARCHAR(4096);
ALTER TABLE refresh_tokens ADD COLUMN claims_request VARCHAR(4096);
ALTER TABLE opaque_access_tokens ADD COLUMN userinfo_claims VARCHAR(4096);

-- Per-client JWS algorithms of ID tokens and signed UserInfo responses (OIDC Registration §2); NULL: RS256 / plain JSON.
ALTER TABLE clients ADD COLUMN id_token_signed_response_alg VARCHAR(16);
ALTER TABLE clients ADD COLUMN userinfo_signed_response_alg VARCHAR(16);

-- OIDC Core §15.1: a tenant that signs access tokens with ES256 or EdDSA keeps a second chain of RS256 keys
-- (ACTIVE + NEXT, rotated with the main chain) for ID tokens and UserInfo; MAIN is the tenant's own chain.
ALTER TABLE signing_keys ADD COLUMN purpose VARCHAR(16) DEFAULT 'MAIN' NOT NULL;
