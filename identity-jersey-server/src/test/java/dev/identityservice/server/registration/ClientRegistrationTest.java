package dev.identityservice.server.registration;

import static dev.identityservice.server.registration.RegistrationHttp.path;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientCredentials;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Dynamic client registration (RFC 7591, RFC 7592, OIDC Registration 1.0) over real HTTP on a real server and H2:
 * the registered client logs a user in, every refused setting gets its RFC 7591 §3.2.2 error, the registration
 * access token is checked and rotated, initial access tokens bound registration, and the cap holds under a race.
 */
class ClientRegistrationTest {

    static final String CALLBACK = "https://rp.example.com/cb";
    static final String PUBLIC_CLIENT = "{\"redirect_uris\":[\"" + CALLBACK + "\"],\"token_endpoint_auth_method\":\"none\","
            + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"client_name\":\"RP\"}";

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private RegistrationHttp open() {
        server = TestServer.start(b -> b.registrationMode("open"));
        server.user("alice");
        return new RegistrationHttp(server);
    }

    static JsonNode body(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        return json(response.body());
    }

    @Test
    void registerWhenOpenThenPublicClientCompletesCodeFlowWithPkceAndGetsTokens() throws Exception {
        RegistrationHttp http = open();

        HttpResponse<String> response = http.register(PUBLIC_CLIENT);
        JsonNode registered = body(response, 201);
        String clientId = registered.get("client_id").asText();

        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        assertEquals(registered.get("registration_client_uri").asText(), response.headers().firstValue("Location").orElse(""));
        assertFalse(registered.has("client_secret"), "a public client gets no secret");
        assertEquals("none", registered.get("token_endpoint_auth_method").asText());
        assertEquals("[\"code\"]", registered.get("response_types").toString());
        assertEquals("web", registered.get("application_type").asText());
        assertTrue(registered.get("client_id_issued_at").asLong() > 0);
        JsonNode tokens = body(http.codeFlow(clientId, CALLBACK, "client_id", clientId), 200);
        assertTrue(tokens.has("access_token") && tokens.has("id_token") && tokens.has("refresh_token"), tokens.toString());
    }

    @Test
    void registerWhenConfidentialWithClientSecretPostThenSecretShownOnceStoredHashedAndOnlyThatMethodAccepted() throws Exception {
        RegistrationHttp http = open();

        JsonNode registered = body(http.register("{\"redirect_uris\":[\"" + CALLBACK + "\"],"
                + "\"token_endpoint_auth_method\":\"client_secret_post\"}"), 201);
        String clientId = registered.get("client_id").asText();
        String secret = registered.get("client_secret").asText();

        // Deleted unless it obtains a token within registration.unused.client.ttl (7 days by default).
        assertEquals(registered.get("client_id_issued_at").asLong() + java.time.Duration.ofDays(7).toSeconds(),
                registered.get("client_secret_expires_at").asLong());
        Client stored = server.server.engine().clients().find(Tenant.DEFAULT_ID, clientId).orElseThrow();
        assertEquals(ClientCredentials.Method.POST, stored.tokenEndpointAuthMethod());
        assertFalse(stored.secretHash().contains(secret), "only a hash is stored");
        body(http.codeFlow(clientId, CALLBACK, "client_id", clientId, "client_secret", secret), 200);
        HttpResponse<String> basicAuth = server.post("/oauth2/token", form("grant_type", "client_credentials"),
                "Authorization", basic(clientId, secret));
        assertEquals("invalid_client", body(basicAuth, 401).get("error").asText(), "a registered method is the only one accepted");
        JsonNode read = body(http.manage("GET", path(registered), registered.get("registration_access_token").asText(), null), 200);
        assertFalse(read.has("client_secret"), "the secret is shown once");
    }

    @Test
    void registerWhenNativeWithKeysAndUnknownMetadataThenStoredAsGivenAndUnknownIgnored() {
        RegistrationHttp http = open();

        JsonNode registered = body(http.register("{\"redirect_uris\":[\"com.example.app:/cb\",\"http://127.0.0.1:7000/cb\"],"
                + "\"application_type\":\"native\",\"token_endpoint_auth_method\":\"none\",\"jwks\":" + TestKeysJson.PUBLIC_JWKS
                + ",\"request_object_signing_alg\":\"ES256\",\"contacts\":[\"ops@example.com\"],\"logo_uri\":\"https://rp.example.com/l.png\","
                + "\"client_uri\":\"https://rp.example.com\",\"policy_uri\":\"https://rp.example.com/p\",\"tos_uri\":\"https://rp.example.com/t\","
                + "\"client_name#fr\":\"Application\",\"x_vendor_flag\":true,\"require_auth_time\":true,\"scope\":\"openid email\","
                + "\"backchannel_logout_session_required\":false}"), 201);

        Client stored = server.server.engine().clients().find(Tenant.DEFAULT_ID, registered.get("client_id").asText()).orElseThrow();
        assertEquals(List.of("com.example.app:/cb", "http://127.0.0.1:7000/cb"), stored.redirectUris());
        assertEquals("ES256", stored.requestObjectSigningAlg());
        assertEquals(1, stored.keys().jwks().getKeys().size());
        assertEquals(List.of("ops@example.com"), stored.description().contacts());
        assertEquals("https://rp.example.com/t", stored.description().tosUri().toString());
        assertEquals("native", registered.get("application_type").asText());
        assertEquals("email openid", registered.get("scope").asText());
        assertEquals("k1", registered.get("jwks").get("keys").get(0).get("kid").asText());
        assertFalse(registered.has("x_vendor_flag"));
        assertFalse(registered.has("client_name#fr"));
    }

