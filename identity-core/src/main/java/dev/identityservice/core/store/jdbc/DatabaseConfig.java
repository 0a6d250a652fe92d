package dev.identityservice.core.store.jdbc;

import java.util.Objects;

/**
 * Where the engine keeps its data: an H2 file (the embedded default) or PostgreSQL.
 *
 * @param maxPoolSize upper bound of pooled connections
 */
public record DatabaseConfig(String jdbcUrl, String username, String password, int maxPoolSize) {

    public static final int DEFAULT_MAX_POOL_SIZE = 10;

    /** H2 set up to accept the PostgreSQL dialect of the one schema both databases share. */
    private static final String H2_POSTGRESQL_MODE = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    public DatabaseConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("database url must be jdbc:h2:... or jdbc:postgresql:...: " + jdbcUrl);
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1");
        }
    }

    /** An H2 database in a file under {@code directory}, in PostgreSQL compatibility mode. */
    public static DatabaseConfig h2File(java.nio.file.Path directory) {
        return new DatabaseConfig("jdbc:h2:file:" + directory.toAbsolutePath().resolve("identity")
                + H2_POSTGRESQL_MODE, "sa", "", DEFAULT_MAX_POOL_SIZE);
    }

    /** A private in-memory H2 database, for tests. */
    public static DatabaseConfig h2InMemory(String name) {
        return new DatabaseConfig("jdbc:h2:mem:" + name
                + H2_POSTGRESQL_MODE + ";DB_CLOSE_DELAY=-1", "sa", "", DEFAULT_MAX_POOL_SIZE);
    }

    /** The URL with any password parameter masked, for logs. */
    public String maskedUrl() {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }
}
