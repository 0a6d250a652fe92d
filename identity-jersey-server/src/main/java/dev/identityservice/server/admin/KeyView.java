package dev.identityservice.server.admin;

import dev.identityservice.core.key.SigningKey;
import java.time.Instant;

/** A signing key as the management API shows it: identity, state and times, never any key material. */
record KeyView(String kid, String algorithm, String state, String createdAt, String activatedAt, String rotatedAt,
               String revokedAt) {

    static KeyView of(SigningKey key) {
        return new KeyView(key.kid(), key.algorithm().name(), key.state().name(), text(key.createdAt()),
                text(key.activatedAt()), text(key.rotatedAt()), text(key.revokedAt()));
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