    @Test
    void registerWhenRequestUrisThenStoredAndShownAndPrivateOrMalformedOnesRefused() {
        RegistrationHttp http = open();

        JsonNode registered = body(http.register("{\"redirect_uris\":[\"https://rp.example.com/cb\"],"
                + "\"request_uris\":[\"https://rp.example.com/req.jwt#sha256\",\"https://rp.example.com/other\"]}"), 201);

        Client stored = server.server.engine().clients().find(Tenant.DEFAULT_ID, registered.get("client_id").asText()).orElseThrow();
        assertEquals(List.of("https://rp.example.com/req.jwt#sha256", "https://rp.example.com/other"), stored.requestUris());
        assertEquals("https://rp.example.com/other", registered.get("request_uris").get(1).asText());
        for (String bad : List.of("[\"http://127.0.0.1:9/req\"]", "[\"https://10.0.0.1/req\"]", "[\"https://user@rp.example.com/r\"]",
                "[\"https://rp.example.com/*\"]", "\"https://rp.example.com/req\"")) {
            JsonNode refused = body(http.register("{\"redirect_uris\":[\"https://rp.example.com/cb\"],\"request_uris\":" + bad + "}"), 400);
            assertEquals("invalid_client_metadata", refused.get("error").asText(), bad);
        }
    }

    @Test
    void registrationWhenTenantDisabledThen404AndNoRegistrationEndpointInDiscovery() {
        server = TestServer.start();
        RegistrationHttp http = new RegistrationHttp(server);

        assertFalse(json(server.get("/.well-known/openid-configuration").body()).has("registration_endpoint"));
        assertEquals(404, http.register(PUBLIC_CLIENT).statusCode());
        assertEquals(404, http.manage("GET", "/oauth2/register/any", "token", null).statusCode());
        assertEquals(404, http.manage("DELETE", "/oauth2/register/any", "token", null).statusCode());
        assertEquals(0, server.server.engine().registrations().count(Tenant.DEFAULT_ID));
    }

    @Test
    void adminWhenModeChangedThenDiscoveryAndEndpointFollowAtOnce() {
        server = TestServer.start();
        RegistrationHttp http = new RegistrationHttp(server);
        String admin = http.adminToken();

        JsonNode settings = body(http.admin("PUT", "/admin/registration", admin, "{\"mode\":\"open\"}"), 200);

        assertEquals("open", settings.get("mode").asText());
        assertEquals(server.server.issuer() + "/oauth2/register",
                json(server.get("/.well-known/openid-configuration").body()).get("registration_endpoint").asText());
        body(http.register(PUBLIC_CLIENT), 201);
        assertEquals(1, body(http.admin("GET", "/admin/registration", admin, null), 200).get("registeredClients").asInt());
        assertEquals("invalid_request", body(http.admin("PUT", "/admin/registration", admin, "{\"mode\":\"sometimes\"}"), 400)
                .get("error").asText());
        body(http.admin("PUT", "/admin/registration", admin, "{\"mode\":\"disabled\"}"), 200);
        assertFalse(json(server.get("/.well-known/openid-configuration").body()).has("registration_endpoint"));
        assertEquals(404, http.register(PUBLIC_CLIENT).statusCode());
    }

