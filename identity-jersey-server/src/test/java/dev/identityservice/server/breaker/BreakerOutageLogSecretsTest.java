package dev.identityservice.server.breaker;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.server.testing.CapturedLog;
import dev.identityservice.server.testing.ProxiedPostgresSchema;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Breaker: during a real database outage (PostgreSQL through a cut TCP proxy), requests carrying every kind of
 * secret (client secret, password, access token, refresh token, authorization code, client assertion) are refused
 * with 503; no log line the outage produces carries any of them. Skipped unless IDENTITY_TEST_POSTGRES_URL is set.
 */
class BreakerOutageLogSecretsTest {

    private ProxiedPostgresSchema postgres;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        postgres = ProxiedPostgresSchema.createOrSkip("brk_outage_");
        server = TestServer.start(b -> b.dbUrl(postgres.jdbcUrl()).dbUser(null)
                .dbConnectionTimeout(Duration.ofSeconds(1)).adminAudiences("app"));
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
    void outageLogLinesCarryNoSecret() throws Exception {
        JsonNode tokens = server.passwordLogin("app", "root");
        String access = tokens.get("access_token").asText();
        String refresh = tokens.get("refresh_token").asText();
        String code = "brk-code-" + "Q".repeat(40);

        postgres.cut();
        List<HttpResponse<String>> answers = new ArrayList<>();
        try (CapturedLog log = new CapturedLog()) {
            answers.add(server.post("/oauth2/token", form("grant_type", "password", "username", "root",
                    "password", TestServer.PASSWORD), "Authorization", basic("app", SECRET)));
            answers.add(server.post("/oauth2/token", form("grant_type", "refresh_token", "refresh_token", refresh),
                    "Authorization", basic("app", SECRET)));
            answers.add(server.post("/oauth2/token", form("grant_type", "authorization_code", "code", code,
                    "redirect_uri", "https://app.example.com/callback", "code_verifier", "v".repeat(43)),
                    "Authorization", basic("app", SECRET)));
            answers.add(server.post("/oauth2/introspect", form("token", access), "Authorization", basic("app", SECRET)));
            answers.add(server.post("/oauth2/revoke", form("token", refresh), "Authorization", basic("app", SECRET)));
            answers.add(server.get("/oauth2/userinfo", "Authorization", "Bearer " + access));
            answers.add(server.get("/admin/users", "Authorization", "Bearer " + access));
            answers.add(server.post("/oauth2/token", form("grant_type", "client_credentials", "client_id", "app",
                    "client_secret", SECRET)));
            Thread.sleep(500);
            List<String> lines = log.lines();
            for (HttpResponse<String> answer : answers) {
                assertTrue(answer.statusCode() == 503 || answer.statusCode() == 401, answer.statusCode() + " " + answer.body());
                assertFalse(answer.statusCode() == 500, answer.body());
            }
            assertTrue(lines.stream().anyMatch(l -> l.contains("Database unavailable")), String.join("\n", lines));
            for (String secret : List.of(SECRET, TestServer.PASSWORD, access, refresh, code,
                    access.substring(access.lastIndexOf('.') + 1), refresh.substring(0, Math.min(20, refresh.length())))) {
                for (String line : lines) {
                    assertFalse(line.contains(secret), "a log line carries a secret: " + line);
                }
            }
        } finally {
            postgres.restore();
        }
        assertEquals(200, awaitOk().statusCode());
    }

    private HttpResponse<String> awaitOk() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        HttpResponse<String> last;
        do {
            last = server.post("/oauth2/token", form("grant_type", "client_credentials"), "Authorization", basic("app", SECRET));
            if (last.statusCode() == 200) {
                return last;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return last;
    }
}
