package dev.identityservice.server.observability;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.ProxiedPostgresSchema;
import dev.identityservice.server.testing.TcpProxy;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server on PostgreSQL reached through a {@link TcpProxy}, which the test cuts (every connection reset, new ones
 * refused) and restores, as when the database host goes away and comes back (issue 14, item 5). While it is away
 * every request that needs the database answers 503 with {@code Retry-After} within the connection timeout, never
 * 500; readiness is false within its probe bound; JWKS, discovery and liveness keep answering from memory; and the
 * server recovers on its own. Skipped unless {@code IDENTITY_TEST_POSTGRES_URL} is set.
 */
class DatabaseOutageTest {

    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    /** What the bound allows beyond the connection timeout: a busy two-core machine. */
    private static final Duration SLACK = Duration.ofSeconds(2);

    private ProxiedPostgresSchema postgres;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        postgres = ProxiedPostgresSchema.createOrSkip("outage_");
        server = TestServer.start(b -> b.dbUrl(postgres.jdbcUrl()).dbUser(null).dbConnectionTimeout(CONNECTION_TIMEOUT)
                .adminAudiences("app"));
        server.confidentialClient("app");
        server.user("root", "admin");
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void requestsWhenDatabaseCutThen503RetryAfterWithinBoundAndRecoveryWhenRestored() throws Exception {
        String adminToken = server.passwordLogin("app", "root").get("access_token").asText();
        assertEquals(200, clientCredentials().statusCode());
        assertEquals(200, server.get("/health/ready").statusCode());

        postgres.cut();

        // Readiness turns false within its own bound, however long the pool would wait.
        Timed<HttpResponse<String>> ready = timed(() -> server.get("/health/ready"));
        assertEquals(503, ready.value.statusCode(), ready.value.body());
        assertTrue(ready.elapsed.compareTo(DatabaseHealth.PROBE_TIMEOUT.plus(SLACK)) < 0, "readiness took " + ready.elapsed);
        assertEquals("down", json(ready.value.body()).get("database").asText());
        assertEquals(String.valueOf(DatabaseHealth.RETRY_AFTER_SECONDS), ready.value.headers().firstValue("Retry-After").orElse(null));
        assertEquals(503, server.get("/health").statusCode());
        // Liveness does no I/O: the process is fine and must not be restarted.
        assertEquals(200, server.get("/health/live").statusCode());

        // The token endpoint: RFC 6749-shaped temporarily_unavailable, 503, Retry-After, within the connection timeout.
        Timed<HttpResponse<String>> token = timed(this::clientCredentials);
        assertUnavailable(token.value);
        assertTrue(token.elapsed.compareTo(CONNECTION_TIMEOUT.plus(SLACK)) < 0, "token endpoint took " + token.elapsed);
        assertEquals("no-store", token.value.headers().firstValue("Cache-Control").orElse(null));

        // Concurrent requests of every kind that needs the database: all 503, none 500, all within the bound.
        // (Own threads: the common pool may have one on a two-core machine, which would serialize the calls.)
        ExecutorService callers = Executors.newFixedThreadPool(16);
        List<CompletableFuture<Timed<HttpResponse<String>>>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> timed(this::clientCredentials), callers));
            calls.add(CompletableFuture.supplyAsync(() -> timed(() -> server.post("/oauth2/token",
                    form("grant_type", "password", "username", "root", "password", TestServer.PASSWORD),
                    "Authorization", basic("app", SECRET))), callers));
            calls.add(CompletableFuture.supplyAsync(() -> timed(() -> server.get("/admin/users", "Authorization", "Bearer " + adminToken)), callers));
            calls.add(CompletableFuture.supplyAsync(() -> timed(() -> server.get("/oauth2/userinfo", "Authorization", "Bearer " + adminToken)), callers));
        }
        callers.shutdown();
        for (CompletableFuture<Timed<HttpResponse<String>>> call : calls) {
            Timed<HttpResponse<String>> answer = call.join();
            assertUnavailable(answer.value);
            assertTrue(answer.elapsed.compareTo(CONNECTION_TIMEOUT.plus(SLACK).plus(SLACK)) < 0, "took " + answer.elapsed);
        }

        // From memory: the keys and the metadata.
        Timed<HttpResponse<String>> jwks = timed(() -> server.get("/oauth2/jwks"));
        assertEquals(200, jwks.value.statusCode());
        assertTrue(jwks.elapsed.compareTo(Duration.ofSeconds(1)) < 0, "JWKS took " + jwks.elapsed);
        assertEquals(200, server.get("/.well-known/openid-configuration").statusCode());

        postgres.restore();

        // No restart: the pool reconnects, and readiness follows.
        Timed<HttpResponse<String>> recovered = timed(() -> awaitStatus(200, this::clientCredentials, Duration.ofSeconds(20)));
        assertEquals(200, recovered.value.statusCode(), recovered.value.body());
        System.out.printf("Database outage: readiness 503 in %d ms, token 503 in %d ms, served again %d ms after the restore%n",
                ready.elapsed.toMillis(), token.elapsed.toMillis(), recovered.elapsed.toMillis());
        assertEquals(200, awaitStatus(200, () -> server.get("/health/ready"), Duration.ofSeconds(10)).statusCode());
        assertEquals(200, server.get("/admin/users", "Authorization", "Bearer " + adminToken).statusCode());
        assertTrue(server.metrics().contains("hikaricp_connections_timeout_total"), "the pool's timeouts are counted");
    }

    @Test
    void everyEndpointWhenDatabaseCutThenNo500AndNoHang() throws Exception {
        JsonNode tokens = server.passwordLogin("app", "root");
        String access = tokens.get("access_token").asText();
        String refresh = tokens.get("refresh_token").asText();
        Browser signedIn = new Browser();
        Browser.LoginForm form = loginForm(signedIn);
        assertEquals(302, submit(signedIn, form, "root", TestServer.PASSWORD).statusCode());
        Browser fresh = new Browser();
        Browser.LoginForm pending = loginForm(fresh);

        postgres.cut();

        Map<String, Supplier<HttpResponse<String>>> calls = new LinkedHashMap<>();
        calls.put("introspection", () -> server.post("/oauth2/introspect", form("token", access), "Authorization", basic("app", SECRET)));
        calls.put("revocation", () -> server.post("/oauth2/revoke", form("token", refresh), "Authorization", basic("app", SECRET)));
        calls.put("refresh grant", () -> server.post("/oauth2/token", form("grant_type", "refresh_token", "refresh_token", refresh),
                "Authorization", basic("app", SECRET)));
        calls.put("login form post", () -> submit(fresh, pending, "root", TestServer.PASSWORD));
        calls.put("login form post, wrong password", () -> submit(fresh, pending, "root", "wrong-password-1"));
        calls.put("authorize, signed-in browser", () -> signedIn.send(HttpRequest.newBuilder(authorizeUri(false)).GET()));
        calls.put("authorize, new browser", () -> new Browser().send(HttpRequest.newBuilder(authorizeUri(false)).GET()));
        calls.put("logout", () -> signedIn.send(HttpRequest.newBuilder(server.uri("/oauth2/logout")).GET()));
        calls.put("admin events", () -> server.get("/admin/events", "Authorization", "Bearer " + access));
        calls.put("admin tenant export", () -> server.get("/admin/tenants/default/export", "Authorization", "Bearer " + access));
        calls.put("metrics", () -> server.get("/metrics", "Authorization", "Bearer " + access));
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Supplier<HttpResponse<String>>> call : calls.entrySet()) {
            Timed<HttpResponse<String>> answer = timed(call.getValue());
            int status = answer.value.statusCode();
            System.out.printf("Database cut: %s -> %d in %d ms%n", call.getKey(), status, answer.elapsed.toMillis());
            if (status >= 500 && (status != 503 || answer.value.headers().firstValue("Retry-After").isEmpty())) {
                failures.add(call.getKey() + ": " + status + " " + answer.value.headers().map() + " " + answer.value.body());
            }
            if (answer.elapsed.compareTo(CONNECTION_TIMEOUT.plus(SLACK).plus(SLACK)) >= 0) {
                failures.add(call.getKey() + ": took " + answer.elapsed);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private URI authorizeUri(boolean promptLogin) {
        return server.uri("/oauth2/authorize?" + form("response_type", "code", "client_id", "app",
                "redirect_uri", "https://app.example.com/callback", "state", "s", "scope", "openid")
                + (promptLogin ? "&prompt=login" : ""));
    }

    private Browser.LoginForm loginForm(Browser browser) {
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(authorizeUri(true)).GET());
        assertEquals(200, page.statusCode(), page.body());
        return Browser.loginForm(page.body());
    }

    private HttpResponse<String> submit(Browser browser, Browser.LoginForm form, String username, String password) {
        return browser.send(HttpRequest.newBuilder(server.uri(form.action().getRawPath()))
                .header("Content-Type", TestServer.FORM)
                .POST(HttpRequest.BodyPublishers.ofString(form.withCredentials(username, password))));
    }

    private HttpResponse<String> clientCredentials() {
        return server.post("/oauth2/token", form("grant_type", "client_credentials"), "Authorization", basic("app", SECRET));
    }

    private static void assertUnavailable(HttpResponse<String> response) {
        assertEquals(503, response.statusCode(), response.body());
        assertEquals("temporarily_unavailable", json(response.body()).get("error").asText(), response.body());
        assertEquals(String.valueOf(DatabaseHealth.RETRY_AFTER_SECONDS), response.headers().firstValue("Retry-After").orElse(null));
    }

    private static HttpResponse<String> awaitStatus(int status, Supplier<HttpResponse<String>> request, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        HttpResponse<String> last = request.get();
        while (last.statusCode() != status && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
            last = request.get();
        }
        return last;
    }

    private record Timed<T>(T value, Duration elapsed) {
    }

    private static <T> Timed<T> timed(Supplier<T> call) {
        long start = System.nanoTime();
        T value = call.get();
        return new Timed<>(value, Duration.ofNanos(System.nanoTime() - start));
    }
}