    @Test
    void tenantWhenCreatedOrImportedWithRegistrationThenOnlyThatTenantRegisters(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path setup = dir.resolve("setup.json");
        java.nio.file.Files.writeString(setup, "{\"tenants\":[{\"id\":\"imported\",\"registration\":\"open\"}]}");
        server = TestServer.start(b -> b.importFile(setup.toString()));
        RegistrationHttp http = new RegistrationHttp(server);
        String admin = http.adminToken();

        JsonNode created = body(http.admin("POST", "/admin/tenants", admin, "{\"id\":\"shop\",\"registration\":\"initial-access-token\"}"), 201);

        assertEquals("initial-access-token", created.get("registration").asText());
        assertTrue(json(server.get("/t/shop/.well-known/openid-configuration").body()).has("registration_endpoint"));
        assertEquals(401, server.post("/t/shop/oauth2/register", PUBLIC_CLIENT, "Content-Type", "application/json").statusCode());
        assertEquals(201, server.post("/t/imported/oauth2/register", PUBLIC_CLIENT, "Content-Type", "application/json").statusCode());
        assertEquals(404, http.register(PUBLIC_CLIENT).statusCode(), "the default tenant stays disabled");
        assertEquals(1, server.server.engine().registrations().count("imported"));
    }

    @Test
    void registerWhenInitialAccessTokenMissingWrongUsedUpExpiredOrRevokedThen401() {
        MutableClock clock = MutableClock.startingNow();
        server = TestServer.start(b -> b.registrationMode("initial-access-token"), clock, UnaryOperator.identity());
        RegistrationHttp http = new RegistrationHttp(server);
        http.createAdmin();
        // Past the creation of the admin and of the "demo" client (stamped with the real clock): a token issued
        // before its client or user was created is refused.
        clock.advance(Duration.between(clock.instant(), java.time.Instant.now()).plusSeconds(5));
        String admin = http.adminLogin();
        JsonNode once = body(http.admin("POST", "/admin/registration/initial-access-tokens", admin,
                "{\"expiresIn\":\"10m\",\"maxUses\":1}"), 201);
        JsonNode shortLived = body(http.admin("POST", "/admin/registration/initial-access-tokens", admin, "{\"expiresIn\":\"1m\"}"), 201);
        JsonNode revoked = body(http.admin("POST", "/admin/registration/initial-access-tokens", admin, "{}"), 201);

        HttpResponse<String> none = http.register(PUBLIC_CLIENT);
        assertEquals(401, none.statusCode());
        assertEquals("Bearer realm=\"default\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
        HttpResponse<String> wrong = http.register(PUBLIC_CLIENT, "Authorization", "Bearer " + "x".repeat(43));
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""));

        body(http.register(PUBLIC_CLIENT, "Authorization", "Bearer " + once.get("token").asText()), 201);
        assertEquals(401, http.register(PUBLIC_CLIENT, "Authorization", "Bearer " + once.get("token").asText()).statusCode(),
                "maxUses 1 is used up");
        clock.advance(Duration.ofMinutes(2));
        assertEquals(401, http.register(PUBLIC_CLIENT, "Authorization", "Bearer " + shortLived.get("token").asText()).statusCode(),
                "expired");
        assertEquals(204, http.admin("DELETE", "/admin/registration/initial-access-tokens/" + revoked.get("id").asText(), admin, null)
                .statusCode());
        assertEquals(401, http.register(PUBLIC_CLIENT, "Authorization", "Bearer " + revoked.get("token").asText()).statusCode());

