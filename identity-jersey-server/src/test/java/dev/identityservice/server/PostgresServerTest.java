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
}
