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
 * that are legal but meet other syntax on the way out, and origins that are no serialized origin.
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

    /** A braced UUID is no user's {@code sub} (those are bare), so it may be a client id: but it is a URI template too. */
    @ParameterizedTest
    @ValueSource(strings = {"{0b5a7c4e-1111-4222-8333-123456789abc}", "app{x}", "semi;colon", "q?x"})
    void adminCreateClientWhenIdHasUriTemplateOrReservedCharactersThen201WithLocationNamingIt(String clientId) {
        HttpResponse<String> created = admin.post("/admin/clients", "{\"clientId\":" + TextNode.valueOf(clientId)
                + ",\"secret\":\"" + "s".repeat(40) + "\",\"grantTypes\":[\"client_credentials\"]}");

        assertEquals(201, created.statusCode(), created.body());
        URI location = URI.create(created.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> fetched = server.get(location.getRawPath(), "Authorization", "Bearer " + admin.token());
        assertEquals(200, fetched.statusCode(), location + " -> " + fetched.body());
        assertEquals(clientId, TestServer.json(fetched.body()).get("clientId").asText());
        assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, clientId).isPresent());
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
