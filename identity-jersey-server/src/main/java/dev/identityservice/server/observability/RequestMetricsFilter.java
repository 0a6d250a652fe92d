package dev.identityservice.server.observability;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;

/** Counts every answered request by endpoint (the resource class, or {@code unmatched}) and outcome. */
public final class RequestMetricsFilter implements ContainerResponseFilter {

    private final ServerMetrics metrics;

    @Context
    private ResourceInfo resourceInfo;

    public RequestMetricsFilter(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Class<?> resource = resourceInfo == null ? null : resourceInfo.getResourceClass();
        metrics.request(resource == null ? "unmatched" : resource.getSimpleName(), outcome(response.getStatus()));
    }

    static String outcome(int status) {
        if (status < 300) {
            return "success";
        }
        if (status < 400) {
            return "redirect";
        }
        return status < 500 ? "client_error" : "server_error";
    }
}
