package dev.identityservice.server.audit;

import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import org.slf4j.MDC;

/**
 * Puts the request's client address (Jetty's remote address: the peer, or the client a trusted proxy names)
 * in the logging {@link MDC} under {@value AuditLog#ADDRESS_MDC_KEY} for the time of the request, and removes
 * it with the response. Audit events reported from inside the engine (a reused refresh token, a key rotation)
 * take their address from it, and the JSON log format shows it on every line logged for the request.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class ClientAddressFilter implements ContainerRequestFilter, ContainerResponseFilter {

    @Context
    private HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        // Set on every request, so a value left by an earlier request on this pooled thread is never reused.
        String address = servletRequest == null ? null : servletRequest.getRemoteAddr();
        if (address == null) {
            MDC.remove(AuditLog.ADDRESS_MDC_KEY);
        } else {
            MDC.put(AuditLog.ADDRESS_MDC_KEY, address);
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MDC.remove(AuditLog.ADDRESS_MDC_KEY);
    }
}
