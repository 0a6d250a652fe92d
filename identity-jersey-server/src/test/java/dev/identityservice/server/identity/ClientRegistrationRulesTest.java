package dev.identityservice.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.setup.SetupFile;
import dev.identityservice.server.setup.SetupImporter;
import dev.identityservice.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kind: client registration accepting what no client should have (issue 11 item 8; RFC 9700 §2.1, §4.1;
 * RFC 8252 §7). Every bad redirect URI, post-logout redirect URI and CORS origin is refused at the management
 * API and in the import file alike, with a 400 naming the field; the good forms, loopback and private-use
 * schemes included, are accepted at both.
 */
class ClientRegistrationRulesTest {

    private static final AtomicInteger IDS = new AtomicInteger();
    private static TestServer server;
    private static CanonicalUsernamesAndPasswordsTest.AdminHttp admin;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("demo");
        server.user("root", "admin");
        admin = new CanonicalUsernamesAndPasswordsTest.AdminHttp(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)", "file:///etc/passwd", "ftp://files.example.com/cb", "ws://app.example.com/cb",
            "myapp:/callback", "http://app.example.com/callback", "http://10.0.0.1/callback", "http://127.0.0.1.evil.com/cb",
            "http://localhost.evil.com/cb", "https://app.example.com/callback#", "https://app.example.com/callback#frag",
            "https://*.example.com/callback", "https://app.example.com/*", "https://user:pw@app.example.com/callback",
            "https:///callback", "/relative/callback", "https://app.example.com/call back"})
    void registerWhenRedirectUriIsUnsafeThenRefusedAtAdminApiAndImport(String uri) throws IOException {
        for (String field : new String[] {"redirectUris", "postLogoutRedirectUris"}) {
            String client = "{\"clientId\":\"%s\",\"public\":true,\"grantTypes\":[\"authorization_code\"],\"" + field + "\":[" + quoted(uri) + "]}";
            assertRefusedEverywhere(client, field);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "NULL", " null", "*", "https://*.example.com", "http://app.example.com",
            "https://app.example.com/", "https://app.example.com/path", "https://app.example.com?x=1", "https://app.example.com#f",
            "javascript:alert(1)", "file://", "app.example.com", "https://user@app.example.com", ""})
    void registerWhenAllowedOriginIsUnsafeThenRefusedAtAdminApiAndImport(String origin) throws IOException {
        String client = "{\"clientId\":\"%s\",\"public\":true,\"grantTypes\":[\"authorization_code\"],"
                + "\"redirectUris\":[\"https://app.example.com/cb\"],\"allowedOrigins\":[" + quoted(origin) + "]}";
        assertRefusedEverywhere(client, "allowedOrigins");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example.com/callback", "https://app.example.com:8443/cb?tenant=a",
            "http://127.0.0.1/callback", "http://127.0.0.1:51004/callback", "http://127.1.2.3/cb", "http://localhost:8081/callback",
            "http://[::1]:9000/callback", "com.example.app:/oauth2redirect", "com.example.app:/oauth2redirect/provider",
            "io.github.user.app://callback"})
    void registerWhenRedirectUriIsHttpsLoopbackOrPrivateUseThenAcceptedAtAdminApiAndImport(String uri) throws IOException {
        String client = "{\"clientId\":\"%s\",\"public\":true,\"grantTypes\":[\"authorization_code\"],\"redirectUris\":["
                + quoted(uri) + "],\"postLogoutRedirectUris\":[" + quoted(uri) + "]}";
        assertAcceptedEverywhere(client);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example.com", "https://app.example.com:8443", "http://127.0.0.1:8081",
            "http://localhost:8081", "http://[::1]:3000"})
    void registerWhenAllowedOriginIsExactHttpsOrLoopbackThenAcceptedAtAdminApiAndImport(String origin) throws IOException {
        String client = "{\"clientId\":\"%s\",\"public\":true,\"grantTypes\":[\"authorization_code\"],"
                + "\"redirectUris\":[\"https://app.example.com/cb\"],\"allowedOrigins\":[" + quoted(origin) + "]}";
        assertAcceptedEverywhere(client);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://rp.example.com/logout", "http://10.0.0.1/logout", "http://localhost.evil.com/logout",
            "https://rp.example.com/logout#", "https://rp.example.com/logout#frag", "/relative/logout", "javascript:alert(1)",
            "com.example.app:/logout", "file:///etc/passwd", "ftp://rp.example.com/logout", "https://user@rp.example.com/logout",
            "https://*.example.com/logout", "https:///logout", "https://rp.example.com/log out", "",
            // The server POSTs here: by default (outbound.allow.private.addresses=false) only https to a public host.
            "http://127.0.0.1:8081/backchannel-logout", "http://localhost/logout", "http://[::1]:9000/logout",
            "https://localhost/logout", "https://127.0.0.1/logout", "https://169.254.169.254/latest/meta-data",
            "https://10.1.2.3/logout", "https://192.168.0.1/logout", "https://[fd00::1]/logout", "https://[::ffff:127.0.0.1]/logout",
            "https://[fe80::1]/logout", "https://0.0.0.0/logout", "https://224.0.0.1/logout", "https://2130706433/logout"})
    void registerWhenBackchannelLogoutUriIsUnsafeThenRefusedAtAdminApiAndImport(String uri) throws IOException {
        String client = "{\"clientId\":\"%s\",\"public\":true,\"grantTypes\":[\"authorization_code\"],"
                + "\"redirectUris\":[\"https://app.example.com/cb\"],\"backchannelLogoutUri\":" + quoted(uri) + "}";
        assertRefusedEverywhere(client, "backchannelLogoutUri");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://rp.example.com/logout", "https://rp.example.com:8443/bcl?tenant=a", "https://93.184.216.34/bcl"})
    void registerWhenBackchannelLogoutUriIsHttpsToPublicHostThenAcceptedAtAdminApiAndImport(String uri) throws IOException {
        String client = "{\"clientId\":\"%s\",\"public\":true,\"grantTypes\":[\"authorization_code\"],"
                + "\"redirectUris\":[\"https://app.example.com/cb\"],\"backchannelLogoutUri\":" + quoted(uri)
                + ",\"backchannelLogoutSessionRequired\":true}";
        assertAcceptedEverywhere(client);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:8000/cb", "http://127.0.0.1:8000/cb", "http://[::1]:8000/cb", "https://localhost/cb",
            "https://LOCALHOST./cb", "https://app.localhost/cb", "https://127.0.0.1/cb", "https://127.9.8.7:8443/cb",
            "https://[::1]/cb", "https://[0:0:0:0:0:0:0:1]/cb", "https://[::ffff:127.0.0.1]/cb"})
    void registerWhenImplicitWebClientIsRedirectedToLocalhostThenRefusedAtAdminApiAndImport(String uri) throws IOException {
        // OIDC Registration §2: a web client (said, or by the default) of the implicit grant: https, never localhost.
        for (String type : new String[] {"", "\"applicationType\":\"web\","}) {
            String client = "{\"clientId\":\"%s\",\"public\":true," + type + "\"grantTypes\":[\"implicit\"],"
                    + "\"responseTypes\":[\"id_token\"],\"redirectUris\":[" + quoted(uri) + "]}";
            assertRefusedEverywhere(client, "redirectUris");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"applicationType\":\"native\",\"redirectUris\":[\"http://127.0.0.1:8000/cb\"]",
            "{\"applicationType\":\"native\",\"redirectUris\":[\"com.example.app:/cb\"]",
            "{\"applicationType\":\"web\",\"redirectUris\":[\"https://localhost.example.com/cb\"]",
            "{\"redirectUris\":[\"https://app.example.com/cb\"]"})
    void registerWhenImplicitClientIsNativeOrRedirectedToAPublicHttpsHostThenAcceptedAtAdminApiAndImport(String start) throws IOException {
        assertAcceptedEverywhere(start + ",\"clientId\":\"%s\",\"public\":true,\"grantTypes\":[\"implicit\"],"
                + "\"responseTypes\":[\"id_token\"]}");
    }

    @Test
    void replaceWhenExistingClientGetsUnsafeRedirectUriThen400AndClientUnchanged() {
        HttpResponse<String> created = admin.post("/admin/clients", "{\"clientId\":\"replace-me\",\"public\":true,"
                + "\"grantTypes\":[\"authorization_code\"],\"redirectUris\":[\"https://app.example.com/cb\"]}");
        assertEquals(201, created.statusCode(), created.body());

        HttpResponse<String> replaced = admin.send("PUT", "/admin/clients/replace-me", "{\"public\":true,"
                + "\"grantTypes\":[\"authorization_code\"],\"redirectUris\":[\"javascript:alert(1)\"]}");

        assertEquals(400, replaced.statusCode(), replaced.body());
        assertEquals("[https://app.example.com/cb]",
                server.server.engine().clients().find("default", "replace-me").orElseThrow().redirectUris().toString());
    }

    @Test
    void startWhenImportFileHasNullOriginThenStartFailsNamingClientAndField() throws IOException {
        Path file = dir.resolve("null-origin.json");
        Files.writeString(file, "{\"clients\":[{\"clientId\":\"spa\",\"public\":true,\"grantTypes\":[\"authorization_code\"],"
                + "\"redirectUris\":[\"https://app.example.com/cb\"],\"allowedOrigins\":[\"null\"]}]}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestServer.start(b -> b.importFile(file.toString())).close());

        assertTrue(e.getMessage().contains("client spa") && e.getMessage().contains("allowedOrigins"), e.getMessage());
    }

    /** A row from before the rules: its "null" and wildcard origins must not open CORS for the tenant. */
    @Test
    void corsWhenClientStoredBeforeTheRulesHasNullOrWildcardOriginThenNeverAllowed() {
        server.save(server.confidential("default", "legacy-cors")
                .allowedOrigins(java.util.Set.of("null", "*", "https://legacy-good.example.com")));

        for (String origin : new String[] {"null", "*"}) {
            HttpResponse<String> token = server.post("/oauth2/token", TestServer.form("grant_type", "client_credentials",
                    "client_id", "legacy-cors", "client_secret", TestServer.SECRET), "Origin", origin);
            assertEquals(200, token.statusCode(), token.body());
            assertTrue(token.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), origin);
        }
        HttpResponse<String> good = server.post("/oauth2/token", TestServer.form("grant_type", "client_credentials",
                "client_id", "legacy-cors", "client_secret", TestServer.SECRET), "Origin", "https://legacy-good.example.com");
        assertEquals("https://legacy-good.example.com", good.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    private void assertRefusedEverywhere(String clientTemplate, String field) throws IOException {
        String viaAdmin = "bad-admin-" + IDS.incrementAndGet();
        HttpResponse<String> response = admin.post("/admin/clients", clientTemplate.formatted(viaAdmin));
        assertEquals(400, response.statusCode(), clientTemplate + " -> " + response.body());
        assertEquals("invalid_request", TestServer.json(response.body()).get("error").asText());
        assertTrue(response.body().contains(field), response.body());
        assertEquals(404, server.get("/admin/clients/" + viaAdmin, "Authorization", "Bearer " + admin.token()).statusCode());

        String viaImport = "bad-import-" + IDS.incrementAndGet();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> importClient(clientTemplate.formatted(viaImport)), clientTemplate);
        assertTrue(e.getMessage().contains("client " + viaImport) && e.getMessage().contains(field), e.getMessage());
        assertTrue(server.server.engine().clients().find("default", viaImport).isEmpty());
    }

    private void assertAcceptedEverywhere(String clientTemplate) throws IOException {
        String viaAdmin = "good-admin-" + IDS.incrementAndGet();
        HttpResponse<String> response = admin.post("/admin/clients", clientTemplate.formatted(viaAdmin));
        assertEquals(201, response.statusCode(), clientTemplate + " -> " + response.body());

        String viaImport = "good-import-" + IDS.incrementAndGet();
        importClient(clientTemplate.formatted(viaImport));
        assertTrue(server.server.engine().clients().find("default", viaImport).isPresent());
    }

    /** The import as a start with {@code --import} runs it, on the running server's engine. */
    private void importClient(String clientJson) throws IOException {
        Path file = Files.createTempFile(dir, "client", ".json");
        Files.writeString(file, "{\"clients\":[" + clientJson + "]}");
        new SetupImporter(server.server.engine(), server.server.issuer(), Duration.ofMinutes(5)).apply(SetupFile.read(file));
    }

    private static String quoted(String value) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(value).toString();
    }
}
