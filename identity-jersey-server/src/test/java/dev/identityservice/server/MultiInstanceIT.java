package dev.identityservice.server;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.key.MasterKey;
import dev.identityservice.server.testing.ServerProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server processes on one PostgreSQL schema: a change made through instance A (a rotated-and-revoked
 * key, a disabled user, a disabled, demoted or revoked admin, a client's new secret) holds on B and C within
 * {@link #AT_ONCE}, measured from A's answer; and a refresh token raced over all three works once.
 * Skipped with a message when {@code IDENTITY_TEST_POSTGRES_URL} is unset.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiInstanceIT {

    private static final Duration AT_ONCE = Duration.ofSeconds(1);
    private static final String POSTGRES_URL_VARIABLE = "IDENTITY_TEST_POSTGRES_URL";
    private static final String USER_PASSWORD = "correct horse battery staple";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String postgresUrl;
    private String schema;
    @TempDir
    static Path dataDirs;
    private ServerProcess a;
    private ServerProcess b;
    private ServerProcess c;
    private String adminPassword;

    @BeforeAll
    void startThreeInstances() throws Exception {
        postgresUrl = System.getenv(POSTGRES_URL_VARIABLE);
        assumeTrue(postgresUrl != null && !postgresUrl.isBlank(), "Multi-instance test skipped: set " + POSTGRES_URL_VARIABLE
                + "=jdbc:postgresql://127.0.0.1:5432/test?user=postgres to run it");
        schema = "multi_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(postgresUrl); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String masterKey = MasterKey.generate().toBase64();
        a = instance(masterKey);
        adminPassword = a.adminPassword();
        CompletableFuture<ServerProcess> startB = CompletableFuture.supplyAsync(() -> instanceUnchecked(masterKey));
        c = instance(masterKey);
        b = startB.join();
    }

    @AfterAll
    void stopInstances() throws Exception {
        for (ServerProcess server : new ServerProcess[] {a, b, c}) {
            if (server != null) {
                server.close();
            }
        }
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(postgresUrl); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void rotateAndRevokeWhenCalledOnAThenBAndCStopUsingTheKeyWithinOneSecond() throws Exception {
        String oldToken = clientToken(b);
        String revokedKid = kidOf(oldToken);
        assertTrue(introspect(c, oldToken).get("active").asBoolean());

        assertEquals(200, admin(a, "POST", "/admin/keys/rotate-and-revoke", adminToken(a, "admin", adminPassword), "").statusCode());
        long answered = System.nanoTime();

        for (ServerProcess other : List.of(b, c)) {
            long signs = awaitMillis(answered, () -> !kidOf(clientToken(other)).equals(revokedKid));
            long jwks = awaitMillis(answered, () -> !get(other, "/oauth2/jwks").body().contains(revokedKid));
            long introspection = awaitMillis(answered, () -> !introspect(other, oldToken).get("active").asBoolean());
            System.out.printf("rotate-and-revoke on A reached %s: stopped signing after %d ms, left the JWKS after %d ms, "
                    + "introspected inactive after %d ms%n", other == b ? "B" : "C", signs, jwks, introspection);
        }
    }

    @Test
    void disableUserWhenCalledOnAThenBAndCRefuseWithinOneSecond() throws Exception {
        String userId = createUser("alice-" + UUID.randomUUID().toString().substring(0, 8), "user");
        String username = username(userId);
        JsonNode tokens = login(b, username, USER_PASSWORD);
        String access = tokens.get("access_token").asText();
        assertEquals(200, userinfo(c, access).statusCode());

        assertEquals(200, admin(a, "POST", "/admin/users/" + userId + "/disable", adminToken(a, "admin", adminPassword), "").statusCode());
        long answered = System.nanoTime();

        for (ServerProcess other : List.of(b, c)) {
            long userinfo = awaitMillis(answered, () -> userinfo(other, access).statusCode() == 401);
            long refresh = awaitMillis(answered, () -> refresh(other, tokens.get("refresh_token").asText()).statusCode() == 400);
            long password = awaitMillis(answered, () -> post(other, "/oauth2/token", form("grant_type", "password",
                    "username", username, "password", USER_PASSWORD)).statusCode() == 400);
            System.out.printf("user disabled on A: refused at %s after %d ms (userinfo), %d ms (refresh), %d ms (login)%n",
                    other == b ? "B" : "C", userinfo, refresh, password);
        }
    }

    @Test
    void adminWhenDisabledDemotedOrRevokedOnAThenRefusedOnBAndCAtOnce() throws Exception {
        String root = adminToken(a, "admin", adminPassword);
        Map<String, String> tokens = new ConcurrentHashMap<>();
        Map<String, String> ids = new ConcurrentHashMap<>();
        for (String action : List.of("disable", "demote", "revoke")) {
            String id = createUser(action + "-" + UUID.randomUUID().toString().substring(0, 8), "admin");
            ids.put(action, id);
            tokens.put(action, adminToken(a, username(id), USER_PASSWORD));
            for (ServerProcess server : List.of(b, c)) {
                assertEquals(200, admin(server, "GET", "/admin/users", tokens.get(action), null).statusCode());
            }
        }

        assertEquals(200, admin(a, "POST", "/admin/users/" + ids.get("disable") + "/disable", root, "").statusCode());
        assertEquals(200, admin(a, "PATCH", "/admin/users/" + ids.get("demote"), root, "{\"roles\":[\"user\"]}").statusCode());
        assertEquals(204, admin(a, "POST", "/admin/users/" + ids.get("revoke") + "/revoke-tokens", root, "").statusCode());

        for (ServerProcess server : List.of(b, c)) {
            assertEquals(401, admin(server, "GET", "/admin/users", tokens.get("disable"), null).statusCode());
            assertEquals(401, admin(server, "POST", "/admin/users/" + ids.get("disable") + "/enable", tokens.get("disable"), "").statusCode());
            assertEquals(403, admin(server, "GET", "/admin/users", tokens.get("demote"), null).statusCode());
            assertEquals(401, admin(server, "GET", "/admin/users", tokens.get("revoke"), null).statusCode());
        }
    }

    @Test
    void rotateSecretWhenCalledOnAThenOldSecretRefusedOnBAndCAtOnce() throws Exception {
        String root = adminToken(a, "admin", adminPassword);
        String clientId = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = admin(a, "POST", "/admin/clients", root,
                "{\"clientId\":\"" + clientId + "\",\"grantTypes\":[\"client_credentials\"],\"scopes\":[\"api\"]}");
        assertEquals(201, created.statusCode(), created.body());
        String oldSecret = json(created.body()).get("secret").asText();
        for (ServerProcess server : List.of(b, c)) {
            assertEquals(200, clientCredentials(server, clientId, oldSecret).statusCode());
        }

        HttpResponse<String> rotated = admin(a, "POST", "/admin/clients/" + clientId + "/secret", root, "");
        assertEquals(200, rotated.statusCode(), rotated.body());
        String newSecret = json(rotated.body()).get("secret").asText();

        for (ServerProcess server : List.of(b, c)) {
            assertEquals(401, clientCredentials(server, clientId, oldSecret).statusCode());
            assertEquals(200, clientCredentials(server, clientId, newSecret).statusCode());
        }
    }

    @Test
    void deleteClientWhenCalledOnAThenItsTokensInactiveOnBAndCAtOnce() throws Exception {
        String root = adminToken(a, "admin", adminPassword);
        String clientId = "gone-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = admin(a, "POST", "/admin/clients", root,
                "{\"clientId\":\"" + clientId + "\",\"grantTypes\":[\"client_credentials\"],\"scopes\":[\"api\"],"
                        // Meant for the introspecting client, which may then introspect it (RFC 7662 §4).
                        + "\"audience\":\"" + ServerProcess.CLIENT_ID + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        HttpResponse<String> issued = clientCredentials(b, clientId, json(created.body()).get("secret").asText());
        assertEquals(200, issued.statusCode(), issued.body());
        String token = json(issued.body()).get("access_token").asText();
        for (ServerProcess server : List.of(b, c)) {
            assertTrue(introspect(server, token).get("active").asBoolean());
        }

        assertEquals(204, admin(a, "DELETE", "/admin/clients/" + clientId, root, null).statusCode());

        for (ServerProcess server : List.of(b, c)) {
            assertFalse(introspect(server, token).get("active").asBoolean(), "a deleted client's token at " + server.port());
        }
    }

    @Test
    void refreshWhen100ConcurrentOverThreeInstancesThenExactlyOne200() throws Exception {
        String userId = createUser("racer-" + UUID.randomUUID().toString().substring(0, 8), "user");
        String refreshToken = login(a, username(userId), USER_PASSWORD).get("refresh_token").asText();
        List<ServerProcess> instances = List.of(a, b, c);
        ExecutorService racers = Executors.newFixedThreadPool(100);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ServerProcess target = instances.get(i % 3);
                answers.add(racers.submit(() -> {
                    go.await();
                    return refresh(target, refreshToken).statusCode();
                }));
            }
            go.countDown();
            int ok = 0;
            int invalidGrant = 0;
            for (Future<Integer> answer : answers) {
                int status = answer.get();
                ok += status == 200 ? 1 : 0;
                invalidGrant += status == 400 ? 1 : 0;
            }
            System.out.printf("100 concurrent refreshes over three instances: %d x 200, %d x 400%n", ok, invalidGrant);
            assertEquals(1, ok);
            assertEquals(99, invalidGrant);
        } finally {
            racers.shutdownNow();
        }
    }

    /**
     * Issue 10: the login budget lives in the shared database, so three instances give a guesser one budget, not
     * three. 30 concurrent wrong guesses for one account from one address, spread over A, B and C: at most the
     * per-account-and-address budget (5) is answered "wrong password"; every other one is throttled, and so is the
     * next guess at any instance.
     */
    @Test
    void loginWhenConcurrentWrongGuessesSpreadOverThreeInstancesThenOneSharedBudget() throws Exception {
        String username = username(createUser("guessed-" + UUID.randomUUID().toString().substring(0, 8), "user"));
        List<ServerProcess> instances = List.of(a, b, c);
        ExecutorService guessers = Executors.newFixedThreadPool(30);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ServerProcess target = instances.get(i % 3);
                answers.add(guessers.submit(() -> {
                    go.await();
                    return post(target, "/oauth2/token", form("grant_type", "password", "username", username,
                            "password", "wrong-guess-" + UUID.randomUUID()));
                }));
            }
            go.countDown();
            int checked = 0;
            int throttled = 0;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                assertEquals(400, response.statusCode(), response.body());
                if (response.headers().firstValue("Retry-After").isPresent()) {
                    throttled++;
                } else {
                    checked++;
                }
            }
            System.out.printf("30 concurrent wrong guesses over three instances: %d checked, %d throttled%n", checked, throttled);
            assertTrue(checked <= 5, "guesses that reached the password check: " + checked);
            assertEquals(30 - checked, throttled);
            for (ServerProcess server : instances) {
                assertTrue(post(server, "/oauth2/token", form("grant_type", "password", "username", username,
                        "password", "yet-another-guess")).headers().firstValue("Retry-After").isPresent(),
                        "the spent budget holds at " + server.port());
            }
        } finally {
            guessers.shutdownNow();
        }
    }

    private ServerProcess instance(String masterKey) throws IOException {
        Path dataDir = Files.createTempDirectory(dataDirs, "instance");
        return ServerProcess.start("--data-dir", dataDir.toString(), "--master-key", masterKey,
                "--issuer", "http://127.0.0.1/multi", "--db-url",
                postgresUrl + (postgresUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    }

    private ServerProcess instanceUnchecked(String masterKey) {
        try {
            return instance(masterKey);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String createUser(String username, String role) {
        HttpResponse<String> created = admin(a, "POST", "/admin/users", adminToken(a, "admin", adminPassword),
                "{\"username\":\"" + username + "\",\"password\":\"" + USER_PASSWORD + "\",\"roles\":[\"" + role + "\"]}");
        assertEquals(201, created.statusCode(), created.body());
        return json(created.body()).get("id").asText();
    }

    private String username(String userId) {
        HttpResponse<String> user = admin(a, "GET", "/admin/users/" + userId, adminToken(a, "admin", adminPassword), null);
        return json(user.body()).get("username").asText();
    }

    private String adminToken(ServerProcess server, String username, String password) {
        return login(server, username, password).get("access_token").asText();
    }

    private JsonNode login(ServerProcess server, String username, String password) {
        HttpResponse<String> answer = post(server, "/oauth2/token", form("grant_type", "password", "username", username, "password", password));
        assertEquals(200, answer.statusCode(), answer.body());
        return json(answer.body());
    }

    private String clientToken(ServerProcess server) {
        HttpResponse<String> answer = post(server, "/oauth2/token", form("grant_type", "client_credentials"));
        assertEquals(200, answer.statusCode(), answer.body());
        return json(answer.body()).get("access_token").asText();
    }

    private HttpResponse<String> clientCredentials(ServerProcess server, String clientId, String secret) {
        return send(HttpRequest.newBuilder(server.uri("/oauth2/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic(clientId, secret))
                .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "client_credentials"))));
    }

    private JsonNode introspect(ServerProcess server, String token) {
        return json(post(server, "/oauth2/introspect", form("token", token)).body());
    }

    private HttpResponse<String> refresh(ServerProcess server, String token) {
        return post(server, "/oauth2/token", form("grant_type", "refresh_token", "refresh_token", token));
    }

    private HttpResponse<String> userinfo(ServerProcess server, String accessToken) {
        return send(HttpRequest.newBuilder(server.uri("/oauth2/userinfo")).header("Authorization", "Bearer " + accessToken).GET());
    }

    private HttpResponse<String> get(ServerProcess server, String path) {
        return send(HttpRequest.newBuilder(server.uri(path)).GET());
    }

    private HttpResponse<String> post(ServerProcess server, String path, String body) {
        return send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic(ServerProcess.CLIENT_ID, ServerProcess.CLIENT_SECRET)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> admin(ServerProcess server, String method, String path, String token, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + token);
        if (jsonBody == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("request failed: " + e.getMessage(), e);
        }
    }

    /** Polls {@code condition} until it holds; answers the milliseconds since {@code since}, failing past {@link #AT_ONCE}. */
    private static long awaitMillis(long since, java.util.function.BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            long elapsed = (System.nanoTime() - since) / 1_000_000;
            assertTrue(elapsed <= AT_ONCE.toMillis(), "not within " + AT_ONCE + " (" + elapsed + " ms)");
            Thread.sleep(10);
        }
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static String kidOf(String token) {
        String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
        return json(header).get("kid").asText();
    }

}
