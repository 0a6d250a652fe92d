package dev.identityservice.server.admin;

import static dev.identityservice.server.admin.AdminHttp.body;
import static dev.identityservice.server.admin.AdminHttp.kidOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Signing keys and tenants through the management API; each test has its own server, since keys change. */
class KeyAndTenantResourceTest {

    private TestServer server;
    private AdminHttp admin;

    @BeforeEach
    void start() {
        server = TestServer.start();
        server.confidentialClient("demo");
        server.user("root", "admin");
        admin = new AdminHttp(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void rotateWhenCalledThenJwksChangesAtOnceAndNewTokensPassTheGuard() {
        String before = admin.token("", "demo", "root");
        String jwksBefore = server.get("/oauth2/jwks").body();
        String next = kidIn(body(admin.get("/admin/keys", before), 200), "NEXT");

        JsonNode rotated = body(admin.post("/admin/keys/rotate", before, ""), 200);
        String jwksAfter = server.get("/oauth2/jwks").body();
        String after = admin.token("", "demo", "root");

        assertEquals(next, kidIn(rotated, "ACTIVE"));
        assertNotEquals(jwksBefore, jwksAfter);
        assertTrue(jwksAfter.contains(kidIn(rotated, "NEXT")), "the new NEXT key is published before it signs");
        assertEquals(next, kidOf(after));
        assertEquals(200, admin.get("/admin/keys", after).statusCode());
        assertEquals(200, admin.get("/admin/keys", before).statusCode(), "a ROTATED key still verifies");
    }

    @Test
    void rotateAndRevokeWhenCalledThenOldKidLeavesJwksAndItsTokensAreRefused() {
        String before = admin.token("", "demo", "root");
        String oldKid = kidOf(before);
        assertEquals(200, admin.get("/admin/keys", before).statusCode());

        JsonNode keys = body(admin.post("/admin/keys/rotate-and-revoke", before, ""), 200);

        assertFalse(server.get("/oauth2/jwks").body().contains(oldKid));
        assertEquals(oldKid, kidIn(keys, "REVOKED"));
        assertEquals(401, admin.get("/admin/keys", before).statusCode(), "the guard drops a revoked key at once");
        assertEquals(200, admin.get("/admin/keys", admin.token("", "demo", "root")).statusCode());
    }

    @Test
    void keysWhenListedThenStatesAndTimesButNoKeyMaterial() {
        HttpResponse<String> response = admin.get("/admin/keys", admin.token("", "demo", "root"));
        JsonNode keys = body(response, 200);

        assertEquals("ES256", keys.get("signingAlgorithm").asText());
        assertEquals(4, keys.get("keys").size(), "ACTIVE and NEXT of the ES256 chain and of the RS256 ID-token chain");
        assertEquals(2, keys.findValues("purpose").stream().filter(p -> p.asText().equals("ID_TOKEN")).count());
        assertTrue(keys.get("keys").get(0).has("createdAt"));
        for (String privatePart : List.of("\"d\"", "\"x\"", "\"n\"", "\"p\"", "PRIVATE")) {
            assertFalse(response.body().contains(privatePart), privatePart);
        }
    }

    @Test
    void revokeKeyWhenRotatedKidThenGoneAndUnknownKidThen404() {
        String token = admin.token("", "demo", "root");
        String first = kidOf(token);
        admin.post("/admin/keys/rotate", token, "");
        String fresh = admin.token("", "demo", "root");

        JsonNode keys = body(admin.post("/admin/keys/" + first + "/revoke", fresh, ""), 200);

        assertEquals(first, kidIn(keys, "REVOKED"));
        assertFalse(server.get("/oauth2/jwks").body().contains(first));
        assertEquals("not_found", body(admin.post("/admin/keys/no-such-kid/revoke", fresh, ""), 404).get("error").asText());
    }

    @Test
    void changeAlgorithmWhenRs256ThenNextKeyIsRsaAndActiveUnchanged() {
        String token = admin.token("", "demo", "root");

        JsonNode keys = body(admin.send("PUT", "/admin/keys/algorithm", token, "{\"algorithm\":\"RS256\"}"), 200);

        assertEquals("RS256", keys.get("signingAlgorithm").asText());
        assertEquals("RS256", keyIn(keys, "NEXT").get("algorithm").asText());
        assertEquals("ES256", keyIn(keys, "ACTIVE").get("algorithm").asText());
        assertTrue(body(admin.send("PUT", "/admin/keys/algorithm", token, "{\"algorithm\":\"HS256\"}"), 400)
                .get("error_description").asText().contains("algorithm"));
    }

    @Test
    void createTenantWhenRootAdminThen201WithKeysAndDuplicateThen409() {
        String token = admin.token("", "demo", "root");

        HttpResponse<String> created = admin.post("/admin/tenants", token, "{\"id\":\"globex\",\"signingAlgorithm\":\"ES256\"}");
        JsonNode tenant = body(created, 201);

        assertEquals(server.server.issuer() + "/t/globex", tenant.get("issuer").asText());
        assertTrue(created.headers().firstValue("Location").orElseThrow().endsWith("/admin/tenants/globex"));
        assertEquals(4, TestServer.json(server.get("/t/globex/oauth2/jwks").body()).get("keys").size(),
                "ACTIVE and NEXT, ES256 and RS256 (ID tokens)");
        assertEquals(409, admin.post("/admin/tenants", token, "{\"id\":\"globex\"}").statusCode());
        assertEquals(400, admin.post("/admin/tenants", token, "{\"id\":\"Not Valid\"}").statusCode());
        assertEquals(400, admin.post("/admin/tenants", token, "{\"id\":\"t2\",\"signingAlgorithm\":\"none\"}").statusCode());
        List<String> ids = new ArrayList<>();
        body(admin.get("/admin/tenants", token), 200).forEach(t -> ids.add(t.get("id").asText()));
        assertEquals(List.of("default", "globex"), ids);
    }

    @Test
    void tenantAdminWhenManagingOwnTenantThenWorksAndRotationStaysInTenant() {
        String token = admin.token("", "demo", "root");
        body(admin.post("/admin/tenants", token, "{\"id\":\"initech\"}"), 201);
        server.save(server.confidential("initech", "demo"));
        server.userIn("initech", "boss", "admin");
        String tenantToken = admin.token("/t/initech", "demo", "boss");
        String defaultJwks = server.get("/oauth2/jwks").body();

        assertEquals(201, admin.post("/t/initech/admin/users", tenantToken, "{\"username\":\"peter\"}").statusCode());
        assertEquals(200, admin.post("/t/initech/admin/keys/rotate", tenantToken, "").statusCode());

        assertTrue(server.server.engine().users().findByUsername("initech", "peter").isPresent());
        assertTrue(server.server.engine().users().findByUsername("default", "peter").isEmpty());
        assertEquals(defaultJwks, server.get("/oauth2/jwks").body());
        assertEquals(200, admin.get("/t/initech/admin/users", admin.token("/t/initech", "demo", "boss")).statusCode());
    }

    /** The tenant's own key in {@code state} (not one of the RS256 ID-token chain an ES256 tenant also has). */
    private static JsonNode keyIn(JsonNode keyList, String state) {
        for (JsonNode key : keyList.get("keys")) {
            if (state.equals(key.get("state").asText()) && "MAIN".equals(key.get("purpose").asText())) {
                return key;
            }
        }
        throw new AssertionError("no " + state + " key in " + keyList);
    }

    private static String kidIn(JsonNode keyList, String state) {
        return keyIn(keyList, state).get("kid").asText();
    }
}
