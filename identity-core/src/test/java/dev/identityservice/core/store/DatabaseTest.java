package dev.identityservice.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.DatabaseConfig;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.*\\.(sql|class)");

    /** Start-up skips Flyway for a current schema, so the constant must follow every new migration, SQL or Java. */
    @Test
    void schemaVersionWhenComparedWithMigrationFilesThenEqualsTheNewest() throws Exception {
        URL folder = Database.class.getClassLoader().getResource("db/migration");
        List<Integer> versions;
        try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
            versions = files.map(f -> MIGRATION.matcher(f.getFileName().toString()))
                    .filter(Matcher::matches).map(m -> Integer.parseInt(m.group(1))).sorted(Comparator.reverseOrder()).toList();
        }
        assertEquals(String.valueOf(versions.get(0)), Database.SCHEMA_VERSION);
    }

    @Test
    void openWhenFileDatabaseReopenedThenSchemaKeptAndDataIntact(@TempDir Path dir) throws Exception {
        try (Database database = Database.open(DatabaseConfig.h2File(dir))) {
            database.withConnection(c -> c.createStatement().executeUpdate(
                    "INSERT INTO tenants (id, issuer, signing_algorithm, rotation_period_seconds, created_at) "
                            + "VALUES ('acme', 'https://a.example.com', 'RS256', 3600, CURRENT_TIMESTAMP)"));
        }
        try (Database reopened = Database.open(DatabaseConfig.h2File(dir));
             Connection c = reopened.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet history = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1'")) {
            history.next();
            assertEquals(1, history.getInt(1), "no migration ran twice");
            try (ResultSet tenants = s.executeQuery("SELECT id FROM tenants")) {
                assertTrue(tenants.next());
                assertEquals("acme", tenants.getString(1));
            }
        }
    }

    /**
     * An operator who points {@code db.url} at an H2 file gets the same durable commits as the default file:
     * H2's own default (a 500 ms write delay) let a SIGKILL undo a disable answered 200. A delay the URL sets
     * explicitly is the operator's choice and kept.
     */
    @Test
    void openWhenOperatorGivesH2FileUrlThenCommitsWrittenBeforeAcknowledged(@TempDir Path dir) throws Exception {
        for (String url : List.of("jdbc:h2:file:" + dir.resolve("a"), "jdbc:h2:" + dir.resolve("b") + ";MODE=PostgreSQL",
                "jdbc:h2:file:" + dir.resolve("c") + ";write_delay=0")) {
            assertEquals(0, writeDelay(url), url);
        }
        assertEquals(200, writeDelay("jdbc:h2:file:" + dir.resolve("d") + ";WRITE_DELAY=200"));
    }

    /**
     * Every H2 URL keeps 64 parsed statements per connection unless it says otherwise: with H2's default of 8, a
     * token request's statements pushed each other out and were parsed again on every request.
     */
    @Test
    void openWhenH2UrlSetsNoQueryCacheThenSixtyFourStatementsKeptParsed(@TempDir Path dir) throws Exception {
        assertEquals(64, setting("jdbc:h2:file:" + dir.resolve("a"), "QUERY_CACHE_SIZE"));
        assertEquals(5, setting("jdbc:h2:file:" + dir.resolve("b") + ";query_cache_size=5", "QUERY_CACHE_SIZE"));
    }

    /**
     * An H2 file keeps 1 MiB of pages in its cache unless its URL says otherwise: with H2's default (64 MiB per GiB of
     * heap) the pages each commit writes outlived young collections, and steady writes meant a full collection a
     * second. H2 reads the setting in KiB and reports the cache's bound in MiB ({@code info.CACHE_MAX_SIZE}); an
     * in-memory database has no page cache to size, so it is left alone.
     */
    @Test
    void openWhenH2FileUrlSetsNoCacheSizeThenOneMebibyteOfPagesCached(@TempDir Path dir) throws Exception {
        assertEquals(1, setting("jdbc:h2:file:" + dir.resolve("a"), CACHE_BOUND_MIB));
        assertEquals(1, setting(DatabaseConfig.h2File(dir.resolve("b")).jdbcUrl(), CACHE_BOUND_MIB));
        assertEquals(8, setting("jdbc:h2:file:" + dir.resolve("c") + ";cache_size=8192;QUERY_CACHE_SIZE=4", CACHE_BOUND_MIB));
        assertFalse(DatabaseConfig.h2InMemory("cache").jdbcUrl().toUpperCase(java.util.Locale.ROOT).contains(";CACHE_SIZE="));
    }

    /**
     * Settings H2 would refuse or that are not this server's to set are left out: {@code DB_CLOSE_ON_EXIT=FALSE} beside
     * {@code AUTO_SERVER=TRUE} ("Feature not supported"), and a remote server's page cache; an operator's own
     * {@code DB_CLOSE_ON_EXIT} is kept. The AUTO_SERVER file opens.
     */
    @Test
    void configWhenAutoServerOrRemoteOrOwnCloseSettingThenNothingH2RefusesIsAdded(@TempDir Path dir) throws Exception {
        String autoServer = "jdbc:h2:file:" + dir.resolve("a") + ";AUTO_SERVER=TRUE";
        assertFalse(new DatabaseConfig(autoServer, "sa", "", 2).jdbcUrl().contains("DB_CLOSE_ON_EXIT"));
        assertEquals(1, setting(autoServer, CACHE_BOUND_MIB));
        String remote = new DatabaseConfig("jdbc:h2:tcp://127.0.0.1:1/x", "sa", "", 2).jdbcUrl();
        assertFalse(remote.contains("CACHE_SIZE=1024") || remote.contains("DB_CLOSE_ON_EXIT"), remote);
        assertTrue(remote.endsWith(";WRITE_DELAY=0"), remote);
        String own = new DatabaseConfig("jdbc:h2:file:" + dir.resolve("b") + ";db_close_on_exit=true", "sa", "", 2).jdbcUrl();
        assertFalse(own.contains(";DB_CLOSE_ON_EXIT=FALSE"), own);
        assertTrue(new DatabaseConfig("jdbc:h2:file:" + dir.resolve("c"), "sa", "", 2).jdbcUrl().contains(";DB_CLOSE_ON_EXIT=FALSE"));
    }

    private static final String CACHE_BOUND_MIB = "info.CACHE_MAX_SIZE";

    private static int writeDelay(String url) throws Exception {
        return setting(url, "WRITE_DELAY");
    }

    private static int setting(String url, String name) throws Exception {
        try (Database database = Database.open(new DatabaseConfig(url, "sa", "", 2));
             Connection c = database.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) {
            s.setString(1, name);
            try (ResultSet value = s.executeQuery()) {
                assertTrue(value.next(), name);
                return Integer.parseInt(value.getString(1));
            }
        }
    }
}
