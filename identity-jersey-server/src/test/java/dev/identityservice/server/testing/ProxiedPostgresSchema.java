package dev.identityservice.server.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh PostgreSQL schema of its own, reached through a {@link TcpProxy} that the test cuts and restores to take
 * the database away and bring it back. Closing it closes the proxy and drops the schema; close whatever uses the
 * database first. The test is skipped unless {@value #URL_VARIABLE} is set.
 */
public final class ProxiedPostgresSchema implements AutoCloseable {

    /** The variable naming the PostgreSQL database the tests may create schemas in. */
    public static final String URL_VARIABLE = "IDENTITY_TEST_POSTGRES_URL";

    private final String directUrl;
    private final String schema;
    private final TcpProxy proxy;
    private final String proxiedUrl;

    private ProxiedPostgresSchema(String directUrl, String schema, TcpProxy proxy, String proxiedUrl) {
        this.directUrl = directUrl;
        this.schema = schema;
        this.proxy = proxy;
        this.proxiedUrl = proxiedUrl;
    }

    /**
     * Creates a schema named {@code prefix} and a random suffix and a proxy in front of the database, or skips
     * the calling test (a JUnit assumption) when {@value #URL_VARIABLE} is not set.
     */
    public static ProxiedPostgresSchema createOrSkip(String prefix) throws SQLException, IOException {
        String url = System.getenv(URL_VARIABLE);
        assumeTrue(url != null && !url.isBlank(), "PostgreSQL test skipped: set " + URL_VARIABLE
                + "=jdbc:postgresql://127.0.0.1:5432/test?user=postgres to run it");
        String schema = prefix + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        URI target = URI.create(url.substring("jdbc:".length()));
        TcpProxy proxy;
        try {
            proxy = TcpProxy.to(target.getHost(), target.getPort() < 0 ? 5432 : target.getPort());
        } catch (IOException | RuntimeException e) {
            drop(url, schema);
            throw e;
        }
        String proxied = "jdbc:postgresql://127.0.0.1:" + proxy.port() + target.getRawPath()
                + "?" + (target.getRawQuery() == null ? "" : target.getRawQuery() + "&") + "currentSchema=" + schema;
        return new ProxiedPostgresSchema(url, schema, proxy, proxied);
    }

    /** The JDBC URL of the schema through the proxy (credentials, if any, are in the URL). */
    public String jdbcUrl() {
        return proxiedUrl;
    }

    /** Takes the database away: every connection reset, new ones refused. */
    public void cut() throws IOException {
        proxy.cut();
    }

    /** Makes the database hang: every connection reset, new ones accepted and never answered. */
    public void stall() {
        proxy.stall();
    }

    /** Brings the database back on the same port. */
    public void restore() throws IOException {
        proxy.restore();
    }

    @Override
    public void close() throws IOException, SQLException {
        try {
            proxy.close();
        } finally {
            drop(directUrl, schema);
        }
    }

    private static void drop(String url, String schema) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
