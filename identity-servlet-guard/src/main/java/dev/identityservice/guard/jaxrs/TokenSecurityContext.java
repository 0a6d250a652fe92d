package dev.identityservice.guard.jaxrs;

import dev.identityservice.guard.VerifiedToken;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/**
 * The JAX-RS {@link SecurityContext} of a request authenticated by a bearer token: the principal is
 * the {@link VerifiedToken}, roles are the token's, and the scheme is {@value #AUTHENTICATION_SCHEME}.
 */
public final class TokenSecurityContext implements SecurityContext {

    /** The authentication scheme reported by {@link #getAuthenticationScheme()}. */
    public static final String AUTHENTICATION_SCHEME = "Bearer";

    private final VerifiedToken token;
    private final boolean secure;

    public TokenSecurityContext(VerifiedToken token, boolean secure) {
        this.token = token;
        this.secure = secure;
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
    public boolean isUserInRole(String role) {
        return "**".equals(role) || token.hasRole(role);
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return AUTHENTICATION_SCHEME;
    }
}
