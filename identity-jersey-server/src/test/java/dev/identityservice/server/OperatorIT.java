package dev.identityservice.server;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.identityservice.core.key.MasterKey;
import dev.identityservice.server.testing.ServerProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator meets with real server processes (issue 14): a restart with the same {@code --import}
 * keeps what was changed since; a missing or malformed import file, a master key that does not open the stored
 * keys, fail the start with one line and nothing created; {@code reset-admin-password} on a stopped server; and
 * the {@code ./identity-server} launcher resolving relative paths against the caller's directory.
 */
class OperatorIT {

    private static final String POSTGRES_URL_VARIABLE = "IDENTITY_TEST_POSTGRES_URL";
    private static final String BOB_FIRST = "bobs-first-password";
    private static final String BOB_RESET = "bobs-reset-password";
    /** Bob and the client of {@link ServerProcess} (this file's {@code --import} replaces the one it gives). */
    private static final String SETUP = """
            {"users": [{"username": "bob", "password": "%s", "roles": ["user"]}],
             "clients": [{"clientId": "%s", "secret": "%s", "grantTypes": ["password"], "scopes": ["openid"]}]}
            """.formatted(BOB_FIRST, ServerProcess.CLIENT_ID, ServerProcess.CLIENT_SECRET);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void restartWhenSameImportAfterPasswordResetThenResetPasswordKeptAndEntitySkipped() throws Exception {
        Path setup = write("setup.json", SETUP);
        Path data = dir.resolve("data");
        try (ServerProcess first = ServerProcess.start("--data-dir", data.toString(), "--import", setup.toString())) {
            assertEquals(200, passwordGrant(first, "bob", BOB_FIRST).statusCode());
        }

        ServerProcess.Finished reset = ServerProcess.run(resetCommand("--username", "bob", "--data-dir", data.toString()),
                dir, Map.of(), BOB_RESET + "\n");
        assertEquals(0, reset.exitCode(), reset.output());

        try (ServerProcess second = ServerProcess.start("--data-dir", data.toString(), "--import", setup.toString())) {
            assertEquals(200, passwordGrant(second, "bob", BOB_RESET).statusCode(), "the import must not undo the reset");
            assertEquals(400, passwordGrant(second, "bob", BOB_FIRST).statusCode());
            assertTrue(second.output().contains("user bob exists, skipped"), second.output());
        }
    }

    @Test
    void restartWhenImportModeSyncThenFileRestoresItsPassword() throws Exception {
        Path setup = write("setup.json", SETUP);
        Path data = dir.resolve("data");
        try (ServerProcess first = ServerProcess.start("--data-dir", data.toString(), "--import", setup.toString())) {
            assertEquals(200, passwordGrant(first, "bob", BOB_FIRST).statusCode());
        }
        assertEquals(0, ServerProcess.run(resetCommand("--username", "bob", "--data-dir", data.toString()), dir, Map.of(),
                BOB_RESET + "\n").exitCode());

        try (ServerProcess second = ServerProcess.start("--data-dir", data.toString(), "--import", setup.toString(),
                "--import-mode", "sync")) {
            assertEquals(200, passwordGrant(second, "bob", BOB_FIRST).statusCode());
            assertTrue(second.output().contains("user bob updated"), second.output());
        }
    }

