package dev.identityservice.server.endpoint;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.http.AdmissionFilter;
import dev.identityservice.server.http.Form;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.http.ReceivedBodyRequest;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * Answers token introspection (RFC 7662 §2) in front of Jersey when the client authenticates and the request is well
 * formed: the response {@link IntrospectionEndpoint} gives through Jersey, header for header, from the same
 * {@link IntrospectionEndpoint#answer} (so the same rules: confidential clients only, a client learns only about its
 * own tokens and those meant for it), with the same request metrics.
 *
 * <p>Why: resource servers introspect on every request they serve, and with the token's claims and the client kept
 * in memory Jersey's per-request work was a large part of what an introspection cost. It receives the body as the
 * {@link AdmissionFilter} would ({@link ReceivedBodyRequest}) and reads the form without consuming it, so whatever it
 * does not answer goes on to Jersey unchanged, body included: another method, a request with an {@code Origin} (CORS decides
 * per tenant there), more than one {@code Authorization} or {@code Content-Type} header, a body not received whole, a
 * malformed form (Jersey refuses it the same way), an inexact path or unknown tenant. A refusal after the form was read
 * (a failed client authentication, a public client, no {@code token}, a database failure) is handed to the endpoint
 * ({@link FrontOfJersey}), which answers it through the exception mappers as before without authenticating the client
 * a second time. Installed before the admission gate, bounded by its own permits, as {@link UserInfoFilter} is; a
 * client that authenticates with an assertion ({@code private_key_jwt}: a signature check) goes to Jersey, through the
 * gate.
 */
public final class IntrospectionFilter implements Filter {

    private static final String TEMPLATE = "/" + EndpointPaths.INTROSPECT;

    private final IntrospectionEndpoint endpoint;
    private final FrontOfJersey front;

    /**
     * @param endpoint the endpoint Jersey serves, whose answer this filter gives
     * @param front    what the filters in front of Jersey share (one instance for all, so one bound on their work)
     */
    public IntrospectionFilter(IntrospectionEndpoint endpoint, FrontOfJersey front) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.front = Objects.requireNonNull(front, "front");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        long start = System.nanoTime();
        HttpServletRequest http = (HttpServletRequest) request;
        String authorization = http.getHeader(HttpHeaders.AUTHORIZATION);
        boolean oneAuthorization = authorization == null || FrontTenant.onlyHeader(http, HttpHeaders.AUTHORIZATION) != null;
        // The path first: every other POST (tokens, revocation, sign-in, admin JSON) passes untouched.
        if (!"POST".equals(http.getMethod()) || http.getHeader("Origin") != null || !oneAuthorization
                || FrontTenant.tenantId(http.getRequestURI(), TEMPLATE) == null) {
            chain.doFilter(request, response);
            return;
        }
        // Received here as the admission gate would receive it (which then takes it as it is), and passed on whole.
        HttpServletRequest received = ReceivedBodyRequest.of(http);
        Form form = form(received);
        // A client assertion (private_key_jwt) costs a signature check and a replay record: Jersey's, through the gate.
        Map<String, Object> answer = form == null || !form.values("client_assertion").isEmpty() ? null
                : front.answer(received, EndpointPaths.INTROSPECT, start,
                        tenant -> endpoint.answer(tenant, authorization, form));
        if (answer == null) {
            chain.doFilter(received, response);
            return;
        }
        front.writeNoStore((HttpServletResponse) response, MediaType.APPLICATION_JSON, Json.bytes(answer),
                IntrospectionEndpoint.class, TEMPLATE, "POST", start);
    }

    /** The request's form as the endpoint would read it, or {@code null} for Jersey to read (and refuse) it. */
    private static Form form(HttpServletRequest http) {
        byte[] body = ReceivedBodyRequest.wholeBody(http);
        String contentType = FrontTenant.onlyHeader(http, HttpHeaders.CONTENT_TYPE);
        if (body == null || contentType == null) {
            return null;
        }
        try {
            return Form.read(MediaType.valueOf(contentType), body.length, new ByteArrayInputStream(body));
        } catch (RuntimeException malformed) {
            return null;
        }
    }
}
