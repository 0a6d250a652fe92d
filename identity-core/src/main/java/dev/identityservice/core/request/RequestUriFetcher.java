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
import java.time.Duration;
import java.util.Objects;

/**
 * Fetches a request object passed by reference (OIDC Core §6.2, RFC 9101 §5.2 and §6.2): the authorization
 * request's {@code request_uri} when it is not a pushed request's ({@link PushedAuthorizationRequests#isPushed}).
 *
 * <p>Only URLs the client registered in {@code request_uris} (OIDC Registration §2) are fetched, as RFC 9101
 * §10.4.1 advises: otherwise anyone could make this server request any URL (SSRF), and a client without
 * registered ones cannot use this at all. Matching is exact, without the fragment (Registration §2 lets it carry
 * a hash of the contents; it is not sent). The request goes through {@link OutboundHttp}: https only and public
 * addresses only unless the server allows private ones, no redirects followed, within {@link #timeout}, and at most
 * {@link #maxBytes} of body. What comes back is only the text of a JWT; the caller verifies it exactly as a
 * {@code request} parameter.
 */
public final class RequestUriFetcher {

    /** RFC 9101 §5.2: a request_uri SHOULD NOT exceed 512 ASCII characters; twice that is refused outright. */
    public static final int MAX_REQUEST_URI_CHARS = 1024;

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
     *                        time, or answers more than {@link #maxBytes}; the description never carries the body
     */
    public String fetch(Client client, String requestUri) {
        if (requestUri.length() > MAX_REQUEST_URI_CHARS) {
            throw invalid("request_uri is longer than " + MAX_REQUEST_URI_CHARS + " characters");
        }
        URI requested;
        try {
            requested = ClientRegistrationRules.withoutFragment(new URI(requestUri));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw invalid("request_uri is not a URI");
        }
        if (!registered(client, requested)) {
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
        String jwt = new String(answer.body(), StandardCharsets.US_ASCII).strip();
        if (jwt.isEmpty()) {
            throw invalid("request_uri answered an empty body");
        }
        return jwt;
    }

    private static boolean registered(Client client, URI requested) {
        String wanted = requested.toString();
        for (String uri : client.requestUris()) {
            try {
                if (ClientRegistrationRules.withoutFragment(new URI(uri)).toString().equals(wanted)) {
                    return true;
                }
            } catch (URISyntaxException e) {
                // Stored values passed registration; one that does not parse matches nothing.
            }
        }
        return false;
    }

    private static OAuthException invalid(String description) {
        return new OAuthError("invalid_request_uri", description, 400).exception();
    }
}
