package dev.identityservice.server.admin;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** JSON calls to the management API of a {@link TestServer}, and admin tokens from its password grant. */
final class AdminHttp {

    static final String JSON = "application/json";

    private final TestServer server;

    AdminHttp(TestServer server) {
        this.server = server;
    }

    /** A password-grant access token of {@code username} through {@code clientId} (secret {@link TestServer#SECRET}) at {@code prefix}. */
    String token(String prefix, String clientId, String username) {
        HttpResponse<String> response = server.post(prefix + "/oauth2/token",
                form("grant_type", "password", "username", username, "password", TestServer.PASSWORD),
                "Authorization", basic(clientId, SECRET));
        if (response.statusCode() != 200) {
            throw new AssertionError("login failed: " + response.statusCode() + " " + response.body());
        }
        return json(response.body()).get("access_token").asText();
    }

    HttpResponse<String> get(String path, String token) {
        return server.get(path, "Authorization", "Bearer " + token);
    }

    HttpResponse<String> post(String path, String token, String jsonBody) {
        return server.post(path, jsonBody, "Authorization", "Bearer " + token, "Content-Type", JSON);
    }

    HttpResponse<String> send(String method, String path, String token, String jsonBody) {
        HttpRequest.BodyPublisher body = jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody);
        return jsonBody == null
                ? server.send(HttpRequest.newBuilder(server.uri(path)).method(method, body), "Authorization", "Bearer " + token)
                : server.send(HttpRequest.newBuilder(server.uri(path)).method(method, body), "Authorization", "Bearer " + token,
                        "Content-Type", JSON);
    }

    /** The {@code kid} in the JWS header of {@code token}. */
    static String kidOf(String token) {
        String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
        return json(header).get("kid").asText();
    }

    static JsonNode body(HttpResponse<String> response, int expectedStatus) {
        if (response.statusCode() != expectedStatus) {
            throw new AssertionError("expected " + expectedStatus + " but was " + response.statusCode() + ": " + response.body());
        }
        return json(response.body());
    }
}
