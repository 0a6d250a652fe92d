package dev.identityservice.core.replay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Accepts each JWT identifier once (RFC 7519 §4.1.7 {@code jti}; RFC 9101 §10.8 for request objects, RFC 7523
 * §3 item 7 for client assertions): per tenant, client and {@link Purpose}, until the JWT's expiry. A JWT without a
 * {@code jti} is identified by the SHA-256 of its compact serialization, so that the very same JWT still cannot
 * be sent twice. Only hashes are stored. With several instances the store's primary key decides: of two racing
 * uses exactly one wins.
 */
public final class JtiReplayGuard {

    /** What a JWT is used for; a jti is one-time within its purpose. */
    public enum Purpose {
        REQUEST_OBJECT("request_object"),
        CLIENT_ASSERTION("client_assertion");

        private final String value;

        Purpose(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    private final UsedJtiStore store;

    public JtiReplayGuard(UsedJtiStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Records the use of a JWT.
     *
     * @param jti        its {@code jti}, or {@code null} when it has none
     * @param serialized its compact serialization, identifying it when it has no {@code jti}
     * @param keepUntil  until when to remember it: its expiry plus the clock-skew leeway
     * @return {@code true} on first use; {@code false} when it was used before (a replay)
     */
    public boolean firstUse(String tenantId, String clientId, Purpose purpose, String jti, String serialized, Instant keepUntil) {
        String identity = jti != null ? "jti:" + jti : "jwt:" + serialized;
        return store.recordIfAbsent(tenantId, clientId, purpose.value(), sha256Hex(identity), keepUntil);
    }

    private static String sha256Hex(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
