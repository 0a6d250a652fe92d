package dev.identityservice.server.testing;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.identityservice.core.user.User;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A browser sign-in through the authorization code flow (OIDC Core §3.1) ending in the token response: the one
 * place tests of back-channel logout and of outbound requests get a session with a client.
 */
public final class CodeFlowSignIn {

    private CodeFlowSignIn() {
    }

    /**
     * The 200 token response of a sign-in at {@code server} for {@code clientId} (authenticating with
     * {@code secret}); {@code login} signs {@code user} in on the login page (with {@code prompt=login}), otherwise
     * the browser's session answers.
     */
    public static HttpResponse<String> tokens(TestServer server, Browser browser, String clientId, String secret,
                                              String redirectUri, User user, boolean login) {
        URI authorize = server.uri("/oauth2/authorize?" + form("response_type", "code", "client_id", clientId, "redirect_uri", redirectUri,
                "state", "s", "scope", "openid", "nonce", "n-" + UUID.randomUUID()) + (login ? "&prompt=login" : ""));
        HttpResponse<String> response = browser.get(authorize);
        if (login) {
            Browser.LoginForm loginForm = Browser.loginForm(response.body());
            response = browser.post(loginForm.action(), loginForm.withCredentials(user.username(), PASSWORD));
        }
        assertEquals(302, response.statusCode(), response.body());
        String location = response.headers().firstValue("Location").orElseThrow();
        int start = location.indexOf("code=") + "code=".length();
        int end = location.indexOf('&', start);
        String code = URLDecoder.decode(location.substring(start, end < 0 ? location.length() : end), StandardCharsets.UTF_8);
        HttpResponse<String> tokens = server.post("/oauth2/token", form("grant_type", "authorization_code", "code", code,
                "redirect_uri", redirectUri), "Authorization", basic(clientId, secret));
        assertEquals(200, tokens.statusCode(), tokens.body());
        return tokens;
    }
}
