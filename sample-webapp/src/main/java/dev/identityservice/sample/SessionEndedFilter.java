package dev.identityservice.sample;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.BearerChallenge;
import dev.identityservice.guard.error.BearerError;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;

/**
 * Behind the guard's filter: refuses, with 401 {@code invalid_token}, an access token whose session the issuer
 * ended by back-channel logout ({@link SignedOutSessions}): one whose {@code sid} was logged out, or one of a
 * subject logged out everywhere, issued before that logout. Requests the guard let through without a token
 * (public paths) pass.
 */
public final class SessionEndedFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private transient SignedOutSessions sessions;
    private transient String realm;

    @Override
    public void init() throws ServletException {
        sessions = SignedOutSessions.of(getServletContext());
        try {
            GuardConfig guard = GuardSettings.of(getServletContext());
            realm = guard.realm();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ServletException(getFilterName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getAttribute(VerifiedToken.REQUEST_ATTRIBUTE) instanceof VerifiedToken token
                && sessions.isEnded(token.claim("sid") instanceof String sid ? sid : null, token.subject(), issuedAt(token))) {
            response.setHeader(BearerChallenge.HEADER, BearerChallenge.forError(realm,
                    BearerError.invalidToken("the session of this token ended (back-channel logout)")));
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        chain.doFilter(request, response);
    }

    private static Instant issuedAt(VerifiedToken token) {
        Object iat = token.claim("iat");
        if (iat instanceof Number seconds) {
            return Instant.ofEpochSecond(seconds.longValue());
        }
        return iat instanceof Date date ? date.toInstant() : null;
    }
}
