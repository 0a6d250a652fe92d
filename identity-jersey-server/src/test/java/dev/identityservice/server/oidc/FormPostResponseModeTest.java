package dev.identityservice.server.oidc;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OAuth 2.0 Form Post Response Mode over real HTTP: codes and errors as a self-posting form the page's CSP allows. */
class FormPostResponseModeTest {

    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
    private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.user("alice", "user");
        server.save(server.confidential(Tenant.DEFAULT_ID, "web").scopes(Set.of("openid", "profile")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void formPostWhenSignedInThenPageThatPostsCodeStateAndIssToTheRedirectUriUnderAHashPinnedCsp() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("response_type", "code", "client_id", "web",
                "redirect_uri", OidcFlow.REDIRECT, "state", "st<1>", "scope", "openid", "response_mode", "form_post")));
        Browser.LoginForm login = Browser.loginForm(page.body());
        HttpResponse<String> response = browser.post(login.action(), login.withCredentials("alice", PASSWORD));

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Location").isEmpty(), "nothing in a URL");
        assertTrue(response.body().contains("<form method=\"post\" action=\"" + OidcFlow.REDIRECT + "\">"), response.body());
        Map<String, String> fields = hidden(response.body());
        assertEquals("st&lt;1&gt;", fields.get("state"), "escaped in the page");
        assertEquals(server.server.issuer().toString(), fields.get("iss"));
        assertTrue(OidcFlow.redeem(server, "", "web", fields.get("code")).has("id_token"), "the posted code redeems");

        String csp = response.headers().firstValue("Content-Security-Policy").orElseThrow();
        Matcher script = SCRIPT.matcher(response.body());
        assertTrue(script.find());
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(script.group(1).getBytes(StandardCharsets.UTF_8)));
        assertTrue(csp.contains("script-src 'sha256-" + hash + "'"), csp);
        assertTrue(csp.contains("form-action https://app.example.com;"), csp);
        assertFalse(csp.contains("unsafe-inline' ;") || csp.contains("script-src 'unsafe-inline'"));
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void formPostWhenRequestRefusedThenTheErrorIsPostedToo() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code", "client_id", "web",
                "redirect_uri", OidcFlow.REDIRECT, "state", "s", "scope", "openid admin", "response_mode", "form_post"));

        assertEquals(200, response.statusCode(), response.body());
        Map<String, String> fields = hidden(response.body());
        assertEquals("invalid_scope", fields.get("error"));
        assertEquals("s", fields.get("state"));
    }

    @Test
    void responseModeWhenUnknownThenInvalidRequestRedirect() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code", "client_id", "web",
                "redirect_uri", OidcFlow.REDIRECT, "state", "s", "scope", "openid", "response_mode", "fragment"));

        assertEquals("invalid_request", OidcFlow.query(response).get("error"));
    }

    private static Map<String, String> hidden(String html) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(html);
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }
}
