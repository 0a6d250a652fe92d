package dev.identityservice.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Fresh, migrated databases for tests: a private in-memory H2, or a private schema in the
 * PostgreSQL named by {@code IDENTITY_TEST_POSTGRES_URL}.
 *
 * <p>Without that variable PostgreSQL tests are skipped with a message saying how to run them;
 * with it, an unreachable server fails the test (CI sets it).
 */
public final class TestDatabases {

    public static final String POSTGRES_URL_VARIABLE = "IDENTITY_TEST_POSTGRES_URL";

    private static boolean leftoversDropped;

    private TestDatabases() {
    }

    public static Database open(DatabaseKind kind) {
        return kind == DatabaseKind.H2 ? h2() : postgres();
    }

    public static Database h2() {
        return Database.open(DatabaseConfig.h2InMemory("test-" + UUID.randomUUID()));
    }

    public static Database postgres() {
        String url = System.getenv(POSTGRES_URL_VARIABLE);
        assumeTrue(url != null && !url.isBlank(), "PostgreSQL tests skipped: set " + POSTGRES_URL_VARIABLE
                + "=jdbc:postgresql://127.0.0.1:5432/test?user=postgres to run them");
        String schema = "t_" + System.currentTimeMillis() / 1000 + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            dropLeftoversOnce(statement);
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + POSTGRES_URL_VARIABLE + " is unreachable: " + e.getMessage(), e);
        }
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return Database.open(new DatabaseConfig(schemaUrl, null, null, 20));
    }

    /**
     * Schemas of earlier runs (named with their creation second) are dropped once per test JVM, so
     * the shared database does not fill up; younger ones may belong to a run in progress.
     */
    private static synchronized void dropLeftoversOnce(Statement statement) throws SQLException {
        if (leftoversDropped) {
            return;
        }
        leftoversDropped = true;
        long anHourAgo = System.currentTimeMillis() / 1000 - 3600;
        java.util.List<String> schemas = new java.util.ArrayList<>();
        try (java.sql.ResultSet rows = statement.executeQuery(
                "SELECT nspname FROM pg_namespace WHERE nspname ~ '^t_[0-9]+_[0-9a-f]{12}$'")) {
            while (rows.next()) {
                String name = rows.getString(1);
                String[] parts = name.split("_");
                if (Long.parseLong(parts[1]) < anHourAgo) {
                    schemas.add(name);
                }
            }
        }
        for (String old : schemas) {
            statement.execute("DROP SCHEMA IF EXISTS " + old + " CASCADE");
        }
    }
}
