package dev.identityservice.server.setup;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.AccessTokenFormat;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.token.refresh.RefreshPolicy;
import dev.identityservice.core.user.User;
import dev.identityservice.server.ServerConfig;
import dev.identityservice.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetupImportTest {

    private static final String CLIENT_SECRET = "imported-secret-0123456789-abcdefghijklmnop";
    private static final String SETUP = """
            {
              "tenants": [{"id": "acme", "signingAlgorithm": "ES256", "rotationPeriod": "7d"}],
              "users": [
                {"username": "carol", "password": "carols-password-1", "roles": ["admin", "user"],
                 "profile": {"name": "Carol C", "email": "carol@example.com", "emailVerified": true},
                 "attributes": {"department": "R&D"}},
                {"tenant": "acme", "username": "dave", "password": "daves-password-1"}
              ],
              "clients": [
                {"clientId": "backend", "secret": "%s", "grantTypes": ["password", "refresh_token", "client_credentials"],
                 "scopes": ["openid", "profile", "api"], "accessTokenTtl": "5m",
                 "refreshPolicy": {"type": "sliding", "ttl": "30d", "max": "90d"}, "audience": "https://api.example.com",
                 "refreshReuseGrace": "3s", "introspectionAudiences": ["https://reports.example.com"],
                 "claimMappings": [{"token": "access", "attribute": "department", "claim": "dept"}]},
                {"clientId": "spa", "public": true, "grantTypes": ["authorization_code", "refresh_token"],
                 "redirectUris": ["https://spa.example.com/cb"], "postLogoutRedirectUris": ["https://spa.example.com/"],
                 "allowedOrigins": ["https://spa.example.com"], "scopes": ["openid"], "tokenFormat": "opaque"}
              ]
            }
            """.formatted(CLIENT_SECRET);

    @TempDir
    Path dir;

    @Test
    void importWhenStartedWithFileThenEverythingUsableOverHttp() throws Exception {
        Path file = write(SETUP);
        try (TestServer server = TestServer.start(b -> b.importFile(file.toString()))) {
            HttpResponse<String> response = server.post("/oauth2/token",
                    form("grant_type", "password", "username", "carol", "password", "carols-password-1", "scope", "openid api"),
                    "Authorization", basic("backend", CLIENT_SECRET));

            assertEquals(200, response.statusCode(), response.body());
            var claims = SignedJWT.parse(json(response.body()).get("access_token").asText()).getJWTClaimsSet();
            assertEquals("R&D", claims.getStringClaim("dept"));
            assertEquals("https://api.example.com", claims.getAudience().get(0));
            assertEquals(300, json(response.body()).get("expires_in").asInt());
            Client spa = server.server.engine().clients().find("default", "spa").orElseThrow();
            assertTrue(spa.isPublic());
            assertEquals(AccessTokenFormat.OPAQUE, spa.tokenSettings().accessTokenFormat());
            Client backend = server.server.engine().clients().find("default", "backend").orElseThrow();
            assertEquals(new RefreshPolicy.Sliding(Duration.ofDays(30), Duration.ofDays(90)), backend.tokenSettings().refreshPolicy());
            assertEquals(Duration.ofSeconds(3), backend.tokenSettings().refreshReuseGrace());
            assertEquals(java.util.Set.of("https://reports.example.com"), backend.introspectionAudiences());
            assertEquals(Duration.ZERO, spa.tokenSettings().refreshReuseGrace(), "absent: the default, no grace");
            assertEquals(Duration.ofDays(7), server.server.engine().tenant("acme").orElseThrow().rotationPeriod());
            assertTrue(server.server.engine().users().findByUsername("acme", "dave").isPresent());
        }
    }

    @Test
    void importWhenAppliedTwiceThenSecondChangesNothing() throws Exception {
        Path file = write(SETUP);
        try (TestServer server = TestServer.start(b -> b.importFile(file.toString()))) {
            var engine = server.server.engine();
            User carolBefore = engine.users().findByUsername("default", "carol").orElseThrow();
            Client backendBefore = engine.clients().find("default", "backend").orElseThrow();

            new SetupImporter(engine, server.server.issuer(), Duration.ofMinutes(10)).apply(SetupFile.read(file));

            assertEquals(carolBefore.passwordHash(), engine.users().findByUsername("default", "carol").orElseThrow().passwordHash());
            assertEquals(backendBefore, engine.clients().find("default", "backend").orElseThrow());
        }
    }

    @Test
    void importWhenEntryChangedInSyncModeThenUpdatedInPlace() throws Exception {
        Path file = write(SETUP);
        try (TestServer server = TestServer.start(b -> b.importFile(file.toString()))) {
            var engine = server.server.engine();
            Path changed = write(SETUP.replace("\"roles\": [\"admin\", \"user\"]", "\"roles\": [\"user\"]")
                    .replace("carols-password-1", "carols-new-password"));

            new SetupImporter(engine, server.server.issuer(), Duration.ofMinutes(10), ImportMode.SYNC).apply(SetupFile.read(changed));

            assertFalse(engine.users().findByUsername("default", "carol").orElseThrow().roles().contains("admin"));
            assertEquals(400, server.post("/oauth2/token", form("grant_type", "password", "username", "carol",
                    "password", "carols-password-1"), "Authorization", basic("backend", CLIENT_SECRET)).statusCode());
            assertEquals(200, server.post("/oauth2/token", form("grant_type", "password", "username", "carol",
                    "password", "carols-new-password"), "Authorization", basic("backend", CLIENT_SECRET)).statusCode());
        }
    }

    @Test
    void importWhenReappliedInDefaultModeThenAdministrationSinceIsKept() throws Exception {
        Path file = write(SETUP);
        try (TestServer server = TestServer.start(b -> b.importFile(file.toString()))) {
            var engine = server.server.engine();
            var now = engine.clock().instant();
            User carol = engine.users().findByUsername("default", "carol").orElseThrow();
            carol = engine.users().modify("default", carol.id(), u -> u.withRoles(java.util.Set.of("user"), now).withEnabled(false, now))
                    .orElseThrow();
            carol = engine.userRegistration().changePassword(carol, "changed-by-the-admin".toCharArray());
            Client rotated = engine.clients().find("default", "backend").orElseThrow().toBuilder()
                    .secretHash(dev.identityservice.core.client.ClientSecrets.hash("rotated-secret-0123456789-abcdefghijklmnop")).build();
            engine.clients().update(rotated);

            var outcomes = new SetupImporter(engine, server.server.issuer(), Duration.ofMinutes(10)).apply(SetupFile.read(file));

            User after = engine.users().findByUsername("default", "carol").orElseThrow();
            assertEquals(carol.passwordHash(), after.passwordHash());
            assertEquals(java.util.Set.of("user"), after.roles());
            assertFalse(after.enabled());
            assertEquals(rotated.secretHash(), engine.clients().find("default", "backend").orElseThrow().secretHash());
            assertEquals(SetupImporter.Outcome.SKIPPED, outcomes.get("user carol"));
            assertEquals(SetupImporter.Outcome.SKIPPED, outcomes.get("client backend"));
            assertEquals(SetupImporter.Outcome.SKIPPED, outcomes.get("tenant acme"));
        }
    }

    @Test
    void importWhenLastEntryInvalidThenNothingOfTheFileApplied() throws Exception {
        Path file = write("""
                {"tenants": [{"id": "fresh"}],
                 "users": [{"tenant": "fresh", "username": "erin", "password": "erins-password-1"}],
                 "clients": [{"clientId": "ok", "secret": "%s", "grantTypes": ["client_credentials"]},
                             {"clientId": "lost", "grantTypes": ["client_credentials"]}]}
                """.formatted(CLIENT_SECRET));
        try (TestServer server = TestServer.start()) {
            var engine = server.server.engine();

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SetupImporter(engine, server.server.issuer(), Duration.ofMinutes(10)).apply(SetupFile.read(file)));

            assertTrue(e.getMessage().contains("client lost"), e.getMessage());
            assertTrue(engine.tenant("fresh").isEmpty());
            assertTrue(engine.clients().find("default", "ok").isEmpty());
        }
    }

    @Test
    void importWhenUserOfTenantDeclaredInTheSameFileThenCheckedAndCreated() throws Exception {
        Path file = write("""
                {"tenants": [{"id": "fresh"}],
                 "users": [{"tenant": "fresh", "username": "erin", "password": "erins-password-1"}]}
                """);
        try (TestServer server = TestServer.start()) {
            var outcomes = new SetupImporter(server.server.engine(), server.server.issuer(), Duration.ofMinutes(10))
                    .apply(SetupFile.read(file));

            assertEquals(SetupImporter.Outcome.CREATED, outcomes.get("user erin"));
            assertTrue(server.server.engine().users().findByUsername("fresh", "erin").isPresent());
        }
    }

    @Test
    void importWhenTenantEnablesImplicitAndHybridFlowsThenTenantAndClientResponseTypesStoredAndInconsistentRefused() throws Exception {
        Path file = write("""
                {"tenants": [{"id": "spa", "implicitAndHybridFlows": true}],
                 "clients": [{"tenant": "spa", "clientId": "web", "secret": "%s", "redirectUris": ["https://spa.example.com/cb"],
                              "grantTypes": ["authorization_code", "implicit"], "responseTypes": ["id_token code", "code"]}]}
                """.formatted(CLIENT_SECRET));
        Path inconsistent = write("""
                {"clients": [{"clientId": "bad", "public": true, "redirectUris": ["https://spa.example.com/cb"],
                              "grantTypes": ["authorization_code"], "responseTypes": ["code token"]}]}
                """);
        try (TestServer server = TestServer.start(b -> b.importFile(file.toString()))) {
            var engine = server.server.engine();
            assertTrue(engine.tenant("spa").orElseThrow().implicitAndHybridFlows());
            assertEquals(java.util.Set.of(dev.identityservice.core.client.ResponseType.CODE,
                            dev.identityservice.core.client.ResponseType.parse("code id_token")),
                    engine.clients().find("spa", "web").orElseThrow().responseTypes());
            assertTrue(json(server.get("/t/spa/.well-known/openid-configuration").body()).get("grant_types_supported").toString()
                    .contains("implicit"));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SetupImporter(engine, server.server.issuer(), Duration.ofMinutes(10)).apply(SetupFile.read(inconsistent)));
            assertTrue(e.getMessage().contains("client bad") && e.getMessage().contains("responseTypes"), e.getMessage());
        }
    }

    @Test
    void startWhenImportInvalidThenFailsNamingTheEntryAndNothingApplied() throws Exception {
        Path file = write("{\"users\": [{\"username\": \"bob\", \"password\": \"short\"}]}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestServer.start(b -> b.bootstrap(true).importFile(file.toString())).close());

        assertTrue(e.getMessage().contains("user bob") && e.getMessage().contains("nothing was applied"), e.getMessage());
    }

    @Test
    void readWhenUnknownFieldThenFailsNamingIt() throws IOException {
        Path file = write("{\"clients\": [{\"clientId\": \"x\", \"redirectUri\": \"https://a\"}]}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SetupFile.read(file));

        assertTrue(e.getMessage().contains("redirectUri"), e.getMessage());
    }

    @Test
    void importWhenClientHasNoSecretAndIsNotPublicThenStartFailsNamingTheClient() throws IOException {
        Path file = write("{\"clients\": [{\"clientId\": \"lost\", \"grantTypes\": [\"client_credentials\"]}]}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestServer.start(b -> b.importFile(file.toString())).close());

        assertTrue(e.getMessage().contains("client lost"), e.getMessage());
    }

    @Test
    void bootstrapWhenFreshThenWritesAdminAndDemoCredentialsOnceAndTheyWork() throws IOException {
        try (TestServer server = TestServer.start(b -> b.bootstrap(true))) {
            String output = server.bootstrapCredentials();
            Path file = server.dataDir.resolve(ServerConfig.BOOTSTRAP_CREDENTIALS_FILE_NAME);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertTrue(server.bootstrapOutput.contains(file.toAbsolutePath().toString()), server.bootstrapOutput);
            assertFalse(server.bootstrapOutput.contains(" / "), "no secret on standard output: " + server.bootstrapOutput);
            String secret = output.lines().filter(l -> l.contains("demo client:")).findFirst().orElseThrow().split(" / ")[1].strip();

            assertTrue(output.contains("admin user:    admin / "), output);
            assertEquals(200, server.post("/oauth2/token", form("grant_type", "client_credentials"),
                    "Authorization", basic(Bootstrap.DEMO_CLIENT_ID, secret)).statusCode());
            var again = new java.io.ByteArrayOutputStream();
            new Bootstrap(server.server.engine(), Duration.ofMinutes(10)).run(new java.io.PrintStream(again));
            assertEquals("", again.toString(), "credentials are shown only when created");
            assertNull(server.server.engine().users().findByUsername("default", "admin").orElseThrow().tokensValidAfter());
        }
    }

    /** Regression: an import that brings users used to suppress the first admin of a fresh installation. */
    @Test
    void bootstrapWhenFreshStartImportsUsersThenAdminStillCreatedAndPrinted() throws IOException {
        Path file = write("{\"users\": [{\"username\": \"alice\", \"password\": \"alice-password-1\", \"roles\": [\"user\"]}]}");

        try (TestServer server = TestServer.start(b -> b.bootstrap(true).importFile(file.toString()))) {
            assertTrue(server.bootstrapCredentials().contains("admin user:    admin / "), server.bootstrapCredentials());
            assertTrue(server.server.engine().users().findByUsername("default", "alice").isPresent());
        }
    }

    /** bootstrap.print=true: the operator asked for the generated credentials on standard output, and no file. */
    @Test
    void bootstrapWhenPrintRequestedThenCredentialsOnStandardOutputAndNoFile() {
        try (TestServer server = TestServer.start(b -> b.bootstrap(true).bootstrapPrint(true))) {
            assertTrue(server.bootstrapOutput.contains("admin user:    admin / "), server.bootstrapOutput);
            assertFalse(Files.exists(server.dataDir.resolve(ServerConfig.BOOTSTRAP_CREDENTIALS_FILE_NAME)));
        }
    }

    private Path write(String json) throws IOException {
        Path file = Files.createTempFile(dir, "setup", ".json");
        Files.writeString(file, json);
        return file;
    }
}
