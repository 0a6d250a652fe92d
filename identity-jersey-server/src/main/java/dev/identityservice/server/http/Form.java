package dev.identityservice.server.http;

import dev.identityservice.core.error.OAuthError;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} request body or query string (RFC 6749 §3.1, §3.2,
 * Appendix B), read strictly: UTF-8 only (under any of its registered charset names), at most
 * {@value BoundedBody#MAX_BYTES} bytes and {@value #MAX_PARAMETERS} parameters. Every violation is
 * {@code invalid_request}.
 *
 * <p>Repetition is policed where the meaning of a parameter is known: RFC 6749 §3.1/§3.2 forbid repeating
 * the parameters an endpoint defines, ignore unknown ones, and extensions such as RFC 8707 §2
 * {@code resource} may repeat. So the form keeps every value; {@link #get} and {@link #optional} refuse a
 * repeated parameter (reading a parameter as one value is defining it), {@link #values} returns all, and an
 * endpoint that hands the form on declares its parameters with {@link #singleValued}.
 *
 * <p>Our own parser because the servlet and JAX-RS parsers decode with the platform or a guessed charset,
 * silently replace malformed bytes and merge repeats: none of them can be strict.
 */
public final class Form {

    /** The most parameters accepted (counting repeats); real requests have fewer than ten. */
    public static final int MAX_PARAMETERS = 64;

    private static final Form EMPTY = new Form(Map.of());

    private final Map<String, List<String>> values;

    private Form(Map<String, List<String>> values) {
        this.values = Collections.unmodifiableMap(values);
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
        if (charset != null && !Utf8.isUtf8(charset)) {
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
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        int count = 0;
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
                parameters.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
                if (++count > MAX_PARAMETERS) {
                    throw OAuthError.invalidRequest("Too many parameters").exception();
                }
            }
            start = end + 1;
        }
        return new Form(parameters);
    }

    /** The parameter's one value; {@code null} when absent; {@code invalid_request} when it is repeated. */
    public String get(String name) {
        List<String> all = values.get(name);
        if (all == null) {
            return null;
        }
        if (all.size() > 1) {
            throw repeated(name);
        }
        return all.get(0);
    }

    /** Like {@link #get}, but {@code null} also when empty (RFC 6749 §3.1: a parameter without value is omitted). */
    public String optional(String name) {
        String value = get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** Every value of the parameter in request order; empty when absent. For parameters that may repeat. */
    public List<String> values(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }

    /**
     * The parameters with their first value, after checking that none of {@code defined} (the parameters
     * the endpoint defines) is repeated; other parameters may repeat and are passed on with their first value.
     *
     * @throws dev.identityservice.core.error.OAuthException {@code invalid_request} naming a repeated defined parameter
     */
    public Map<String, String> singleValued(Collection<String> defined) {
        Map<String, String> first = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> parameter : values.entrySet()) {
            if (parameter.getValue().size() > 1 && defined.contains(parameter.getKey())) {
                throw repeated(parameter.getKey());
            }
            first.put(parameter.getKey(), parameter.getValue().get(0));
        }
        return Collections.unmodifiableMap(first);
    }

    private static RuntimeException repeated(String name) {
        return OAuthError.invalidRequest("Parameter '" + printable(name) + "' is repeated").exception();
    }


    private static String decode(String encoded) {
        if (isPlainAscii(encoded)) {
            // Nothing to decode (a token, a client id, a grant type): the text is its own value. Saves a byte
            // array, a String and a byte[] per character below (JFR: 59 KiB per introspection request).
            return encoded;
        }
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
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(raw, 0, raw.length);
            }
        }
        return utf8(bytes.toByteArray());
    }

    /** True when {@code text} is ASCII without {@code %} and {@code +}: decoding would return it unchanged. */
    private static boolean isPlainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '+' || c >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String utf8(byte[] bytes) {
        return Utf8.decode(bytes).orElseThrow(() -> OAuthError.invalidRequest("The form is not valid UTF-8").exception());
    }

    private static String printable(String name) {
        String shown = name.length() > 40 ? name.substring(0, 40) : name;
        return shown.replaceAll("[^\\x21-\\x7e]", "?");
    }

    private static RuntimeException malformed() {
        return OAuthError.invalidRequest("The form has a malformed percent-encoding").exception();
    }
}
