package dev.identityservice.core.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.TestEngine;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Pushed authorization requests on H2 and PostgreSQL: one-time use under a race, storage by hash, cleanup. */
class PushedAuthorizationRequestsTest {

    private static final Map<String, String> PARAMETERS = Map.of("client_id", "web", "response_type", "code",
            "state", "a b&c=d%", "redirect_uri", "https://app.example.com/callback");

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void takeWhenRacedByEightThreadsThenExactlyOneGetsTheParameters(DatabaseKind kind) throws Exception {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            String requestUri = t.engine.pushedRequests().push(tenant.id(), "web", PARAMETERS).requestUri();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Map<String, String>>> attempts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                attempts.add(pool.submit(() -> {
                    go.await();
                    try {
                        return t.engine.pushedRequests().take(tenant.id(), "web", requestUri);
                    } catch (OAuthException refused) {
                        assertEquals("invalid_request_uri", refused.error().code());
                        return null;
                    }
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<Map<String, String>> attempt : attempts) {
                Map<String, String> parameters = attempt.get();
                if (parameters != null) {
                    won++;
                    assertEquals(PARAMETERS, parameters, "the parameters come back exactly, encoding and all");
                }
            }
            pool.shutdown();
            assertEquals(1, won);
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void pushWhenStoredThenOnlyTheHashOfTheReferenceIsInTheTableAndCleanupDeletesItAtExpiry(DatabaseKind kind) throws Exception {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            String requestUri = t.engine.pushedRequests().push(tenant.id(), "web", PARAMETERS).requestUri();
            String reference = requestUri.substring(PushedAuthorizationRequests.URN_PREFIX.length());
            assertFalse(column(t, "reference_hash").contains(reference));

            t.clock.advance(PushedAuthorizationRequests.LIFETIME.minusSeconds(1));
            assertEquals(0, t.engine.cleanup().deleteExpired(), "still usable: kept");
            t.clock.advance(Duration.ofSeconds(1));
            assertTrue(t.engine.cleanup().deleteExpired() >= 1);
            assertEquals("", column(t, "reference_hash"));
            assertThrows(OAuthException.class, () -> t.engine.pushedRequests().take(tenant.id(), "web", requestUri));
        }
    }

    private static String column(TestEngine t, String column) throws Exception {
        StringBuilder values = new StringBuilder();
        try (Connection c = t.database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT " + column + " FROM pushed_authorization_requests")) {
            while (r.next()) {
                values.append(r.getString(1));
            }
        }
        return values.toString();
    }
}
