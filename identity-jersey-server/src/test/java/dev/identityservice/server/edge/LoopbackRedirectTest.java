package dev.identityservice.server.edge;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.grant.Pkce;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, kind 3: RFC 8252 §7.3 loopback redirects. For the IP literals {@code 127.0.0.1} and {@code [::1]}
 * over http any port matches the registered URI (a native app gets its port from the OS at run time); path and
 * query still match exactly; {@code localhost} and every other URI match exactly, port included.
 */
class LoopbackRedirectTest {

    private static final String VERIFIER = "v".repeat(43);

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        Instant now = Instant.now();
        server.save(Client.builder(Tenant.DEFAULT_ID, "native")
                .redirectUris(List.of("http://127.0.0.1/callback", "http://[::1]/callback", "http://localhost/callback",
                        "http://127.0.0.1:8000/fixed?app=1", "https://app.example.com/cb"))
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE))
                .scopes(Set.of("openid"))
                .createdAt(now).updatedAt(now));
        server.user("alice", "user");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void authorizeWhenLoopbackIpLiteralWithAnyPortThenAccepted() {
        for (String redirect : List.of("http://127.0.0.1:51004/callback", "http://127.0.0.1/callback", "http://127.0.0.1:1/callback",
                "http://[::1]:51004/callback", "http://[::1]/callback", "http://127.0.0.1:9/fixed?app=1", "http://127.0.0.1/fixed?app=1")) {
            Redirects.assertLoginPage(server.get(authorize(redirect)));
        }
    }

    @Test
    void authorizeWhenLocalhostOrNonLoopbackWithOtherPortOrPathThenErrorPage() {
        for (String redirect : List.of("http://localhost:51004/callback", "https://app.example.com:8443/cb",
                "http://127.0.0.1:51004/callback/other", "http://127.0.0.1:51004/callback?x=1", "http://127.0.0.1:51004/fixed?app=2",
                "https://127.0.0.1:51004/callback", "http://127.0.0.2:51004/callback", "http://[::2]:51004/callback",
                "http://user@127.0.0.1:51004/callback", "http://127.0.0.1:51004/CALLBACK")) {
            Redirects.assertErrorPage(server.get(authorize(redirect)));
        }
        Redirects.assertLoginPage(server.get(authorize("http://localhost/callback")));
    }

    @Test
    void codeFlowWhenLoopbackPortChosenAtRunTimeThenCodeThereAndTokenOnlyForThatExactUri() {
        String redirect = "http://127.0.0.1:51004/callback";
        Browser browser = new Browser();
        Browser.LoginForm login = Browser.loginForm(browser.get(server.uri(authorize(redirect))).body());
        HttpResponse<String> redirected = browser.post(login.action(), login.withCredentials("alice", PASSWORD));
        assertEquals(redirect, Redirects.target(redirected));
        String code = Redirects.query(redirected).get("code");

        HttpResponse<String> otherPort = server.post("/oauth2/token", form("grant_type", "authorization_code", "client_id", "native",
                "code", code, "code_verifier", VERIFIER, "redirect_uri", "http://127.0.0.1:51005/callback"));
        assertEquals(400, otherPort.statusCode(), otherPort.body());
        assertEquals("invalid_grant", json(otherPort.body()).get("error").asText());
    }

    @Test
    void codeFlowWhenSamePortAtTokenEndpointThenTokensIssued() {
        String redirect = "http://[::1]:49152/callback";
        Browser browser = new Browser();
        Browser.LoginForm login = Browser.loginForm(browser.get(server.uri(authorize(redirect))).body());
        String code = Redirects.query(browser.post(login.action(), login.withCredentials("alice", PASSWORD))).get("code");

        HttpResponse<String> token = server.post("/oauth2/token", form("grant_type", "authorization_code", "client_id", "native",
                "code", code, "code_verifier", VERIFIER, "redirect_uri", redirect));

        assertEquals(200, token.statusCode(), token.body());
    }

    private static String authorize(String redirect) {
        return "/oauth2/authorize?" + form("response_type", "code", "client_id", "native", "redirect_uri", redirect, "state", "s",
                "scope", "openid", "code_challenge", Pkce.challengeOf(VERIFIER), "code_challenge_method", "S256");
    }
}