    @Test
    void startWhenImportFileMissingThenOneLineErrorAndNothingCreatedOrPrinted() throws Exception {
        Path data = dir.resolve("data");
        Path missing = dir.resolve("tpyo.json");

        ServerProcess.Finished run = ServerProcess.run(serverCommand("--data-dir", data.toString(), "--import", missing.toString()),
                dir, Map.of(), null);

        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("Start failed: cannot read import file " + missing), run.output());
        assertTrue(run.output().contains("no such file"), run.output());
        assertNoStackTraceNorCredentials(run.output());
        assertFalse(Files.exists(data), "nothing is created before the import file is read");
    }

    @Test
    void startWhenImportFileMalformedOrInvalidThenOneLineErrorAndNothingApplied() throws Exception {
        Path data = dir.resolve("data");
        Path malformed = write("malformed.json", "{\"users\": [{\"username\": \"bob\",}]}");

        ServerProcess.Finished syntax = ServerProcess.run(serverCommand("--data-dir", data.toString(), "--import", malformed.toString()),
                dir, Map.of(), null);

        assertEquals(1, syntax.exitCode(), syntax.output());
        assertTrue(syntax.output().contains("import file " + malformed + " is invalid"), syntax.output());
        assertNoStackTraceNorCredentials(syntax.output());

        // Valid JSON, but the last entry breaks a rule: the first entry must not be applied, no credentials printed.
        Path invalid = write("invalid.json", """
                {"users": [{"username": "bob", "password": "%s"}],
                 "clients": [{"clientId": "lost", "grantTypes": ["client_credentials"]}]}
                """.formatted(BOB_FIRST));
        ServerProcess.Finished rules = ServerProcess.run(serverCommand("--data-dir", data.toString(), "--import", invalid.toString()),
                dir, Map.of(), null);
        assertEquals(1, rules.exitCode(), rules.output());
        assertTrue(rules.output().contains("client lost") && rules.output().contains("nothing was applied"), rules.output());
        assertNoStackTraceNorCredentials(rules.output());

        try (ServerProcess server = ServerProcess.start("--data-dir", data.toString())) {
            assertTrue(server.adminPassword() != null, "the one-time credentials are shown on the first start that succeeds");
            assertEquals(400, passwordGrant(server, "bob", BOB_FIRST).statusCode(), "bob of the invalid file was not created");
        }
    }

    @Test
    void startWhenBootstrapPasswordFromFileThenAdminUsesItAndNothingSecretPrinted() throws Exception {
        Path secret = write("admin-password", "operator-chosen-password\n");

        try (ServerProcess server = ServerProcess.start(null, Map.of("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD_FILE", secret.toString(),
                "IDENTITY_BOOTSTRAP_DEMO_SECRET", "demo-secret-from-the-environment-0123456789"), "--data-dir", dir.resolve("data").toString())) {
            assertEquals(null, server.adminPassword(), server.output());
            assertFalse(server.output().contains("operator-chosen-password"), server.output());
            assertFalse(server.output().contains("demo-secret-from-the-environment"), server.output());
            assertEquals(200, passwordGrant(server, "admin", "operator-chosen-password").statusCode());
        }
    }

    @Test
    void resetAdminPasswordWhenGeneratedThenPrintedPasswordWorksAndOldOneFails() throws Exception {
        Path data = dir.resolve("data");
        String original;
        try (ServerProcess first = ServerProcess.start("--data-dir", data.toString())) {
            original = first.adminPassword();
        }

        ServerProcess.Finished reset = ServerProcess.run(resetCommand("--generate", "--data-dir", data.toString()), dir, Map.of(), null);

        assertEquals(0, reset.exitCode(), reset.output());
        Matcher printed = Pattern.compile("New password: (\\S+)").matcher(reset.output());
        assertTrue(printed.find(), reset.output());
        try (ServerProcess second = ServerProcess.start("--data-dir", data.toString())) {
            HttpResponse<String> admin = passwordGrant(second, "admin", printed.group(1));
            assertEquals(200, admin.statusCode());
            assertEquals(400, passwordGrant(second, "admin", original).statusCode());
            // The reset is in the audit log, naming the operating-system account that ran it.
            String token = dev.identityservice.server.testing.TestServer.json(admin.body()).get("access_token").asText();
            HttpResponse<String> events = http.send(HttpRequest.newBuilder(second.uri("/admin/events?type=admin.user.reset-password"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, events.statusCode(), events.body());
            assertTrue(events.body().contains("\"actor\":\"os:" + System.getProperty("user.name") + "\""), events.body());
        }
    }

    @Test
    void resetAdminPasswordWhenUserUnknownOrDataDirMissingThenOneLineErrorAndExitCode2() throws Exception {
        ServerProcess.Finished noData = ServerProcess.run(resetCommand("--generate", "--data-dir", dir.resolve("nowhere").toString()),
                dir, Map.of(), null);
        assertEquals(2, noData.exitCode(), noData.output());
        assertTrue(noData.output().contains("does not exist"), noData.output());
        assertFalse(Files.exists(dir.resolve("nowhere")), "no empty database is created");

        Path data = dir.resolve("data");
        try (ServerProcess ignored = ServerProcess.start("--data-dir", data.toString())) {
            // Creates the installation.
        }
        ServerProcess.Finished unknown = ServerProcess.run(resetCommand("--username", "mallory", "--data-dir", data.toString()),
                dir, Map.of(), "some-new-password\n");
        assertEquals(2, unknown.exitCode(), unknown.output());
        assertTrue(unknown.output().contains("no user 'mallory'"), unknown.output());
        assertNoStackTraceNorCredentials(unknown.output());
    }

    @Test
    void secondInstanceWhenH2CopyWithoutTheMasterKeyFileOrWithAnotherKeyThenRefusesToStart() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess first = ServerProcess.start("--data-dir", data.toString())) {
            assertEquals(200, get(first, "/oauth2/jwks").statusCode());
        }
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(data)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("master.key")).toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }

        ServerProcess.Finished noKeyFile = ServerProcess.run(serverCommand("--data-dir", copy.toString()), dir, Map.of(), null);

        assertEquals(1, noKeyFile.exitCode(), noKeyFile.output());
        assertTrue(noKeyFile.output().contains("IDENTITY_MASTER_KEY"), noKeyFile.output());
        assertFalse(Files.exists(copy.resolve("master.key")), "no new master key is made over sealed keys");
        assertNoStackTraceNorCredentials(noKeyFile.output());

        ServerProcess.Finished otherKey = ServerProcess.run(serverCommand("--data-dir", copy.toString()), dir,
                Map.of("IDENTITY_MASTER_KEY", MasterKey.generate().toBase64()), null);

        assertEquals(1, otherKey.exitCode(), otherKey.output());
        assertTrue(otherKey.output().contains("does not open the signing keys") && otherKey.output().contains("master.key"), otherKey.output());
        assertNoStackTraceNorCredentials(otherKey.output());

        Files.copy(data.resolve("master.key"), copy.resolve("master.key"));
        try (ServerProcess withTheKey = ServerProcess.start("--data-dir", copy.toString())) {
            assertEquals(200, get(withTheKey, "/oauth2/jwks").statusCode());
        }
    }

    @Test
    void secondInstanceWhenPostgresWithAnotherMasterKeyThenRefusesToStartWhileFirstServes() throws Exception {
        String postgresUrl = System.getenv(POSTGRES_URL_VARIABLE);
        assumeTrue(postgresUrl != null && !postgresUrl.isBlank(), "PostgreSQL master key test skipped: set " + POSTGRES_URL_VARIABLE
                + "=jdbc:postgresql://127.0.0.1:5432/test?user=postgres to run it");
        String schema = "operator_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(postgresUrl); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String url = postgresUrl + (postgresUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try {
            try (ServerProcess first = ServerProcess.start("--data-dir", dir.resolve("a").toString(), "--db-url", url,
                    "--master-key", MasterKey.generate().toBase64())) {
                ServerProcess.Finished second = ServerProcess.run(serverCommand("--data-dir", dir.resolve("b").toString(),
                        "--db-url", url), dir, Map.of("IDENTITY_MASTER_KEY", MasterKey.generate().toBase64()), null);

                assertEquals(1, second.exitCode(), second.output());
                assertTrue(second.output().contains("master.key / IDENTITY_MASTER_KEY"), second.output());
                assertNoStackTraceNorCredentials(second.output());
                assertEquals(200, get(first, "/oauth2/jwks").statusCode());
            }
        } finally {
            try (Connection connection = DriverManager.getConnection(postgresUrl); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void launcherWhenRunFromAnotherDirectoryThenRelativePathsResolveThere() throws Exception {
        Path repository = Path.of("").toAbsolutePath().getParent();
        Path launcher = repository.resolve("identity-server");
        assumeTrue(Files.isExecutable(launcher), "no launcher at " + launcher);
        Path caller = Files.createDirectories(dir.resolve("caller"));
        Files.writeString(caller.resolve("my.properties"), "data.dir=./iddata\nhost=127.0.0.1\nport=0\n");
        Files.writeString(caller.resolve("x.json"), SETUP);
        assertFalse(Files.exists(repository.resolve("iddata")));
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "--config", "my.properties", "--import", "x.json",
                "--signing-algorithm", "ES256", "--password-hash-memory-kib", "1024", "--password-hash-iterations", "1",
                "--admin-audience", ServerProcess.CLIENT_ID));

        try (ServerProcess server = ServerProcess.launch(command, caller, Map.of("IDENTITY_JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1"))) {
            assertTrue(Files.exists(caller.resolve("iddata").resolve("master.key")), server.output());
            assertFalse(Files.exists(repository.resolve("iddata")), "nothing is created in the repository");
            assertEquals(200, get(server, "/.well-known/openid-configuration").statusCode());
        }
    }

    private static void assertNoStackTraceNorCredentials(String output) {
        assertFalse(output.contains("\tat ") || output.contains("Exception"), output);
        assertFalse(output.contains("admin user:") || output.contains("demo client:"), output);
    }

    private static List<String> serverCommand(String... arguments) {
        List<String> command = new ArrayList<>(ServerProcess.javaCommand());
        command.addAll(ServerProcess.testOptions());
        command.addAll(List.of(arguments));
        return command;
    }

    private static List<String> resetCommand(String... arguments) {
        List<String> command = new ArrayList<>(ServerProcess.javaCommand());
        command.add(AdminPasswordReset.COMMAND);
        command.addAll(List.of("--password-hash-memory-kib", "1024", "--password-hash-iterations", "1"));
        command.addAll(List.of(arguments));
        return command;
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private HttpResponse<String> passwordGrant(ServerProcess server, String username, String password) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic(ServerProcess.CLIENT_ID, ServerProcess.CLIENT_SECRET))
                .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "password", "username", username,
                        "password", password, "scope", "openid")))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(ServerProcess server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