        HttpResponse<String> list = http.admin("GET", "/admin/registration/initial-access-tokens", admin, null);
        assertFalse(list.body().contains(once.get("token").asText()), "a token is shown only when issued");
        assertTrue(list.body().contains("\"uses\":1"), list.body());
        assertEquals(1, server.server.engine().registrations().count(Tenant.DEFAULT_ID));
        server.server.engine().cleanup().deleteExpired();
        assertFalse(http.admin("GET", "/admin/registration/initial-access-tokens", admin, null).body()
                .contains(shortLived.get("id").asText()), "expired tokens are cleaned up");
    }

    @Test
    void readWhenRegistrationAccessTokenUsedThenAnswerHasNewTokenAndOldOneIsRefused() {
        RegistrationHttp http = open();
        JsonNode registered = body(http.register(PUBLIC_CLIENT), 201);
        String first = registered.get("registration_access_token").asText();

        JsonNode read = body(http.manage("GET", path(registered), first, null), 200);

        String second = read.get("registration_access_token").asText();
        assertNotEquals(first, second);
        assertEquals(registered.get("client_id"), read.get("client_id"));
        assertEquals(registered.get("redirect_uris"), read.get("redirect_uris"));
        assertEquals(registered.get("registration_client_uri"), read.get("registration_client_uri"));
        assertEquals(401, http.manage("GET", path(registered), first, null).statusCode());
        assertEquals(200, http.manage("GET", path(registered), second, null).statusCode());
    }

    @Test
    void updateWhenMetadataReplacedThenStoredAndMismatchedIdOrSecretOrBadUriRefusedWithTokenKept() throws Exception {
        RegistrationHttp http = open();
        JsonNode registered = body(http.register("{\"redirect_uris\":[\"" + CALLBACK + "\"]}"), 201);
        String clientId = registered.get("client_id").asText();
        String token = registered.get("registration_access_token").asText();
        String secret = registered.get("client_secret").asText();
        String updated = "{\"client_id\":\"" + clientId + "\",\"client_secret\":\"" + secret + "\",\"client_name\":\"Renamed\","
                + "\"redirect_uris\":[\"https://rp.example.com/new\"],\"token_endpoint_auth_method\":\"client_secret_post\"}";

        assertEquals("invalid_client_metadata", body(http.manage("PUT", path(registered), token,
                updated.replace(clientId, "other")), 400).get("error").asText());
        assertEquals("invalid_client_metadata", body(http.manage("PUT", path(registered), token,
                updated.replace(secret, "x".repeat(43))), 400).get("error").asText());
        assertEquals("invalid_redirect_uri", body(http.manage("PUT", path(registered), token,
                updated.replace("https://rp.example.com/new", "http://rp.example.com/new")), 400).get("error").asText());
        JsonNode replaced = body(http.manage("PUT", path(registered), token, updated), 200);

        assertEquals("Renamed", replaced.get("client_name").asText());
        assertFalse(replaced.has("client_secret"), "the secret stays and is not shown again");
        assertEquals(401, http.manage("GET", path(registered), token, null).statusCode(), "the token was rotated");
        body(http.codeFlow(clientId, "https://rp.example.com/new", "client_id", clientId, "client_secret", secret), 200);
    }

    @Test
    void deleteWhenRegistrationAccessTokenValidThenClientGoneAndTokenRefused() {
        RegistrationHttp http = open();
        JsonNode registered = body(http.register(PUBLIC_CLIENT), 201);
        String token = registered.get("registration_access_token").asText();

        assertEquals(204, http.manage("DELETE", path(registered), token, null).statusCode());

        assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, registered.get("client_id").asText()).isEmpty());
        assertEquals(401, http.manage("GET", path(registered), token, null).statusCode());
        assertEquals(0, server.server.engine().registrations().count(Tenant.DEFAULT_ID));
    }

    @Test
    void configurationEndpointWhenTokenWrongMissingOfAnotherClientOrClientMadeByAdminThen401Bearer() {
        RegistrationHttp http = open();
        JsonNode a = body(http.register(PUBLIC_CLIENT), 201);
        JsonNode b = body(http.register(PUBLIC_CLIENT), 201);
        server.confidentialClient("made-by-admin");
        String tokenA = a.get("registration_access_token").asText();

        HttpResponse<String> wrong = http.manage("GET", path(a), "x".repeat(43), null);
        assertEquals(401, wrong.statusCode());
        assertEquals("Bearer realm=\"default\", error=\"invalid_token\", error_description=\"The registration access token is invalid\"",
                wrong.headers().firstValue("WWW-Authenticate").orElse(""));
        HttpResponse<String> missing = http.manage("GET", path(a), null, null);
        assertEquals(401, missing.statusCode());
        assertEquals("Bearer realm=\"default\"", missing.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, http.manage("GET", path(b), tokenA, null).statusCode(), "a token reaches its own client only");
        assertEquals(401, http.manage("DELETE", "/oauth2/register/made-by-admin", tokenA, null).statusCode());
        assertEquals(401, http.manage("PUT", "/oauth2/register/made-by-admin", tokenA, "{\"client_id\":\"made-by-admin\"}").statusCode());
        assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, "made-by-admin").isPresent());
        assertEquals(200, http.manage("GET", path(a), tokenA, null).statusCode(), "failed attempts do not spend the token");
    }

    @Test
    void registerWhenManyAtOnceBeyondTheCapThenExactlyTheCapIsRegistered() throws Exception {
        server = TestServer.start(b -> b.registrationMode("open").registrationMaxClients(3));
        RegistrationHttp http = new RegistrationHttp(server);
        int attempts = 12;
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int i = 0; i < attempts; i++) {
                Callable<Integer> call = () -> http.register(PUBLIC_CLIENT).statusCode();
                results.add(pool.submit(call));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : results) {
                statuses.add(result.get());
            }
            assertEquals(3, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(attempts - 3, statuses.stream().filter(s -> s == 403).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, server.server.engine().registrations().count(Tenant.DEFAULT_ID));
        assertEquals("access_denied", body(http.register(PUBLIC_CLIENT), 403).get("error").asText());
    }

    @Test
    void registerWhenBodyLargerThanTheLimitThen413AndNothingStored() {
        RegistrationHttp http = open();

        HttpResponse<String> response = http.register("{\"client_name\":\"" + "a".repeat(70_000) + "\"}");

        assertEquals(413, response.statusCode());
        assertEquals(0, server.server.engine().registrations().count(Tenant.DEFAULT_ID));
            }
}
