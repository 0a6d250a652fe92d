package dev.identityservice.core.client;

import dev.identityservice.core.Limits;
import java.util.Objects;
import java.util.Set;

/**
 * Copies a user attribute into a claim of a client's tokens.
 *
 * @param attribute a profile field ({@code name}, {@code email}, ...) or a custom attribute name
 * @param claim     the claim name; registered claims that the engine sets itself cannot be overridden
 */
public record ClaimMapping(TokenType tokenType, String attribute, String claim) {

    /** Which token a mapping writes into. */
    public enum TokenType { ACCESS, ID }

    /** Claims the engine owns; a mapping onto one of them would forge identity or validity. */
    public static final Set<String> RESERVED_CLAIMS = Set.of(
            "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "client_id", "scope", "roles", "auth_time", "amr",
            "nonce", "at_hash", "azp", "tenant", "typ", "cnf", "sid");

    public ClaimMapping {
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(claim, "claim");
        if (attribute.isBlank() || claim.isBlank()) {
            throw new IllegalArgumentException("attribute and claim must not be blank");
        }
        Limits.atMost("attribute", attribute, Limits.MAX_NAME_CHARS);
        Limits.atMost("claim", claim, Limits.MAX_NAME_CHARS);
        if (RESERVED_CLAIMS.contains(claim)) {
            throw new IllegalArgumentException("claim '" + claim + "' is set by the server and cannot be mapped");
        }
    }
}
