package dev.identityservice.core.client;

import dev.identityservice.core.Limits;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Redirect-URI rules: registration accepts only absolute URIs without fragment (RFC 6749 §3.1.2),
 * and a request matches only by exact string comparison (OAuth 2.0 Security BCP §4.1.3), never by prefix.
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

    /** Whether {@code requested} is exactly one of {@code registered}. */
    public static boolean matches(List<String> registered, String requested) {
        return requested != null && registered.contains(requested);
    }
}
