package dev.identityservice.server.identity;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import dev.identityservice.server.setup.SetupFile;
import dev.identityservice.server.setup.SetupImporter;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kind: a client impersonating a user's subject (issue 11 item 10, RFC 9068 §5). User subjects are server-made
 * UUIDs; a client id in that shape is refused at the management API and the import, and a client stored under
 * such an id before the rule gets no client_credentials token. Client tokens keep working for the guards:
 * introspection of a client's own token stays active and names no user.
 */
class SubjectNamespacesTest {

    private static TestServer server;
    private static CanonicalUsernamesAndPasswordsTest.AdminHttp admin;
    private static User alice;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("demo");
        server.user("root", "admin");
        alice = server.user("alice", "user");
        admin = new CanonicalUsernamesAndPasswordsTest.AdminHttp(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void adminCreateClientWhenIdIsAUsersSubjectInAnyCaseThen400() {
        for (String id : new String[] {alice.id(), alice.id().toUpperCase(Locale.ROOT), "00000000-0000-0000-0000-000000000000"}) {
            HttpResponse<String> response = admin.post("/admin/clients", "{\"clientId\":\"" + id + "\",\"grantTypes\":[\"client_credentials\"]}");

            assertEquals(400, response.statusCode(), id + ": " + response.body());
            assertTrue(response.body().contains("user subject"), response.body());
        }
    }

    @Test
    void importClientWhenIdIsAUsersSubjectThenRefusedNamingTheClient() throws Exception {
        Path file = dir.resolve("impersonator.json");
        Files.writeString(file, "{\"clients\":[{\"clientId\":\"" + alice.id() + "\",\"secret\":\"" + TestServer.SECRET
                + "\",\"grantTypes\":[\"client_credentials\"]}]}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SetupImporter(server.server.engine(), server.server.issuer(), Duration.ofMinutes(5)).apply(SetupFile.read(file)));

        assertTrue(e.getMessage().contains("client " + alice.id()) && e.getMessage().contains("user subject"), e.getMessage());
        assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, alice.id()).isEmpty());
    }

    @Test
    void clientCredentialsWhenClientStoredBeforeTheRuleUnderAUsersSubjectThenUnauthorizedClientAndNoToken() {
        // Written straight to the store, as a row from before this rule would be.
        server.save(server.confidential(Tenant.DEFAULT_ID, alice.id()));

        HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "client_credentials"),
                "Authorization", basic(alice.id(), TestServer.SECRET));

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("unauthorized_client", TestServer.json(response.body()).get("error").asText());
        assertTrue(!response.body().contains("access_token"));
    }

    @Test
    void clientCredentialsWhenOrdinaryClientThenSubIsClientIdAndIntrospectionNamesNoUser() {
        server.confidentialClient("backend");
        HttpResponse<String> issued = server.post("/oauth2/token", form("grant_type", "client_credentials"),
                "Authorization", basic("backend", TestServer.SECRET));
        assertEquals(200, issued.statusCode(), issued.body());
        String token = TestServer.json(issued.body()).get("access_token").asText();

        assertEquals("backend", CanonicalUsernamesAndPasswordsTest.subjectOf(token));
        var introspected = TestServer.json(server.post("/oauth2/introspect", form("token", token),
                "Authorization", basic("backend", TestServer.SECRET)).body());
        assertTrue(introspected.get("active").asBoolean(), introspected.toString());
        assertTrue(introspected.get("username") == null || introspected.get("username").isNull(), introspected.toString());
    }
}
