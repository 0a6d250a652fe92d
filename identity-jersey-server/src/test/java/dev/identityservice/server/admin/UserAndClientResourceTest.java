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
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Users and clients through the management API over real HTTP. */
class UserAndClientResourceTest {

    private static TestServer server;
    private static AdminHttp admin;
    private static String token;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("demo");
        server.user("root", "admin");
        admin = new AdminHttp(server);
        token = admin.token("", "demo", "root");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void userCrudWhenCreatedPatchedAndDeletedThenEachStepVisible() {
        HttpResponse<String> created = admin.post("/admin/users", token, """
                {"username":"carol","password":"%s","roles":["user"],
                 "profile":{"name":"Carol","email":"carol@example.com","emailVerified":true},"attributes":{"team":"blue"}}"""
                .formatted(TestServer.PASSWORD));
        JsonNode user = body(created, 201);
        String location = created.headers().firstValue("Location").orElseThrow();
        String path = URI.create(location).getPath();

        assertEquals("/admin/users/" + user.get("id").asText(), path);
        assertFalse(created.body().contains(TestServer.PASSWORD), "never echoes a password");
        assertFalse(created.body().contains("argon2"), "never shows a hash");
        assertEquals("carol@example.com", body(admin.get(path, token), 200).get("profile").get("email").asText());
        assertEquals(200, server.post("/oauth2/token", form("grant_type", "password", "username", "carol", "password",
                TestServer.PASSWORD), "Authorization", basic("demo", TestServer.SECRET)).statusCode());

        JsonNode patched = body(admin.send("PATCH", path, token, "{\"roles\":[\"user\",\"auditor\"],\"attributes\":{\"team\":\"red\"}}"), 200);
        assertEquals("[\"auditor\",\"user\"]", patched.get("roles").toString());
        assertEquals("red", patched.get("attributes").get("team").asText());
        assertEquals("Carol", patched.get("profile").get("name").asText(), "an absent field is kept");

        assertEquals(204, admin.post(path + "/password", token, "{\"password\":\"a brand new passphrase\"}").statusCode());
        assertEquals(400, server.post("/oauth2/token", form("grant_type", "password", "username", "carol", "password",
                TestServer.PASSWORD), "Authorization", basic("demo", TestServer.SECRET)).statusCode());

        assertEquals(204, admin.send("DELETE", path, token, null).statusCode());
        assertEquals(404, admin.get(path, token).statusCode());
        assertEquals(404, admin.send("DELETE", path, token, null).statusCode());
    }

    @Test
    void clientResponseTypesWhenInconsistentWithGrantTypesThen400ElseStoredAsRegistered() {
        HttpResponse<String> refused = admin.post("/admin/clients", token, """
                {"clientId":"spa-refused","public":true,"redirectUris":["https://app.example.com/cb"],
                 "grantTypes":["authorization_code"],"responseTypes":["id_token"]}""");
        JsonNode error = body(refused, 400);
        assertTrue(error.get("error_description").asText().contains("responseTypes"), error.toString());
        assertEquals(404, admin.get("/admin/clients/spa-refused", token).statusCode());

        JsonNode created = body(admin.post("/admin/clients", token, """
                {"clientId":"spa","public":true,"redirectUris":["https://app.example.com/cb"],
                 "grantTypes":["implicit"],"responseTypes":["token id_token","id_token"]}"""), 201);
        assertEquals("[\"id_token\",\"id_token token\"]", created.get("responseTypes").toString());
        assertEquals("[\"code\"]", body(admin.get("/admin/clients/demo", token), 200).get("responseTypes").toString(),
                "a client that registered none has the default");
    }

    @Test
    void implicitAndHybridFlowsWhenTurnedOnAndOffThenDiscoveryFollowsAtOnce() {
        assertEquals(false, body(admin.get("/admin/implicit-hybrid-flows", token), 200).get("enabled").asBoolean());
        assertEquals(400, admin.send("PUT", "/admin/implicit-hybrid-flows", token, "{}").statusCode());
        try {
            assertEquals(true, body(admin.send("PUT", "/admin/implicit-hybrid-flows", token, "{\"enabled\":true}"), 200)
                    .get("enabled").asBoolean());
            assertTrue(json(server.get("/.well-known/openid-configuration").body()).get("response_types_supported").toString()
                    .contains("\"id_token token\""));
        } finally {
            assertEquals(200, admin.send("PUT", "/admin/implicit-hybrid-flows", token, "{\"enabled\":false}").statusCode());
        }
        assertEquals("[\"code\"]", json(server.get("/.well-known/openid-configuration").body()).get("response_types_supported").toString());
    }

