package dev.identityservice.server.observability;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.function.BiConsumer;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;

/**
 * Counts and times every request Jersey answers: {@code identity_http_requests_total{endpoint, outcome}} by
 * resource class, and the latency histogram {@code identity_http_server_requests_seconds} by endpoint template
 * ({@code /oauth2/token}, {@code /admin/users/{id}}; {@code unmatched} for anything no resource matched or that a
 * filter refused before matching), method (the standard ones, else {@code other}) and status class ({@code 2xx}
 * ...). Every tag comes from a small fixed set, never from the raw path, so no client can multiply the series.
 * The tenant prefix {@code /t/{tenant}} is removed before matching, so every tenant shares one series.
 */
@PreMatching
@Priority(0)
public final class RequestMetricsFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String START = RequestMetricsFilter.class.getName() + ".start";
    /**
     * The request attribute (a Jersey property) holding how long, in nanoseconds, a handler or servlet filter worked
     * on the request before handing it to Jersey ({@link #workedBefore}).
     */
    private static final String WORKED_BEFORE = RequestMetricsFilter.class.getName() + ".workedBefore";

    private final ServerMetrics metrics;

    @Context
    private ResourceInfo resourceInfo;

    @Context
    private ExtendedUriInfo uriInfo;

    public RequestMetricsFilter(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Notes on a request that a handler or servlet filter worked on it for {@code nanos} before handing it to Jersey
     * (a token check, a wait for the database), so that its latency counts that work; not the time it then waited at
     * the admission gate, which no other request's latency counts either.
     *
     * @param attributes sets an attribute of the request (a servlet request's or a Jetty request's {@code setAttribute})
     */
    public static void workedBefore(BiConsumer<String, Object> attributes, long nanos) {
        attributes.accept(WORKED_BEFORE, nanos);
    }

    /** First of all filters: notes when the request arrived, less what a servlet filter did with it before. */
    @Override
    public void filter(ContainerRequestContext request) {
        long worked = request.getProperty(WORKED_BEFORE) instanceof Long nanos ? nanos : 0;
        request.setProperty(START, System.nanoTime() - worked);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        // Jersey's request carries its routing context, which is both: read directly, not through the injected
        // proxies, each call of which looks the request's instance up again (a few microseconds per request).
        UriInfo own = request.getUriInfo();
        ResourceInfo matched = own instanceof ResourceInfo routing ? routing : resourceInfo;
        ExtendedUriInfo templates = own instanceof ExtendedUriInfo extended ? extended : uriInfo;
        Class<?> resource = matched == null ? null : matched.getResourceClass();
        int status = response.getStatus();
        metrics.request(resource == null ? "unmatched" : resource.getSimpleName(), outcome(status));
        Object start = request.getProperty(START);
        if (start instanceof Long startNanos) {
            metrics.requestTimed(resource == null ? "unmatched" : template(templates.getMatchedTemplates()), ServerMetrics.method(request.getMethod()),
                    statusClass(status), System.nanoTime() - startNanos);
        }
    }

    /** The matched templates, outermost first: Jersey lists them innermost first. */
    static String template(List<UriTemplate> matched) {
        if (matched == null || matched.isEmpty()) {
            return "unmatched";
        }
        StringBuilder path = new StringBuilder();
        for (int i = matched.size() - 1; i >= 0; i--) {
            String part = matched.get(i).getTemplate();
            if (part.isEmpty() || "/".equals(part)) {
                continue;
            }
            if (!part.startsWith("/")) {
                path.append('/');
            }
            path.append(part.endsWith("/") ? part.substring(0, part.length() - 1) : part);
        }
        return path.length() == 0 ? "/" : path.toString();
    }

    private static final String[] STATUS_CLASSES = {"0xx", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx", "7xx", "8xx", "9xx"};

    /** {@code 2xx} for 200-299 and so on: one of the few status classes, not a new string per request. */
    static String statusClass(int status) {
        int hundreds = status / 100;
        return hundreds >= 0 && hundreds < STATUS_CLASSES.length ? STATUS_CLASSES[hundreds] : hundreds + "xx";
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
