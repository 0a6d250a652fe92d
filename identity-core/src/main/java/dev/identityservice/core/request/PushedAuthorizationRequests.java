package dev.identityservice.core.request;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.token.OpaqueTokens;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Pushed authorization requests (RFC 9126): stores a client's validated authorization request under a random
 * {@code urn:ietf:params:oauth:request_uri:} reference (§2.2), hands it back once to the authorization endpoint
 * for that client (§4), and refuses it after use, after {@link #LIFETIME}, or for any other client.
 *
 * <p>The reference carries 256 random bits and only its SHA-256 is stored, like every other credential here.
 */
public final class PushedAuthorizationRequests {

    /** The URN prefix of every reference this server issues (RFC 9126 §2.2). */
    public static final String URN_PREFIX = "urn:ietf:params:oauth:request_uri:";
    /**
     * How long a reference works: RFC 9126 §2.2 suggests 5 to 600 seconds; 90 covers a redirect and a slow
     * network while keeping a leaked reference nearly worthless.
     */
    public static final Duration LIFETIME = Duration.ofSeconds(90);
    /** The most characters of form-encoded parameters a pushed request may hold (the column's width). */
    public static final int MAX_PARAMETERS_CHARS = 65_536;

    /** A pushed request's reference and its lifetime in whole seconds (RFC 9126 §2.2 {@code expires_in}). */
    public record Pushed(String requestUri, long expiresIn) {
    }

    private final PushedRequestStore store;
    private final Clock clock;
    private final boolean requiredForAll;

    public PushedAuthorizationRequests(PushedRequestStore store, Clock clock) {
        this(store, clock, false);
    }

    /**
     * @param requiredForAll whether every client must push its authorization requests (RFC 9126 §5 server
     *                       metadata {@code require_pushed_authorization_requests})
     */
    public PushedAuthorizationRequests(PushedRequestStore store, Clock clock, boolean requiredForAll) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.requiredForAll = requiredForAll;
    }

    /** Whether the server requires pushed requests of every client (RFC 9126 §5). */
    public boolean requiredForAll() {
        return requiredForAll;
    }

    /**
     * Whether {@code client}'s authorization requests are accepted only through a pushed request's
     * {@code request_uri}: the server requires it of all, or the client registered
     * {@code require_pushed_authorization_requests} (RFC 9126 §6).
     */
    public boolean requiredFor(Client client) {
        return requiredForAll || client.requirePushedAuthorizationRequests();
    }

    /** Whether {@code requestUri} has the form of a pushed request's reference (not whether it is one). */
    public static boolean isPushed(String requestUri) {
        return requestUri != null && requestUri.startsWith(URN_PREFIX);
    }

    /**
     * Stores the validated {@code parameters} of {@code clientId}'s authorization request.
     *
     * @throws dev.identityservice.core.error.OAuthException {@code invalid_request} when the parameters are too large
     */
    public Pushed push(String tenantId, String clientId, Map<String, String> parameters) {
        String encoded = encode(parameters);
        if (encoded.length() > MAX_PARAMETERS_CHARS) {
            throw OAuthError.invalidRequest("The authorization request is too large").exception();
        }
        String reference = OpaqueTokens.generate();
        store.insert(new PushedRequest(OpaqueTokens.hash(reference), tenantId, clientId, encoded,
                clock.instant().plus(LIFETIME), null));
        return new Pushed(URN_PREFIX + reference, LIFETIME.toSeconds());
    }

    /**
     * Uses up the request pushed under {@code requestUri} by {@code clientId} and returns its parameters (RFC 9126
     * §4): the reference works once, before its expiry, for the client that pushed it. Exactly one of two racing
     * uses wins (a conditional update). The authorization endpoint then carries the parameters themselves, e.g.
     * through the login form, so that a slow sign-in does not outlive the short-lived reference.
     *
     * @throws dev.identityservice.core.error.OAuthException {@code invalid_request_uri} when unknown, of another
     *         client, used or expired
     */
    public Map<String, String> take(String tenantId, String clientId, String requestUri) {
        PushedRequest pushed = lookUp(tenantId, requestUri);
        if (pushed == null || !pushed.clientId().equals(clientId)) {
            // Another client's reference is answered like an unknown one: nothing about it is revealed.
            throw invalid("The request_uri is not known");
        }
        if (pushed.consumedAt() != null) {
            throw invalid("The request_uri was already used");
        }
        if (!clock.instant().isBefore(pushed.expiresAt())) {
            throw invalid("The request_uri has expired");
        }
        if (!store.consume(tenantId, pushed.referenceHash(), clock.instant())) {
            throw invalid("The request_uri was already used");
        }
        return decode(pushed.parameters());
    }

    private PushedRequest lookUp(String tenantId, String requestUri) {
        if (!isPushed(requestUri) || requestUri.length() > URN_PREFIX.length() + OpaqueTokens.MAX_TOKEN_LENGTH) {
            return null;
        }
        return store.find(tenantId, OpaqueTokens.hash(requestUri.substring(URN_PREFIX.length()))).orElse(null);
    }

    private static dev.identityservice.core.error.OAuthException invalid(String description) {
        // RFC 9101 §7 / OIDC Core §3.1.2.6: the request_uri does not resolve to a usable request.
        return new OAuthError("invalid_request_uri", description, 400).exception();
    }

    static String encode(Map<String, String> parameters) {
        StringBuilder form = new StringBuilder();
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            if (form.length() > 0) {
                form.append('&');
            }
            form.append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
        }
        return form.toString();
    }

    static Map<String, String> decode(String form) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (form.isEmpty()) {
            return parameters;
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }
}
