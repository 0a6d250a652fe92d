package dev.identityservice.server.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * Believes {@code Forwarded} (RFC 7239) and {@code X-Forwarded-For/-Proto/-Host/-Port} only from the configured
 * reverse proxies: a request whose immediate peer is one of them is handed to Jetty's
 * {@link ForwardedRequestCustomizer}, which makes the forwarded client address, scheme and host the request's
 * own (so the login throttle, the access log and {@code isSecure()} see the real client); from any other peer
 * the headers are ignored, so that a client cannot pick its own address and escape its budget.
 *
 * <p>Only one family of headers is believed ({@link Headers}): a proxy sets the headers of its own family and
 * passes every other header through, so believing the other family too would let the client name its own
 * address (Jetty even prefers {@code Forwarded} to {@code X-Forwarded-For}). The proxy must <em>set</em> its
 * headers rather than append to what the client sent (nginx: {@code proxy_set_header X-Forwarded-For
 * $remote_addr}), because the first address of the list is the one taken. What we add to Jetty is the peer
 * check, which it does not offer, and the choice of family.
 */
public final class TrustedProxies implements HttpConfiguration.Customizer {

    /** The headers the proxies set (config {@code proxy.headers}); the other family is ignored. */
    public enum Headers {
        /** {@code X-Forwarded-For}, {@code -Proto} and {@code -Host} (nginx, HAProxy's {@code forwardfor}); the default. */
        X_FORWARDED("x-forwarded"),
        /** {@code Forwarded} (RFC 7239) only. */
        FORWARDED("forwarded");

        private final String value;

        Headers(String value) {
            this.value = value;
        }

        /** The configuration value. */
        public String value() {
            return value;
        }

        /** The family named {@code value}; {@link IllegalArgumentException} listing the valid ones otherwise. */
        public static Headers parse(String value) {
            for (Headers headers : values()) {
                if (headers.value.equalsIgnoreCase(value == null ? "" : value.strip())) {
                    return headers;
                }
            }
            throw new IllegalArgumentException("must be x-forwarded or forwarded: " + value);
        }
    }

    private final InetAddressSet proxies = new InetAddressSet();
    private final ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();

    /**
     * @param proxies addresses ({@code 10.0.0.7}, {@code ::1}), CIDR networks ({@code 10.0.0.0/8}) or ranges
     *                ({@code 10.0.0.1-10.0.0.9}); {@link IllegalArgumentException} naming a malformed one
     * @param headers the one family of forwarding headers the proxies set
     */
    public TrustedProxies(List<String> proxies, Headers headers) {
        if (headers == Headers.FORWARDED) {
            forwarded.setForwardedOnly(true);
        } else {
            // Only what the proxy sets: the rest (Forwarded, X-Forwarded-Port/-Server, X-Proxied-Https, ...) would
            // pass from the client untouched. A blank name switches a header off in Jetty.
            forwarded.setForwardedHeader(null);
            forwarded.setForwardedPortHeader(null);
            forwarded.setForwardedServerHeader(null);
            forwarded.setForwardedHttpsHeader(null);
            forwarded.setForwardedCipherSuiteHeader(null);
            forwarded.setForwardedSslSessionIdHeader(null);
        }
        for (String proxy : proxies) {
            try {
                this.proxies.add(proxy);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not an address or network: " + proxy, e);
            }
        }
    }

    /** Checks the addresses without building a customizer: {@link IllegalArgumentException} for a bad one. */
    public static void validate(List<String> proxies) {
        new TrustedProxies(proxies, Headers.X_FORWARDED);
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        SocketAddress peer = request.getConnectionMetaData().getRemoteSocketAddress();
        if (peer instanceof InetSocketAddress address && address.getAddress() != null && proxies.test(address.getAddress())) {
            return forwarded.customize(request, responseHeaders);
        }
        return request;
    }
}
