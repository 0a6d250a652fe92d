package dev.identityservice.server.http;

import dev.identityservice.core.AdmissionGate;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.server.endpoint.EndpointPaths;
import dev.identityservice.server.error.ErrorResponses;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * Lets a request of the main port execute only inside the {@link AdmissionGate} ({@code http.concurrency} at once,
 * the others waiting in arrival order): the p99 then follows the queue in front of a request instead of the kernel's
 * time slices among every running one (BENCHMARKS.md, issue 13). A request that waited {@code http.queue.timeout}
 * without entering gets 503 {@code temporarily_unavailable} (RFC 6749 §5.2 shape) with {@code Retry-After: 1}
 * (RFC 9110 §10.2.3) on a connection kept open (its body was received); nothing of it was changed (a filter in front
 * may only have read what it refused), so it may be retried as it is. Its body is received before it waits ({@link ReceivedBodyRequest}). Health checks, key sets and
 * metadata documents are not queued ({@link #unqueued}), nor are the userinfo and introspection requests that the
 * filters in front of this one answer (installed before it: {@code IdentityApplication.frontFilters()}). A request
 * suspended asynchronously (a long poll) leaves the gate when its thread returns.
 */
public final class AdmissionFilter implements Filter {

    /** The {@code Retry-After} of a request that waited too long, in seconds. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final AdmissionGate gate;

    /** @param gate the gate requests enter; shared with nothing else */
    public AdmissionFilter(AdmissionGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /** The health checks' path ({@code HealthEndpoint}). */
    static final String HEALTH = "/health";

    /**
     * Whether {@code request} skips the queue (matched on the decoded, normalized path):
     * <ul>
     *   <li>a health check ({@code /health} and below): it must answer however many requests wait, since a liveness
     *       probe that times out restarts a process that is only busy;</li>
     *   <li>a GET or HEAD of a tenant's key set or metadata ({@code .../oauth2/jwks}, {@code .../.well-known/...}):
     *       bytes rendered once and served in microseconds, which guards and clients need before anything else; a
     *       class of its own, so that a login storm or a token burst does not delay key discovery (issue 13).</li>
     * </ul>
     */
    static boolean unqueued(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.equals(HEALTH) || path.startsWith(HEALTH + "/")) {
            return true;
        }
        String method = request.getMethod();
        return ("GET".equals(method) || "HEAD".equals(method))
                && (path.endsWith("/" + EndpointPaths.JWKS) || path.contains("/.well-known/"));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (gate.entered() || unqueued((HttpServletRequest) request)) {
            chain.doFilter(request, response); // a nested dispatch of a request already inside, or one that skips the queue
            return;
        }
        // Received before entering: a slow client holds a thread, never an executing slot.
        ServletRequest received = ReceivedBodyRequest.of((HttpServletRequest) request);
        if (!gate.enter()) {
            ErrorResponses.write((HttpServletResponse) response,
                    OAuthError.temporarilyUnavailable("The server is busy; retry later"),
                    Map.of("Retry-After", String.valueOf(RETRY_AFTER_SECONDS)));
            return;
        }
        try {
            chain.doFilter(received, response);
        } finally {
            gate.leave();
        }
    }
}
