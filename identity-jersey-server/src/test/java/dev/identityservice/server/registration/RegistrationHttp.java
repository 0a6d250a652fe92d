package dev.identityservice.server.registration;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;

/** Registration calls over real HTTP, an admin token, and the browser code flow with PKCE for a registered client. */
final class RegistrationHttp {

    static final String JSON = "application/json";
    static final String REGISTER = "/oauth2/register";

    private final TestServer server;

    RegistrationHttp(TestServer server) {
        this.server = server;
    }

    HttpResponse<String> register(String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = JSON;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return server.post(REGISTER, body, all);
    }

    /** GET, PUT or DELETE on a configuration endpoint with {@code token} as Bearer (none when null). */
    HttpResponse<String> manage(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", JSON);
        }
        return token == null ? server.send(request) : server.send(request, "Authorization", "Bearer " + token);
    }

    /** The path part of a registration_client_uri. */
    static String path(JsonNode registered) {
        return URI.create(registered.get("registration_client_uri").asText()).getPath();
    }

    /** An access token of user "root" (role admin) through client "demo", for the management API. */
    String adminToken() {
        createAdmin();
        return adminLogin();
    }

    void createAdmin() {
        server.confidentialClient("demo");
        server.user("root", "admin");
    }

    String adminLogin() {
        HttpResponse<String> response = server.post("/oauth2/token",
                form("grant_type", "password", "username", "root", "password", PASSWORD), "Authorization", basic("demo", SECRET));
        return json(response.body()).get("access_token").asText();
    }

    HttpResponse<String> admin(String method, String path, String token, String body) {
        return manage(method, path, token, body);
    }

    /**
     * Logs "alice" in through the authorize endpoint with PKCE S256 and redeems the code at the token endpoint,
     * authenticating with {@code clientAuth} form parameters ({@code client_id} alone for a public client).
     */
    HttpResponse<String> codeFlow(String clientId, String redirectUri, String... clientAuth) throws Exception {
        String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?response_type=code&scope=openid%20profile"
                + "&client_id=" + enc(clientId) + "&redirect_uri=" + enc(redirectUri) + "&state=s1&nonce=n1"
                + "&code_challenge=" + challenge + "&code_challenge_method=S256"));
        if (page.statusCode() != 200) {
            throw new AssertionError("authorize: " + page.statusCode() + " " + page.body());
        }
        Browser.LoginForm loginForm = Browser.loginForm(page.body());
        HttpResponse<String> redirect = browser.post(loginForm.action(), loginForm.withCredentials("alice", PASSWORD));
        String location = redirect.headers().firstValue("Location").orElseThrow(() -> new AssertionError(redirect.body()));
        if (!location.startsWith(redirectUri + "?")) {
            throw new AssertionError("redirected elsewhere: " + location);
        }
        String code = URI.create(location).getQuery().replaceAll(".*(?:^|&)code=([^&]+).*", "$1");
        String[] fields = new String[clientAuth.length + 8];
        System.arraycopy(new String[] {"grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri,
                "code_verifier", verifier}, 0, fields, 0, 8);
        System.arraycopy(clientAuth, 0, fields, 8, clientAuth.length);
        return server.post("/oauth2/token", form(fields));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
