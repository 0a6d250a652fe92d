package dev.identityservice.server.endpoint;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.SecurityHeadersFilter;
import dev.identityservice.server.observability.RequestMetricsFilter;
import dev.identityservice.server.observability.ServerMetrics;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * What the filters that answer a token-bearing endpoint in front of Jersey ({@link UserInfoFilter},
 * {@link IntrospectionFilter}) share: the tenant look-up and the bound on their work, the answer, written as Jersey
 * writes the endpoint's {@code Json.noStore} response, and the hand-over of a refusal to the endpoint in Jersey, which
 * answers it through the exception mappers (RFC 6749 §5.2 / RFC 6750 §3 errors, 503 for an outage) without doing the
 * work (a signature check, a client secret's hash, a database wait) a second time. One instance serves both filters,
 * so that their work shares one bound.
 */
public final class FrontOfJersey {

    private static final String REFUSAL = FrontOfJersey.class.getName() + ".refusal";

    /** What a filter's work for a request of tenant {@code tenantId} threw. */
    private record Refusal(String tenantId, RuntimeException failure) {
    }

    private final FrontTenant tenants;
    private final Semaphore permits;
    private final ServerMetrics metrics;

    /**
     * @param tenants the tenants by id, as {@code TenantResolver} finds them
     * @param permits how many requests may do their work in front of the admission gate at once; a request that finds
     *                none free is not answered here but goes to Jersey through the gate
     * @param metrics where an answered request is counted and timed, as {@link RequestMetricsFilter} does
     */
    public FrontOfJersey(Function<String, Optional<Tenant>> tenants, int permits, ServerMetrics metrics) {
        this.tenants = new FrontTenant(tenants);
        this.permits = new Semaphore(permits);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Notes on {@code request}, for {@link #rethrowRefusal}, that answering it for {@code tenant} threw
     * {@code failure}, after work begun at {@code startNanos} ({@link System#nanoTime()}): Jersey's latency metric
     * then counts that work (a signature check, a database wait) too.
     */
    static void handRefusal(ServletRequest request, Tenant tenant, RuntimeException failure, long startNanos) {
        request.setAttribute(REFUSAL, new Refusal(tenant.id(), failure));
        RequestMetricsFilter.workedBefore(request::setAttribute, System.nanoTime() - startNanos);
    }

    /**
     * The filter's answer to {@code request}: {@code work} for the request's tenant ({@code endpoint}'s path, see
     * {@link FrontTenant#of}), run under one of the permits, taken without waiting. {@code null} when Jersey answers
     * instead: no permit free, an unknown tenant, {@code work} returned {@code null}, or it threw (handed over with
     * {@link #handRefusal}, timed from {@code startNanos}).
     */
    <T> T answer(HttpServletRequest request, String endpoint, long startNanos, Function<Tenant, T> work) {
        if (!permits.tryAcquire()) {
            return null;
        }
        Tenant tenant = null;
        try {
            tenant = tenants.of(request.getRequestURI(), request::setAttribute, endpoint);
            return tenant == null ? null : work.apply(tenant);
        } catch (RuntimeException refused) {
            handRefusal(request, Objects.requireNonNull(tenant, "tenant"), refused, startNanos);
            return null;
        } finally {
            permits.release();
        }
    }

    /** Rethrows what a filter's work for this request threw, if it was refused there: the endpoint calls this first. */
    static void rethrowRefusal(ContainerRequestContext request, Tenant tenant) {
        if (request.getProperty(REFUSAL) instanceof Refusal refusal && refusal.tenantId().equals(tenant.id())) {
            throw refusal.failure();
        }
    }

    /**
     * Writes a 200 of {@code contentType} with {@code body} and the headers Jersey gives the endpoint's answer:
     * {@code Cache-Control: no-store} and {@code Pragma: no-cache} (RFC 6749 §5.1), {@code X-Content-Type-Options}
     * ({@link SecurityHeadersFilter}) and {@code Vary: Origin} ({@code CorsFilter}, for a request without
     * {@code Origin}); the request's metrics are recorded as {@link RequestMetricsFilter} records them, once the
     * response is decided and before its body is written.
     *
     * @param resource    the endpoint's class, as the metrics name it
     * @param template    the endpoint's path template, e.g. {@code /oauth2/userinfo}
     * @param startNanos  {@link System#nanoTime()} when the request reached the filter
     */
    void writeNoStore(HttpServletResponse out, String contentType, byte[] body, Class<?> resource, String template,
                      String method, long startNanos) throws IOException {
        out.setContentType(contentType);
        out.setHeader(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE);
        out.setHeader("Pragma", "no-cache");
        out.setHeader(SecurityHeadersFilter.CONTENT_TYPE_OPTIONS, SecurityHeadersFilter.NOSNIFF);
        out.setHeader(HttpHeaders.VARY, "Origin");
        out.setContentLength(body.length);
        metrics.request(resource.getSimpleName(), "success");
        metrics.requestTimed(template, method, "2xx", System.nanoTime() - startNanos);
        out.getOutputStream().write(body);
    }
}
