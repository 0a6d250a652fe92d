package dev.identityservice.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.setup.SetupFile;
import dev.identityservice.server.setup.SetupImporter;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Review attacks on client registration (issue 11 items 8 and 10) that the first tests did not try: client ids
 * that meet other syntax on the way out (only RFC 3986 unreserved characters for new ids), and origins that are no
 * serialized origin.
 */
class ClientRegistrationAttacksTest {

    private static TestServer server;
    private static CanonicalUsernamesAndPasswordsTest.AdminHttp admin;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("demo");
        server.user("root", "admin");
        admin = new CanonicalUsernamesAndPasswordsTest.AdminHttp(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Ids of the alphabet (RFC 3986 unreserved) are read, replaced and deleted at the Location the create answers. */
    @ParameterizedTest
    @ValueSource(strings = {"app-1.web_client~x", "com.example.app", "A", "...", "a..b", "Z-0123456789-abcdefghijklmnopqrstuvwxyz_~"})
    void adminCreateClientWhenIdIsOfTheAlphabetThen201AndReadReplaceDeleteAtItsLocation(String clientId) {
        HttpResponse<String> created = admin.post("/admin/clients", "{\"clientId\":" + TextNode.valueOf(clientId)
                + ",\"secret\":\"" + "s".repeat(40) + "\",\"grantTypes\":[\"client_credentials\"]}");

        assertEquals(201, created.statusCode(), created.body());
        String path = URI.create(created.headers().firstValue("Location").orElseThrow()).getRawPath();
        assertEquals("/admin/clients/" + clientId, path, "no character of the alphabet needs encoding");
        HttpResponse<String> fetched = server.get(path, "Authorization", "Bearer " + admin.token());
        assertEquals(200, fetched.statusCode(), path + " -> " + fetched.body());
        assertEquals(clientId, TestServer.json(fetched.body()).get("clientId").asText());
        HttpResponse<String> replaced = admin.send("PUT", path, "{\"name\":\"renamed\",\"grantTypes\":[\"client_credentials\"]}");
        assertEquals(200, replaced.statusCode(), replaced.body());
        assertEquals(204, admin.send("DELETE", path, "").statusCode());
        assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, clientId).isEmpty());
    }

    /**
     * Found in review: an id with {@code %} was stored, but Jetty refuses {@code %25} in a path, so the client
     * could never be read, replaced or deleted; {@code /} and a backslash likewise, and raw {@code ?}, {@code #} or
     * {@code ;} end the path. Every id outside the alphabet is refused at the admin API and the import, naming
     * {@code clientId}, and nothing is stored.
     */
    @ParameterizedTest
    @ValueSource(strings = {"p%q", "a%2Fb", "a%25b", "a/b", "a\\b", "q?x", "frag#x", "semi;colon", "two words", "tab\tx", "nl\nx",
            "del\u007fx", "nbsp\u00a0x", "\u00fcmlaut", ".", "..", "{0b5a7c4e-1111-4222-8333-123456789abc}", "app{x}", "a+b",
            "urn:example:app", "app@example.com", "\"quoted\"", "<b>x</b>", "a|b", "a^b", "a`b", "[v6]", "a&b=c", "it's", "(x)",
            "a*b", "a!b", "a$b", "a,b"})
    void registerWhenClientIdIsOutsideTheAlphabetThen400NamingClientIdAtAdminApiAndImport(String clientId) throws Exception {
        String entry = "{\"clientId\":" + TextNode.valueOf(clientId) + ",\"secret\":\"" + "s".repeat(40)
                + "\",\"grantTypes\":[\"client_credentials\"]}";

        HttpResponse<String> response = admin.post("/admin/clients", entry);

        assertEquals(400, response.statusCode(), clientId + " -> " + response.body());
        assertEquals("invalid_request", TestServer.json(response.body()).get("error").asText());
        assertTrue(TestServer.json(response.body()).get("error_description").asText().startsWith("clientId must be"), response.body());
        assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, clientId).isEmpty());

        Path file = Files.createTempFile("client-id", ".json");
        try {
            Files.writeString(file, "{\"clients\":[" + entry + "]}");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SetupImporter(
                    server.server.engine(), server.server.issuer(), Duration.ofMinutes(5)).apply(SetupFile.read(file)));
            assertTrue(e.getMessage().contains("clientId must be"), e.getMessage());
            assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f), "escaped: " + e.getMessage());
            assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, clientId).isEmpty());
        } finally {
            Files.delete(file);
        }
    }

    /** The alphabet is for new ids: a client stored before it is still replaced over HTTP and by the import file. */
    @ParameterizedTest
    @ValueSource(strings = {"legacy{x}", "legacy:urn", "legacy+plus"})
    void replaceWhenStoredIdPredatesTheAlphabetThenStillReplacedByAdminApiAndImport(String clientId) throws Exception {
        server.confidentialClient(clientId);
        String path = jakarta.ws.rs.core.UriBuilder.fromPath("/admin/clients/{id}").build(clientId).getRawPath();

        HttpResponse<String> replaced = admin.send("PUT", path, "{\"name\":\"by admin\",\"grantTypes\":[\"client_credentials\"]}");

        assertEquals(200, replaced.statusCode(), replaced.body());
        Path file = Files.createTempFile("legacy-client", ".json");
        try {
            Files.writeString(file, "{\"clients\":[{\"clientId\":" + TextNode.valueOf(clientId) + ",\"name\":\"by import\","
                    + "\"secret\":\"" + TestServer.SECRET + "\",\"grantTypes\":[\"client_credentials\"]}]}");
            new SetupImporter(server.server.engine(), server.server.issuer(), Duration.ofMinutes(5),
                    dev.identityservice.server.setup.ImportMode.SYNC).apply(SetupFile.read(file));
            assertEquals("by import", server.server.engine().clients().find(Tenant.DEFAULT_ID, clientId).orElseThrow().name());
        } finally {
            Files.delete(file);
        }
    }

    /**
     * Browsers send an origin serialized (RFC 6454 §6.1); any other spelling never matches, so the client's CORS
     * silently fails while the registration looked accepted.
     */
    @ParameterizedTest
    @ValueSource(strings = {"https://app.example.com:443", "http://localhost:80", "HTTPS://APP.EXAMPLE.COM", "https://App.Example.com",
            "https://app.example.com:", "https://app.example.com:0443", "https://app.example.com:99999", "https://app.example.com:0"})
    void registerWhenAllowedOriginIsNotInSerializedFormThenRefusedAtAdminApiAndImport(String origin) throws Exception {
        String template = "{\"clientId\":\"%s\",\"public\":true,\"grantTypes\":[\"authorization_code\"],"
                + "\"redirectUris\":[\"https://app.example.com/cb\"],\"allowedOrigins\":[" + TextNode.valueOf(origin) + "]}";
        String viaAdmin = "origin-admin-" + Integer.toHexString(origin.hashCode());
        HttpResponse<String> response = admin.post("/admin/clients", template.formatted(viaAdmin));

        assertEquals(400, response.statusCode(), origin + " -> " + response.body());
        assertTrue(response.body().contains("allowedOrigins"), response.body());

        Path file = Files.createTempFile("origin", ".json");
        try {
            String viaImport = "origin-import-" + Integer.toHexString(origin.hashCode());
            Files.writeString(file, "{\"clients\":[" + template.formatted(viaImport) + "]}");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SetupImporter(
                    server.server.engine(), server.server.issuer(), Duration.ofMinutes(5)).apply(SetupFile.read(file)));
            assertTrue(e.getMessage().contains("allowedOrigins"), e.getMessage());
            assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, viaImport).isEmpty());
        } finally {
            Files.delete(file);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example.com", "https://app.example.com:8443", "http://localhost:3000", "http://[::1]:3000",
            "http://127.0.0.1"})
    void adminCreateClientWhenAllowedOriginIsSerializedThen201(String origin) {
        HttpResponse<String> response = admin.post("/admin/clients", "{\"clientId\":\"good-origin-" + Integer.toHexString(origin.hashCode())
                + "\",\"public\":true,\"grantTypes\":[\"authorization_code\"],\"redirectUris\":[\"https://app.example.com/cb\"],"
                + "\"allowedOrigins\":[" + TextNode.valueOf(origin) + "]}");

        assertEquals(201, response.statusCode(), origin + " -> " + response.body());
    }
}
