package dev.identityservice.core.store.jdbc;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the engine keeps its data: an H2 file (the embedded default) or PostgreSQL. An H2 URL that is not
 * in memory and sets no {@code WRITE_DELAY} gets {@link #H2_DURABLE_COMMITS}, whoever wrote it (the default
 * file or an operator's {@code db.url}), so that no acknowledged write depends on how the URL was given; every H2 URL
 * that sets no {@code QUERY_CACHE_SIZE} gets {@link #H2_QUERY_CACHE}; an embedded file (not {@code tcp:} or
 * {@code ssl:}) that sets no {@code CACHE_SIZE} gets {@link #H2_PAGE_CACHE}, and any embedded database that sets no
 * {@code DB_CLOSE_ON_EXIT} (and no {@code AUTO_SERVER=TRUE}, which H2 does not allow with it) gets
 * {@link #H2_CLOSED_BY_OWNER}.
 *
 * @param maxPoolSize upper bound of pooled connections
 * @param connectionTimeout the longest a request waits for a connection before it fails (then the server
 *                    answers 503): {@link #DEFAULT_CONNECTION_TIMEOUT}, at least {@link #MIN_CONNECTION_TIMEOUT}
 */
public record DatabaseConfig(String jdbcUrl, String username, String password, int maxPoolSize, Duration connectionTimeout) {

    public static final int DEFAULT_MAX_POOL_SIZE = 10;
    /**
     * 3 seconds, not HikariCP's 30: while the database is down a request fails within this bound instead of
     * holding a client (and a request thread) for half a minute; a healthy pool hands out connections in
     * microseconds, and opening a new one to a reachable database takes milliseconds.
     */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    /** HikariCP's own lower bound: 250 ms. */
    public static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);

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
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        if (connectionTimeout.compareTo(MIN_CONNECTION_TIMEOUT) < 0 || connectionTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("connection timeout must be from 250ms to 1m: " + connectionTimeout);
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            boolean remote = jdbcUrl.startsWith("jdbc:h2:tcp:") || jdbcUrl.startsWith("jdbc:h2:ssl:");
            jdbcUrl = withH2Setting(jdbcUrl, H2_QUERY_CACHE);
            // H2 refuses DB_CLOSE_ON_EXIT=FALSE beside AUTO_SERVER=TRUE: such a file is closed by H2's hook, as before.
            if (!remote && !jdbcUrl.toUpperCase(Locale.ROOT).contains(";AUTO_SERVER=TRUE")) {
                jdbcUrl = withH2Setting(jdbcUrl, H2_CLOSED_BY_OWNER);
            }
            if (!jdbcUrl.startsWith("jdbc:h2:mem:")) {
                jdbcUrl = withH2Setting(jdbcUrl, H2_DURABLE_COMMITS);
                // A remote H2 server's page cache is its own to size, for every database and client it serves.
                if (!remote) {
                    jdbcUrl = withH2Setting(jdbcUrl, H2_PAGE_CACHE);
                }
            }
        }
    }

    /** With the {@link #DEFAULT_CONNECTION_TIMEOUT}. */
    public DatabaseConfig(String jdbcUrl, String username, String password, int maxPoolSize) {
        this(jdbcUrl, username, password, maxPoolSize, DEFAULT_CONNECTION_TIMEOUT);
    }

    /**
     * {@code url} with {@code setting} ({@code ";NAME=value"}) appended, unless the URL sets that name itself (H2 reads
     * setting names in any case): what an operator's URL says is kept.
     */
    private static String withH2Setting(String url, String setting) {
        String name = setting.substring(0, setting.indexOf('=') + 1);
        return url.toUpperCase(Locale.ROOT).contains(name) ? url : url + setting;
    }

    /**
     * Statements each H2 connection keeps parsed for its next execution. H2's default of 8 is about what one refresh
     * grant alone prepares (client, refresh token read, rotated and inserted, user and its roles and attributes), so
     * under mixed load (a refresh, then a {@code /userinfo}, then a login) statements pushed each other out and were
     * parsed again. A few KiB of heap per statement kept.
     */
    static final String H2_QUERY_CACHE = ";QUERY_CACHE_SIZE=64";

    /**
     * Leaves closing an embedded database to whoever opened it ({@link Database#close()}, which the server calls at
     * a stop after the last request and the last audit event), not to H2's own JVM shutdown hook. Why: at SIGTERM that
     * hook runs alongside the server's and closed the database while the graceful stop was still answering the
     * requests in flight: refresh grants then answered 503 "Database is already closed" (4-7 of about 190 at 8
     * clients, {@code GracefulStopIT}), and the audit events the server stores after the last request would have found
     * it closed. A process that ends without closing it loses nothing either: every commit is in the file already
     * ({@link #H2_DURABLE_COMMITS}).
     */
    static final String H2_CLOSED_BY_OWNER = ";DB_CLOSE_ON_EXIT=FALSE";

    /**
     * Makes every commit durable against a killed process: H2's default {@code WRITE_DELAY} of 500 ms lets
     * the MVStore keep committed transactions in memory and write them from a background thread, so a
     * SIGKILL forgot up to half a second of acknowledged writes. With 0, each commit writes its chunk to the
     * file before the commit returns. The operating system's page cache still holds it until it flushes:
     * a power loss can lose the last commits (H2 does not fsync per commit).
     */
    static final String H2_DURABLE_COMMITS = ";WRITE_DELAY=0";

    /**
     * H2's page cache of a file database, in KiB: 1 MiB instead of H2's default of 64 MiB per GiB of heap (4.5 MiB at
     * the launcher's heap). Why smaller: H2 writes every change as new copies of the pages it touches (a refresh
     * rotates a row of a table with five indexes: 36-46 KB of pages) and puts each written page in this cache; in a
     * 4.5 MiB cache a page outlived the young collections (every 0.05-0.1 s under load) and was promoted, so under
     * steady writes the old generation filled in about a second and a full collection of 60-80 ms stopped every
     * request in flight: that was the p99 of refresh grants. With 1 MiB written pages mostly die young (1 full
     * collection in 40 s of refresh at 16 connections instead of 21-23; p99 86-91 → 38-39 ms, and 6-15 % more refreshes
     * per second; BENCHMARKS.md "H2's page cache"). What a smaller cache re-reads comes from the operating system's
     * file cache. A {@code db.url} that sets {@code CACHE_SIZE} keeps it.
     */
    static final String H2_PAGE_CACHE = ";CACHE_SIZE=1024";

    /** An H2 database in a file under {@code directory}, in PostgreSQL compatibility mode, commits durable ({@link #H2_DURABLE_COMMITS}). */
    public static DatabaseConfig h2File(java.nio.file.Path directory) {
        return new DatabaseConfig("jdbc:h2:file:" + directory.toAbsolutePath().resolve("identity")
                + H2_POSTGRESQL_MODE + H2_DURABLE_COMMITS, "sa", "", DEFAULT_MAX_POOL_SIZE);
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
