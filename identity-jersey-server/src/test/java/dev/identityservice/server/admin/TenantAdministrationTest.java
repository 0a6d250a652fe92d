package dev.identityservice.server.admin;

import static dev.identityservice.server.admin.AdminHttp.body;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 8: a tenant created through the API is usable at once (the default tenant's administrators
 * manage every tenant, and a creation can make the tenant's first administrator), its own administrators stay
 * inside it, users and clients are found by name prefix, and a tenant's configuration exports to an import file
 * that rebuilds it on a fresh server.
 */
class TenantAdministrationTest {

    private static final String ACME_SECRET = "acme-backend-secret-0123456789-abcdefghij";

    @TempDir
    Path dir;

    private TestServer server;
    private AdminHttp admin;
    private String root;

    @BeforeEach
    void start() {
        server = TestServer.start();
        server.confidentialClient("demo");
        server.user("root", "admin");
        admin = new AdminHttp(server);
        root = admin.token("", "demo", "root");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void createTenantWhenFirstAdminHasNoPasswordThenGeneratedOnceAndTenantManagesItselfWithoutRestart() {
        JsonNode created = body(admin.post("/admin/tenants", root, "{\"id\":\"acme\",\"admin\":{\"username\":\"ada\"}}"), 201);
        String password = created.get("admin").get("password").asText();
        assertEquals(TenantResource.GENERATED_PASSWORD_CHARS, password.length());
        assertFalse(admin.get("/admin/tenants/acme", root).body().contains(password), "shown once");

        // The default tenant's administrator gives the new tenant its admin client, at the tenant's own path.
        body(admin.post("/t/acme/admin/clients", root, """
                {"clientId":"demo","secret":"%s","grantTypes":["password"]}""".formatted(TestServer.SECRET)), 201);
        HttpResponse<String> login = server.post("/t/acme/oauth2/token",
                form("grant_type", "password", "username", "ada", "password", password),
                "Authorization", basic("demo", TestServer.SECRET));
        assertEquals(200, login.statusCode(), login.body());
        String ada = json(login.body()).get("access_token").asText();

        body(admin.post("/t/acme/admin/users", ada, "{\"username\":\"bob\",\"password\":\"bobs-password-1\"}"), 201);
        assertEquals(List.of("ada", "bob"), usernames(body(admin.get("/t/acme/admin/users", ada), 200)));
        assertEquals(List.of("ada", "bob"), usernames(body(admin.get("/t/acme/admin/users", root), 200)));
    }

    @Test
    void tenantAdminWhenCallingAnotherTenantOrTheRootThenRefused() {
        body(admin.post("/admin/tenants", root, "{\"id\":\"acme\",\"admin\":{\"username\":\"ada\",\"password\":\"adas-password-1\"}}"), 201);
        body(admin.post("/admin/tenants", root, "{\"id\":\"beta\"}"), 201);
        server.save(server.confidential("acme", "demo"));
        String ada = json(server.post("/t/acme/oauth2/token", form("grant_type", "password", "username", "ada",
                "password", "adas-password-1"), "Authorization", basic("demo", TestServer.SECRET)).body()).get("access_token").asText();

        assertEquals(200, admin.get("/t/acme/admin/users", ada).statusCode());
        assertEquals(401, admin.get("/t/beta/admin/users", ada).statusCode(), "another tenant");
        assertEquals(401, admin.get("/admin/users", ada).statusCode(), "the default tenant");
        assertEquals(401, admin.post("/admin/tenants", ada, "{\"id\":\"mine\"}").statusCode());
        assertEquals(404, admin.get("/t/acme/admin/tenants", ada).statusCode(), "tenants exist only at the root");
        assertEquals(401, admin.post("/t/beta/admin/users", ada, "{\"username\":\"mole\"}").statusCode());
        assertTrue(server.server.engine().users().findByUsername("beta", "mole").isEmpty());
        // Another tenant's audit log, an export, and the process metrics are out of a tenant admin's reach too.
        assertEquals(200, admin.get("/t/acme/admin/events", ada).statusCode());
        assertEquals(401, admin.get("/t/beta/admin/events", ada).statusCode());
        assertEquals(401, admin.get("/admin/events", ada).statusCode());
        assertEquals(404, admin.get("/t/acme/admin/tenants/beta/export", ada).statusCode());
        assertEquals(404, admin.get("/t/acme/admin/tenants/acme/export", ada).statusCode(), "exports are the root's");
        assertEquals(401, admin.get("/admin/tenants/beta/export", ada).statusCode());
        assertEquals(401, admin.get("/metrics", ada).statusCode());
        assertEquals(401, admin.get("/t/beta/metrics", ada).statusCode());
    }

    @Test
    void createTenantWhenFirstAdminPasswordBreaksRulesThenNoTenantAndAnswerNamesIt() {
        HttpResponse<String> refused = admin.post("/admin/tenants", root, "{\"id\":\"gamma\",\"admin\":{\"username\":\"gus\",\"password\":\"short\"}}");
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(json(refused.body()).get("error_description").asText().contains("password"), refused.body());
        assertEquals(404, admin.get("/admin/tenants/gamma", root).statusCode());

        HttpResponse<String> chosen = admin.post("/admin/tenants", root, "{\"id\":\"gamma\",\"admin\":{\"username\":\"gus\",\"password\":\"guss-password-1\"}}");
        JsonNode body = body(chosen, 201);
        assertNull(body.get("admin").get("password"), "a chosen password is never echoed");
        assertFalse(chosen.body().contains("guss-password-1"));
    }

    @Test
    void listWhenUsernameOrNamePrefixThenOnlyMatchesCaseInsensitivelyAndUnknownParameterRefused() {
        for (String name : List.of("alice", "Alfred", "bob")) {
            server.user(name);
        }
        server.save(server.confidential("default", "billing").name("Billing Portal"));
        server.save(server.confidential("default", "reports").name("BI reports"));

        JsonNode page = body(admin.get("/admin/users?username=AL&limit=1", root), 200);
        assertEquals(List.of("Alfred"), usernames(page));
        assertEquals(1, page.get("nextOffset").asInt());
        assertEquals(List.of("alice"), usernames(body(admin.get("/admin/users?username=AL&offset=1", root), 200)));
        assertEquals(List.of("reports", "billing"), clientIds(body(admin.get("/admin/clients?name=b", root), 200)), "by name: \"bi reports\" first");
        assertEquals(List.of("billing"), clientIds(body(admin.get("/admin/clients?name=BILLING%20P", root), 200)));

        HttpResponse<String> typo = admin.get("/admin/users?usrname=al", root);
        assertEquals(400, typo.statusCode());
        assertTrue(json(typo.body()).get("error_description").asText().contains("'usrname'"), typo.body());
        assertEquals(400, admin.get("/admin/clients?username=al", root).statusCode(), "users' filter is not the clients'");
        assertEquals(400, admin.get("/admin/users?username=", root).statusCode());
        assertEquals(400, admin.get("/admin/users?username=a&username=b", root).statusCode());
    }

    @Test
    void listWhenPrefixHasWildcardsUnicodeOrHostileBytesThenLiteralMatchOr400Never500() {
        for (String name : List.of("a_b", "axb", "a%c", "a\\d", "Émile", "emma", "straße")) {
            server.user(name);
        }
        server.save(server.confidential("default", "pct").name("100% Cotton"));
        server.save(server.confidential("default", "plain").name("1000 Cotton"));

        assertEquals(List.of("a_b"), usernames(body(admin.get("/admin/users?username=a_", root), 200)), "_ is literal");
        assertEquals(List.of("a%c"), usernames(body(admin.get("/admin/users?username=a%25", root), 200)), "% is literal");
        assertEquals(List.of("a\\d"), usernames(body(admin.get("/admin/users?username=a%5C", root), 200)), "\\ is literal");
        assertEquals(List.of("Émile"), usernames(body(admin.get("/admin/users?username=%C3%A9", root), 200)), "unicode case-insensitive");
        assertEquals(List.of("pct"), clientIds(body(admin.get("/admin/clients?name=100%25", root), 200)));
        assertEquals(List.of(), clientIds(body(admin.get("/admin/clients?name=%25", root), 200)));
        for (String query : List.of("username=%00", "username=%01", "username=%20", "username=%ED%A0%80", "username=%FF",
                "username=%F4%8F%BF%BF", "username=%EF%BF%BF", "username=" + "a".repeat(5000), "username=%E2%80%8B",
                "username=STRASSE", "username=%CC%81")) {
            HttpResponse<String> answer = admin.get("/admin/users?" + query, root);
            assertTrue(answer.statusCode() == 200 || answer.statusCode() == 400,
                    query.substring(0, Math.min(40, query.length())) + " -> " + answer.statusCode() + " " + answer.body());
        }
        for (String query : List.of("name=%00", "name=%ED%A0%80", "name=%F4%8F%BF%BF", "name=" + "b".repeat(5000))) {
            HttpResponse<String> answer = admin.get("/admin/clients?" + query, root);
            assertTrue(answer.statusCode() == 200 || answer.statusCode() == 400,
                    query.substring(0, Math.min(40, query.length())) + " -> " + answer.statusCode() + " " + answer.body());
        }
    }

    @Test
    void exportWhenImportedIntoFreshServerThenSameClientsAndUsersAndNoSecret() throws Exception {
        body(admin.post("/admin/tenants", root, "{\"id\":\"acme\",\"signingAlgorithm\":\"ES256\",\"rotationPeriod\":\"7d\"}"), 201);
        body(admin.post("/t/acme/admin/users", root, """
                {"username":"carol","password":"carols-password-1","roles":["admin","user"],
                 "profile":{"name":"Carol C","email":"carol@example.com","emailVerified":true},"attributes":{"team":"blue"}}"""), 201);
        body(admin.post("/t/acme/admin/users", root, "{\"username\":\"dave\",\"password\":\"daves-password-1\",\"enabled\":false}"), 201);
        body(admin.post("/t/acme/admin/clients", root, """
                {"clientId":"backend","name":"Backend","secret":"%s","grantTypes":["client_credentials"],"scopes":["api"],
                 "accessTokenTtl":"5m","claimMappings":[{"token":"access","attribute":"team","claim":"team"}]}""".formatted(ACME_SECRET)), 201);
        body(admin.post("/t/acme/admin/clients", root, """
                {"clientId":"spa","public":true,"grantTypes":["authorization_code"],"redirectUris":["https://spa.example.com/cb"],
                 "allowedOrigins":["https://spa.example.com"],"scopes":["openid"]}"""), 201);
        // Issue 12's client fields and standard claims: keys, auth method, ID token/userinfo algorithms, back-channel logout.
        String jwks = "{\"keys\":[" + new ECKeyGenerator(Curve.P_256).keyID("rp-1").generate().toPublicJWK().toJSONString() + "]}";
        body(admin.post("/t/acme/admin/clients", root, """
                {"clientId":"rp","secret":"%s","grantTypes":["authorization_code"],"redirectUris":["https://rp.example.com/cb"],
                 "scopes":["openid","profile"],"jwks":%s,"tokenEndpointAuthMethod":"client_secret_post",
                 "idTokenSignedResponseAlg":"RS256","userinfoSignedResponseAlg":"ES256",
                 "backchannelLogoutUri":"https://rp.example.com/bcl","backchannelLogoutSessionRequired":true}"""
                .formatted(ACME_SECRET, jwks)), 201);
        body(admin.post("/t/acme/admin/users", root, """
                {"username":"erin","password":"erins-password-1","profile":{"givenName":"Erin","familyName":"E",
                 "phoneNumber":"+15555550100","phoneNumberVerified":true,"birthdate":"1990-02-03","zoneinfo":"Europe/Paris",
                 "address":{"streetAddress":"1 Main St\\nFlat 2","locality":"Springfield","country":"US"}}}"""), 201);

        HttpResponse<String> exported = admin.get("/admin/tenants/acme/export", root);
        assertEquals(200, exported.statusCode(), exported.body());
        assertTrue(exported.headers().firstValue("Content-Disposition").orElse("").contains("acme-setup.json"));
        for (String secret : List.of(ACME_SECRET, "carols-password-1", "argon2", "secretHash", "passwordHash")) {
            assertFalse(exported.body().contains(secret), "no secret and no hash: " + secret);
        }
        Path file = dir.resolve("acme.json");
        Files.writeString(file, exported.body());

        try (TestServer fresh = TestServer.start(b -> b.importFile(file.toString()))) {
            fresh.confidentialClient("demo");
            fresh.user("root", "admin");
            AdminHttp freshAdmin = new AdminHttp(fresh);
            String freshRoot = freshAdmin.token("", "demo", "root");

            assertEquals(json(exported.body()), body(freshAdmin.get("/admin/tenants/acme/export", freshRoot), 200));
            JsonNode rp = body(freshAdmin.get("/t/acme/admin/clients/rp", freshRoot), 200);
            assertEquals("client_secret_post", rp.get("tokenEndpointAuthMethod").asText());
            assertEquals("RS256", rp.get("idTokenSignedResponseAlg").asText());
            assertEquals("ES256", rp.get("userinfoSignedResponseAlg").asText());
            assertEquals("https://rp.example.com/bcl", rp.get("backchannelLogoutUri").asText());
            assertTrue(rp.get("backchannelLogoutSessionRequired").asBoolean());
            assertEquals("rp-1", rp.get("jwks").get("keys").get(0).get("kid").asText());
            JsonNode erin = body(freshAdmin.get("/t/acme/admin/users?username=erin", freshRoot), 200).get("items").get(0).get("profile");
            assertEquals("+15555550100", erin.get("phoneNumber").asText());
            assertTrue(erin.get("phoneNumberVerified").asBoolean());
            assertEquals("1990-02-03", erin.get("birthdate").asText());
            assertEquals("1 Main St\nFlat 2", erin.get("address").get("streetAddress").asText());
            assertEquals("ES256", body(freshAdmin.get("/admin/tenants/acme", freshRoot), 200).get("signingAlgorithm").asText());
            // The secret stayed behind: the client answers only once an administrator gives it a new one.
            assertEquals(401, fresh.post("/t/acme/oauth2/token", form("grant_type", "client_credentials"),
                    "Authorization", basic("backend", ACME_SECRET)).statusCode());
            String secret = body(freshAdmin.post("/t/acme/admin/clients/backend/secret", freshRoot, ""), 200).get("secret").asText();
            assertEquals(200, fresh.post("/t/acme/oauth2/token", form("grant_type", "client_credentials"),
                    "Authorization", basic("backend", secret)).statusCode());
        }
    }

    private static List<String> usernames(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.get("items").forEach(item -> names.add(item.get("username").asText()));
        return names;
    }

    private static List<String> clientIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("clientId").asText()));
        return ids;
    }
}
