package dev.identityservice.server.admin;

import dev.identityservice.core.key.SigningKey;
import java.time.Instant;

/**
 * A signing key as the management API shows it: identity, state, times and its chain ({@code MAIN}, or
 * {@code ID_TOKEN} for the RS256 keys a tenant on ES256/EdDSA keeps for ID tokens), never any key material.
 */
record KeyView(String kid, String algorithm, String state, String createdAt, String activatedAt, String rotatedAt,
               String revokedAt, String purpose) {

    static KeyView of(SigningKey key) {
        return new KeyView(key.kid(), key.algorithm().name(), key.state().name(), text(key.createdAt()),
                text(key.activatedAt()), text(key.rotatedAt()), text(key.revokedAt()), key.purpose().name());
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
