package dev.identityservice.sample;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.Placeholders;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.verify.LogoutToken;
import dev.identityservice.guard.verify.LogoutTokenVerifier;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /backchannel-logout}: the app's {@code backchannel_logout_uri} (OpenID Connect Back-Channel Logout
 * 1.0 §2.5). The form parameter {@code logout_token} is verified with the guard's {@link LogoutTokenVerifier}
 * against the issuer of the {@code web.xml} filter, for the client id of the init-param {@code client-id} (the
 * page's); the session it names is then ended ({@link SignedOutSessions}). Answers (§2.8): 200 when done, 400
 * with a JSON error when the request or the token is bad, 503 with {@code Retry-After} when the issuer's keys
 * cannot be had (the issuer retries); always {@code Cache-Control: no-store}. The token is never logged.
 */
public final class BackChannelLogoutServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(BackChannelLogoutServlet.class.getName());

    /** The init-param naming the client id logout tokens must be addressed to. */
    static final String CLIENT_ID_PARAM = "client-id";

    private transient LogoutTokenVerifier verifier;
    private transient SignedOutSessions sessions;

    @Override
    public void init() throws ServletException {
        try {
            GuardConfig guard = GuardSettings.of(getServletContext());
            String clientId = Placeholders.resolve(getInitParameter(CLIENT_ID_PARAM));
            verifier = LogoutTokenVerifier.create(guard, Set.of(clientId == null ? "" : clientId.trim()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ServletException(getServletName() + ": " + e.getMessage(), e);
        }
        sessions = SignedOutSessions.of(getServletContext());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String[] tokens = request.getParameterValues("logout_token");
        if (tokens == null || tokens.length != 1) {
            error(response, 400, "invalid_request", "exactly one logout_token is required");
            return;
        }
        LogoutToken token;
        try {
            token = verifier.verify(tokens[0]);
        } catch (InvalidTokenException e) {
            LOG.log(System.Logger.Level.INFO, "Back-channel logout refused: {0}", e.error().description());
            error(response, 400, "invalid_request", e.error().description());
            return;
        } catch (VerificationUnavailableException e) {
            response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            error(response, 503, "temporarily_unavailable", "the issuer's keys cannot be fetched now");
            return;
        }
        sessions.ended(token.sid(), token.subject());
        LOG.log(System.Logger.Level.INFO, "Back-channel logout: session {0} of {1} ended", token.sid(), token.subject());
        response.setHeader("Cache-Control", "no-store");
        response.setStatus(200);
    }

    private static void error(HttpServletResponse response, int status, String code, String description) throws IOException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        response.setStatus(status);
        Json.write(response, body);
    }

    @Override
    public void destroy() {
        if (verifier != null) {
            verifier.close();
        }
    }
}
