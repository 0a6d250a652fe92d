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
 * <p>The proxy must <em>set</em> these headers rather than append to what the client sent (nginx:
 * {@code proxy_set_header X-Forwarded-For $remote_addr}), because the first address of the list is the one
 * taken. What we add to Jetty is only the peer check, which it does not offer.
 */
public final class TrustedProxies implements HttpConfiguration.Customizer {

    private final InetAddressSet proxies = new InetAddressSet();
    private final ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();

    /**
     * @param proxies addresses ({@code 10.0.0.7}, {@code ::1}), CIDR networks ({@code 10.0.0.0/8}) or ranges
     *                ({@code 10.0.0.1-10.0.0.9}); {@link IllegalArgumentException} naming a malformed one
     */
    public TrustedProxies(List<String> proxies) {
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
        new TrustedProxies(proxies);
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
