package dev.identityservice.server.ssf;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.identityservice.server.ServerConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Every test of {@link SecurityEventsTest} with its main server on PostgreSQL, in a private schema per test (the
 * extra servers some tests start stay on H2). Skipped when {@code IDENTITY_TEST_POSTGRES_URL} is unset.
 */
class SecurityEventsOnPostgresTest extends SecurityEventsTest {

    private String url;
    private String schema;

    @Override
    protected Consumer<ServerConfig.Builder> database() {
        url = System.getenv("IDENTITY_TEST_POSTGRES_URL");
        assumeTrue(url != null && !url.isBlank(), "PostgreSQL test skipped: set IDENTITY_TEST_POSTGRES_URL");
        schema = "ssfh_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return b -> b.dbUrl(schemaUrl).dbUser(null);
    }

    @Override
    protected void afterServerClosed() throws Exception {
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
