package dev.identityservice.server;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The server on PostgreSQL, in a private schema of the database named by {@code IDENTITY_TEST_POSTGRES_URL}.
 * Skipped with a message when it is unset; fails when it is set but unreachable.
 */
class PostgresServerTest {

    private static final String URL_VARIABLE = "IDENTITY_TEST_POSTGRES_URL";

    @Test
    void serverWhenOnPostgresThenIssuesRefreshesAndIsReady() throws SQLException {
        String url = System.getenv(URL_VARIABLE);
        assumeTrue(url != null && !url.isBlank(), "PostgreSQL server test skipped: set " + URL_VARIABLE
                + "=jdbc:postgresql://127.0.0.1:5432/test?user=postgres to run it");
        String schema = "srv_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;

        try (TestServer server = TestServer.start(b -> b.dbUrl(schemaUrl).dbUser(null))) {
            server.confidentialClient("app");
            server.user("alice");
            String refresh = server.passwordLogin("app", "alice").get("refresh_token").asText();
            HttpResponse<String> refreshed = server.post("/oauth2/token", form("grant_type", "refresh_token", "refresh_token", refresh),
                    "Authorization", basic("app", TestServer.SECRET));

            assertEquals(200, refreshed.statusCode(), refreshed.body());
            assertEquals(200, server.get("/health").statusCode());
        } finally {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /** The audit log on PostgreSQL: events stored off the request thread, read back filtered, and expired by the cleanup. */
    @Test
    void auditWhenOnPostgresThenEventsFilteredByTimeAndDeletedPastRetention() throws SQLException {
        String url = System.getenv(URL_VARIABLE);
        assumeTrue(url != null && !url.isBlank(), "PostgreSQL server test skipped: set " + URL_VARIABLE);
        String schema = "srv_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        dev.identityservice.core.testing.MutableClock clock = dev.identityservice.core.testing.MutableClock.startingNow();

        try (TestServer server = TestServer.start(b -> b.dbUrl(schemaUrl).dbUser(null).auditRetention(java.time.Duration.ofHours(1)),
                clock, java.util.function.UnaryOperator.identity())) {
            server.save(server.confidential("default", "demo").createdAt(clock.instant()).updatedAt(clock.instant()));
            server.user("root", "admin");
            var alice = server.user("alice");
            // One token throughout: the guard checks its times on the real clock, the server on the settable one.
            String admin = server.passwordLogin("demo", "root").get("access_token").asText();
            server.post("/admin/users/" + alice.id() + "/disable", "", "Authorization", "Bearer " + admin);
            server.flushAudit();
            java.time.Instant between = clock.instant().plusMillis(1);
            clock.advance(java.time.Duration.ofMinutes(5));
            server.post("/admin/users/" + alice.id() + "/enable", "", "Authorization", "Bearer " + admin);
            server.flushAudit();

            HttpResponse<String> before = server.get("/admin/events?subject=" + alice.id() + "&to=" + between, "Authorization", "Bearer " + admin);
            assertEquals(200, before.statusCode(), before.body());
            assertEquals(1, TestServer.json(before.body()).get("items").size(), before.body());
            assertEquals("admin.user.disable", TestServer.json(before.body()).get("items").get(0).get("type").asText());

            clock.advance(java.time.Duration.ofMinutes(57)); // the disable is 62 minutes old, the enable 57 (retention 1h)
            server.server.engine().cleanup().deleteExpired();
            var left = server.server.engine().auditEvents().find(new dev.identityservice.core.audit.AuditEventQuery(
                    "default", null, null, alice.id(), null, null), 0, 10);
            assertEquals(1, left.size(), left.toString());
            assertEquals("admin.user.enable", left.get(0).type());
        } finally {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /**
     * Filter values that PostgreSQL cannot take as text or as a timestamp (a NUL character, a year past its range):
     * each is the caller's mistake, so a 400 or an empty page, never the 500 of a failed query.
     */
    @Test
    void listsWhenFilterValueUnstorableOnPostgresThen400NotServerError() throws SQLException {
        String url = System.getenv(URL_VARIABLE);
        assumeTrue(url != null && !url.isBlank(), "PostgreSQL server test skipped: set " + URL_VARIABLE);
        String schema = "srv_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try (TestServer server = TestServer.start(b -> b.dbUrl(schemaUrl).dbUser(null))) {
            server.confidentialClient("demo");
            server.user("root", "admin");
            String admin = server.passwordLogin("demo", "root").get("access_token").asText();
            java.util.List<String> failures = new java.util.ArrayList<>();
            for (String query : java.util.List.of("/admin/events?type=%00", "/admin/events?actor=a%00b", "/admin/events?subject=%00",
                    "/admin/users?username=a%00", "/admin/clients?name=a%00", "/admin/clients?name=%01",
                    "/admin/events?from=%2B300000-01-01T00:00:00Z", "/admin/events?to=-5000-01-01T00:00:00Z",
                    "/admin/events?from=%2B1000000000-01-01T00:00:00Z")) {
                HttpResponse<String> answer = server.get(query, "Authorization", "Bearer " + admin);
                if (answer.statusCode() != 400 && answer.statusCode() != 200) {
                    failures.add(query + " -> " + answer.statusCode() + " " + answer.body());
                }
            }
            assertEquals(java.util.List.of(), failures);
        } finally {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
