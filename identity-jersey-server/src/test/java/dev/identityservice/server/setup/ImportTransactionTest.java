package dev.identityservice.server.setup;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.IdentityEngine;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The import file is applied in one transaction: a write that fails late (a database constraint no check can
 * see, here one the test adds) leaves nothing of the file behind, neither in the database nor in what the
 * engine caches (tenants, key rings), on H2 and on PostgreSQL.
 */
class ImportTransactionTest {

    private static final String SECRET = "acme-service-secret-0123456789-abcdefghij";
    /** A new tenant with a user and a client, a user of the default tenant, and last the client that fails. */
    private static final String FILE = """
            {"tenants": [{"id": "acme"}],
             "users": [{"username": "erin", "password": "erins-password-1"},
                       {"tenant": "acme", "username": "frank", "password": "franks-password-1"}],
             "clients": [{"tenant": "acme", "clientId": "service", "secret": "%s", "grantTypes": ["client_credentials"]},
                         {"clientId": "late", "public": true, "grantTypes": ["authorization_code"],
                          "redirectUris": ["https://late.example.com/cb"]}]}
            """.formatted(SECRET);

    @TempDir
    Path dir;

    @Test
    void applyWhenLastWriteViolatesConstraintOnH2ThenNothingAppliedAndRetryWorks() throws Exception {
        try (TestServer server = TestServer.start()) {
            applyWhenLastWriteFailsThenNothingApplied(server);
        }
    }

    @Test
    void applyWhenLastWriteViolatesConstraintOnPostgresThenNothingAppliedAndRetryWorks() throws Exception {
        String url = System.getenv("IDENTITY_TEST_POSTGRES_URL");
        assumeTrue(url != null && !url.isBlank(), "PostgreSQL import test skipped: set IDENTITY_TEST_POSTGRES_URL");
        String schema = "imp_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        try (TestServer server = TestServer.start(b -> b.dbUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema).dbUser(null))) {
            applyWhenLastWriteFailsThenNothingApplied(server);
        } finally {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private void applyWhenLastWriteFailsThenNothingApplied(TestServer server) throws Exception {
        IdentityEngine engine = server.server.engine();
        execute(engine, "ALTER TABLE clients ADD CONSTRAINT import_test_late CHECK (client_id <> 'late')");
        SetupImporter importer = new SetupImporter(engine, server.server.issuer(), Duration.ofMinutes(10));
        Files.writeString(dir.resolve("setup.json"), FILE);
        SetupFile file = SetupFile.read(dir.resolve("setup.json"));

        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> importer.apply(file));

        assertTrue(failure.getMessage().startsWith("import: client late: the database refused the write"), failure.getMessage());
        assertFalse(failure.getMessage().contains("Failing row"), "no row (and no hash) in the message: " + failure.getMessage());
        assertEquals(0, count(engine, "SELECT COUNT(*) FROM tenants WHERE id = 'acme'"));
        assertEquals(0, count(engine, "SELECT COUNT(*) FROM signing_keys WHERE tenant_id = 'acme'"));
        assertEquals(0, count(engine, "SELECT COUNT(*) FROM users"));
        assertEquals(0, count(engine, "SELECT COUNT(*) FROM clients"));
        assertTrue(engine.tenant("acme").isEmpty(), "the engine forgot the rolled-back tenant");
        assertEquals(404, server.get("/t/acme/.well-known/openid-configuration").statusCode());

        execute(engine, "ALTER TABLE clients DROP CONSTRAINT import_test_late");
        importer.apply(file);

        // The tenant made again signs with keys that are stored, not with a ring cached from the rolled-back try.
        HttpResponse<String> token = server.post("/t/acme/oauth2/token", form("grant_type", "client_credentials"),
                "Authorization", basic("service", SECRET));
        assertEquals(200, token.statusCode(), token.body());
        String kid = SignedJWT.parse(json(token.body()).get("access_token").asText()).getHeader().getKeyID();
        try (Connection connection = engine.database().dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM signing_keys WHERE tenant_id = 'acme' AND kid = ?")) {
            select.setString(1, kid);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                assertEquals(1, row.getInt(1), "the signing key " + kid + " is stored");
            }
        }
        assertTrue(engine.users().findByUsername("default", "erin").isPresent());
        assertTrue(engine.clients().find("default", "late").isPresent());
    }

    private static void execute(IdentityEngine engine, String sql) {
        engine.database().withConnection(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            return null;
        });
    }

    private static int count(IdentityEngine engine, String sql) {
        return engine.database().withConnection(connection -> {
            try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
                row.next();
                return row.getInt(1);
            }
        });
    }
}
