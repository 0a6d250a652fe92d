package dev.identityservice.guard;

import dev.identityservice.guard.error.InvalidTokenException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * Reads the bearer token of a request the way RFC 6750 §2.1 defines it: {@code Authorization:
 * Bearer <b64token>}, the scheme in any letter case (RFC 7235 §2.1), separated by one or more
 * spaces. Tokens in the query string (§2.3) are refused; the form body (§2.2) is never read.
 */
public final class BearerHeader {

    private static final String SCHEME = "Bearer";
    private static final String QUERY_PARAMETER = "access_token";

    private BearerHeader() {
    }

    /**
     * Finds the token of a request.
     *
     * @param authorizationHeaders every {@code Authorization} header value of the request
     * @param rawQuery             the undecoded query string, or null
     * @return the token, or null if the request carries no bearer token
     * @throws InvalidTokenException with {@code invalid_request} if the header is malformed, there
     *                               are two of them, or a token is sent in the URI
     */
    public static String extract(Iterator<String> authorizationHeaders, String rawQuery)
            throws InvalidTokenException {
        if (hasQueryToken(rawQuery)) {
            throw InvalidTokenException.invalidRequest("access tokens in the URI are not accepted");
        }
        if (authorizationHeaders == null || !authorizationHeaders.hasNext()) {
            return null;
        }
        String header = authorizationHeaders.next();
        if (authorizationHeaders.hasNext()) {
            throw InvalidTokenException.invalidRequest("more than one Authorization header");
        }
        return parse(header);
    }

    /** The token in one {@code Authorization} header value, or null if its scheme is not Bearer. */
    static String parse(String header) throws InvalidTokenException {
        if (header == null) {
            return null;
        }
        int start = 0;
        int end = header.length();
        while (start < end && header.charAt(start) == ' ') {
            start++;
        }
        if (!header.regionMatches(true, start, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        int afterScheme = start + SCHEME.length();
        if (afterScheme < end && header.charAt(afterScheme) != ' ') {
            if (isTokenChar(header.charAt(afterScheme)) || header.charAt(afterScheme) == '=') {
                return null; // another scheme that merely starts with "Bearer"
            }
            throw InvalidTokenException.invalidRequest("malformed Authorization header");
        }
        int tokenStart = afterScheme;
        while (tokenStart < end && header.charAt(tokenStart) == ' ') {
            tokenStart++;
        }
        while (end > tokenStart && header.charAt(end - 1) == ' ') {
            end--;
        }
        if (tokenStart == end) {
            throw InvalidTokenException.invalidRequest("empty bearer token");
        }
        int i = tokenStart;
        while (i < end && isTokenChar(header.charAt(i))) {
            i++;
        }
        while (i < end && header.charAt(i) == '=') {
            i++;
        }
        if (i == tokenStart || i != end) {
            throw InvalidTokenException.invalidRequest(
                    i < end && header.charAt(i) == ' ' ? "more than one token in the Authorization header"
                            : "malformed bearer token");
        }
        return header.substring(tokenStart, end);
    }

    /** RFC 6750 §2.1 b64token characters, without the trailing '='. */
    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }

    private static boolean hasQueryToken(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return false;
        }
        int from = 0;
        while (from <= rawQuery.length()) {
            int amp = rawQuery.indexOf('&', from);
            int to = amp < 0 ? rawQuery.length() : amp;
            int eq = rawQuery.indexOf('=', from);
            String name = rawQuery.substring(from, eq < 0 || eq > to ? to : eq);
            if (name.indexOf('%') >= 0 || name.indexOf('+') >= 0) {
                name = decodeLeniently(name);
            }
            if (QUERY_PARAMETER.equals(name)) {
                return true;
            }
            if (amp < 0) {
                return false;
            }
            from = amp + 1;
        }
        return false;
    }

    private static String decodeLeniently(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return name;
        }
    }
}
