package dev.identityservice.core.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts an H2 file database while the server runs, which H2 itself no longer does once commits are durable.
 *
 * <p>Why by hand: H2's MVStore writes every commit as a new chunk and frees a chunk only once none of its pages is
 * live. Its own background writer moves the live pages out of sparse chunks ("housekeeping"), but that thread exists
 * only with a {@code WRITE_DELAY} above 0, and the server sets 0 ({@link DatabaseConfig#H2_DURABLE_COMMITS}) so that
 * a killed process loses no acknowledged write. Without it the file grew by the write rate and never stopped: 1.2 GiB
 * after two minutes of refresh grants at 64 connections (BENCHMARKS.md "what sustained writes ... do"). H2 has no SQL
 * statement for compacting a running database ({@code SHUTDOWN COMPACT} closes it), so this reaches the MVStore of the
 * embedded database through H2's own session classes (the H2 version is pinned in the parent POM) and runs the same
 * rewrite as H2's housekeeping, {@link MVStore#compact(int, int)}: under the store's lock (waiting for it at most
 * 10 ms, else skipped until the next run), then writes the rewritten pages itself, as a commit does, so that no
 * request's commit pays for them. A kill in between loses only the rewrite: the old chunks stay until a write
 * that no longer needs them is in the file, and H2 reuses their space once its retention time (45 s) has passed.
 *
 * <p>Left alone, once found at the first run: an H2 server reached over the network ({@code jdbc:h2:tcp:}, or a file
 * another process serves with {@code AUTO_SERVER}), a read-only file, and a store with a write delay of its own,
 * whose background writer compacts already.
 */
public final class H2Compaction implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(H2Compaction.class);

    /** Chunks are rewritten while the live share of their bytes is below this, in percent: H2's own default. */
    public static final int TARGET_FILL_RATE = 90;
    /** At most this many bytes of live pages are rewritten per run (1 MiB, about what H2's housekeeping takes at a time). */
    public static final int MAX_REWRITE_BYTES = 1024 * 1024;

    private final Database database;
    /** The store once found (held so that a run needs no pooled connection); {@code null} before, and if left alone. */
    private volatile MVStore store;
    private volatile boolean leftAlone;
    /** Whether the last run failed: its first failure is logged with its cause, the recovery once. */
    private volatile boolean failing;

    /** Compacts {@code database}'s H2 file at each {@link #run}; {@link IllegalArgumentException} if it is no H2 file. */
    public H2Compaction(Database database) {
        if (!appliesTo(database.config())) {
            throw new IllegalArgumentException("not an H2 file database: " + database.config().maskedUrl());
        }
        this.database = database;
    }

    /** Whether {@code config} may be an H2 database in a file: an {@code jdbc:h2:} URL that is not in memory. */
    public static boolean appliesTo(DatabaseConfig config) {
        return config.jdbcUrl().startsWith("jdbc:h2:") && !config.jdbcUrl().startsWith("jdbc:h2:mem:");
    }

    /** One pass of {@link #compact}; a failure is logged (the first with its cause) and the next run tries again. */
    @Override
    public void run() {
        try {
            compact();
            if (failing) {
                failing = false;
                LOG.info("H2 compaction works again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("H2 compaction failed; it is tried again every run, and logged again once it works", e);
            }
        }
    }

    /**
     * Rewrites up to {@link #MAX_REWRITE_BYTES} of the live pages of the sparsest chunks, if any chunk is sparse,
     * and writes them to the file.
     *
     * @return whether pages were rewritten (false when no chunk is sparse, another thread held the store's lock for
     *         10 ms, or the database is one this leaves alone)
     * @throws DataAccessException when the database could not be reached to find its store
     */
    public boolean compact() {
        MVStore found = store();
        if (found == null || !found.compact(TARGET_FILL_RATE, MAX_REWRITE_BYTES)) {
            return false;
        }
        found.commit();
        return true;
    }

    /** The share of the H2 file's bytes that live pages take, in percent; -1 for a database this leaves alone. */
    public int fillRate() {
        MVStore found = store();
        return found == null ? -1 : found.getFillRate();
    }

    /**
     * Empties H2's page cache, which H2 fills up to its {@code CACHE_SIZE} ({@link DatabaseConfig#H2_PAGE_CACHE} unless the URL sets one) and never empties by
     * itself: an idle server need not keep it in its heap, and pages read again come back from the file (or the
     * operating system's cache of it). H2 clears the cache whenever its size is set; this sets it to what it is.
     * Safe while requests run: the pages a query holds stay reachable from it, and the cache refills as they read.
     *
     * @return the cache's use before, in MiB (as H2 counts it); -1 for a database this leaves alone
     * @throws DataAccessException when the database could not be reached to find its store
     */
    public int dropPageCache() {
        MVStore found = store();
        if (found == null) {
            return -1;
        }
        int used = found.getCacheSizeUsed();
        found.setCacheSize(found.getCacheSize() * 1024); // its size in MiB; the setter takes KiB
        return used;
    }

    private MVStore store() {
        MVStore found = store;
        if (leftAlone || (found != null && !found.isClosed())) {
            return found;
        }
        found = database.withConnection(H2Compaction::embeddedStore);
        if (found == null || found.getFileStore() == null || found.isReadOnly() || found.getAutoCommitDelay() > 0) {
            leftAlone = true;
            LOG.info("H2 compaction off for {}: not an embedded, writable file with durable commits (WRITE_DELAY=0)",
                    database.config().maskedUrl());
            return null;
        }
        store = found;
        return found;
    }

    /** The MVStore of an embedded database; {@code null} for a session with a server over the network. */
    private static MVStore embeddedStore(Connection connection) throws SQLException {
        Session session = connection.unwrap(JdbcConnection.class).getSession();
        return session instanceof SessionLocal local ? local.getDatabase().getStore().getMvStore() : null;
    }
}
