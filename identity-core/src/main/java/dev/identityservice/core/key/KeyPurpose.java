package dev.identityservice.core.key;

/**
 * Which chain of a tenant's keys a key belongs to. Each chain has one ACTIVE and one NEXT key and rotates
 * on the same schedule.
 */
public enum KeyPurpose {
    /** The tenant's own chain, in its {@link dev.identityservice.core.tenant.Tenant#signingAlgorithm()}: signs everything. */
    MAIN,
    /**
     * RS256 keys kept by a tenant whose main chain is not RS256, used only for ID tokens, signed UserInfo and
     * logout tokens: OIDC Core §15.1 requires every provider to sign ID tokens with RS256, and a client that
     * registers no {@code id_token_signed_response_alg} gets RS256 (OIDC Registration §2).
     */
    ID_TOKEN
}
