package dev.identityservice.core.client;

import dev.identityservice.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Client secrets (RFC 6749 §2.3.1): generated with 256 bits of entropy and stored as
 * {@code sha256:<base64url>}, never in plaintext.
 *
 * <p>Why SHA-256 and not Argon2id, as for passwords: a slow hash protects low-entropy secrets that an
 * attacker with the table could guess. A secret drawn from 256 random bits cannot be guessed whatever the
 * hash costs, so a stolen SHA-256 is as useless as a stolen Argon2id, while a {@code client_credentials}
 * request must cost little more than its one signature (about 1.2 ms); an Argon2id verify would cost
 * 50–100 ms and make the token endpoint an easy denial-of-service target. Supplied secrets are therefore
 * accepted only with at least {@value #MIN_SECRET_LENGTH_CHARS} characters.
 */
public final class ClientSecrets {

    /** Entropy of a generated secret: 32 bytes = 256 bits, 43 base64url characters. */
    public static final int GENERATED_SECRET_BYTES = 32;
    /** The shortest secret accepted at registration. */
    public static final int MIN_SECRET_LENGTH_CHARS = 32;
    /** The longest secret accepted at all; longer input is not worth hashing. */
    public static final int MAX_SECRET_LENGTH_CHARS = 512;

    static final String HASH_PREFIX = "sha256:";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private ClientSecrets() {
    }

    /** A new random secret, base64url without padding; show it to the client once, store only {@link #hash}. */
    public static String generate() {
        byte[] bytes = new byte[GENERATED_SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /**
     * The stored form of a secret being registered.
     *
     * @throws IllegalArgumentException when the secret is shorter than {@value #MIN_SECRET_LENGTH_CHARS} characters
     */
    public static String hash(String secret) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH_CHARS || secret.length() > MAX_SECRET_LENGTH_CHARS) {
            throw new IllegalArgumentException("client secret must be " + MIN_SECRET_LENGTH_CHARS + " to "
                    + MAX_SECRET_LENGTH_CHARS + " characters, so that a fast hash is safe; use a generated secret");
        }
        return HASH_PREFIX + BASE64URL.encodeToString(sha256(secret));
    }

    /** Whether {@code secret} is the one {@code storedHash} was made from; constant-time, {@code false} for any malformed input. */
    public static boolean matches(String secret, String storedHash) {
        if (secret == null || storedHash == null || secret.length() > MAX_SECRET_LENGTH_CHARS
                || !storedHash.startsWith(HASH_PREFIX)) {
            return false;
        }
        byte[] expected;
        try {
            expected = Base64.getUrlDecoder().decode(storedHash.substring(HASH_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(secret), expected);
    }

    private static byte[] sha256(String secret) {
        return Sha256.digest(secret.getBytes(StandardCharsets.UTF_8));
    }
}
