package dev.identityservice.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
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
}
