package dev.identityservice.server.endpoint;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.audit.AuditLog;
import dev.identityservice.server.audit.ClientAddressFilter;
import dev.identityservice.server.http.HeaderSyntaxFilter;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.http.SecurityHeadersFilter;
import dev.identityservice.server.http.TenantResolver;
import dev.identityservice.server.http.UnreadBodyDrainFilter;
import dev.identityservice.server.observability.RequestMetricsFilter;
import dev.identityservice.server.observability.ServerMetrics;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.MDC;

/**
 * Answers a {@code GET} of a known tenant's key set ({@code /oauth2/jwks}, {@code /t/{tenant}/oauth2/jwks}) on the
 * main connector before the servlet context, with the response {@link JwksEndpoint} gives through Jersey, byte for
 * byte and header for header: the same bytes and {@code ETag}, {@code Cache-Control}, the {@code 304} for a matching
 * {@code If-None-Match} (RFC 9110 §13.1.2), {@code X-Content-Type-Options} ({@link SecurityHeadersFilter}), the public
 * document's CORS headers when the request has an {@code Origin} ({@code CorsFilter}), and the same two request
 * metrics ({@link RequestMetricsFilter}). HSTS, the access log and the server's request timer apply as to any request:
 * they are the connector's and the server's.
 *
 * <p>Why a Jetty handler and not a servlet filter: the key set is fetched by every guard and client and is served
 * from memory, so what a request costs is the server's own work. Through the servlet context that was a servlet
 * request and response built around Jetty's, and a chain of three filters before this one: 11-14 % of a key-set
 * request's Java samples (BENCHMARKS.md, issue 13). What those filters did for this request is done here, or the
 * request is left to them: the client address is in the logging context while the key ring is read (a ring created
 * on first use is audited, as {@link ClientAddressFilter} provides); a request with a body or a {@code Content-Type}
 * ({@link UnreadBodyDrainFilter}, {@link HeaderSyntaxFilter}) or an {@code Accept} Jersey could not read goes on to
 * the servlet context, which refuses it as before.
 *
 * <p>Anything else goes on unchanged too: another method ({@code HEAD} included, whose headers a test compares with
 * this handler's), another connector (the management port serves no key set), a path that is not exactly one of the
 * two (encoded, dotted or with a trailing slash), an unknown tenant (the look-up handed to Jersey's
 * {@link TenantResolver}, so the database is asked once), a key ring that could not be loaded.
 */
public final class JwksHandler extends Handler.Wrapper {

    /** The metrics' tags for {@link JwksEndpoint}, as {@link RequestMetricsFilter} derives them from the match. */
    private static final String RESOURCE = JwksEndpoint.class.getSimpleName();
    private static final String TEMPLATE = "/" + EndpointPaths.JWKS;
    /** {@code Cache-Control} as Jersey writes the endpoint's {@code CacheControl}. */
    private static final String CACHE_CONTROL = Json.publicFor(JwksEndpoint.MAX_AGE_SECONDS).toString();

    private final JwksEndpoint endpoint;
    private final FrontTenant front;
    private final ServerMetrics metrics;
    private final String connector;

    /**
     * @param endpoint  the endpoint Jersey serves, whose rendered sets this handler shares
     * @param tenants   the tenants by id, as {@link TenantResolver} finds them
     * @param metrics   where an answered request is counted and timed, as {@link RequestMetricsFilter} does
     * @param connector the name of the connector whose requests this handler answers ({@link Connector#getName()})
     */
    public JwksHandler(JwksEndpoint endpoint, Function<String, Optional<Tenant>> tenants, ServerMetrics metrics, String connector) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.front = new FrontTenant(tenants);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.connector = Objects.requireNonNull(connector, "connector");
    }

    /**
     * Answers the request when it is a key set this handler serves (see the class), else hands it to the wrapped
     * handler.
     *
     * @return {@code true} when the request was answered here or by the wrapped handler
     */
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        HttpFields headers = request.getHeaders();
        JwksEndpoint.Rendered current = "GET".equals(request.getMethod())
                && connector.equals(request.getConnectionMetaData().getConnector().getName())
                // No body (Jetty has refused a malformed length), as a GET may still say with Content-Length: 0.
                && headers.getLongField(HttpHeader.CONTENT_LENGTH) <= 0 && !headers.contains(HttpHeader.TRANSFER_ENCODING)
                && !headers.contains(HttpHeader.CONTENT_TYPE)
                && (!headers.contains(HttpHeader.ACCEPT) || HeaderSyntaxFilter.acceptParses(headers.getValues(HttpHeader.ACCEPT.asString())))
                ? rendered(request) : null;
        if (current == null) {
            return super.handle(request, response, callback);
        }
        boolean notModified = headers.contains(HttpHeader.IF_NONE_MATCH)
                && current.matchedBy(headers.getValuesList(HttpHeader.IF_NONE_MATCH));
        response.setStatus(notModified ? HttpStatus.NOT_MODIFIED_304 : HttpStatus.OK_200);
        HttpFields.Mutable out = response.getHeaders();
        if (!notModified) {
            out.put(HttpHeader.CONTENT_TYPE, JwksEndpoint.JWK_SET_TYPE);
        }
        out.put(HttpHeader.ETAG, current.etagHeader());
        out.put(HttpHeader.CACHE_CONTROL, CACHE_CONTROL);
        out.put(SecurityHeadersFilter.CONTENT_TYPE_OPTIONS, SecurityHeadersFilter.NOSNIFF);
        if (headers.contains(HttpHeader.ORIGIN)) {
            // CorsFilter's answer for a public document: any origin, and the challenge header readable.
            out.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
            out.put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, HttpHeader.WWW_AUTHENTICATE.asString());
        }
        ByteBuffer body = notModified ? null : ByteBuffer.wrap(current.json());
        out.put(HttpHeader.CONTENT_LENGTH, body == null ? 0 : body.remaining());
        // Recorded where RequestMetricsFilter records: once the response is decided, before its body is written.
        metrics.request(RESOURCE, notModified ? "redirect" : "success");
        metrics.requestTimed(TEMPLATE, "GET", notModified ? "3xx" : "2xx", System.nanoTime() - start);
        response.write(true, body, callback);
        return true;
    }

    /** The request's tenant's rendered key set, or {@code null} for the servlet context to answer. */
    private JwksEndpoint.Rendered rendered(Request request) {
        // Set or cleared, as ClientAddressFilter does, so that a value left on this pooled thread is never used.
        String address = Request.getRemoteAddr(request);
        if (address == null) {
            MDC.remove(AuditLog.ADDRESS_MDC_KEY);
        } else {
            MDC.put(AuditLog.ADDRESS_MDC_KEY, address);
        }
        try {
            Tenant tenant = front.of(request.getHttpURI().getPath(), request::setAttribute, EndpointPaths.JWKS);
            return tenant == null ? null : endpoint.current(tenant.id());
        } catch (RuntimeException failed) {
            // A ring loaded on first use from a database that failed (a failed tenant look-up is handed on by
            // FrontTenant): Jersey's endpoint tries again and answers.
            return null;
        } finally {
            MDC.remove(AuditLog.ADDRESS_MDC_KEY);
        }
    }
}
