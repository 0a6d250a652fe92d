package dev.identityservice.guard.verify;

import com.nimbusds.jose.JWSAlgorithm;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.TokenVerifier;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.jwks.CachingJwksSource;
import dev.identityservice.guard.jwks.VerificationKey;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Verifies a JWT access token (RFC 9068 §4) in JWS compact serialization (RFC 7515 §7.1): strict
 * header checks, strict JSON, one signature verification with a key from the cached JWKS, then
 * the claims.
 *
 * <p>The header rules: {@code alg} from the allow-list only (so never {@code none} or HMAC);
 * {@code jwk}, {@code jku}, {@code x5u} and {@code x5c} are refused, since keys named by the token
 * itself are never trusted; any {@code crit} is refused, since no extension is understood; {@code
 * typ} must be {@code at+jwt} unless plain JWTs are configured acceptable.
 *
 * <p>The signature is verified before any claim is judged, and a rejection names a failed claim only
 * for a token whose signature verified: a forger learns nothing of the expected issuer, audience or
 * roles. A token whose {@code kid} the cached set lacks must have passing claims to spend the
 * unknown-{@code kid} refetch budget; otherwise it is refused as an unknown key id.
 */
public final class JwtTokenVerifier implements TokenVerifier {

    private static final int MAX_KID_LENGTH = 256;
    private static final String[] SELF_NAMED_KEY_HEADERS = {"jwk", "jku", "x5u", "x5c"};

    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();

    /** The 6-bit value of each base64url character (RFC 4648 §5, Table 2), indexed by its ASCII code. */
    private static final byte[] SEXTET = new byte[128];

