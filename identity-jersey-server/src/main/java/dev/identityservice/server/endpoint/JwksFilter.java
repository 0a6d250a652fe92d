package dev.identityservice.server.endpoint;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.http.SecurityHeadersFilter;
import dev.identityservice.server.http.TenantResolver;
import dev.identityservice.server.observability.RequestMetricsFilter;
import dev.identityservice.server.observability.ServerMetrics;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Answers a {@code GET} of a known tenant's key set ({@code /oauth2/jwks}, {@code /t/{tenant}/oauth2/jwks}) in front
 * of Jersey, with the response {@link JwksEndpoint} gives through Jersey, byte for byte and header for header: the
 * same bytes and {@code ETag}, {@code Cache-Control}, the {@code 304} for a matching {@code If-None-Match},
 * {@code X-Content-Type-Options} ({@link SecurityHeadersFilter}), the public document's CORS headers when the request
 * has an {@code Origin} ({@code CorsFilter}), and the same two request metrics ({@link RequestMetricsFilter}).
 *
 * <p>Why: the key set is fetched by every guard and client and is served from memory, so the per-request cost of
 * Jersey (its request scope, injection, filter stages and response writer) was most of what it cost: about twice
 * the rest of the request's CPU. Anything else (another method, a path that is not exactly one of the two, an encoded
 * or dotted path, an unknown tenant) goes on to Jersey unchanged, as do {@code HEAD} requests, whose headers a test
 * compares with this filter's. Installed after the header syntax checks, so a malformed header is refused as
 * before.
 */
public final class JwksFilter implements Filter {

    /** The metrics' tags for {@link JwksEndpoint}, as {@link RequestMetricsFilter} derives them from the match. */
    private static final String RESOURCE = JwksEndpoint.class.getSimpleName();
    private static final String TEMPLATE = "/" + EndpointPaths.JWKS;
    /** {@code Cache-Control} as Jersey writes the endpoint's {@code CacheControl}. */
    private static final String CACHE_CONTROL = Json.publicFor(JwksEndpoint.MAX_AGE_SECONDS).toString();

    private final JwksEndpoint endpoint;
    private final FrontTenant front;
    private final ServerMetrics metrics;

    /**
     * @param endpoint the endpoint Jersey serves, whose rendered sets this filter shares
     * @param tenants  the tenants by id, as {@link TenantResolver} finds them
     */
    public JwksFilter(JwksEndpoint endpoint, Function<String, Optional<Tenant>> tenants, ServerMetrics metrics) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.front = new FrontTenant(tenants);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        long start = System.nanoTime();
        HttpServletRequest http = (HttpServletRequest) request;
        Tenant tenant = "GET".equals(http.getMethod()) ? front.of(http, EndpointPaths.JWKS) : null;
        if (tenant == null) {
            chain.doFilter(request, response);
            return;
        }
        JwksEndpoint.Rendered current;
        try {
            current = endpoint.current(tenant.id());
        } catch (RuntimeException failed) {
            // A ring loaded on first use from a database that failed: Jersey's endpoint tries again and answers.
            chain.doFilter(request, response);
            return;
        }
        boolean notModified = http.getHeader(HttpHeaders.IF_NONE_MATCH) != null
                && current.matchedBy(Collections.list(http.getHeaders(HttpHeaders.IF_NONE_MATCH)));
        HttpServletResponse out = (HttpServletResponse) response;
        out.setStatus(notModified ? HttpServletResponse.SC_NOT_MODIFIED : HttpServletResponse.SC_OK);
        if (!notModified) {
            out.setContentType(JwksEndpoint.JWK_SET_TYPE);
        }
        out.setHeader(HttpHeaders.ETAG, current.etagHeader());
        out.setHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
        out.setHeader(SecurityHeadersFilter.CONTENT_TYPE_OPTIONS, SecurityHeadersFilter.NOSNIFF);
        if (http.getHeader("Origin") != null) {
            // CorsFilter's answer for a public document: any origin, and the challenge header readable.
            out.setHeader("Access-Control-Allow-Origin", "*");
            out.setHeader("Access-Control-Expose-Headers", HttpHeaders.WWW_AUTHENTICATE);
        }
        byte[] body = notModified ? new byte[0] : current.json();
        out.setContentLength(body.length);
        // Recorded where RequestMetricsFilter records: once the response is decided, before its body is written.
        metrics.request(RESOURCE, notModified ? "redirect" : "success");
        metrics.requestTimed(TEMPLATE, "GET", notModified ? "3xx" : "2xx", System.nanoTime() - start);
        if (body.length > 0) {
            out.getOutputStream().write(body);
        }
    }
}
