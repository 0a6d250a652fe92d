package dev.identityservice.server.ssf;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.verify.GuardTokenVerifier;
import dev.identityservice.server.testing.TestServer;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's "three server instances": A, B and C in this JVM on one PostgreSQL schema, behind one issuer URL (B's
 * address, as a load balancer's would be one), and a real guard ({@link GuardTokenVerifier}, verified-token cache on)
 * whose receiver polls B. An access token revoked on any instance (RFC 7009), cached by the guard beforehand, is
 * refused by the guard within 1 s: the event written on A or C wakes the poll held on B through PostgreSQL
 * LISTEN/NOTIFY. Skipped when {@code IDENTITY_TEST_POSTGRES_URL} is unset.
 */
class SecurityEventsThreeInstancesPostgresTest {

    private static final String URL_VARIABLE = "IDENTITY_TEST_POSTGRES_URL";
    private static final int TRIALS_PER_INSTANCE = 10;

    private String url;
    private String schema;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void schema() throws Exception {
        url = System.getenv(URL_VARIABLE);
        assumeTrue(url != null && !url.isBlank(), "PostgreSQL test skipped: set " + URL_VARIABLE);
        schema = "ssf3_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void accessTokenRevokedOnAnyInstanceWhenGuardPollsAnotherThenRefusedWithinOneSecond() throws Exception {
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        String masterKey = MasterKey.generate().toBase64();
        int portOfB;
        try (ServerSocket probe = new ServerSocket(0)) {
            portOfB = probe.getLocalPort();
        }
        String issuer = "http://127.0.0.1:" + portOfB;
        TestServer a = start(schemaUrl, masterKey, issuer, 0);
        TestServer b = start(schemaUrl, masterKey, issuer, portOfB);
        TestServer c = start(schemaUrl, masterKey, issuer, 0);
        a.confidentialClient("app");
        a.save(a.confidential(Tenant.DEFAULT_ID, "guard").scopes(Set.of("security_events")));
        a.user("alice");
        String audience = SignedJWT.parse(a.passwordLogin("app", "alice").get("access_token").asText())
                .getJWTClaimsSet().getAudience().get(0);

        GuardTokenVerifier guard = GuardTokenVerifier.create(GuardConfig.builder().issuer(issuer).audience(audience)
                .eventsClient("guard", TestServer.SECRET).build());
        closing.add(0, guard);
        SecurityEventsTest.waitUntil(() -> !guard.eventFreshness().stale() && b.server.longPolls().parked() == 1);

        Map<String, List<Long>> millis = new LinkedHashMap<>();
        Map<String, TestServer> instances = new LinkedHashMap<>();
        instances.put("A", a);
        instances.put("B", b);
        instances.put("C", c);
        for (int trial = 0; trial < TRIALS_PER_INSTANCE; trial++) {
            for (Map.Entry<String, TestServer> instance : instances.entrySet()) {
                TestServer at = instance.getValue();
                String token = at.passwordLogin("app", "alice").get("access_token").asText();
                assertDoesNotThrow(() -> guard.verify(token));
                assertDoesNotThrow(() -> guard.verify(token)); // from the verified-token cache
                long start = System.nanoTime();
                assertEquals(200, at.post("/oauth2/revoke", form("token", token), "Authorization", basic("app", TestServer.SECRET)).statusCode());
                while (!refused(guard, token)) {
                    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "not refused 5 s after a revocation on " + instance.getKey());
                    Thread.sleep(2);
                }
                millis.computeIfAbsent(instance.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - start) / 1_000_000);
            }
        }
        List<Long> all = new ArrayList<>();
        millis.forEach((name, list) -> {
            list.sort(null);
            all.addAll(list);
            System.out.println("Three instances, guard polling B: revoked on " + name + ", refused by the guard after (ms, sorted) " + list);
        });
        all.sort(null);
        assertTrue(all.get(all.size() - 1) < 1_000, "slowest " + all.get(all.size() - 1) + " ms: " + millis);
    }

    private TestServer start(String schemaUrl, String masterKey, String issuer, int port) {
        TestServer server = TestServer.start(c -> c.dbUrl(schemaUrl).dbUser(null).masterKey(masterKey).issuer(issuer).port(port)
                .signingAlgorithm(SigningAlgorithm.RS256));
        closing.add(0, server);
        return server;
    }

    private static boolean refused(GuardTokenVerifier guard, String token) {
        try {
            guard.verify(token);
            return false;
        } catch (InvalidTokenException e) {
            assertEquals("token revoked", e.error().description());
            return true;
        } catch (VerificationUnavailableException e) {
            throw new AssertionError(e);
        }
    }
}
