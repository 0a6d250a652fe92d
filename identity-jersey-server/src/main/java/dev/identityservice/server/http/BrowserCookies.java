package dev.identityservice.server.http;

import dev.identityservice.core.tenant.Tenant;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The cookies of the browser flow (RFC 6265bis): the login session, the login form's CSRF token, and the
 * device cookie of a browser that has signed in.
 *
 * <p>The session cookie is {@code HttpOnly; SameSite=Lax}: Lax so that it comes along on the top-level
 * cross-site navigation from a client to the authorize endpoint (Strict would force a login every time).
 * Its path is the tenant's base path and its name carries the tenant id, so the default tenant's cookie
 * (path {@code /}) and a tenant's cookie (path {@code /t/x}) never shadow each other.
 *
 * <p>The CSRF cookie is a double-submit token: a random value in a {@code SameSite=Strict} cookie that the
 * login form repeats in a hidden field; a cross-site page can neither read the cookie nor make the browser
 * send it with a cross-site post. Over TLS it is a {@code __Host-} cookie, so a sibling subdomain cannot
 * plant one. Both are {@code Secure} when the request came over TLS or the tenant's issuer is https.
 */
public final class BrowserCookies {

    /** How long a login form stays usable: 15 minutes. */
    public static final Duration CSRF_TTL = Duration.ofMinutes(15);
    private static final String SESSION_PREFIX = "identity_session_";
    private static final String CSRF_NAME = "identity_csrf";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private BrowserCookies() {
    }

    /** The session cookie's value, or {@code null}. */
    public static String session(ContainerRequestContext request, Tenant tenant) {
        Cookie cookie = request.getCookies().get(SESSION_PREFIX + tenant.id());
        return cookie == null ? null : cookie.getValue();
    }

    /** {@code Set-Cookie} for a new session that the browser keeps for {@code maxAge}. */
    public static String sessionCookie(ContainerRequestContext request, Tenant tenant, String value, Duration maxAge) {
        return SESSION_PREFIX + tenant.id() + '=' + value + "; Path=" + basePath(request) + "; Max-Age="
                + Math.max(0, maxAge.toSeconds()) + "; HttpOnly; SameSite=Lax" + (secure(request, tenant) ? "; Secure" : "");
    }

    /** {@code Set-Cookie} that deletes the session cookie. */
    public static String clearedSessionCookie(ContainerRequestContext request, Tenant tenant) {
        return SESSION_PREFIX + tenant.id() + "=; Path=" + basePath(request) + "; Max-Age=0; HttpOnly; SameSite=Lax"
                + (secure(request, tenant) ? "; Secure" : "");
    }

    /**
     * {@code Set-Cookie} for a device cookie ({@link dev.identityservice.server.login.DeviceCookies}):
     * {@code HttpOnly}, {@code SameSite=Strict} (only this origin's login form posts it), scoped to the tenant.
     */
    public static String deviceCookie(ContainerRequestContext request, Tenant tenant, String name, String value, Duration maxAge) {
        return name + '=' + value + "; Path=" + basePath(request) + "; Max-Age=" + Math.max(0, maxAge.toSeconds())
                + "; HttpOnly; SameSite=Strict" + (secure(request, tenant) ? "; Secure" : "");
    }

    /** The CSRF cookie's value when it is well-formed, or {@code null}. */
    public static String csrf(ContainerRequestContext request, Tenant tenant) {
        Cookie cookie = request.getCookies().get(csrfName(request, tenant));
        return cookie != null && TOKEN.matcher(cookie.getValue()).matches() ? cookie.getValue() : null;
    }

    /** A new random CSRF token: 256 bits, base64url. */
    public static String newCsrfToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String csrfCookie(ContainerRequestContext request, Tenant tenant, String token) {
        // __Host- requires Secure and Path=/; the token is random and not tenant data, so / is harmless.
        return csrfName(request, tenant) + '=' + token + "; Path=/; Max-Age=" + CSRF_TTL.toSeconds()
                + "; HttpOnly; SameSite=Strict" + (secure(request, tenant) ? "; Secure" : "");
    }

    /** Whether the form's token equals the cookie's, compared in constant time; false when either is absent. */
    public static boolean csrfMatches(String cookieToken, String formToken) {
        if (cookieToken == null || formToken == null) {
            return false;
        }
        return MessageDigest.isEqual(cookieToken.getBytes(StandardCharsets.US_ASCII), formToken.getBytes(StandardCharsets.US_ASCII));
    }

    /** The tenant's base path without trailing slash ({@code /} for the default tenant, {@code /t/x} for x). */
    static String basePath(ContainerRequestContext request) {
        String path = request.getUriInfo().getBaseUri().getRawPath();
        if (path == null || path.isEmpty()) {
            return "/";
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** Whether cookies get {@code Secure}: the request came over TLS (or via a trusted proxy that says so), or the issuer is https. */
    public static boolean secure(ContainerRequestContext request, Tenant tenant) {
        return request.getSecurityContext().isSecure() || "https".equalsIgnoreCase(tenant.issuer().getScheme());
    }

    private static String csrfName(ContainerRequestContext request, Tenant tenant) {
        return secure(request, tenant) ? "__Host-" + CSRF_NAME : CSRF_NAME;
    }
}
