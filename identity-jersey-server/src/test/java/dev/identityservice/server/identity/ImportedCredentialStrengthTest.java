package dev.identityservice.server.identity;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.Argon2idParameters;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.server.setup.SetupFile;
import dev.identityservice.server.setup.SetupImporter;
import dev.identityservice.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kind: imported hashes bypassing the credential rules (issue 11 item 9). The server here is configured with
 * Argon2id m=256 KiB, t=2, p=1. A {@code passwordHash} weaker in any parameter, or not Argon2id at all, is
 * refused at import and at the management API; one at least as strong is accepted and signs in. A
 * {@code secretHash} is refused everywhere (a hash cannot prove its secret's length); a short plain secret too.
 */
class ImportedCredentialStrengthTest {

    private static final String PASSWORD = "imported password 1";
    private static TestServer server;
    private static CanonicalUsernamesAndPasswordsTest.AdminHttp admin;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.start(b -> b.passwordHashMemoryKib(256).passwordHashIterations(2));
        server.confidentialClient("demo");
        server.user("root", "admin");
        admin = new CanonicalUsernamesAndPasswordsTest.AdminHttp(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, String> weakHashes() {
        Map<String, String> weak = new LinkedHashMap<>();
        weak.put("m=8,t=1 (the report's)", hash(8, 1, 1, 16, 32, "x"));
        weak.put("memory below", hash(128, 2, 1, 16, 32, PASSWORD));
        weak.put("iterations below", hash(256, 1, 1, 16, 32, PASSWORD));
        weak.put("short tag", hash(256, 2, 1, 16, 16, PASSWORD));
        weak.put("short salt", hash(256, 2, 1, 8, 32, PASSWORD));
        weak.put("argon2i, not id", hash(256, 2, 1, 16, 32, PASSWORD).replace("$argon2id$", "$argon2i$"));
        weak.put("bcrypt", "$2b$04$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui");
        weak.put("plain text", PASSWORD);
        return weak;
    }

    @Test
    void importUserWhenPasswordHashWeakerThanConfigurationThenRefusedAndNoUser() {
        weakHashes().forEach((kind, hash) -> {
            String username = "weak-import-" + Math.abs(kind.hashCode());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> importJson("{\"users\":[{\"username\":\"" + username + "\",\"passwordHash\":\"" + hash + "\"}]}"), kind);
            assertTrue(e.getMessage().contains("passwordHash"), kind + ": " + e.getMessage());
            assertTrue(server.server.engine().users().findByUsername(Tenant.DEFAULT_ID, username).isEmpty(), kind);
        });
    }

    @Test
    void importUserWhenExistingUserGetsWeakPasswordHashThenRefusedAndOldPasswordStillWorks() throws IOException {
        server.user("existing");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> importJson(
                "{\"users\":[{\"username\":\"existing\",\"passwordHash\":\"" + hash(8, 1, 1, 16, 32, "x") + "\"}]}"));

        assertTrue(e.getMessage().contains("weaker"), e.getMessage());
        assertEquals(200, login("existing", TestServer.PASSWORD).statusCode());
    }

    @Test
    void adminCreateUserWhenPasswordHashWeakerThanConfigurationThen400AndNoUser() {
        weakHashes().forEach((kind, hash) -> {
            String username = "weak-admin-" + Math.abs(kind.hashCode());
            HttpResponse<String> response = admin.post("/admin/users", "{\"username\":\"" + username + "\",\"passwordHash\":\"" + hash + "\"}");
            assertEquals(400, response.statusCode(), kind + ": " + response.body());
            assertTrue(server.server.engine().users().findByUsername(Tenant.DEFAULT_ID, username).isEmpty(), kind);
        });
    }

    @Test
    void importAndAdminWhenPasswordHashAtLeastAsStrongThenAcceptedAndSignsIn() throws IOException {
        importJson("{\"users\":[{\"username\":\"strong-import\",\"passwordHash\":\"" + hash(512, 3, 2, 16, 32, PASSWORD) + "\"}]}");
        HttpResponse<String> created = admin.post("/admin/users", "{\"username\":\"strong-admin\",\"passwordHash\":\""
                + hash(256, 2, 1, 16, 32, PASSWORD) + "\"}");

        assertEquals(201, created.statusCode(), created.body());
        assertEquals(200, login("strong-import", PASSWORD).statusCode());
        assertEquals(200, login("strong-admin", PASSWORD).statusCode());
    }

    @Test
    void importClientWhenSecretHashGivenThenRefusedWhateverTheHash() {
        for (String secretHash : new String[] {"sha256:" + "A".repeat(43), "sha256:ypeBEsobvcr6wjGzmiPcTaeG7_gUfE5yuYB3ha_uSLs"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> importJson(
                    "{\"clients\":[{\"clientId\":\"hashed\",\"secretHash\":\"" + secretHash + "\",\"grantTypes\":[\"client_credentials\"]}]}"));
            assertTrue(e.getMessage().contains("secretHash"), e.getMessage());
        }
        assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, "hashed").isEmpty());
    }

    @Test
    void adminClientWhenSecretHashOrShortSecretGivenThen400() {
        HttpResponse<String> hashed = admin.post("/admin/clients", "{\"clientId\":\"hashed-admin\",\"secretHash\":\"sha256:"
                + "A".repeat(43) + "\",\"grantTypes\":[\"client_credentials\"]}");
        HttpResponse<String> shortSecret = admin.post("/admin/clients",
                "{\"clientId\":\"short-admin\",\"secret\":\"a\",\"grantTypes\":[\"client_credentials\"]}");

        assertEquals(400, hashed.statusCode(), hashed.body());
        assertTrue(hashed.body().contains("secretHash"), hashed.body());
        assertEquals(400, shortSecret.statusCode(), shortSecret.body());
    }

    @Test
    void importClientWhenOneCharacterSecretThenRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> importJson(
                "{\"clients\":[{\"clientId\":\"short\",\"secret\":\"a\",\"grantTypes\":[\"client_credentials\"]}]}"));

        assertTrue(e.getMessage().contains("32"), e.getMessage());
    }

    private static String hash(int memoryKib, int iterations, int parallelism, int saltBytes, int tagBytes, String password) {
        return new Argon2idPasswordHasher(new Argon2idParameters(memoryKib, iterations, parallelism, saltBytes, tagBytes),
                new SecureRandom()).hash(password.toCharArray());
    }

    private void importJson(String json) throws IOException {
        Path file = Files.createTempFile(dir, "setup", ".json");
        Files.writeString(file, json);
        new SetupImporter(server.server.engine(), server.server.issuer(), Duration.ofMinutes(5)).apply(SetupFile.read(file));
    }

    private static HttpResponse<String> login(String username, String password) {
        return server.post("/oauth2/token", form("grant_type", "password", "username", username, "password", password),
                "Authorization", basic("demo", TestServer.SECRET));
    }
}
