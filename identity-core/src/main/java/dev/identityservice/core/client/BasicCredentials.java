package dev.identityservice.core.client;

import dev.identityservice.core.error.OAuthError;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Parses an {@code Authorization: Basic} header value into client credentials.
 *
 * <p>RFC 6749 §2.3.1 requires the client id and secret to be {@code application/x-www-form-urlencoded}
 * before they are joined by {@code ':'} and base64-encoded (RFC 7617), so both parts are URL-decoded
 * here: a secret {@code a:b} arrives as {@code a%3Ab}. Splitting at the first {@code ':'} also accepts
 * clients that forget to encode a {@code ':'} in the secret, since a client id may not contain one unencoded.
 */
public final class BasicCredentials {

    /** Longer headers are refused before decoding; real ones are far shorter. */
    public static final int MAX_HEADER_LENGTH_CHARS = 4096;

    private static final String SCHEME = "basic ";
    private static final OAuthError MALFORMED = OAuthError.invalidClient("Malformed Basic client credentials");

    private BasicCredentials() {
    }

    /**
     * The credentials in {@code headerValue} (e.g. {@code Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW}).
     *
     * @throws dev.identityservice.core.error.OAuthException {@code invalid_client} for anything malformed
     */
    public static ClientCredentials parse(String headerValue) {
        if (headerValue == null || headerValue.length() > MAX_HEADER_LENGTH_CHARS
                || !headerValue.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw MALFORMED.exception();
        }
        String decoded;
        try {
            byte[] bytes = Base64.getDecoder().decode(headerValue.substring(SCHEME.length()).strip());
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw MALFORMED.exception();
        }
        int colon = decoded.indexOf(':');
        if (colon < 1 || colon == decoded.length() - 1) {
            throw MALFORMED.exception();
        }
        String clientId = formDecode(decoded.substring(0, colon));
        String secret = formDecode(decoded.substring(colon + 1));
        if (clientId.isEmpty() || secret.isEmpty()) {
            throw MALFORMED.exception();
        }
        return new ClientCredentials(clientId, secret, ClientCredentials.Method.BASIC);
    }

    private static String formDecode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw MALFORMED.exception();
        }
    }
}
