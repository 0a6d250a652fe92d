package dev.identityservice.server.endpoint;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.UserInfoProvider;
import dev.identityservice.server.http.BearerToken;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.observability.RequestMetricsFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * Answers a {@code GET} of the UserInfo endpoint (OIDC Core §5.3.1) with an {@code Authorization: Bearer} token (RFC
 * 6750 §2.1) in front of Jersey, when the token is good: the response {@link UserInfoEndpoint} gives through Jersey,
 * header for header (its {@code Cache-Control: no-store} and {@code Pragma}, {@code X-Content-Type-Options} from
 * {@code SecurityHeadersFilter}, {@code Vary: Origin} from {@code CorsFilter}), and the same two request metrics
 * ({@link RequestMetricsFilter}).
 *
 * <p>Why: back-ends call UserInfo on every request of a user, and with the token's claims and the user kept in
 * memory, Jersey's per-request work (request scope, injection, filter stages, response writer) was about a third of
 * what a call cost. Everything else goes on to Jersey unchanged: a POST, a HEAD (whose headers a test compares with
 * this filter's), a request with an {@code Origin} (CORS decides per tenant there), no or more than one
 * {@code Authorization} header or a malformed one, an inexact path or unknown tenant, and every refusal. A refusal
 * (an invalid or revoked token, no {@code openid} scope, a database failure) is handed to {@link UserInfoEndpoint}
 * ({@link FrontOfJersey}), which answers it through the exception mappers as before (RFC 6750 §3 challenge, 503 for an
 * outage) without checking the token a second time.
 *
 * <p>Installed before the admission gate, as the key set's filter: a good answer (the token's claims kept in memory,
 * the revocation, client and user rows read) takes about 0.1 ms of CPU, which the gate's hand-over of a permit to a
 * parked thread doubled at 64 connections (BENCHMARKS.md, "userinfo and introspection in front of Jersey"), and ends
 * within a scheduler time slice, so queueing it in arrival order does not shorten its tail. Its own bound is
 * {@link FrontOfJersey}'s permits, taken without waiting, which keeps how many requests wait for the database out here
 * small; past it,
 * and for a client that registered {@code userinfo_signed_response_alg} (a signature), the request goes through the
 * gate to Jersey, as every refusal does.
 */
public final class UserInfoFilter implements Filter {

    private static final String TEMPLATE = "/" + EndpointPaths.USERINFO;

    private final UserInfoProvider userInfo;
    private final FrontOfJersey front;

    /**
     * @param userInfo the provider {@link UserInfoEndpoint} calls
     * @param front    what the filters in front of Jersey share (one instance for all, so one bound on their work)
     */
    public UserInfoFilter(UserInfoProvider userInfo, FrontOfJersey front) {
        this.userInfo = Objects.requireNonNull(userInfo, "userInfo");
        this.front = Objects.requireNonNull(front, "front");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        long start = System.nanoTime();
        HttpServletRequest http = (HttpServletRequest) request;
        String token = "GET".equals(http.getMethod()) && http.getHeader("Origin") == null
                ? BearerToken.wellFormedOrNull(FrontTenant.onlyHeader(http, HttpHeaders.AUTHORIZATION)) : null;
        Map<String, Object> claims = token == null || FrontTenant.tenantId(http.getRequestURI(), TEMPLATE) == null ? null
                : front.answer(http, EndpointPaths.USERINFO, start,
                        tenant -> userInfo.unsignedClaimsOrNull(tenant, token));
        if (claims == null) {
            // Not ours, the front's work at its bound, a refusal, or a client that takes its claims signed: Jersey's.
            chain.doFilter(request, response);
            return;
        }
        front.writeNoStore((HttpServletResponse) response, MediaType.APPLICATION_JSON, Json.bytes(claims),
                UserInfoEndpoint.class, TEMPLATE, "GET", start);
    }
}
