package dev.identityservice.server.observability;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} guarded like the management API, what it holds (JVM, pool, Jetty, the per-endpoint latency
 * histogram with bounded tags, the server's own counters under their names), the loopback management port that
 * serves it without a token, and {@code /health/live}, {@code /health/ready}, {@code /health} (issue 14, item 7).
 */
class MetricsAndHealthTest {

    private static TestServer server;
    private static String adminToken;

    @BeforeAll
    static void start() {
        server = TestServer.start(b -> b.adminAudiences("app"));
        server.confidentialClient("app");
        server.user("root", "admin");
        server.user("alice");
        adminToken = server.passwordLogin("app", "root").get("access_token").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void metricsWhenNoTokenThen401WithBearerChallengeAndNoMetrics() {
        HttpResponse<String> response = server.get("/metrics");

        assertEquals(401, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), response.headers().toString());
        assertFalse(response.body().contains("jvm_"), response.body());
    }

    @Test
    void metricsWhenTokenWithoutAdminRoleThen403() {
        String userToken = server.passwordLogin("app", "alice").get("access_token").asText();

        HttpResponse<String> response = server.get("/metrics", "Authorization", "Bearer " + userToken);

        assertEquals(403, response.statusCode(), response.body());
        assertEquals("insufficient_scope", json(response.body()).get("error").asText());
    }

    @Test
    void metricsWhenAdminTokenThenJvmPoolJettyAndEndpointHistogramsUnderTheirNames() {
        server.post("/oauth2/token", form("grant_type", "client_credentials"), "Authorization", basic("app", SECRET));
        server.post("/oauth2/token", form("grant_type", "password", "username", "alice", "password", "wrong"),
                "Authorization", basic("app", SECRET));

        HttpResponse<String> response = server.get("/metrics", "Authorization", "Bearer " + adminToken);

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("version=0.0.4"));
        String metrics = response.body();
        for (String name : new String[] {"jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
                "system_cpu_count", "process_uptime_seconds", "hikaricp_connections{pool=\"identity-db\"}",
                "hikaricp_connections_acquire_seconds", "jetty_threads_busy", "jetty_connections_current",
                "jetty_server_requests_seconds_count",
                // The counters from before, under their names.
                "identity_http_requests_total{endpoint=\"TokenEndpoint\",outcome=\"success\"}", "identity_tokens_issued_total",
                "identity_login_attempts_total", "identity_logins_failed_total"}) {
            assertTrue(metrics.contains(name), name + " missing");
        }
        assertTrue(metrics.contains("identity_http_server_requests_seconds_bucket{endpoint=\"/oauth2/token\",method=\"POST\",status=\"2xx\",le="),
                "token endpoint histogram missing");
        assertTrue(metrics.contains("identity_http_server_requests_seconds_bucket{endpoint=\"/oauth2/token\",method=\"POST\",status=\"4xx\",le="),
                "4xx series missing");
    }

    @Test
    void metricsWhenManyRandomPathsAndMethodsThenOneUnmatchedSeriesAndTemplatesNotRawPaths() {
        for (int i = 0; i < 30; i++) {
            server.get("/no/such/" + UUID.randomUUID());
            server.get("/admin/users/" + UUID.randomUUID(), "Authorization", "Bearer " + adminToken);
            server.send(HttpRequest.newBuilder(server.uri("/oauth2/token")).method("X" + i, HttpRequest.BodyPublishers.noBody()));
        }

        String metrics = server.get("/metrics", "Authorization", "Bearer " + adminToken).body();

        assertFalse(metrics.contains("/no/such/"), "a raw path became a tag value");
        assertTrue(metrics.contains("endpoint=\"/admin/users/{id}\""), "the template, not the path");
        assertEquals(0, count(metrics, "method=\"X[0-9]+\""), "an arbitrary method became a tag value");
        assertTrue(count(metrics, "(?m)^identity_http_server_requests_seconds_count\\{[^}]*\\}") < 30, "series multiplied");
    }

    @Test
    void jettyRequestTimerWhenRequestsEndInManyWaysThenEachCountedOnceUnderItsMethodStatusAndOutcome() {
        String before = server.get("/metrics", "Authorization", "Bearer " + adminToken).body();
        int patch = status("PATCH", "/oauth2/jwks");
        int unknown = status("BREW", "/oauth2/jwks");
        int missing = status("GET", "/no/such/path");
        for (int i = 0; i < 3; i++) {
            assertEquals(patch, status("PATCH", "/oauth2/jwks"));
        }

        String after = server.get("/metrics", "Authorization", "Bearer " + adminToken).body();

        assertEquals(404, missing);
        assertTrue(patch >= 400 && patch < 500 && unknown >= 400 && unknown < 500, patch + " " + unknown);
        String patchSeries = "{method=\"PATCH\",outcome=\"CLIENT_ERROR\",status=\"" + patch + "\"}";
        assertEquals(4, value(after, "jetty_server_requests_seconds_count" + patchSeries) - value(before, "jetty_server_requests_seconds_count" + patchSeries));
        assertTrue(value(after, "jetty_server_requests_seconds_sum" + patchSeries) > value(before, "jetty_server_requests_seconds_sum" + patchSeries),
                "time recorded");
        String otherSeries = "jetty_server_requests_seconds_count{method=\"other\",outcome=\"CLIENT_ERROR\",status=\"" + unknown + "\"}";
        assertEquals(1, value(after, otherSeries) - value(before, otherSeries));
        String missingSeries = "jetty_server_requests_seconds_count{method=\"GET\",outcome=\"CLIENT_ERROR\",status=\"404\"}";
        assertEquals(1, value(after, missingSeries) - value(before, missingSeries));
        assertFalse(after.contains("BREW"), "a method outside the standard ones became a tag value");
    }

    /** What {@code memory.idle.release} reads to tell an idle server: every request Jetty completed, whatever its answer. */
    @Test
    void requestsCompletedWhenRequestsEndInManyWaysThenEachCountedOnce() throws InterruptedException {
        ServerMetrics metrics = server.server.metrics();
        Thread.sleep(200); // the requests of the tests before timed
        long before = metrics.requestsCompleted();
        assertEquals(200, status("GET", "/oauth2/jwks"));
        assertEquals(404, status("GET", "/no/such/path"));
        status("BREW", "/oauth2/jwks");
        server.post("/oauth2/token", form("grant_type", "client_credentials"), "Authorization", basic("app", SECRET));

        // Jetty times a request once its response is complete, which the client may see first.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (metrics.requestsCompleted() - before < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100);

        assertEquals(4, metrics.requestsCompleted() - before);
    }

    @Test
    void metricsWhenTenantPathThen404EvenForThatTenantsAdmin() {
        server.tenant("acme");
        server.userIn("acme", "acme-root", "admin");
        server.save(server.confidential("acme", "app"));
        String acmeToken = json(server.post("/t/acme/oauth2/token", form("grant_type", "password", "username", "acme-root",
                "password", TestServer.PASSWORD), "Authorization", basic("app", SECRET)).body()).get("access_token").asText();

        assertEquals(404, server.get("/t/acme/metrics", "Authorization", "Bearer " + acmeToken).statusCode());
        assertEquals(401, server.get("/metrics", "Authorization", "Bearer " + acmeToken).statusCode(), "another tenant's token");
    }

    @Test
    void healthWhenUpThenLiveReadyAndCombinedAnswer200() {
        HttpResponse<String> live = server.get("/health/live");
        HttpResponse<String> ready = server.get("/health/ready");
        HttpResponse<String> health = server.get("/health");

        assertEquals(200, live.statusCode());
        assertTrue(json(live.body()).get("live").asBoolean());
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("up", json(ready.body()).get("database").asText());
        assertEquals("loaded", json(ready.body()).get("keys").asText());
        assertEquals(200, health.statusCode());
        assertTrue(json(health.body()).get("live").asBoolean() && json(health.body()).get("ready").asBoolean());
        assertEquals("no-store", ready.headers().firstValue("Cache-Control").orElse(null));
    }

    @Test
    void managementPortWhenSetThenMetricsWithoutTokenThereAndNotOnTheMainPort() {
        try (TestServer managed = TestServer.start(b -> b.managementPort(0))) {
            int managementPort = managed.server.managementPort();
            assertTrue(managementPort > 0 && managementPort != managed.server.port());

            HttpResponse<String> metrics = managed.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics")));
            HttpResponse<String> ready = managed.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health/ready")));
            HttpResponse<String> token = managed.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/oauth2/jwks")));

            assertEquals(200, metrics.statusCode(), metrics.body());
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"));
            assertEquals(200, ready.statusCode());
            assertEquals(404, token.statusCode(), "the management port serves metrics and health only");
            assertEquals(404, managed.get("/metrics").statusCode(), "no metrics on the main port");
            assertEquals(200, managed.get("/health/ready").statusCode(), "health stays on the main port for load balancers");
        }
    }

    /** The status of a {@code method} request to {@code path} without a body. */
    private static int status(String method, String path) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).method(method, HttpRequest.BodyPublishers.noBody())).statusCode();
    }

    /** The value of the sample {@code series} (name and labels, as Prometheus writes them) in {@code metrics}; 0 when absent. */
    private static double value(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
