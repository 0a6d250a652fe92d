package dev.identityservice.server.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.store.jdbc.JdbcUserStore;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserProfile;
import dev.identityservice.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync import that promotes a user and sets her password (so her row is read again inside the import's
 * transaction), and then fails on a later entry, is rolled back: nothing of it may be served afterwards, even once
 * another instance on the same database writes the user (here a second store on the server's database).
 */
class ImportRollbackUserCacheTest {

    private static final String FILE = """
            {"users": [{"username": "alice", "password": "alices-new-password-1", "roles": ["admin"]}],
             "clients": [{"clientId": "late", "public": true, "grantTypes": ["authorization_code"],
                          "redirectUris": ["https://late.example.com/cb"]}]}
            """;

    @TempDir
    Path dir;

    @Test
    void applyWhenRolledBackAfterPromotingThenLaterLoginGetsTheStoredRoles() throws Exception {
        try (TestServer server = TestServer.start()) {
            IdentityEngine engine = server.server.engine();
            User alice = server.user("alice", "user");
            server.confidentialClient("web");
            engine.database().withConnection(connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("ALTER TABLE clients ADD CONSTRAINT import_test_late CHECK (client_id <> 'late')");
                }
                return null;
            });
            Files.writeString(dir.resolve("setup.json"), FILE);
            SetupImporter importer = new SetupImporter(engine, server.server.issuer(), Duration.ofMinutes(10), ImportMode.SYNC);

            assertThrows(IllegalArgumentException.class, () -> importer.apply(SetupFile.read(dir.resolve("setup.json"))));
            assertEquals(Set.of("user"), new JdbcUserStore(engine.database()).findById(Tenant.DEFAULT_ID, alice.id())
                    .orElseThrow().roles(), "rolled back");

            // Another server on this database changes her display name (one write: version 0 -> 1).
            new JdbcUserStore(engine.database()).modify(Tenant.DEFAULT_ID, alice.id(),
                    u -> u.withProfile(UserProfile.builder().name("Alice A.").build(), u.attributes(), u.updatedAt()));

            JsonNode tokens = server.passwordLogin("web", "alice");
            Object roles = SignedJWT.parse(tokens.get("access_token").asText()).getJWTClaimsSet().getClaim("roles");
            assertEquals(List.of("user"), roles, "the token carries the roles of a rolled-back import");
        }
    }
}
