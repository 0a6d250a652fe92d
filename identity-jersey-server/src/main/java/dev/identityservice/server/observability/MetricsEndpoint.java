package dev.identityservice.server.observability;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** Prometheus metrics at {@code /metrics}, in the text exposition format 0.0.4. */
@Path("metrics")
public final class MetricsEndpoint {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerMetrics metrics;

    public MetricsEndpoint(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @GET
    public Response scrape() {
        return Response.ok(metrics.scrape(), PROMETHEUS_TEXT).build();
    }
}
