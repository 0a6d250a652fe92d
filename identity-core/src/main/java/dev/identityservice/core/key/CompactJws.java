package dev.identityservice.core.key;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.Map;

/**
 * A JWS in compact serialization (RFC 7515 §7.1) taken apart for one check by a {@link KeyRing}: the protected
 * header, the signing input (the ASCII of {@code header.payload}, §5.2), the signature bytes and the payload's
 * JSON. Immutable.
 *
 * <p>Why not {@code SignedJWT.parse}: Nimbus decodes base64url with a constant-time codec, meant for secrets, which
 * took a seventh of the CPU of a {@code /userinfo} request (header, payload and a 342-character RS256 signature for
 * every token). The parts of a token are no secret; the JDK's decoder does the same work several times faster. The
 * JSON is still parsed by Nimbus. The JDK's decoder is the stricter one: a character outside the base64url
 * alphabet is refused rather than skipped.
 */
public final class CompactJws {

    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    private final JWSHeader header;
    private final byte[] signingInput;
    private final byte[] signature;
    private final String payloadJson;

    private CompactJws(JWSHeader header, byte[] signingInput, byte[] signature, String payloadJson) {
        this.header = header;
        this.signingInput = signingInput;
        this.signature = signature;
        this.payloadJson = payloadJson;
    }

    /**
     * Takes {@code token} apart.
     *
     * @throws ParseException when it does not have exactly three parts, a part is not base64url, or the header is
     *                        not a JWS header (RFC 7515 §4)
     */
    public static CompactJws parse(String token) throws ParseException {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw new ParseException("not a JWS in compact serialization", 0);
        }
        try {
            String headerPart = token.substring(0, first);
            JWSHeader header = JWSHeader.parse(jsonObject(utf8(headerPart), Header.MAX_HEADER_STRING_LENGTH),
                    new Base64URL(headerPart));
            return new CompactJws(header, token.substring(0, second).getBytes(StandardCharsets.US_ASCII),
                    BASE64URL.decode(token.substring(second + 1)), utf8(token.substring(first + 1, second)));
        } catch (IllegalArgumentException e) {
            throw new ParseException("not base64url: " + e.getMessage(), 0);
        }
    }

    /**
     * {@code json} as a JSON object. Nimbus answers JSON {@code null} with a null map, on which its header and claims
     * parsers then throw {@link NullPointerException} (a 500 for a made-up bearer token such as {@code bnVsbA.e30.AA}).
     */
    private static Map<String, Object> jsonObject(String json, int sizeLimit) throws ParseException {
        Map<String, Object> object = JSONObjectUtils.parse(json, sizeLimit);
        if (object == null) {
            throw new ParseException("not a JSON object", 0);
        }
        return object;
    }

    private static String utf8(String base64url) {
        return new String(BASE64URL.decode(base64url), StandardCharsets.UTF_8);
    }

    /** The protected header. */
    public JWSHeader header() {
        return header;
    }

    /** The payload as a JWT claims set (RFC 7519 §7.2 step 10); parsed on each call. */
    public JWTClaimsSet claims() throws ParseException {
        return JWTClaimsSet.parse(jsonObject(payloadJson, -1));
    }

    byte[] signingInput() {
        return signingInput;
    }

    byte[] signature() {
        return signature;
    }
}
