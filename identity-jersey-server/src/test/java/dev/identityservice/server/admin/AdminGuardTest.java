package dev.identityservice.server.admin;

import static dev.identityservice.server.admin.AdminHttp.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The management API's guard over real HTTP: 401 vs 403, audience, tenant boundary, and confinement to admin paths. */
class AdminGuardTest {

    private static TestServer server;
    private static AdminHttp admin;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("demo");
        server.confidentialClient("app");
        server.user("root", "admin");
        server.user("bob", "user");
        server.tenant("acme");
        server.save(server.confidential("acme", "demo"));
        server.userIn("acme", "root", "admin");
        admin = new AdminHttp(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void adminWhenNoTokenThen401BearerChallengeWithoutErrorCode() {
        HttpResponse<String> response = server.get("/admin/users");

        assertEquals(401, response.statusCode());
        String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Bearer realm=\"identity-admin\""), challenge);
        assertFalse(challenge.contains("error="), challenge);
        assertEquals("invalid_token", TestServer.json(response.body()).get("error").asText());
    }

    @Test
    void adminWhenTokenWithoutAdminRoleThen403InsufficientScope() {
        HttpResponse<String> response = admin.get("/admin/users", admin.token("", "demo", "bob"));

        assertEquals(403, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error=\"insufficient_scope\""));
        assertEquals("insufficient_scope", TestServer.json(response.body()).get("error").asText());
    }

    @Test
    void adminWhenAdminTokenThen200() {
        HttpResponse<String> response = admin.get("/admin/users", admin.token("", "demo", "root"));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void adminWhenAdminTokenForAnotherAudienceThen401InvalidToken() {
        HttpResponse<String> response = admin.get("/admin/users", admin.token("", "app", "root"));

        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error=\"invalid_token\""));
    }

    @Test
    void adminWhenForgedSignatureThen401() {
        String token = admin.token("", "demo", "root");
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);

        assertEquals(401, admin.get("/admin/users", forged).statusCode());
    }

    @Test
    void adminWhenOtherTenantsAdminTokenThen401AndDefaultTenantsAdminManagesEveryTenant() {
        String acmeToken = admin.token("/t/acme", "demo", "root");
        String defaultToken = admin.token("", "demo", "root");

        assertEquals(200, admin.get("/t/acme/admin/users", acmeToken).statusCode());
        assertEquals(401, admin.get("/admin/users", acmeToken).statusCode());
        assertEquals(401, admin.post("/admin/keys/rotate", acmeToken, "").statusCode());
        // Issue 14 item 8: the default tenant's administrators manage every tenant, so that a tenant made
        // through the API is usable before it has an administrator of its own.
        assertEquals(200, admin.get("/t/acme/admin/users", defaultToken).statusCode());
    }

    @Test
    void tenantsWhenTenantAdminThen404() {
        HttpResponse<String> response = admin.get("/t/acme/admin/tenants", admin.token("/t/acme", "demo", "root"));

        assertEquals(404, response.statusCode());
        assertEquals("not_found", TestServer.json(response.body()).get("error").asText());
    }

    @Test
    void userinfoWhenAdminGuardInstalledThenNonAdminTokensStillServed() {
        HttpResponse<String> response = server.get("/oauth2/userinfo", "Authorization", "Bearer " + server.passwordLogin("app", "bob").get("access_token").asText());

        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void adminWhenUnknownPathThen404Json() {
        HttpResponse<String> response = admin.get("/admin/nothing-here", admin.token("", "demo", "root"));

        assertEquals(404, response.statusCode());
        assertEquals("not_found", body(response, 404).get("error").asText());
    }
}