    @Test
    void createUserWhenUsernameTakenThen409() {
        assertEquals(201, admin.post("/admin/users", token, "{\"username\":\"dave\"}").statusCode());

        HttpResponse<String> again = admin.post("/admin/users", token, "{\"username\":\"DAVE\"}");

        assertEquals("conflict", body(again, 409).get("error").asText());
    }

    @Test
    void createUserWhenBadInputThen4xxNamingTheProblem() {
        assertEquals("invalid_request", body(admin.post("/admin/users", token, "{\"username\":"), 400).get("error").asText());
        assertTrue(body(admin.post("/admin/users", token, "{\"username\":\"x\",\"pasword\":\"typo\"}"), 400)
                .get("error_description").asText().contains("pasword"));
        assertTrue(body(admin.post("/admin/users", token, "{\"username\":\"x\",\"roles\":\"admin\"}"), 400)
                .get("error_description").asText().contains("roles"));
        HttpResponse<String> shortPassword = admin.post("/admin/users", token, "{\"username\":\"x\",\"password\":\"short1\"}");
        assertTrue(body(shortPassword, 400).get("error_description").asText().contains("password"));
        assertFalse(shortPassword.body().contains("short1"));
        assertEquals(400, admin.post("/admin/users", token, "[]").statusCode());
        assertEquals(400, admin.post("/admin/users", token, "{}").statusCode());
        assertEquals(400, admin.post("/admin/users", token, "").statusCode());
        assertEquals(400, admin.post("/admin/users", token, "{\"username\":\"x\"} {}").statusCode());
        assertEquals(415, server.post("/admin/users", "username=x", "Authorization", "Bearer " + token).statusCode());
        assertEquals(413, admin.post("/admin/users", token, "{\"username\":\"" + "x".repeat(70_000) + "\"}").statusCode());
        assertEquals(404, admin.get("/admin/users/no-such-id", token).statusCode());
    }

    /** Regression: values longer than their columns, or nulls in lists, used to fail in the database with a 500. */
    @Test
    void createOrPatchUserWhenValueTooLongOrNullThen400NamingTheFieldAndNothingStored() {
        String longRole = "{\"username\":\"long-role\",\"password\":\"a long passphrase\",\"roles\":[\"" + "r".repeat(300) + "\"]}";
        assertTrue(body(admin.post("/admin/users", token, longRole), 400).get("error_description").asText().contains("role"));
        assertEquals(400, admin.post("/admin/users", token, "{\"username\":\"null-role\",\"roles\":[null]}").statusCode());
        assertTrue(body(admin.post("/admin/users", token, "{\"username\":\"long-mail\",\"profile\":{\"email\":\""
                + "m".repeat(400) + "@example.com\"}}"), 400).get("error_description").asText().contains("email"));
        assertTrue(server.server.engine().users().findByUsername("default", "long-role").isEmpty());

        String id = body(admin.post("/admin/users", token, "{\"username\":\"patched\",\"roles\":[\"user\"]}"), 201).get("id").asText();
        HttpResponse<String> patch = admin.send("PATCH", "/admin/users/" + id, token,
                "{\"attributes\":{\"note\":\"" + "n".repeat(5000) + "\"}}");
        assertTrue(body(patch, 400).get("error_description").asText().contains("attribute note"));
        assertEquals(400, admin.send("PATCH", "/admin/users/" + id, token, "{\"roles\":[null]}").statusCode());
        assertEquals(java.util.Set.of("user"), server.server.engine().users().findById("default", id).orElseThrow().roles());
    }

