package dev.identityservice.server.endpoint;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.UserInfoProvider;
import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.BearerToken;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.http.SecurityHeadersFilter;
import dev.identityservice.server.observability.RequestMetricsFilter;
import dev.identityservice.server.observability.ServerMetrics;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Answers a {@code GET} of the UserInfo endpoint (OIDC Core §5.3.1) with an {@code Authorization: Bearer} token (RFC
 * 6750 §2.1) in front of Jersey, when the token is good: the response {@link UserInfoEndpoint} gives through Jersey,
 * header for header (its {@code Cache-Control: no-store} and {@code Pragma}, {@code X-Content-Type-Options} from
 * {@link SecurityHeadersFilter}, {@code Vary: Origin} from {@code CorsFilter}), and the same two request metrics
 * ({@link RequestMetricsFilter}).
 *
 * <p>Why: back-ends call UserInfo on every request of a user, and with the token's claims and the user kept in
 * memory, Jersey's per-request work (request scope, injection, filter stages, response writer) was about a third of
 * what a call cost. Everything else goes on to Jersey unchanged: a POST, a HEAD (whose headers a test compares with
 * this filter's), a request with an {@code Origin} (CORS decides per tenant there), no or more than one
 * {@code Authorization} header or a malformed one, an inexact path or unknown tenant, and every refusal. A refusal
 * (an invalid or revoked token, no {@code openid} scope, a database failure) is handed to Jersey as a request
 * attribute, so that {@link UserInfoEndpoint} answers it through the exception mappers as before (RFC 6750 §3
 * challenge, 503 for an outage) without checking the token a second time. Installed after the admission gate, which
 * bounds the requests that do this work at once.
 */
public final class UserInfoFilter implements Filter {

    /** The request attribute of a {@link Refusal}. */
    static final String REFUSAL = UserInfoFilter.class.getName() + ".refusal";
    private static final String RESOURCE = UserInfoEndpoint.class.getSimpleName();
    private static final String TEMPLATE = "/" + EndpointPaths.USERINFO;
    private static final String JSON = MediaType.APPLICATION_JSON;

    /** What the filter's call of the provider threw for {@code token} of tenant {@code tenantId}. */
    record Refusal(String tenantId, String token, RuntimeException failure) {
    }

    private final UserInfoProvider userInfo;
    private final FrontTenant front;
    private final ServerMetrics metrics;

    /**
     * @param userInfo the provider {@link UserInfoEndpoint} calls
     * @param tenants  the tenants by id, as {@code TenantResolver} finds them
     */
    public UserInfoFilter(UserInfoProvider userInfo, Function<String, Optional<Tenant>> tenants, ServerMetrics metrics) {
        this.userInfo = Objects.requireNonNull(userInfo, "userInfo");
        this.front = new FrontTenant(tenants);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        long start = System.nanoTime();
        HttpServletRequest http = (HttpServletRequest) request;
        String token = "GET".equals(http.getMethod()) && http.getHeader("Origin") == null ? onlyBearerToken(http) : null;
        Tenant tenant = token == null ? null : front.of(http, EndpointPaths.USERINFO);
        if (tenant == null) {
            chain.doFilter(request, response);
            return;
        }
        UserInfoProvider.UserInfo answer;
        try {
            answer = userInfo.userInfo(tenant, token);
        } catch (RuntimeException refused) {
            request.setAttribute(REFUSAL, new Refusal(tenant.id(), token, refused));
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse out = (HttpServletResponse) response;
        byte[] body;
        if (answer.signedJwt() == null) {
            out.setContentType(JSON);
            body = Json.bytes(answer.claims());
        } else {
            out.setContentType(UserInfoEndpoint.APPLICATION_JWT);
            body = answer.signedJwt().getBytes(StandardCharsets.US_ASCII);
        }
        out.setHeader(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE);
        out.setHeader("Pragma", "no-cache");
        out.setHeader(SecurityHeadersFilter.CONTENT_TYPE_OPTIONS, SecurityHeadersFilter.NOSNIFF);
        out.setHeader(HttpHeaders.VARY, "Origin");
        out.setContentLength(body.length);
        // Recorded where RequestMetricsFilter records: once the response is decided, before its body is written.
        metrics.request(RESOURCE, "success");
        metrics.requestTimed(TEMPLATE, "GET", "2xx", System.nanoTime() - start);
        out.getOutputStream().write(body);
    }

    /**
     * Rethrows what this filter's call of the provider threw for the same tenant and token, if it made one: called by
     * {@link UserInfoEndpoint} before it calls the provider itself.
     */
    static void rethrowRefusal(ContainerRequestContext request, Tenant tenant, String token) {
        if (request.getProperty(REFUSAL) instanceof Refusal refusal && refusal.tenantId().equals(tenant.id())
                && refusal.token().equals(token)) {
            throw refusal.failure();
        }
    }

    /** The token of the request's one well-formed bearer {@code Authorization} header, else {@code null}. */
    private static String onlyBearerToken(HttpServletRequest http) {
        Enumeration<String> values = http.getHeaders(HttpHeaders.AUTHORIZATION);
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        String value = values.nextElement();
        // Jersey joins repeated headers with a comma, which BearerToken refuses: left to it.
        return values.hasMoreElements() ? null : BearerToken.wellFormedOrNull(value);
    }
}
