package dev.identityservice.server.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The import file refuses a client whose {@code idTokenSignedResponseAlg} or {@code userinfoSignedResponseAlg}
 * its tenant cannot sign with (OIDC Registration §2), as the management API does, naming the client and the
 * setting; nothing of the file is written. The test server's default tenant signs with ES256 (and RS256).
 */
class ImportedSigningAlgorithmsTest {

    private static TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private SetupImporter importer() {
        return new SetupImporter(server.server.engine(), server.server.issuer(), Duration.ofMinutes(5));
    }

    private Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("setup.json"), json);
    }

    private static String client(String id, String tenant, String field, String alg) {
        return """
                {"clientId":"%s",%s"public":true,"grantTypes":["authorization_code"],"redirectUris":["https://rp.example.com/cb"],
                 "%s":"%s"}""".formatted(id, tenant == null ? "" : "\"tenant\":\"" + tenant + "\",", field, alg);
    }

    @Test
    void importWhenIdTokenAlgorithmNotSignableByStoredTenantThenRefusedNamingClientAndSetting() throws IOException {
        Path file = write("{\"clients\":[" + client("ok-rp", null, "idTokenSignedResponseAlg", "ES256") + ","
                + client("eddsa-rp", null, "idTokenSignedResponseAlg", "EdDSA") + "]}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> importer().apply(SetupFile.read(file)));

        assertTrue(e.getMessage().contains("client eddsa-rp"), e.getMessage());
        assertTrue(e.getMessage().contains("idTokenSignedResponseAlg"), e.getMessage());
        assertTrue(e.getMessage().contains("EdDSA"), e.getMessage());
        assertFalse(server.server.engine().clients().find("default", "ok-rp").isPresent(), "nothing of the file written");
    }

    @Test
    void importWhenUserinfoAlgorithmNotSignableByTenantDeclaredInFileThenRefused() throws IOException {
        Path file = write("{\"tenants\":[{\"id\":\"ed\",\"signingAlgorithm\":\"EdDSA\"}],\"clients\":["
                + client("es-rp", "ed", "userinfoSignedResponseAlg", "ES256") + "]}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> importer().apply(SetupFile.read(file)));

        assertTrue(e.getMessage().contains("client es-rp") && e.getMessage().contains("userinfoSignedResponseAlg"), e.getMessage());
        assertTrue(e.getMessage().contains("tenant ed"), e.getMessage());
        assertFalse(server.server.engine().tenant("ed").isPresent(), "the tenant of the refused file is not created either");
    }

    @Test
    void importWhenAlgorithmsAreTheDeclaredTenantsOrRs256ThenAcceptedAndSignable() throws IOException {
        Path file = write("{\"tenants\":[{\"id\":\"ed2\",\"signingAlgorithm\":\"EdDSA\"}],\"clients\":["
                + client("ed-rp", "ed2", "idTokenSignedResponseAlg", "EdDSA") + ","
                + client("rs-rp", "ed2", "userinfoSignedResponseAlg", "RS256") + "]}");

        importer().apply(SetupFile.read(file));

        var ring = server.server.engine().keys().keyRing("ed2");
        assertTrue(ring.idTokenAlgorithms().contains(SigningAlgorithm.EdDSA));
        assertEquals(SigningAlgorithm.EdDSA, server.server.engine().clients().find("ed2", "ed-rp").orElseThrow().idTokenSignedResponseAlg());
    }
}
