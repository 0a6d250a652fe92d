package dev.identityservice.core.request;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientRegistrationRules;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.outbound.FetchLimits;
import dev.identityservice.core.outbound.OutboundHttp;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Fetches a request object passed by reference (OIDC Core §6.2, RFC 9101 §5.2 and §6.2): the authorization
 * request's {@code request_uri} when it is not a pushed request's ({@link PushedAuthorizationRequests#isPushed}).
 *
 * <p>Only URLs the client registered in {@code request_uris} (OIDC Registration §2) are fetched, as RFC 9101
 * §10.4.1 advises: otherwise anyone could make this server request any URL (SSRF), and a client without
 * registered ones cannot use this at all. Matching is exact, without the fragment, which is never sent. A fragment
 * is the base64url SHA-256 hash of the contents (OIDC Core §6.2, Registration §2), spelled canonically: when the
 * {@code request_uri} of the authorization request has one, the fetched bytes must hash to it; when every
 * registered entry with that URL has one, the bytes must hash to one of them (leaving the fragment out of the
 * request does not lift the registered pin). Otherwise the request is refused, so a client can pin the object it
 * meant even if the server it is fetched from is later changed. The request goes through {@link OutboundHttp}: https only and public
 * addresses only unless the server allows private ones, no redirects followed, within {@link #timeout}, and at most
 * {@link #maxBytes} of body. What comes back is only the text of a JWT; the caller verifies it exactly as a
 * {@code request} parameter.
 */
public final class RequestUriFetcher {

    /** RFC 9101 §5.2: a request_uri SHOULD NOT exceed 512 ASCII characters; twice that is refused outright. */
    public static final int MAX_REQUEST_URI_CHARS = 1024;

    /** RFC 4648 §5, Table 2: the base64url alphabet, each character at its 6-bit value. */
    private static final String BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private final OutboundHttp outbound;
    private final int maxBytes;
    private final Duration timeout;

    /** @param limits the longest request object read and the bound of the whole exchange, connection included */
    public RequestUriFetcher(OutboundHttp outbound, FetchLimits limits) {
        this(outbound, limits.maxBytes(), limits.timeout());
    }

    /**
     * @param maxBytes the longest request object read, in bytes
     * @param timeout  the bound of the whole exchange, connection included
     */
    public RequestUriFetcher(OutboundHttp outbound, int maxBytes, Duration timeout) {
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        if (maxBytes <= 0 || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("maxBytes and timeout must be positive");
        }
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * The request object {@code requestUri} serves for {@code client}.
     *
     * @return the body of a 200 answer, trimmed (a JWT, not yet verified)
     * @throws OAuthException {@code invalid_request_uri} (RFC 9101 §7.1 / OIDC Core §3.1.2.6) when the URL is not
     *                        one the client registered, is refused by the outbound policy, does not answer 200 in
     *                        time, or answers more than {@link #maxBytes}, or when the fragment of {@code requestUri},
     *                        or of the registered entries it matches when they all have one, is not the base64url
     *                        SHA-256 hash of the bytes answered; the description never carries the body
     */
    public String fetch(Client client, String requestUri) {
        if (requestUri.length() > MAX_REQUEST_URI_CHARS) {
            throw invalid("request_uri is longer than " + MAX_REQUEST_URI_CHARS + " characters");
        }
        URI requested;
        String fragment;
        try {
            URI parsed = new URI(requestUri);
            fragment = parsed.getRawFragment();
            requested = ClientRegistrationRules.withoutFragment(parsed);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw invalid("request_uri is not a URI");
        }
        List<String> pins = registeredPins(client, requested);
        if (pins == null) {
            throw invalid("request_uri is not one of the client's registered request_uris (OIDC Registration §2)");
        }
        OutboundHttp.Answer answer;
        try {
            answer = outbound.get(requested, maxBytes, timeout);
        } catch (OutboundHttp.RefusedAddressException e) {
            throw invalid("request_uri leads to an address this server does not request");
        } catch (IOException e) {
            // Timeout, connection refused, TLS failure, a body over the bound: the message says which, not the body.
            throw invalid("The request object could not be fetched from request_uri: " + e.getMessage());
        }
        if (answer.status() != 200) {
            // A 3xx included: redirects are not followed.
            throw invalid("request_uri answered HTTP " + answer.status() + ", not 200");
        }
        if (fragment != null && !fragment.isEmpty() && !hashMatches(fragment, answer.body())) {
            throw invalid("The request object fetched does not match the SHA-256 hash in the request_uri fragment (OIDC Core §6.2)");
        }
        if (!pins.isEmpty() && pins.stream().noneMatch(pin -> hashMatches(pin, answer.body()))) {
            throw invalid("The request object fetched does not match the SHA-256 hash in the fragment of the registered"
                    + " request_uris entry (OIDC Registration §2)");
        }
        String jwt = new String(answer.body(), StandardCharsets.US_ASCII).strip();
        if (jwt.isEmpty()) {
            throw invalid("request_uri answered an empty body");
        }
        return jwt;
    }

    /**
     * Whether {@code fragment}, a base64url SHA-256 hash (padding optional), is that of {@code body}, exactly
     * as received. Only the canonical spelling matches: the unused low bits of the last character must be zero
     * (RFC 4648 §3.5), so a pin has one spelling. Compared in constant time: the attacker-supplied URL should not
     * learn how close it came.
     */
    static boolean hashMatches(String fragment, byte[] body) {
        byte[] expected;
        try {
            expected = Base64.getUrlDecoder().decode(fragment);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!canonicalEnding(fragment)) {
            return false;
        }
        byte[] actual;
        try {
            actual = MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * Whether the last data character of {@code text}, which the JDK decoder accepted (so it is in the alphabet and
     * any padding is well formed), leaves its unused low bits zero: 4 of them after 2 characters of a group, 2 after
     * 3 (RFC 4648 §3.5; the JDK ignores them).
     */
    private static boolean canonicalEnding(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '=') {
            end--;
        }
        int rem = end & 3;
        if (rem == 0) {
            return true;
        }
        int value = BASE64URL_ALPHABET.indexOf(text.charAt(end - 1));
        return (value & (rem == 2 ? 0x0f : 0x03)) == 0;
    }

    /**
     * The pins of the registered entries whose URL is {@code requested}: {@code null} when none is, empty when one
     * of them has no fragment (the client registered the URL unpinned), else their fragments.
     */
    private static List<String> registeredPins(Client client, URI requested) {
        String wanted = requested.toString();
        List<String> pins = null;
        for (String uri : client.requestUris()) {
            try {
                URI entry = new URI(uri);
                if (!ClientRegistrationRules.withoutFragment(entry).toString().equals(wanted)) {
                    continue;
                }
                String pin = entry.getRawFragment();
                if (pin == null || pin.isEmpty()) {
                    return List.of();
                }
                if (pins == null) {
                    pins = new ArrayList<>();
                }
                pins.add(pin);
            } catch (URISyntaxException e) {
                // Stored values passed registration; one that does not parse matches nothing.
            }
        }
        return pins;
    }

    private static OAuthException invalid(String description) {
        return new OAuthError("invalid_request_uri", description, 400).exception();
    }
}
