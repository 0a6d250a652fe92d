package dev.identityservice.core.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.Random;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With durable commits ({@code WRITE_DELAY=0}) H2 runs no background writer and so never compacts: each commit is a
 * new chunk, and a chunk that keeps one live page keeps its whole size. The same writes to two H2 files, one of them
 * compacted as the engine does it (every so many commits here, every second there): the compacted file ends less than
 * half the size, and holds the same rows. H2's retention time is 0 in this test so that space freed by a rewrite is
 * reused at once rather than after 45 s.
 */
class H2CompactionTest {

    private static final int ROWS = 2_000;
    private static final int COMMITS = 10_000;

    @Test
    void compactedFileStaysSmallWhileTheOtherGrowsWithEveryCommit(@TempDir Path dir) throws Exception {
        long plain = fileAfterWrites(dir.resolve("plain"), false);
        long compacted = fileAfterWrites(dir.resolve("compacted"), true);
        assertTrue(compacted * 2 < plain, "compacted " + compacted + " bytes, not compacted " + plain);
    }

    /** What an idle server gives back: the page cache empties, and every row still reads (from the file). */
    @Test
    void dropPageCacheWhenPagesWereReadThenTheCacheEmptiesAndTheRowsReadAgain(@TempDir Path dir) throws Exception {
        try (Database database = Database.open(DatabaseConfig.h2File(dir))) {
            H2Compaction h2 = new H2Compaction(database);
            database.inTransaction(connection -> {
                connection.createStatement().execute("CREATE TABLE pages (id INT PRIMARY KEY, payload VARCHAR(200))");
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO pages VALUES (?, REPEAT('x', 200))")) {
                    for (int id = 0; id < 20_000; id++) { // about 4 MB of rows, more than H2 counts as one MiB of cache
                        insert.setInt(1, id);
                        insert.addBatch();
                    }
                    return insert.executeBatch();
                }
            });
            long bytes = payloadBytes(database);

            int cachedBefore = h2.dropPageCache();
            int cachedAfter = h2.dropPageCache();

            assertTrue(cachedBefore >= 1, "MiB cached after writing and reading the rows: " + cachedBefore);
            assertEquals(0, cachedAfter);
            assertEquals(20_000L * 200, bytes);
            assertEquals(bytes, payloadBytes(database));
        }
    }

    private static long payloadBytes(Database database) {
        return database.withConnection(connection -> {
            try (var sum = connection.createStatement().executeQuery("SELECT SUM(LENGTH(payload)) FROM pages")) {
                sum.next();
                return sum.getLong(1);
            }
        });
    }

    /** A database served over the network has no store here to compact: the compaction declines, once, quietly. */
    @Test
    void h2ServerOverTheNetworkLeftAlone(@TempDir Path dir) throws Exception {
        Server tcp = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dir.toString()).start();
        try (Database remote = Database.open(new DatabaseConfig("jdbc:h2:tcp://127.0.0.1:" + tcp.getPort()
                + "/remote;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "", 2))) {
            H2Compaction compaction = new H2Compaction(remote);
            assertFalse(compaction.compact());
            assertEquals(-1, compaction.dropPageCache());
            compaction.run();
            assertEquals(-1, compaction.fillRate());
        } finally {
            tcp.stop();
        }
    }

    @Test
    void onlyForH2Files() {
        assertTrue(H2Compaction.appliesTo(DatabaseConfig.h2File(Path.of("data"))));
        assertFalse(H2Compaction.appliesTo(DatabaseConfig.h2InMemory("x")));
        assertFalse(H2Compaction.appliesTo(new DatabaseConfig("jdbc:postgresql://127.0.0.1/db", "u", "p", 1)));
        try (Database memory = Database.open(DatabaseConfig.h2InMemory("compaction-" + System.nanoTime()))) {
            assertThrows(IllegalArgumentException.class, () -> new H2Compaction(memory));
        }
    }

    /** The file's size after {@link #COMMITS} one-row updates at random, each its own commit, as a refresh rotation. */
    private static long fileAfterWrites(Path dir, boolean compact) throws Exception {
        Files.createDirectories(dir);
        DatabaseConfig h2 = DatabaseConfig.h2File(dir);
        DatabaseConfig config = new DatabaseConfig(h2.jdbcUrl() + ";RETENTION_TIME=0", h2.username(), h2.password(), 2);
        try (Database database = Database.open(config)) {
            H2Compaction compaction = new H2Compaction(database);
            database.withConnection(connection -> {
                connection.createStatement().execute("CREATE TABLE churn (id INT PRIMARY KEY, token VARCHAR(64), used INT)");
                connection.createStatement().execute("CREATE INDEX churn_token ON churn (token)");
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO churn VALUES (?, ?, 0)")) {
                    for (int id = 0; id < ROWS; id++) {
                        insert.setInt(1, id);
                        insert.setString(2, "token-" + id);
                        insert.executeUpdate();
                    }
                }
                return null;
            });
            Random random = new Random(42);
            for (int commit = 0; commit < COMMITS; commit++) {
                int id = random.nextInt(ROWS);
                String token = "token-" + commit + "-" + id;
                database.inTransaction(connection -> {
                    try (PreparedStatement update = connection.prepareStatement("UPDATE churn SET token = ?, used = used + 1 WHERE id = ?")) {
                        update.setString(1, token);
                        update.setInt(2, id);
                        return update.executeUpdate();
                    }
                });
                if (compact && commit % 200 == 199) {
                    compaction.compact();
                }
            }
            long size = Files.size(dir.resolve("identity.mv.db"));
            long updates = database.withConnection(connection -> {
                try (var sum = connection.createStatement().executeQuery("SELECT SUM(used) FROM churn")) {
                    sum.next();
                    return sum.getLong(1);
                }
            });
            assertEquals(COMMITS, updates, "every update kept");
            return size;
        }
    }
}