    @Test
    void listUsersWhenPagedThenItemsAndNextOffset() {
        TestServer paged = TestServer.start();
        try (paged) {
            paged.confidentialClient("demo");
            paged.user("admin0", "admin");
            for (int i = 1; i <= 4; i++) {
                paged.user("user" + i);
            }
            AdminHttp http = new AdminHttp(paged);
            String adminToken = http.token("", "demo", "admin0");

            JsonNode first = body(http.get("/admin/users?limit=2", adminToken), 200);
            JsonNode last = body(http.get("/admin/users?offset=4&limit=2", adminToken), 200);

            assertEquals(2, first.get("items").size());
            assertEquals("admin0", first.get("items").get(0).get("username").asText());
            assertEquals(2, first.get("nextOffset").asInt());
            assertEquals(1, last.get("items").size());
            assertNull(last.get("nextOffset"));
            assertEquals(400, http.get("/admin/users?limit=1000", adminToken).statusCode());
            assertEquals(400, http.get("/admin/users?offset=-1", adminToken).statusCode());
            assertEquals(400, http.get("/admin/users?limit=abc", adminToken).statusCode());
        }
    }

    @Test
    void revokeTokensWhenCalledThenRefreshRefusedAndIntrospectionInactive() {
        server.user("erin", "user");
        JsonNode tokens = server.passwordLogin("demo", "erin");
        String userId = server.server.engine().users().findByUsername("default", "erin").orElseThrow().id();

        assertEquals(204, admin.post("/admin/users/" + userId + "/revoke-tokens", token, "").statusCode());

        HttpResponse<String> refresh = server.post("/oauth2/token", form("grant_type", "refresh_token", "refresh_token",
                tokens.get("refresh_token").asText()), "Authorization", basic("demo", TestServer.SECRET));
        JsonNode introspection = json(server.post("/oauth2/introspect", form("token", tokens.get("access_token").asText()),
                "Authorization", basic("demo", TestServer.SECRET)).body());
        assertEquals(400, refresh.statusCode(), refresh.body());
        assertEquals("invalid_grant", json(refresh.body()).get("error").asText());
        assertFalse(introspection.get("active").asBoolean());
    }

    @Test
    void disableWhenUserDisabledThenLoginRefused() {
        server.user("frank", "user");
        String userId = server.server.engine().users().findByUsername("default", "frank").orElseThrow().id();

        JsonNode disabled = body(admin.post("/admin/users/" + userId + "/disable", token, ""), 200);

        assertFalse(disabled.get("enabled").asBoolean());
        assertEquals(400, server.post("/oauth2/token", form("grant_type", "password", "username", "frank", "password",
                TestServer.PASSWORD), "Authorization", basic("demo", TestServer.SECRET)).statusCode());
    }

    @Test
    void createClientWhenConfidentialWithoutSecretThenSecretShownOnceAndWorks() {
        HttpResponse<String> created = admin.post("/admin/clients", token, """
                {"clientId":"billing","name":"Billing","grantTypes":["client_credentials"],"scopes":["api"],"accessTokenTtl":"5m"}""");
        JsonNode client = body(created, 201);
        String secret = client.get("secret").asText();

        HttpResponse<String> tokenResponse = server.post("/oauth2/token", form("grant_type", "client_credentials", "scope", "api"),
                "Authorization", basic("billing", secret));
        HttpResponse<String> read = admin.get("/admin/clients/billing", token);

        assertTrue(created.headers().firstValue("Location").orElseThrow().endsWith("/admin/clients/billing"));
        assertEquals(43, secret.length());
        assertEquals(200, tokenResponse.statusCode(), tokenResponse.body());
        assertEquals("5m", body(read, 200).get("accessTokenTtl").asText());
        assertFalse(read.body().contains(secret));
        assertFalse(read.body().contains("secret"), "neither secret nor secretHash: " + read.body());
        assertFalse(admin.get("/admin/clients", token).body().contains("sha256:"));
        assertEquals("conflict", body(admin.post("/admin/clients", token, "{\"clientId\":\"billing\"}"), 409).get("error").asText());
    }

    @Test
    void rotateClientSecretWhenCalledThenOnlyTheNewSecretWorks() {
        String first = body(admin.post("/admin/clients", token, "{\"clientId\":\"reports\",\"grantTypes\":[\"client_credentials\"]}"), 201)
                .get("secret").asText();

        String second = body(admin.post("/admin/clients/reports/secret", token, ""), 200).get("secret").asText();

        assertEquals(401, server.post("/oauth2/token", form("grant_type", "client_credentials"), "Authorization", basic("reports", first)).statusCode());
        assertEquals(200, server.post("/oauth2/token", form("grant_type", "client_credentials"), "Authorization", basic("reports", second)).statusCode());
    }

