package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.ProxiedPostgresSchema;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BiFunction;

/** The database outage both filters in front of Jersey must answer as Jersey does, waiting for it once. */
final class FrontFilterOutage {

    private FrontFilterOutage() {
    }

    /**
     * Starts a server on a PostgreSQL schema of its own behind a proxy (the test is skipped without PostgreSQL), with
     * client {@code app} and user {@code carol}, and sends {@code call(server, carol's access token)}: 200; with the
     * database hanging, 503 {@code temporarily_unavailable} with {@code Retry-After} after one wait for a connection
     * (2 s), not a second one in Jersey, that wait counted in the 5xx latency of {@code method}; 200 again once the
     * database is back.
     */
    static void assertOneWaitThenServedAgain(String schemaPrefix, String method,
                                             BiFunction<TestServer, String, HttpResponse<String>> call) throws Exception {
        try (ProxiedPostgresSchema postgres = ProxiedPostgresSchema.createOrSkip(schemaPrefix)) {
            TestServer outage = TestServer.start(b -> b.dbUrl(postgres.jdbcUrl()).dbUser(null).dbConnectionTimeout(Duration.ofSeconds(2)));
            try {
                outage.confidentialClient("app");
                outage.user("carol", "user");
                String token = outage.passwordLogin("app", "carol").get("access_token").asText();
                assertEquals(200, call.apply(outage, token).statusCode());
                postgres.stall();
                // Past the pool's 0.5 s without a check, a borrowed connection is tested: the reset ones are dropped,
                // and the new one hangs until the pool's connection timeout (2 s).
                Thread.sleep(600);
                long start = System.nanoTime();
                HttpResponse<String> away = call.apply(outage, token);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertEquals(503, away.statusCode(), away.body());
                assertEquals("temporarily_unavailable", json(away.body()).get("error").asText(), away.body());
                assertEquals("nosniff", away.headers().firstValue("X-Content-Type-Options").orElseThrow());
                assertTrue(away.headers().firstValue("Retry-After").isPresent(), away.headers().map().toString());
                assertTrue(took.compareTo(Duration.ofMillis(3500)) < 0, "took " + took);
                // Timed from the request's arrival: the filter's wait for a connection (2 s) counts.
                double timed = outage.metric("identity_http_server_requests_seconds_sum\\{endpoint=\"[^\"]+\",method=\""
                        + method + "\",status=\"5xx\"}");
                assertTrue(timed >= 1.5, "5xx seconds " + timed + " took " + took);
                postgres.restore();
                // Served again once the pool has a connection back (within a few seconds).
                int status = 0;
                for (long until = System.nanoTime() + Duration.ofSeconds(30).toNanos(); status != 200 && System.nanoTime() < until; ) {
                    status = call.apply(outage, token).statusCode();
                }
                assertEquals(200, status);
            } finally {
                outage.close();
            }
        }
    }
}