    static {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            SEXTET[alphabet.charAt(i)] = (byte) i;
        }
    }

    private final Map<String, JWSAlgorithm> acceptedAlgorithms = new HashMap<>();
    private final boolean acceptPlainJwt;
    private final int maxTokenLength;
    private final AccessTokenClaims claims;
    private final CachingJwksSource keys;
    /** The last header accepted; racy by design (an immutable record: a lost update costs one more check). */
    private volatile CheckedHeader lastHeader;

    public JwtTokenVerifier(GuardConfig config, CachingJwksSource keys) {
        for (JWSAlgorithm algorithm : config.algorithms()) {
            acceptedAlgorithms.put(algorithm.getName(), algorithm);
        }
        this.acceptPlainJwt = config.acceptPlainJwt();
        this.maxTokenLength = config.maxTokenLength();
        this.claims = new AccessTokenClaims(config);
        this.keys = keys;
    }

    /** Whether a token has the shape of a JWS or JWE compact serialization (two or four dots). */
    public static boolean looksLikeJwt(String token) {
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) == '.') {
                dots++;
            }
        }
        return dots == 2 || dots == 4;
    }

    @Override
    public VerifiedToken verify(String token) throws InvalidTokenException, VerificationUnavailableException {
        return verifyWithKey(token).token();
    }

    /** A verified token and the key whose signature it carries (for the verified-token cache). */
    record Verified(VerifiedToken token, VerificationKey key) {
    }

    /** As {@link #verify}, also naming the key that verified the signature. */
    Verified verifyWithKey(String token) throws InvalidTokenException, VerificationUnavailableException {
        if (token.length() > maxTokenLength) {
            throw InvalidTokenException.invalidToken("token too long");
        }
        // The dots by String.indexOf (vectorised); the characters between them are checked by the base64url
        // decoding of each part. One copy of the token as bytes serves that decoding and, up to the second
        // dot, the signing input (RFC 7515 §5.2 step 8): ISO-8859-1 copies a compact string as it is, and a
        // character above U+00FF becomes '?', which no decoding accepts.
        int firstDot = token.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
        if (secondDot >= 0 && token.indexOf('.', secondDot + 1) >= 0) {
            throw InvalidTokenException.invalidToken(isJweShaped(token, secondDot)
                    ? "encrypted tokens (JWE) are not accepted" : "malformed token");
        }
        if (firstDot <= 0 || secondDot < 0 || secondDot == firstDot + 1 || secondDot == token.length() - 1
                || token.indexOf('=') >= 0) { // RFC 7515 §2: base64url without padding
            throw InvalidTokenException.invalidToken("malformed token");
        }
        byte[] ascii = token.getBytes(StandardCharsets.ISO_8859_1);
        CheckedHeader header = lastHeader;
        if (header == null || !header.encodes(ascii, firstDot)) {
            header = null;
        }
        // All three parts decoded before any is judged: a malformed token is refused as that, whatever its header.
        byte[] headerBytes = header == null ? base64Url(ascii, 0, firstDot) : null;
        byte[] payloadBytes = base64Url(ascii, firstDot + 1, secondDot);
        byte[] signature = base64Url(ascii, secondDot + 1, ascii.length);
        if (header == null) {
            header = checkHeader(Arrays.copyOf(ascii, firstDot), parse(headerBytes, "header"));
            lastHeader = header;
        }
        JWSAlgorithm algorithm = header.algorithm();
        boolean atJwt = header.atJwt();
        String kid = header.kid();
        Map<String, Object> payload = parse(payloadBytes, "payload");

        VerificationKey key = select(keysFor(kid, payload, atJwt), algorithm, kid == null);
        if (!key.verify(algorithm, ascii, secondDot, signature)) {
            throw InvalidTokenException.invalidToken("invalid signature");
        }
        // Only now may a description name a claim: the issuer vouches for this token.
        return new Verified(claims.checkJwt(payload, atJwt), key);
    }

    /**
     * The candidate keys for {@code kid}. A {@code kid} the cached set lacks may cost a refetch, so
     * only a token whose claims would pass may ask for one; any other learns only that the key id
     * is unknown, never which claim failed (its signature was never verified).
     */
    private VerificationKey[] keysFor(String kid, Map<String, Object> payload, boolean atJwt)
            throws InvalidTokenException, VerificationUnavailableException {
        return keys.candidates(kid, () -> {
            try {
                claims.checkJwt(payload, atJwt);
                return true;
            } catch (InvalidTokenException implausible) {
                return false;
            }
        });
    }

    /**
     * A header that passed {@link #checkHeader}, with its encoded form: the same issuer signs token after token under
     * one header, so a token whose header bytes equal the last accepted one's skips decoding, parsing and checking
     * it again (the bytes decide everything the checks read).
     */
    private record CheckedHeader(byte[] encoded, JWSAlgorithm algorithm, boolean atJwt, String kid) {

        boolean encodes(byte[] ascii, int length) {
            return encoded.length == length && Arrays.equals(encoded, 0, length, ascii, 0, length);
        }
    }

    private CheckedHeader checkHeader(byte[] encoded, Map<String, Object> header) throws InvalidTokenException {
        Object alg = header.get("alg");
        JWSAlgorithm algorithm = alg instanceof String name ? acceptedAlgorithms.get(name) : null;
        if (algorithm == null) {
            throw InvalidTokenException.invalidToken("algorithm not accepted");
        }
        for (String name : SELF_NAMED_KEY_HEADERS) {
            if (header.containsKey(name)) {
                throw InvalidTokenException.invalidToken("header " + name + " is not accepted");
            }
        }
        if (header.containsKey("crit")) {
            throw InvalidTokenException.invalidToken("unsupported critical header parameter");
        }
        if (!typeAccepted(header.get("typ"))) {
            throw InvalidTokenException.invalidToken("token type not accepted");
        }
        Object kid = header.get("kid");
        if (kid != null && (!(kid instanceof String id) || id.isEmpty() || id.length() > MAX_KID_LENGTH)) {
            throw InvalidTokenException.invalidToken("malformed key id");
        }
        return new CheckedHeader(encoded, algorithm, isAtJwt(header.get("typ")), (String) kid);
    }

    private static boolean isAtJwt(Object typ) {
        return typ instanceof String type && (type.equalsIgnoreCase("at+jwt") || type.equalsIgnoreCase("application/at+jwt"));
    }

    /** RFC 9068 §2.1: {@code at+jwt}, case-insensitively, with or without {@code application/}. */
    private boolean typeAccepted(Object typ) {
        if (typ == null) {
            return acceptPlainJwt;
        }
        if (!(typ instanceof String type)) {
            return false;
        }
        if (type.equalsIgnoreCase("at+jwt") || type.equalsIgnoreCase("application/at+jwt")) {
            return true;
        }
        return acceptPlainJwt && (type.equalsIgnoreCase("JWT") || type.equalsIgnoreCase("application/jwt"));
    }

    private static VerificationKey select(VerificationKey[] candidates, JWSAlgorithm algorithm, boolean noKid)
            throws InvalidTokenException {
        VerificationKey chosen = null;
        for (VerificationKey candidate : candidates) {
            if (candidate.fits(algorithm)) {
                if (chosen != null && noKid) {
                    throw InvalidTokenException.invalidToken("token has no key id and several keys fit");
                }
                if (chosen == null) {
                    chosen = candidate;
                }
            }
        }
        if (chosen == null) {
            throw InvalidTokenException.invalidToken("no key for the token's algorithm");
        }
        return chosen;
    }

    /**
     * Parses a base64url-encoded JSON object (RFC 7515 §5.2 steps 2-4) from {@code ascii[from, to)}: strict
     * UTF-8 (malformed input is refused, not replaced), then strict JSON.
     */
    static Map<String, Object> json(byte[] ascii, int from, int to, String part) throws InvalidTokenException {
        return parse(base64Url(ascii, from, to), part);
    }

    /** Parses a decoded JOSE header or JWT payload: strict UTF-8 and strict JSON (RFC 7515 §5.2 steps 3-4). */
    private static Map<String, Object> parse(byte[] bytes, String part) throws InvalidTokenException {
        try {
            return StrictJson.parseObject(bytes, 0, bytes.length);
        } catch (CharacterCodingException e) {
            throw InvalidTokenException.invalidToken("malformed token " + part + ": not UTF-8");
        } catch (StrictJson.MalformedJsonException e) {
            throw InvalidTokenException.invalidToken("malformed token " + part + ": " + e.getMessage());
        }
    }

    /** Whether a token with a third dot at or after {@code from} has exactly four: the JWE compact shape. */
    private static boolean isJweShaped(String token, int from) {
        int third = token.indexOf('.', from + 1);
        int fourth = token.indexOf('.', third + 1);
        return fourth >= 0 && token.indexOf('.', fourth + 1) < 0;
    }

    /**
     * Decodes unpadded base64url (RFC 7515 §2, RFC 4648 §5) from {@code ascii[from, to)} with the JDK's decoder,
     * which the JIT replaces with vector instructions: any character outside the alphabet, and a length of 1
     * modulo 4, is refused. The JDK ignores the unused low bits of a last partial group; they are checked here
     * (RFC 4648 §3.5: a canonical encoder sets them to zero), so each part has one spelling and a token one
     * string form. Padding is the caller's to refuse.
     *
     * @return the decoded bytes
     * @throws InvalidTokenException {@code invalid_token} for anything but canonical unpadded base64url
     */
    static byte[] base64Url(byte[] ascii, int from, int to) throws InvalidTokenException {
        ByteBuffer decoded;
        try {
            decoded = BASE64URL_DECODER.decode(ByteBuffer.wrap(ascii, from, to - from));
        } catch (IllegalArgumentException e) {
            throw InvalidTokenException.invalidToken("malformed token: bad base64url");
        }
        // The decoder accepted the part, so its last character is in the alphabet (ASCII, a table index).
        int rem = (to - from) & 3;
        if (rem != 0 && (SEXTET[ascii[to - 1]] & (rem == 2 ? 0x0f : 0x03)) != 0) {
            throw InvalidTokenException.invalidToken("malformed token: non-canonical base64url");
        }
        byte[] bytes = decoded.array();
        return decoded.remaining() == bytes.length ? bytes : Arrays.copyOf(bytes, decoded.remaining());
    }
}
