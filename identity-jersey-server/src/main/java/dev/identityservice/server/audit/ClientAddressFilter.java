package dev.identityservice.server.audit;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import org.slf4j.MDC;

/**
 * Puts the request's client address (Jetty's remote address: the peer, or the client a trusted proxy names)
 * in the logging {@link MDC} under {@value AuditLog#ADDRESS_MDC_KEY} while the request runs on its thread, and
 * removes it when the application returns, before Jetty writes the access log line. Audit events reported from
 * inside the engine (a reused refresh token, a key rotation) take their address from it, and the JSON log format
 * shows it on every line logged for the request.
 *
 * <p>A servlet filter in front of Jersey, not a Jersey filter: Jersey reaches the servlet request of a singleton
 * filter only through an injected proxy that looks the request's instance up again on every call, which cost more
 * than the rest of this filter. Around the application it also covers what Jersey logs after its response
 * filters, and a request suspended for a long poll leaves no address behind on its thread.
 */
public final class ClientAddressFilter implements Filter {

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        // Set on every request, so a value left on this pooled thread is never reused.
        String address = request.getRemoteAddr();
        if (address == null) {
            MDC.remove(AuditLog.ADDRESS_MDC_KEY);
        } else {
            MDC.put(AuditLog.ADDRESS_MDC_KEY, address);
        }
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(AuditLog.ADDRESS_MDC_KEY);
        }
    }
}
