package dev.identityservice.server.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MultivaluedMap;

/**
 * Headers on every response Jersey writes, whatever wrote it (an endpoint, an exception mapper, a filter's
 * abort): {@code X-Content-Type-Options: nosniff} (WHATWG Fetch §3.5), so that no browser reads a JSON body,
 * which may echo a client's input, as a script or page. HTML pages add their own ({@code Html.page}); errors
 * Jetty answers itself get the same from {@code JsonErrorHandler}; HSTS comes from the TLS connector.
 */
public final class SecurityHeadersFilter implements ContainerResponseFilter {

    public static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
    public static final String NOSNIFF = "nosniff";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MultivaluedMap<String, Object> headers = response.getHeaders();
        if (!headers.containsKey(CONTENT_TYPE_OPTIONS)) {
            headers.putSingle(CONTENT_TYPE_OPTIONS, NOSNIFF);
        }
    }
}
