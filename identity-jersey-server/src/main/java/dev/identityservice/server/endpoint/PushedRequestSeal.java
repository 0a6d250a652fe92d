package dev.identityservice.server.endpoint;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proof, carried in the login form, that its authorization parameters are those of a pushed request (RFC 9126
 * §6). The authorization endpoint spends a pushed request's one-time {@code request_uri} and puts its parameters in
 * the login form's hidden fields, which the browser sends back; for a client that must push its requests, those
 * fields alone prove nothing (anyone can post any), so the form also carries an HMAC-SHA256 of them, keyed from the
 * master key (the same on every instance) and bounded in time, and the login endpoint accepts only parameters that
 * carry a valid one.
 *
 * <p>The value is {@code <expiry epoch seconds>.<base64url MAC>}; the MAC covers the tenant, the expiry and every
 * carried parameter, so neither can be changed or moved to another tenant.
 */
final class PushedRequestSeal {

    /** The hidden field of the login form. */
    static final String FIELD = "par_seal";
    /** How long a login form of a pushed request may be submitted: a slow sign-in, not a stored link. */
    static final Duration LIFETIME = Duration.ofHours(1);
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final Clock clock;

    /** @param masterDerivedKey at least 32 bytes of secret key material, the same on every instance */
    PushedRequestSeal(byte[] masterDerivedKey, Clock clock) {
        if (masterDerivedKey.length < 32) {
            throw new IllegalArgumentException("the pushed request seal key must be at least 32 bytes");
        }
        // A key of its own: a device cookie MAC can never pass for a seal, nor the reverse.
        this.key = new SecretKeySpec(mac(new SecretKeySpec(masterDerivedKey, ALGORITHM), "identity pushed request seal v1"), ALGORITHM);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The seal of {@code carried} in {@code tenantId}, valid for {@link #LIFETIME}. */
    String seal(String tenantId, Map<String, String> carried) {
        long expiry = clock.instant().plus(LIFETIME).getEpochSecond();
        return expiry + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(key, text(tenantId, expiry, carried)));
    }

    /** Whether {@code seal} is a valid, unexpired seal of exactly {@code carried} in {@code tenantId}. */
    boolean verify(String tenantId, Map<String, String> carried, String seal) {
        if (seal == null || seal.length() > 128) {
            return false;
        }
        int dot = seal.indexOf('.');
        long expiry;
        byte[] given;
        try {
            expiry = Long.parseLong(seal.substring(0, Math.max(dot, 0)));
            given = Base64.getUrlDecoder().decode(seal.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (clock.instant().getEpochSecond() >= expiry) {
            return false;
        }
        return MessageDigest.isEqual(given, mac(key, text(tenantId, expiry, carried)));
    }

    /** Length-prefixed, so that no two different parameter sets give the same text. */
    private static String text(String tenantId, long expiry, Map<String, String> carried) {
        StringBuilder text = new StringBuilder();
        append(text, tenantId);
        append(text, Long.toString(expiry));
        carried.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            append(text, e.getKey());
            append(text, e.getValue());
        });
        return text.toString();
    }

    private static void append(StringBuilder text, String value) {
        text.append(value.length()).append(':').append(value);
    }

    private static byte[] mac(SecretKeySpec key, String text) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " unavailable", e);
        }
    }
}
