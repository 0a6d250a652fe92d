package dev.identityservice.guard.servlet;

import dev.identityservice.guard.BearerHeader;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.ThrottledWarning;
import dev.identityservice.guard.TokenVerifier;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.BearerChallenge;
import dev.identityservice.guard.error.BearerError;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.verify.GuardTokenVerifier;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Set;

/**
 * A servlet filter that admits a request only with a valid bearer token (RFC 6750) and hands it on
 * as an {@link AuthenticatedRequest}.
 *
 * <p>In {@code web.xml} it reads its settings from init-params ({@link GuardConfig#fromInitParams});
 * in code, construct it with a {@link GuardConfig} or a {@link TokenVerifier}. Answers: no token,
 * 401 with a bare challenge; a bad token, 401 {@code invalid_token}; a malformed header, two tokens
 * or a token in the URI, 400 {@code invalid_request}; a missing role, 403 {@code
 * insufficient_scope}; keys unavailable, 503 with {@code Retry-After}. A CORS preflight is answered by
 * a CORS filter mapped before this one; with {@code pass-cors-preflight} it passes without a token to
 * whatever is behind this filter instead.
 */
public class BearerTokenFilter extends HttpFilter {

    private static final System.Logger LOG = System.getLogger(BearerTokenFilter.class.getName());
    private static final ThrottledWarning UNAVAILABLE = new ThrottledWarning(LOG);

    private transient GuardConfig config;
    private transient TokenVerifier verifier;
    private transient PathRules rules;
    private transient boolean ownsVerifier;

    /** For {@code web.xml}: settings come from init-params in {@link #init(FilterConfig)}. */
    public BearerTokenFilter() {
    }

    /** For code: the filter builds and owns its verifier. */
    public BearerTokenFilter(GuardConfig config) {
        configure(config, GuardTokenVerifier.create(config), true);
    }

    /** For code: a verifier shared with other parts of the application. */
    public BearerTokenFilter(GuardConfig config, TokenVerifier verifier) {
        configure(config, verifier, false);
    }

    @Override
    public void init() throws ServletException {
        if (verifier != null) {
            return;
        }
        FilterConfig filterConfig = getFilterConfig();
        GuardConfig fromParams;
        try {
            fromParams = GuardConfig.fromInitParams(Collections.list(filterConfig.getInitParameterNames()),
                    filterConfig::getInitParameter);
        } catch (IllegalArgumentException e) {
            throw new ServletException("BearerTokenFilter " + filterConfig.getFilterName() + ": " + e.getMessage(), e);
        }
        configure(fromParams, GuardTokenVerifier.create(fromParams), true);
    }

    private void configure(GuardConfig config, TokenVerifier verifier, boolean owns) {
        this.config = config;
        this.verifier = verifier;
        this.rules = new PathRules(config.publicPaths(), config.requiredRoles());
        this.ownsVerifier = owns;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = pathOf(request);
        if (rules.isPublic(path) || (config.passCorsPreflight() && isCorsPreflight(request))) {
            chain.doFilter(request, response);
            return;
        }
        VerifiedToken token;
        try {
            String raw = BearerHeader.extract(request.getHeaders("Authorization").asIterator(), request.getQueryString());
            if (raw == null) {
                response.setHeader(BearerChallenge.HEADER, BearerChallenge.withoutError(config.realm()));
                response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                return;
            }
            token = verifier.verify(raw);
        } catch (InvalidTokenException e) {
            reject(response, e.error());
            return;
        } catch (VerificationUnavailableException e) {
            UNAVAILABLE.warn("cannot verify tokens: " + e.getMessage());
            response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
        }
        Set<String> required = rules.requiredRoles(path);
        if (required != null && !hasAnyRole(token, required)) {
            reject(response, BearerError.insufficientScope("the token lacks a required role", String.join(" ", required)));
            return;
        }
        chain.doFilter(new AuthenticatedRequest(request, token), response);
    }

    @Override
    public void destroy() {
        if (ownsVerifier && verifier instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the verifier failed", e);
            }
        }
    }

    private void reject(HttpServletResponse response, BearerError error) throws IOException {
        response.setHeader(BearerChallenge.HEADER, BearerChallenge.forError(config.realm(), error));
        // setStatus, not sendError: an error page must not replace the challenge.
        response.setStatus(error.status());
    }

    private static boolean hasAnyRole(VerifiedToken token, Set<String> roles) {
        for (String role : roles) {
            if ("**".equals(role) || token.hasRole(role)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A CORS preflight (Fetch standard, "CORS-preflight request"): {@code OPTIONS} with {@code Origin}
     * and {@code Access-Control-Request-Method}. Browsers never send credentials with it, so asking
     * for a token would make every cross-origin call fail; it reaches the application anonymously,
     * where a CORS filter answers it.
     */
    static boolean isCorsPreflight(HttpServletRequest request) {
        return "OPTIONS".equals(request.getMethod()) && request.getHeader("Origin") != null
                && request.getHeader("Access-Control-Request-Method") != null
                && request.getHeader("Authorization") == null;
    }

    /** The path within the application, as servlet URL patterns see it. */
    private static String pathOf(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = pathInfo == null ? servletPath : servletPath + pathInfo;
        return path == null || path.isEmpty() ? "/" : path;
    }
}
