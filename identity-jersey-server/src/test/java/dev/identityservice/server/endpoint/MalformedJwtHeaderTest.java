package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JWT-shaped token whose header is JSON but not an object ({@code null}, an array, a string, a number) is just
 * not a token: userinfo answers 401, introspection {@code active:false}, revocation 200, logout ignores the hint.
 * Never a 500.
 */
class MalformedJwtHeaderTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("web");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(String headerJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString("{\"sub\":\"alice\"}".getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(new byte[256]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "\"at+jwt\"", "1", "true"})
    void userinfoWhenHeaderIsNotAJsonObjectThen401(String header) {
        HttpResponse<String> response = server.get("/oauth2/userinfo", "Authorization", "Bearer " + token(header));

        assertEquals(401, response.statusCode(), response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "\"at+jwt\"", "1", "true"})
    void introspectWhenHeaderIsNotAJsonObjectThenInactive(String header) {
        HttpResponse<String> response = server.post("/oauth2/introspect", form("token", token(header)),
                "Authorization", basic("web", SECRET));

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"active\":false"), response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "\"at+jwt\"", "1", "true"})
    void revokeWhenHeaderIsNotAJsonObjectThen200(String header) {
        HttpResponse<String> response = server.post("/oauth2/revoke", form("token", token(header)),
                "Authorization", basic("web", SECRET));

        assertEquals(200, response.statusCode(), response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "\"JWT\"", "1", "true"})
    void logoutWhenIdTokenHintHeaderIsNotAJsonObjectThenNoServerError(String header) {
        HttpResponse<String> response = server.get("/oauth2/logout?client_id=web&id_token_hint=" + token(header));

        assertTrue(response.statusCode() < 500, response.statusCode() + " " + response.body());
    }
}