    @Test
    void replaceClientWhenPutThenSettingsReplacedAndSecretKept() {
        String secret = body(admin.post("/admin/clients", token, "{\"clientId\":\"crm\",\"grantTypes\":[\"client_credentials\"]}"), 201)
                .get("secret").asText();

        JsonNode replaced = body(admin.send("PUT", "/admin/clients/crm", token,
                "{\"name\":\"CRM\",\"grantTypes\":[\"client_credentials\"],\"scopes\":[\"api\"],\"tokenFormat\":\"opaque\"}"), 200);

        assertEquals("CRM", replaced.get("name").asText());
        assertEquals("opaque", replaced.get("tokenFormat").asText());
        assertEquals(200, server.post("/oauth2/token", form("grant_type", "client_credentials", "scope", "api"),
                "Authorization", basic("crm", secret)).statusCode());
        assertEquals(404, admin.send("PUT", "/admin/clients/none", token, "{}").statusCode());
        assertEquals(204, admin.send("DELETE", "/admin/clients/crm", token, null).statusCode());
        assertEquals(401, server.post("/oauth2/token", form("grant_type", "client_credentials"), "Authorization", basic("crm", secret)).statusCode());
    }

    @Test
    void createClientWhenNameOrScopesTooLongThen400NamingTheField() {
        String longName = "{\"clientId\":\"long-name\",\"name\":\"" + "n".repeat(300) + "\",\"public\":true}";
        assertTrue(body(admin.post("/admin/clients", token, longName), 400).get("error_description").asText().contains("name"));
        StringBuilder scopes = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            scopes.append(i == 0 ? "" : ",").append("\"scope-number-").append(i).append('"');
        }
        String manyScopes = "{\"clientId\":\"many-scopes\",\"public\":true,\"scopes\":[" + scopes + "]}";
        assertTrue(body(admin.post("/admin/clients", token, manyScopes), 400).get("error_description").asText().contains("scopes"));
    }

    @Test
    void createClientWhenInvalidSettingsThen400NamingTheField() {
        assertTrue(body(admin.post("/admin/clients", token, "{\"clientId\":\"x1\",\"grantTypes\":[\"magic\"]}"), 400)
                .get("error_description").asText().contains("grantTypes"));
        assertTrue(body(admin.post("/admin/clients", token, "{\"clientId\":\"x2\",\"accessTokenTtl\":\"forever\"}"), 400)
                .get("error_description").asText().contains("accessTokenTtl"));
        assertTrue(body(admin.post("/admin/clients", token, "{\"clientId\":\"x3\",\"secret\":\"short\"}"), 400)
                .get("error_description").asText().contains("secret"));
        assertEquals(400, admin.post("/admin/clients", token, "{\"clientId\":\"x4\",\"public\":true,\"grantTypes\":[\"client_credentials\"]}").statusCode());
        assertEquals(400, admin.post("/admin/clients", token, "{\"clientId\":\"x5\",\"tokenFormat\":\"xml\"}").statusCode());
        assertEquals(400, admin.post("/admin/clients", token, "{\"clientId\":\"x6\",\"tenant\":\"other\"}").statusCode());
        assertEquals(400, admin.post("/admin/clients", token, "{\"name\":\"no id\"}").statusCode());
    }

    @Test
    void createClientWhenReuseGraceAndIntrospectionAudiencesGivenThenStoredAndShown() {
        JsonNode created = body(admin.post("/admin/clients", token, """
                {"clientId":"tabs","public":true,"grantTypes":["authorization_code","refresh_token"],
                 "refreshReuseGrace":"5s","introspectionAudiences":["https://api.example.com"]}"""), 201);
        JsonNode defaults = body(admin.post("/admin/clients", token, "{\"clientId\":\"plain\",\"public\":true}"), 201);

        assertEquals("5s", created.get("refreshReuseGrace").asText());
        assertEquals("https://api.example.com", created.get("introspectionAudiences").get(0).asText());
        assertEquals(Duration.ofSeconds(5), server.server.engine().clients().find("default", "tabs").orElseThrow()
                .tokenSettings().refreshReuseGrace());
        assertEquals("0s", defaults.get("refreshReuseGrace").asText(), "the default: any reuse revokes the family");
        assertEquals(0, defaults.get("introspectionAudiences").size());
    }

    @Test
    void createClientWhenReuseGraceOrIntrospectionAudienceInvalidThen400NamingTheField() {
        for (String grace : new String[] {"61s", "-1s", "soon", "PT0.5S"}) {
            HttpResponse<String> response = admin.post("/admin/clients", token,
                    "{\"clientId\":\"g\",\"public\":true,\"refreshReuseGrace\":\"" + grace + "\"}");
            assertTrue(body(response, 400).get("error_description").asText().contains("refreshReuseGrace"), grace + ": " + response.body());
        }
        HttpResponse<String> spaced = admin.post("/admin/clients", token,
                "{\"clientId\":\"a\",\"public\":true,\"introspectionAudiences\":[\"two words\"]}");
        assertTrue(body(spaced, 400).get("error_description").asText().contains("introspectionAudiences"), spaced.body());
    }

    @Test
    void createUserWhenEveryStandardClaimThenStoredAndShownAndMalformedFormatsRefusedNamingTheField() {
        JsonNode created = body(admin.post("/admin/users", token, """
                {"username":"dora","profile":{"name":"Dora","middleName":"M","nickname":"D","profile":"https://d.example/",
                 "website":"https://d.example/blog","gender":"other","birthdate":"1990-02-28","zoneinfo":"America/New_York",
                 "locale":"en-US","phoneNumber":"+15551234567;ext=12","phoneNumberVerified":true,
                 "address":{"streetAddress":"1 Main St\\nApt 2","locality":"Springfield","region":"IL","postalCode":"62701","country":"US"}}}"""), 201);
        JsonNode profile = body(admin.get("/admin/users/" + created.get("id").asText(), token), 200).get("profile");
        assertEquals("1990-02-28", profile.get("birthdate").asText());
        assertEquals("+15551234567;ext=12", profile.get("phoneNumber").asText());
        assertTrue(profile.get("phoneNumberVerified").asBoolean());
        assertEquals("1 Main St\nApt 2", profile.get("address").get("streetAddress").asText());

        for (String[] bad : new String[][] {{"birthdate", "\"1990-02-30\""}, {"birthdate", "\"90-1-1\""},
                {"zoneinfo", "\"+02:00\""}, {"locale", "\"en US\""}, {"phoneNumber", "\"555-1234\""},
                {"website", "\"javascript:alert(1)\""}, {"profile", "\"/relative\""}, {"email", "\"not-an-address\""}}) {
            HttpResponse<String> refused = admin.post("/admin/users", token,
                    "{\"username\":\"bad-" + bad[0] + "\",\"profile\":{\"" + bad[0] + "\":" + bad[1] + "}}");
            assertTrue(body(refused, 400).get("error_description").asText().contains(bad[0]), bad[0] + " " + refused.body());
        }
        assertEquals(400, admin.post("/admin/users", token,
                "{\"username\":\"long-street\",\"profile\":{\"address\":{\"locality\":\"" + "x".repeat(300) + "\"}}}").statusCode());
    }

    @Test
    void createClientWhenSigningAlgorithmsThenShownAndAnUnknownOneRefused() {
        JsonNode created = body(admin.post("/admin/clients", token, """
                {"clientId":"signed","secret":"a-secret-that-is-at-least-32-characters-long","grantTypes":["authorization_code"],
                 "redirectUris":["https://signed.example/cb"],"scopes":["openid"],
                 "idTokenSignedResponseAlg":"ES256","userinfoSignedResponseAlg":"RS256"}"""), 201);
        assertEquals("ES256", created.get("idTokenSignedResponseAlg").asText());
        assertEquals("RS256", body(admin.get("/admin/clients/signed", token), 200).get("userinfoSignedResponseAlg").asText());

        HttpResponse<String> refused = admin.post("/admin/clients", token, """
                {"clientId":"hs","secret":"a-secret-that-is-at-least-32-characters-long","grantTypes":["authorization_code"],
                 "redirectUris":["https://signed.example/cb"],"idTokenSignedResponseAlg":"HS256"}""");
        assertTrue(body(refused, 400).get("error_description").asText().contains("idTokenSignedResponseAlg"), refused.body());
        HttpResponse<String> unsignable = admin.post("/admin/clients", token, """
                {"clientId":"ed","secret":"a-secret-that-is-at-least-32-characters-long","grantTypes":["authorization_code"],
                 "redirectUris":["https://signed.example/cb"],"idTokenSignedResponseAlg":"EdDSA"}""");
        assertTrue(body(unsignable, 400).get("error_description").asText().contains("signs with [RS256, ES256] only"),
                unsignable.body());
    }
}
