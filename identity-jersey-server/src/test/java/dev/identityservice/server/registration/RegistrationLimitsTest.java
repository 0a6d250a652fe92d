package dev.identityservice.server.registration;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Open registration cannot fill the client table: a budget of registrations per client network (429 with
 * {@code Retry-After} past it, refused requests not counted), and registered clients that never obtain a token
 * deleted by the cleanup after {@code registration.unused.client.ttl}, announced as {@code client_secret_expires_at}.
 * Real server and HTTP; the expiry on H2 and PostgreSQL.
 */
class RegistrationLimitsTest {

    private static final String CONFIDENTIAL = "{\"grant_types\":[\"client_credentials\"],\"token_endpoint_auth_method\":\"client_secret_basic\"}";

    @Test
    void registerWhenNetworkBudgetSpentThen429WithRetryAfterAndRefusedOnesNotCounted() {
        try (TestServer server = TestServer.start(b -> b.registrationMode("open").registrationLimitAddress(3).registrationWindow(Duration.ofMinutes(10)))) {
            RegistrationHttp http = new RegistrationHttp(server);
            for (int i = 0; i < 5; i++) {
                assertEquals(400, http.register("{\"grant_types\":[\"password\"]}").statusCode(), "refused: gives its attempt back");
            }
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> ok = http.register(CONFIDENTIAL);
                assertEquals(201, ok.statusCode(), ok.body());
            }

            HttpResponse<String> refused = http.register(CONFIDENTIAL);

            assertEquals(429, refused.statusCode(), refused.body());
            assertEquals("temporarily_unavailable", json(refused.body()).get("error").asText());
            long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter > 0 && retryAfter <= 600, "within the window: " + retryAfter);
        }
    }

    @Test
    void registerWhenUntrustedPeerNamesAnotherAddressEachTimeThenStillOneBudget() {
        try (TestServer server = TestServer.start(b -> b.registrationMode("open").registrationLimitAddress(2).registrationWindow(Duration.ofMinutes(10)))) {
            for (int i = 0; i < 2; i++) {
                assertEquals(201, register(server, "192.0.2." + (i + 1)).statusCode());
            }
            HttpResponse<String> refused = register(server, "192.0.2.99");
            assertEquals(429, refused.statusCode(), "X-Forwarded-For from a peer that is no trusted proxy is ignored: " + refused.body());
        }
    }

    @Test
    void registerWhenBehindTrustedProxyThenBudgetPerForwardedAddress() {
        try (TestServer server = TestServer.start(b -> b.registrationMode("open").registrationLimitAddress(2)
                .registrationWindow(Duration.ofMinutes(10)).trustedProxies("127.0.0.1").issuer("https://id.example.com"))) {
            for (int i = 0; i < 2; i++) {
                assertEquals(201, register(server, "192.0.2.1").statusCode());
            }
            assertEquals(429, register(server, "192.0.2.1").statusCode(), "the forwarded client's budget is spent");
            assertEquals(201, register(server, "198.51.100.7").statusCode(), "another client behind the proxy has its own");
        }
    }

    private static HttpResponse<String> register(TestServer server, String forwardedFor) {
        return server.post("/oauth2/register", CONFIDENTIAL, "Content-Type", "application/json", "X-Forwarded-For", forwardedFor);
    }

    @Test
    void cleanupWhenRegisteredClientNeverObtainedATokenThenDeletedAfterTtlOnH2() throws Exception {
        expiry(null);
    }

    @Test
    void cleanupWhenRegisteredClientNeverObtainedATokenThenDeletedAfterTtlOnPostgres() throws Exception {
        String url = System.getenv("IDENTITY_TEST_POSTGRES_URL");
        assumeTrue(url != null && !url.isBlank(), "set IDENTITY_TEST_POSTGRES_URL to run the PostgreSQL variant");
        String schema = "reglim_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        expiry(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    }

    private static void expiry(String postgresUrl) throws Exception {
        MutableClock clock = MutableClock.startingNow();
        try (TestServer server = TestServer.start(b -> {
            b.registrationMode("open").registrationUnusedClientTtl(Duration.ofHours(1));
            if (postgresUrl != null) {
                b.dbUrl(postgresUrl).dbUser(null);
            }
        }, clock, UnaryOperator.identity())) {
            RegistrationHttp http = new RegistrationHttp(server);
            JsonNode unused = json(http.register(CONFIDENTIAL).body());
            JsonNode used = json(http.register(CONFIDENTIAL).body());
            long registeredAt = unused.get("client_id_issued_at").asLong();
            assertEquals(registeredAt + 3600, unused.get("client_secret_expires_at").asLong(), unused.toString());

            HttpResponse<String> token = server.post("/oauth2/token", form("grant_type", "client_credentials"),
                    "Authorization", basic(used.get("client_id").asText(), used.get("client_secret").asText()));
            assertEquals(200, token.statusCode(), token.body());
            HttpResponse<String> read = http.manage("GET", RegistrationHttp.path(used), used.get("registration_access_token").asText(), null);
            assertEquals(0, json(read.body()).get("client_secret_expires_at").asLong(), "in use: never expires");

            clock.advance(Duration.ofMinutes(59));
            server.server.engine().cleanup().deleteExpired();
            assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, unused.get("client_id").asText()).isPresent(),
                    "kept until the TTL has passed");

            clock.advance(Duration.ofMinutes(2));
            server.server.engine().cleanup().deleteExpired();

            assertFalse(server.server.engine().clients().find(Tenant.DEFAULT_ID, unused.get("client_id").asText()).isPresent());
            assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, used.get("client_id").asText()).isPresent());
            HttpResponse<String> gone = server.post("/oauth2/token", form("grant_type", "client_credentials"),
                    "Authorization", basic(unused.get("client_id").asText(), unused.get("client_secret").asText()));
            assertEquals(401, gone.statusCode(), gone.body());
        }
    }
}
