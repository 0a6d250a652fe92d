package dev.identityservice.server.login;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 (RFC 2104) of UTF-8 text: the device cookies' MAC, the throttle's bucket names and account
 * fingerprints, and the keys both derive from the master key.
 */
final class HmacSha256 {

    static final String ALGORITHM = "HmacSHA256";

    private HmacSha256() {
    }

    /** A key for {@link #of}; the bytes are copied. */
    static SecretKeySpec key(byte[] bytes) {
        return new SecretKeySpec(bytes.clone(), ALGORITHM);
    }

    /** The 32-byte MAC of {@code text} under {@code key}. */
    static byte[] of(SecretKeySpec key, String text) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " unavailable", e);
        }
    }
}
