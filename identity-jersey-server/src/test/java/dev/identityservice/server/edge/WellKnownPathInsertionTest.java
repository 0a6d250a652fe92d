package dev.identityservice.server.edge;

import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, kind 4: RFC 8414 §3.1 metadata for issuers with a path. For issuer {@code https://host/t/x} the
 * document is at {@code /.well-known/oauth-authorization-server/t/x}; the OpenID Connect form (issuer + the
 * well-known segment) keeps working, and an issuer path nobody has is 404.
 */
class WellKnownPathInsertionTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.tenant("x");
        server.tenant("acme-2");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void metadataWhenWellKnownInsertedBeforeIssuerPathThenThatTenantsDocument() {
        for (String tenant : List.of("x", "acme-2")) {
            String issuer = server.server.issuer() + "/t/" + tenant;
            for (String path : List.of("/.well-known/oauth-authorization-server/t/" + tenant, "/.well-known/openid-configuration/t/" + tenant,
                    "/t/" + tenant + "/.well-known/openid-configuration", "/t/" + tenant + "/.well-known/oauth-authorization-server")) {
                HttpResponse<String> response = server.get(path);

                assertEquals(200, response.statusCode(), path + ": " + response.body());
                assertEquals(issuer, json(response.body()).get("issuer").asText(), path);
                assertEquals(issuer + "/oauth2/token", json(response.body()).get("token_endpoint").asText(), path);
            }
        }
    }

    @Test
    void metadataWhenDefaultIssuerWithoutPathThenPlainWellKnown() {
        HttpResponse<String> response = server.get("/.well-known/oauth-authorization-server");

        assertEquals(200, response.statusCode());
        assertEquals(server.server.issuer().toString(), json(response.body()).get("issuer").asText());
    }

    @Test
    void metadataWhenDefaultIssuerHasPathBehindProxyThenServedAtInsertedPath() {
        try (TestServer proxied = TestServer.start(b -> b.issuer("https://id.example.com/idp"))) {
            HttpResponse<String> response = proxied.get("/.well-known/oauth-authorization-server/idp");

            assertEquals(200, response.statusCode(), response.body());
            assertEquals("https://id.example.com/idp", json(response.body()).get("issuer").asText());
        }
    }

    @Test
    void metadataWhenInsertedPathNamesNoIssuerThen404() {
        for (String path : List.of("/.well-known/oauth-authorization-server/t/nobody", "/.well-known/oauth-authorization-server/x",
                "/.well-known/oauth-authorization-server/t/x/extra", "/.well-known/oauth-authorization-server/t/X")) {
            HttpResponse<String> response = server.get(path);

            assertEquals(404, response.statusCode(), path + ": " + response.body());
        }
    }
}
