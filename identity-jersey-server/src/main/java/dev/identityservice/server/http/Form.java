package dev.identityservice.server.http;

import dev.identityservice.core.error.OAuthError;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} request body (RFC 6749 §3.2, Appendix B), read strictly:
 * UTF-8 only, at most {@value BoundedBody#MAX_BYTES} bytes, and no parameter twice (§3.2: "Request and
 * response parameters MUST NOT be included more than once"). Every violation is {@code invalid_request}.
 */
public final class Form {

    /** The largest body read: 64 KiB, far above any real token request; larger ones are 413. */
    /** The most parameters accepted; real requests have fewer than ten. */
    public static final int MAX_PARAMETERS = 64;

    private static final Form EMPTY = new Form(Map.of());

    private final Map<String, String> parameters;

    private Form(Map<String, String> parameters) {
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /**
     * Reads the form of a request.
     *
     * @param contentType the request's {@code Content-Type}, or {@code null}
     * @param contentLength the declared length, or -1
     */
    public static Form read(MediaType contentType, long contentLength, InputStream body) {
        if (contentType == null || !MediaType.APPLICATION_FORM_URLENCODED_TYPE.isCompatible(contentType)
                || contentType.isWildcardType() || contentType.isWildcardSubtype()) {
            throw OAuthError.invalidRequest("Content-Type must be application/x-www-form-urlencoded").exception();
        }
        String charset = contentType.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !"utf-8".equalsIgnoreCase(charset)) {
            throw OAuthError.invalidRequest("The form must be UTF-8").exception();
        }
        return parse(BoundedBody.read(body, contentLength));
    }

    /** Parses an encoded form; exposed for tests and for query strings. */
    public static Form parse(byte[] encoded) {
        if (encoded.length == 0) {
            return EMPTY;
        }
        String text = utf8(encoded);
        Map<String, String> parameters = new LinkedHashMap<>();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('&', start);
            if (end < 0) {
                end = text.length();
            }
            if (end > start) {
                String pair = text.substring(start, end);
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                if (parameters.putIfAbsent(name, value) != null) {
                    throw OAuthError.invalidRequest("Parameter '" + printable(name) + "' is repeated").exception();
                }
                if (parameters.size() > MAX_PARAMETERS) {
                    throw OAuthError.invalidRequest("Too many parameters").exception();
                }
            }
            start = end + 1;
        }
        return new Form(parameters);
    }

    /** The parameter's value; {@code null} when absent. */
    public String get(String name) {
        return parameters.get(name);
    }

    /** The parameter's value, or {@code null} when absent or empty (RFC 6749 §3.1: empty means omitted). */
    public String optional(String name) {
        String value = parameters.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    public Map<String, String> parameters() {
        return parameters;
    }


    private static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw malformed();
                }
                int high = Character.digit(encoded.charAt(i + 1), 16);
                int low = Character.digit(encoded.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw malformed();
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(raw, 0, raw.length);
            }
        }
        return utf8(bytes.toByteArray());
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw OAuthError.invalidRequest("The form is not valid UTF-8").exception();
        }
    }

    private static String printable(String name) {
        String shown = name.length() > 40 ? name.substring(0, 40) : name;
        return shown.replaceAll("[^\\x21-\\x7e]", "?");
    }

    private static RuntimeException malformed() {
        return OAuthError.invalidRequest("The form has a malformed percent-encoding").exception();
    }
}
