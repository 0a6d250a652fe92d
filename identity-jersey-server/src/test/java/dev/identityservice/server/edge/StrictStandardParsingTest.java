package dev.identityservice.server.edge;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, kind 15: strict but standard parsing. A form's {@code charset} is UTF-8 under any of its
 * registered names, in any case (RFC 9110 §8.3.2); any other charset is refused. Numbers are digits only, no
 * sign (see {@link ClientSuppliedNumbersTest} for {@code max_age=+5} and the admin API's paging).
 */
class StrictStandardParsingTest {

    private static final String BODY = form("grant_type", "client_credentials", "scope", "api");

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("web");
        server.confidentialClient("demo");
        server.user("root", "admin");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void formWhenCharsetIsAnyNameOfUtf8ThenAcceptedAtEveryFormEndpoint() {
        for (String charset : List.of("utf-8", "UTF-8", "utf8", "UTF8", "Utf-8", "\"utf-8\"", "unicode-1-1-utf-8")) {
            String type = "application/x-www-form-urlencoded; charset=" + charset;
            HttpResponse<String> token = server.post("/oauth2/token", BODY, "Content-Type", type, "Authorization", basic("web", SECRET));
            assertEquals(200, token.statusCode(), charset + ": " + token.body());
            String accessToken = json(token.body()).get("access_token").asText();

            assertEquals(200, server.post("/oauth2/introspect", form("token", accessToken), "Content-Type", type,
                    "Authorization", basic("web", SECRET)).statusCode(), charset);
            assertEquals(200, server.post("/oauth2/revoke", form("token", accessToken), "Content-Type", type,
                    "Authorization", basic("web", SECRET)).statusCode(), charset);
            assertEquals(200, server.post("/oauth2/authorize", form("response_type", "code", "client_id", "web", "state", "s"),
                    "Content-Type", type).statusCode(), charset);
        }
    }

    @Test
    void formWhenCharsetIsNotUtf8ThenInvalidRequest() {
        for (String charset : List.of("iso-8859-1", "latin1", "utf-16", "us-ascii", "utf-7", "nonsense", "utf-8x")) {
            HttpResponse<String> response = server.post("/oauth2/token", BODY,
                    "Content-Type", "application/x-www-form-urlencoded; charset=" + charset, "Authorization", basic("web", SECRET));

            assertEquals(400, response.statusCode(), charset + ": " + response.body());
            assertEquals("invalid_request", json(response.body()).get("error").asText());
        }
    }

    @Test
    void formWhenUtf8NamedButBytesMalformedThenInvalidRequest() {
        HttpResponse<String> response = server.postBytes("/oauth2/token", "grant_type=client_credentials&scope=%C3%28".getBytes(StandardCharsets.US_ASCII),
                "application/x-www-form-urlencoded; charset=utf8");

        assertEquals(400, response.statusCode(), response.body());
    }

    /**
     * RFC 8259 §8.1: JSON exchanged between systems is UTF-8. Malformed bytes (the overlong {@code C0 AF},
     * which a lenient decoder reads as {@code /}), UTF-16 (which Jackson would detect and accept) and a
     * declared charset other than UTF-8 are refused at the management API like at the form endpoints.
     */
    @Test
    void adminJsonWhenNotUtf8ThenInvalidRequestAndNothingCreated() {
        String token = ClientSuppliedNumbersTest.adminToken(server);
        String user = "{\"username\":\"%s\",\"password\":\"correct horse battery staple x\"}";
        List<byte[]> bodies = List.of(
                concat(user.formatted("over").getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xC0, (byte) 0xAF}),
                user.formatted("sixteen").getBytes(StandardCharsets.UTF_16),
                user.formatted("sixteenle").getBytes(StandardCharsets.UTF_16LE),
                user.formatted("bad\u00ff").getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] body : bodies) {
            HttpResponse<String> response = server.send(java.net.http.HttpRequest.newBuilder(server.uri("/admin/users"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)), "Content-Type", "application/json",
                    "Authorization", "Bearer " + token);

            assertEquals(400, response.statusCode(), new String(body, StandardCharsets.ISO_8859_1) + ": " + response.body());
            assertEquals("invalid_request", json(response.body()).get("error").asText());
        }
        for (String charset : List.of("latin1", "utf-16", "nonsense")) {
            HttpResponse<String> response = server.post("/admin/users", user.formatted("cs" + charset.length()),
                    "Content-Type", "application/json; charset=" + charset, "Authorization", "Bearer " + token);

            assertEquals(400, response.statusCode(), charset + ": " + response.body());
        }
        HttpResponse<String> list = server.get("/admin/users", "Authorization", "Bearer " + token);
        assertTrue(!list.body().contains("sixteen") && !list.body().contains("\"cs") && !list.body().contains("\"over"), list.body());
        assertEquals(201, server.post("/admin/users", user.formatted("good"), "Content-Type", "application/json; charset=UTF8",
                "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void importWhenFileNotUtf8ThenStartRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        byte[] json = "{\"users\":[{\"username\":\"over\",\"password\":\"correct horse battery staple x\"}]}".getBytes(StandardCharsets.US_ASCII);
        java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("setup.json"), concat(json, new byte[] {(byte) 0xC0, (byte) 0xAF}));

        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> TestServer.start(b -> b.importFile(file.toString())).close());
        assertTrue(String.valueOf(e.getMessage()).contains("not UTF-8")
                || e.getCause() != null && String.valueOf(e.getCause().getMessage()).contains("not UTF-8"), e.toString());
    }

    private static byte[] concat(byte[] json, byte[] inserted) {
        // Puts the bytes inside the username's value: {"username":"over<C0 AF>",...
        String text = new String(json, StandardCharsets.US_ASCII);
        int at = text.indexOf("over") + 4;
        byte[] out = new byte[json.length + inserted.length];
        System.arraycopy(json, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(json, at, out, at + inserted.length, json.length - at);
        return out;
    }
}
