package dev.identityservice.server.identity;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.identityservice.core.store.jdbc.DatabaseConfig;
import dev.identityservice.core.user.Argon2idParameters;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kind: identifiers without a canonical form (issue 11 item 5), the migration path. A database at schema 1
 * holds users keyed the old way ({@code strip().toLowerCase()}), including the NFC/NFD duplicate the old key
 * allowed; the server starts on it, migration 5 re-keys by PRECIS, and the users sign in over HTTP under every
 * spelling. On H2, and on PostgreSQL when {@code IDENTITY_TEST_POSTGRES_URL} is set.
 */
class PrecisUsernameMigrationTest {

    private static final String PASSWORD = "migrated password 1";
    private static final String ZOE_NFC = "Zo\u00eb";
    private static final String ZOE_NFD = "Zoe\u0308";

    @Test
    void startWhenH2AtSchema1HasPrePrecisUsernamesThenRekeyedAndEverySpellingSignsIn() throws SQLException {
        String url = DatabaseConfig.h2InMemory("migration-" + UUID.randomUUID()).jdbcUrl();
        migrateFromSchema1(url, "sa", null);
    }

    @Test
    void startWhenPostgresAtSchema1HasPrePrecisUsernamesThenRekeyedAndEverySpellingSignsIn() throws SQLException {
        String url = System.getenv("IDENTITY_TEST_POSTGRES_URL");
        assumeTrue(url != null && !url.isBlank(), "PostgreSQL migration test skipped: set IDENTITY_TEST_POSTGRES_URL="
                + "jdbc:postgresql://127.0.0.1:5432/test?user=postgres to run it");
        String schema = "mig_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        try {
            migrateFromSchema1(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, null, null);
        } finally {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /**
     * Found in review: the migration gave the PRECIS key to the first-created account only when that account's
     * old key was not already the new one. When the older account is the NFD spelling and the newer one the
     * NFC spelling, the newer one already held the NFC key, so the older (usually the genuine) account was left on
     * its NFD key, which no lookup computes any more: the later duplicate owned the name.
     */
    @Test
    void startWhenOlderDuplicateIsTheNfdSpellingThenTheOlderAccountStillKeepsTheName() throws SQLException {
        String url = DatabaseConfig.h2InMemory("migration-" + UUID.randomUUID()).jdbcUrl();
        Flyway.configure().dataSource(url, "sa", null).locations("classpath:db/migration").target("1").load().migrate();
        String hash = new Argon2idPasswordHasher(new Argon2idParameters(64, 1, 1, 16, 32), new SecureRandom())
                .hash(PASSWORD.toCharArray());
        String older;
        try (Connection c = DriverManager.getConnection(url, "sa", null)) {
            insertTenant(c);
            older = insertOldStyle(c, ZOE_NFD, hash, Instant.parse("2024-01-01T00:00:00Z"));
            insertOldStyle(c, ZOE_NFC, hash, Instant.parse("2024-02-01T00:00:00Z"));
        }

        try (TestServer server = TestServer.start(b -> b.dbUrl(url).dbUser("sa").dbPassword(null))) {
            assertEquals(older, server.server.engine().users().findByUsername("default", ZOE_NFD).orElseThrow().id(),
                    "the first-created account keeps the name (SECURITY.md, V5__Precis_usernames)");
        }
    }

    /**
     * Either spelling older, rows stored newer first, and the newer one with the smaller id: the older account
     * keeps the name under every spelling over HTTP, the newer one cannot sign in under any, and an administrator
     * still lists and deletes it by id.
     */
    @ParameterizedTest(name = "older {0}")
    @ValueSource(strings = {"NFD", "NFC"})
    void startWhenDuplicatesAreStoredNewerFirstThenOlderKeepsTheNameAndTheNewerIsListedAndDeletable(String olderForm)
            throws SQLException {
        String url = DatabaseConfig.h2InMemory("migration-" + UUID.randomUUID()).jdbcUrl();
        olderKeepsTheName(url, "sa", null, olderForm);
    }

    @ParameterizedTest(name = "older {0}")
    @ValueSource(strings = {"NFD", "NFC"})
    void startWhenPostgresDuplicatesAreStoredNewerFirstThenOlderKeepsTheNameAndTheNewerIsListedAndDeletable(String olderForm)
            throws SQLException {
        String url = System.getenv("IDENTITY_TEST_POSTGRES_URL");
        assumeTrue(url != null && !url.isBlank(), "PostgreSQL migration test skipped: set IDENTITY_TEST_POSTGRES_URL="
                + "jdbc:postgresql://127.0.0.1:5432/test?user=postgres to run it");
        String schema = "mig_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        try {
            olderKeepsTheName(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, null, null, olderForm);
        } finally {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void olderKeepsTheName(String url, String user, String password, String olderForm) throws SQLException {
        String olderName = "NFD".equals(olderForm) ? ZOE_NFD : ZOE_NFC;
        String newerName = "NFD".equals(olderForm) ? ZOE_NFC : ZOE_NFD;
        String olderId = "ffffffff-0000-4000-8000-000000000001";
        String newerId = "00000000-0000-4000-8000-000000000002";
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").target("1").load().migrate();
        String hash = new Argon2idPasswordHasher(new Argon2idParameters(64, 1, 1, 16, 32), new SecureRandom())
                .hash(PASSWORD.toCharArray());
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            insertTenant(c);
            insertOldStyle(c, newerId, newerName, hash, Instant.parse("2024-02-01T00:00:00Z"));
            insertOldStyle(c, olderId, olderName, hash, Instant.parse("2024-01-01T00:00:00Z"));
        }

        try (TestServer server = TestServer.start(b -> b.dbUrl(url).dbUser(user).dbPassword(password))) {
            server.confidentialClient("app");
            server.confidentialClient("demo");
            server.user("root", "admin");
            for (String spelling : new String[] {ZOE_NFC, ZOE_NFD, "ZO\u00cb", "zoe\u0308", " duplicate:" + newerId,
                    "duplicate:" + newerId}) {
                HttpResponse<String> response = login(server, spelling);
                if (spelling.contains("duplicate")) {
                    assertEquals(400, response.statusCode(), "the set-aside key is reached by no spelling: " + spelling);
                    continue;
                }
                assertEquals(200, response.statusCode(), spelling + ": " + response.body());
                assertEquals(olderId, CanonicalUsernamesAndPasswordsTest.subjectOf(
                        TestServer.json(response.body()).get("access_token").asText()), spelling);
            }

            CanonicalUsernamesAndPasswordsTest.AdminHttp admin = new CanonicalUsernamesAndPasswordsTest.AdminHttp(server);
            HttpResponse<String> listed = server.get("/admin/users?limit=100", "Authorization", "Bearer " + admin.token());
            assertEquals(200, listed.statusCode(), listed.body());
            assertTrue(listed.body().contains(newerId) && listed.body().contains(olderId), listed.body());
            HttpResponse<String> deleted = admin.send("DELETE", "/admin/users/" + newerId, "");
            assertEquals(204, deleted.statusCode(), deleted.body());
            assertEquals(404, server.get("/admin/users/" + newerId, "Authorization", "Bearer " + admin.token()).statusCode());
            assertEquals(olderId, CanonicalUsernamesAndPasswordsTest.subjectOf(
                    TestServer.json(login(server, newerName).body()).get("access_token").asText()), "and still after the delete");
        }
    }

    private static void insertTenant(Connection c) throws SQLException {
        try (PreparedStatement tenant = c.prepareStatement("INSERT INTO tenants (id, issuer, signing_algorithm, "
                + "rotation_period_seconds, created_at) VALUES ('default', 'http://127.0.0.1', 'ES256', 2592000, ?)")) {
            tenant.setTimestamp(1, Timestamp.from(Instant.now()));
            tenant.executeUpdate();
        }
    }

    private static void migrateFromSchema1(String url, String user, String password) throws SQLException {
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").target("1").load().migrate();
        String oldHash = new Argon2idPasswordHasher(new Argon2idParameters(64, 1, 1, 16, 32), new SecureRandom())
                .hash(PASSWORD.toCharArray());
        String zoeFirst;
        String zoeSecond;
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            try (PreparedStatement tenant = c.prepareStatement("INSERT INTO tenants (id, issuer, signing_algorithm, "
                    + "rotation_period_seconds, created_at) VALUES ('default', 'http://127.0.0.1', 'ES256', 2592000, ?)")) {
                tenant.setTimestamp(1, Timestamp.from(Instant.now()));
                tenant.executeUpdate();
            }
            zoeFirst = insertOldStyle(c, ZOE_NFC, oldHash, Instant.parse("2024-01-01T00:00:00Z"));
            // The duplicate the old key let in: the same name in NFD, created later.
            zoeSecond = insertOldStyle(c, ZOE_NFD, oldHash, Instant.parse("2024-02-01T00:00:00Z"));
            insertOldStyle(c, "\uff2d\uff21\uff38", oldHash, Instant.parse("2024-03-01T00:00:00Z"));
            insertOldStyle(c, "Old Timer", oldHash, Instant.parse("2024-04-01T00:00:00Z"));
        }

        try (TestServer server = TestServer.start(b -> b.dbUrl(url).dbUser(user).dbPassword(password))) {
            server.confidentialClient("app");
            for (String spelling : new String[] {ZOE_NFC, ZOE_NFD, "ZO\u00cb", "zo\u00eb"}) {
                HttpResponse<String> response = login(server, spelling);
                assertEquals(200, response.statusCode(), spelling + ": " + response.body());
                assertEquals(zoeFirst, CanonicalUsernamesAndPasswordsTest.subjectOf(
                        TestServer.json(response.body()).get("access_token").asText()), "the first-created account keeps the name");
            }
            assertEquals(200, login(server, "max").statusCode(), "fullwidth MAX became max");
            assertEquals(200, login(server, "MAX").statusCode());
            assertEquals(200, login(server, "old timer").statusCode(), "a name PRECIS refuses keeps its old key");
            assertEquals(2, server.server.engine().users().list("default", 0, 100).stream()
                    .filter(u -> u.id().equals(zoeFirst) || u.id().equals(zoeSecond)).count(), "the duplicate is kept for an admin");
            var duplicate = server.server.engine().users().findById("default", zoeSecond).orElseThrow();
            server.server.engine().users().update(duplicate.withRoles(java.util.Set.of("to-be-renamed"), Instant.now()));
            assertEquals(java.util.Set.of("to-be-renamed"),
                    server.server.engine().users().findById("default", zoeSecond).orElseThrow().roles(), "the duplicate stays editable");
        }
    }

    private static String insertOldStyle(Connection c, String username, String hash, Instant created) throws SQLException {
        return insertOldStyle(c, UUID.randomUUID().toString(), username, hash, created);
    }

    private static String insertOldStyle(Connection c, String id, String username, String hash, Instant created)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO users (tenant_id, id, username, username_normalized, "
                + "password_hash, enabled, email_verified, created_at, updated_at) VALUES ('default', ?, ?, ?, ?, TRUE, FALSE, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, username);
            insert.setString(3, username.strip().toLowerCase(Locale.ROOT));
            insert.setString(4, hash);
            insert.setTimestamp(5, Timestamp.from(created));
            insert.setTimestamp(6, Timestamp.from(created));
            insert.executeUpdate();
        }
        return id;
    }

    private static HttpResponse<String> login(TestServer server, String username) {
        return server.post("/oauth2/token", form("grant_type", "password", "username", username, "password", PASSWORD),
                "Authorization", basic("app", TestServer.SECRET));
    }
}
