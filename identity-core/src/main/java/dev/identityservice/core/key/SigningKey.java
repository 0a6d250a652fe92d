package dev.identityservice.core.key;

import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.Objects;

/**
 * One signing key of a tenant, with its private part (decrypted in memory only).
 *
 * @param kid the RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key
 * @param jwk the full key pair; {@link #publicJwk()} is what the JWKS publishes
 * @param purpose the chain the key belongs to: the tenant's own, or the RS256 chain for ID tokens
 */
public record SigningKey(String tenantId, String kid, SigningAlgorithm algorithm, KeyState state, JWK jwk,
                         Instant createdAt, Instant activatedAt, Instant rotatedAt, Instant revokedAt,
                         KeyPurpose purpose) {

    /** A key of the tenant's {@link KeyPurpose#MAIN main} chain. */
    public SigningKey(String tenantId, String kid, SigningAlgorithm algorithm, KeyState state, JWK jwk,
                      Instant createdAt, Instant activatedAt, Instant rotatedAt, Instant revokedAt) {
        this(tenantId, kid, algorithm, state, jwk, createdAt, activatedAt, rotatedAt, revokedAt, KeyPurpose.MAIN);
    }

    public SigningKey {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(jwk, "jwk");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(purpose, "purpose");
        if (!kid.equals(jwk.getKeyID())) {
            throw new IllegalArgumentException("jwk must carry kid " + kid);
        }
    }

    /** The public part with {@code kid}, {@code alg} and {@code use=sig}, as published in the JWKS. */
    public JWK publicJwk() {
        return jwk.toPublicJWK();
    }

    /** Names the key and its state, never its private part (a record's default would print it). */
    @Override
    public String toString() {
        return "SigningKey[tenantId=" + tenantId + ", kid=" + kid + ", algorithm=" + algorithm + ", state=" + state
                + ", createdAt=" + createdAt + ", activatedAt=" + activatedAt + ", rotatedAt=" + rotatedAt
                + ", revokedAt=" + revokedAt + ", purpose=" + purpose + "]";
    }

    public SigningKey withState(KeyState newState, Instant at) {
        return switch (newState) {
            case NEXT -> new SigningKey(tenantId, kid, algorithm, newState, jwk, createdAt, null, null, null, purpose);
            case ACTIVE -> new SigningKey(tenantId, kid, algorithm, newState, jwk, createdAt, at, null, null, purpose);
            case ROTATED -> new SigningKey(tenantId, kid, algorithm, newState, jwk, createdAt, activatedAt, at, null, purpose);
            case REVOKED -> new SigningKey(tenantId, kid, algorithm, newState, jwk, createdAt, activatedAt, rotatedAt, at, purpose);
        };
    }

    /** This key in the chain {@code newPurpose}; for new keys of the ID-token chain. */
    public SigningKey withPurpose(KeyPurpose newPurpose) {
        return new SigningKey(tenantId, kid, algorithm, state, jwk, createdAt, activatedAt, rotatedAt, revokedAt, newPurpose);
    }
}
