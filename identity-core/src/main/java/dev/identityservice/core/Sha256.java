package dev.identityservice.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 (FIPS 180-4), the one place that asks the JDK for it: every Java platform must provide it
 * ({@link MessageDigest} documentation), so its absence is a broken platform, not an error to handle. Used for
 * PKCE challenges (RFC 7636 §4.2), token and secret hashes, session ids and entity tags.
 */
public final class Sha256 {

    private Sha256() {
    }

    /** The 32-byte SHA-256 digest of {@code bytes}. */
    public static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
