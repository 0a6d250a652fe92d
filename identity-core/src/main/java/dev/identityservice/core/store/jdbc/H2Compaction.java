package dev.identityservice.core.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Compacts an H2 file database while the server runs, which H2 itself no longer does once commits are durable.
 *
 * <p>Why by hand: H2's MVStore writes every commit as a new chunk and frees a chunk only once none of its pages is
 * live. Its own background writer moves the live pages out of sparse chunks ("housekeeping"), but that thread exists
 * only with a {@code WRITE_DELAY} above 0, and the server sets 0 ({@link DatabaseConfig#H2_DURABLE_COMMITS}) so that
 * a killed process loses no acknowledged write. Without it the file grew by the write rate and never stopped: 1.2 GiB
 * after two minutes of refresh grants at 64 connections (BENCHMARKS.md "what sustained writes ... do"). H2 has no SQL
 * statement for compacting a running database ({@code SHUTDOWN COMPACT} closes it), so this reaches the MVStore
 * through H2's own session classes (the H2 version is pinned in the parent POM) and asks it for the same rewrite,
 * {@link MVStore#compact(int, int)}: under the store's lock if free (never waiting for it), its pages written as a
 * commit's are. Space of the rewritten chunks is reused once H2's retention time (45 s) has passed.
 */
public final class H2Compaction implements Runnable {

    /** Chunks are rewritten while the live share of their bytes is below this, in percent: H2's own default. */
    public static final int TARGET_FILL_RATE = 90;
    /** At most this many bytes of live pages are rewritten per run (2 MiB). */
    public static final int MAX_REWRITE_BYTES = 2 * 1024 * 1024;

    private final Database database;

    /** Compacts {@code database}'s H2 file at each {@link #run}; {@link IllegalArgumentException} if it is no H2 file. */
    public H2Compaction(Database database) {
        if (!appliesTo(database.config())) {
            throw new IllegalArgumentException("not an H2 file database: " + database.config().maskedUrl());
        }
        this.database = database;
    }

    /** Whether {@code config} is an H2 database in a file, the only kind this compacts. */
    public static boolean appliesTo(DatabaseConfig config) {
        return config.jdbcUrl().startsWith("jdbc:h2:") && !config.jdbcUrl().startsWith("jdbc:h2:mem:");
    }

    /** One pass: rewrites up to {@link #MAX_REWRITE_BYTES} of the sparsest chunks' live pages, if any are sparse. */
    @Override
    public void run() {
        compact();
    }

    /**
     * @return whether chunks were rewritten (false when none is sparse, or another thread held the store's lock)
     * @throws DataAccessException when no connection could be had
     */
    public boolean compact() {
        return database.withConnection(connection -> {
            MVStore store = store(connection);
            return !store.isClosed() && store.compact(TARGET_FILL_RATE, MAX_REWRITE_BYTES);
        });
    }

    /** The share of the H2 file's bytes that live pages take, in percent. */
    public int fillRate() {
        return database.withConnection(connection -> store(connection).getFillRate());
    }

    private static MVStore store(Connection connection) throws SQLException {
        SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
        return session.getDatabase().getStore().getMvStore();
    }
}
