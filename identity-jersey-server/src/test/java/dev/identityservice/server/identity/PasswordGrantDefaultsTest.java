package dev.identityservice.server.identity;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.identityservice.server.setup.Bootstrap;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Kind: defaults that RFC 9700 advises against (issue 11 item 11). The bootstrap demo client has no resource
 * owner password grant (§2.4); the grant works only for a client configured with it explicitly, as the
 * quickstart's client is.
 */
class PasswordGrantDefaultsTest {

    @Test
    void passwordGrantWhenBootstrapDemoClientThenUnauthorizedClientButClientCredentialsWorks() {
        try (TestServer server = TestServer.start(b -> b.bootstrap(true))) {
            String output = server.bootstrapCredentials();
            String admin = line(output, "admin user:");
            String secret = line(output, "demo client:");

            HttpResponse<String> password = server.post("/oauth2/token", form("grant_type", "password", "username", "admin",
                    "password", admin), "Authorization", basic(Bootstrap.DEMO_CLIENT_ID, secret));
            HttpResponse<String> credentials = server.post("/oauth2/token", form("grant_type", "client_credentials"),
                    "Authorization", basic(Bootstrap.DEMO_CLIENT_ID, secret));

            assertEquals(400, password.statusCode(), password.body());
            assertEquals("unauthorized_client", TestServer.json(password.body()).get("error").asText());
            assertEquals(200, credentials.statusCode(), credentials.body());
        }
    }

    @Test
    void passwordGrantWhenQuickstartClientConfiguredWithItThenTokens() {
        Path quickstart = Path.of("..", "examples", "quickstart.json");
        try (TestServer server = TestServer.start(b -> b.importFile(quickstart.toString()).outboundAllowPrivateAddresses(true))) {
            HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "password", "username", "alice",
                    "password", "alice-password-1"), "Authorization", basic("quickstart", "quickstart-secret-change-me-0123456789"));

            assertEquals(200, response.statusCode(), response.body());
        }
    }

    /** The README's management API recipe: the explicitly configured admin-cli client, as the admin audience. */
    @Test
    void passwordGrantWhenReadmeAdminCliExampleImportedThenAdminTokenOpensManagementApi() {
        Path adminCli = Path.of("..", "examples", "admin-cli.json");
        try (TestServer server = TestServer.start(b -> b.bootstrap(true).importFile(adminCli.toString()).adminAudiences("admin-cli"))) {
            String adminPassword = line(server.bootstrapCredentials(), "admin user:");
            HttpResponse<String> token = server.post("/oauth2/token", form("grant_type", "password", "username", "admin",
                    "password", adminPassword), "Authorization", basic("admin-cli", "admin-cli-secret-change-me-0123456789abcdef"));
            assertEquals(200, token.statusCode(), token.body());

            HttpResponse<String> users = server.get("/admin/users?limit=10", "Authorization",
                    "Bearer " + TestServer.json(token.body()).get("access_token").asText());

            assertEquals(200, users.statusCode(), users.body());
        }
    }

    private static String line(String output, String label) {
        return output.lines().filter(l -> l.contains(label)).findFirst().orElseThrow().split(" / ")[1].strip();
    }
}
