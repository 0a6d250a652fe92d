package dev.identityservice.core.token;

import dev.identityservice.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random secrets handed to clients (refresh tokens, opaque access tokens, codes, session ids) and
 * the one way they are stored: their SHA-256, hex encoded, so a database dump reveals nothing usable.
 *
 * <p>A 256-bit random value needs no salt or slow hash: it cannot be guessed, only stolen.
 */
public final class OpaqueTokens {

    /** Entropy of every generated token. */
    public static final int TOKEN_BYTES = 32;

    /** Longest token string we accept for lookup; anything longer cannot be ours. */
    public static final int MAX_TOKEN_LENGTH = 512;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private OpaqueTokens() {
    }

    /** A new 256-bit random token, base64url without padding (43 characters). */
    public static String generate() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /** A new 128-bit random identifier for {@code jti} claims. */
    public static String newJti() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /** The stored form of a token: lower-case hex SHA-256 of its UTF-8 bytes. */
    public static String hash(String token) {
        return HexFormat.of().formatHex(Sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
