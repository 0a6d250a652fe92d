package dev.identityservice.server.edge;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
