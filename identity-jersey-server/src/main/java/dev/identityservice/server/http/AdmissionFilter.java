package dev.identityservice.server.http;

import dev.identityservice.core.AdmissionGate;
import dev.identityservice.core.error.OAuthError;
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
 * (RFC 9110 §10.2.3) and {@code Connection: close}, its body unread; nothing of it was processed, so it may be
 * retried as it is. The health checks ({@code /health/*}) are not queued. Its body is received before it waits ({@link ReceivedBodyRequest}). A request suspended asynchronously (a long poll) leaves the gate when its thread returns.
 */
public final class AdmissionFilter implements Filter {

    /** The {@code Retry-After} of a request that waited too long, in seconds. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final AdmissionGate gate;

    /** @param gate the gate requests enter; shared with nothing else */
    public AdmissionFilter(AdmissionGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /** Whether {@code request} is for {@code /health} or below it, on the decoded and normalized path. */
    static boolean health(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return path.equals(HEALTH) || path.startsWith(HEALTH + "/");
    }

    /** The health checks' path ({@code HealthEndpoint}): cheap, and never queued. */
    static final String HEALTH = "/health";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (gate.entered() || health((HttpServletRequest) request)) {
            // A nested dispatch of a request already inside; or a health check, which must answer however many
            // requests wait (a liveness probe that times out restarts a process that is only busy).
            chain.doFilter(request, response);
            return;
        }
        // Received before entering: a slow client holds a thread, never an executing slot.
        ServletRequest received = ReceivedBodyRequest.of((HttpServletRequest) request);
        if (!gate.enter()) {
            ErrorResponses.write((HttpServletResponse) response,
                    OAuthError.temporarilyUnavailable("The server is busy; retry later"),
                    Map.of("Retry-After", String.valueOf(RETRY_AFTER_SECONDS), "Connection", "close"));
            return;
        }
        try {
            chain.doFilter(received, response);
        } finally {
            gate.leave();
        }
    }
}
