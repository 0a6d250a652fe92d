package dev.identityservice.core.client;

import dev.identityservice.core.Limits;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Objects;

/**
 * Redirect-URI rules: registration accepts only absolute URIs without fragment (RFC 6749 §3.1.2),
 * and a request matches by exact string comparison (RFC 9700 §4.1.3), never by prefix, with one exception:
 * for a loopback IP literal ({@code http://127.0.0.1}, {@code http://[::1]}) the port is free, since a native
 * app listens on whatever port the OS gives it at the time of the request (RFC 8252 §7.3, RFC 9700 §2.1).
 * {@code localhost} is matched exactly: RFC 8252 §8.3 recommends the IP literals, and the name may resolve
 * elsewhere.
 */
public final class RedirectUriMatcher {

    private RedirectUriMatcher() {
    }

    /** Fails with {@link IllegalArgumentException} when {@code uri} cannot be registered. */
    public static void requireRegistrable(String uri) {
        if (uri == null || uri.isEmpty() || uri.length() > Limits.MAX_URI_CHARS) {
            throw new IllegalArgumentException("redirect URI must be 1 to " + Limits.MAX_URI_CHARS + " characters");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("redirect URI is not a valid URI: " + uri);
        }
        if (!parsed.isAbsolute() || parsed.getRawFragment() != null) {
            throw new IllegalArgumentException("redirect URI must be absolute and without fragment: " + uri);
        }
        if (uri.chars().anyMatch(c -> c <= 0x20)) {
            throw new IllegalArgumentException("redirect URI must not contain whitespace: " + uri);
        }
    }

    /**
     * Whether {@code requested} is one of {@code registered}: exactly, or, for an {@code http} loopback IP
     * literal, with only the port different (absent on either side counts as a port too).
     */
    public static boolean matches(List<String> registered, String requested) {
        if (requested == null) {
            return false;
        }
        if (registered.contains(requested)) {
            return true;
        }
        URI loopback = loopbackLiteral(requested);
        return loopback != null && registered.stream().map(RedirectUriMatcher::loopbackLiteral)
                .anyMatch(r -> r != null && samePortless(r, loopback));
    }

    /** {@code uri} parsed when it is {@code http} to a loopback IP literal, else null. */
    private static URI loopbackLiteral(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return null;
        }
        String host = parsed.getHost();
        boolean literal = "127.0.0.1".equals(host) || "[::1]".equals(host);
        return "http".equals(parsed.getScheme()) && literal && parsed.getRawUserInfo() == null ? parsed : null;
    }

    /** Scheme, host, path and query equal, as the raw (still encoded) strings; fragments are never registered. */
    private static boolean samePortless(URI a, URI b) {
        return a.getHost().equals(b.getHost()) && Objects.equals(a.getRawPath(), b.getRawPath())
                && Objects.equals(a.getRawQuery(), b.getRawQuery()) && a.getRawFragment() == null && b.getRawFragment() == null;
    }
}
