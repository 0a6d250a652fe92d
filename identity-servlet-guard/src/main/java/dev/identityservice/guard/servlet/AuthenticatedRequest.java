package dev.identityservice.guard.servlet;

import dev.identityservice.guard.VerifiedToken;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * A request authenticated by a bearer token: {@link #getUserPrincipal()} is the {@link
 * VerifiedToken}, {@link #getRemoteUser()} its subject, {@link #isUserInRole} asks its roles, and
 * {@link #getAuthType()} is {@value #AUTH_TYPE}, so servlet code written for container security
 * keeps working.
 */
public final class AuthenticatedRequest extends HttpServletRequestWrapper {

    /** The authentication scheme reported by {@link #getAuthType()}. */
    public static final String AUTH_TYPE = "Bearer";
    /** The request attribute that also carries the {@link VerifiedToken}. */
    public static final String TOKEN_ATTRIBUTE = VerifiedToken.REQUEST_ATTRIBUTE;

    private final VerifiedToken token;

    public AuthenticatedRequest(HttpServletRequest request, VerifiedToken token) {
        super(request);
        this.token = token;
        request.setAttribute(TOKEN_ATTRIBUTE, token);
    }

    /** The verified token. */
    public VerifiedToken token() {
        return token;
    }

    @Override
    public Principal getUserPrincipal() {
        return token;
    }

    @Override
    public String getRemoteUser() {
        return token.subject();
    }

    /** Whether the token grants {@code role}; {@code "**"} means any authenticated user (Servlet 6.0 §13.3). */
    @Override
    public boolean isUserInRole(String role) {
        return "**".equals(role) || token.hasRole(role);
    }

    @Override
    public String getAuthType() {
        return AUTH_TYPE;
    }
}
