package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.setup.ImportMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void loadWhenNothingConfiguredThenDefaults() {
        ServerConfig config = ConfigLoader.load(CommandLine.parse(), name -> null);

        assertEquals("127.0.0.1", config.host());
        assertEquals(8080, config.port());
        assertEquals(Path.of("data"), config.dataDir());
        assertTrue(config.databaseConfig().jdbcUrl().startsWith("jdbc:h2:file:"));
        assertEquals("http://127.0.0.1:8080", config.effectiveIssuer(8080).toString());
    }

    @Test
    void loadWhenFileEnvironmentAndFlagThenFlagWinsOverEnvironmentOverFile() throws IOException {
        Path file = write("port=1000\nhost=0.0.0.0\naccess.token.ttl=5m\n");
        Map<String, String> env = Map.of("IDENTITY_PORT", "2000", "IDENTITY_ACCESS_TOKEN_TTL", "PT15M");

        ServerConfig config = ConfigLoader.load(CommandLine.parse("--config", file.toString(), "--port=3000"), env::get);

        assertEquals(3000, config.port());
        assertEquals("0.0.0.0", config.host());
        assertEquals(Duration.ofMinutes(15), config.accessTokenTtl());
    }

    @Test
    void loadWhenSecretGivenAsFileThenReadWithoutLineEndAndMasked() throws IOException {
        Path secret = write("chosen-admin-password\n");

        ServerConfig config = ConfigLoader.load(CommandLine.parse(),
                Map.of("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD_FILE", secret.toString())::get);

        assertEquals("chosen-admin-password", config.bootstrapAdminPassword());
        assertEquals("****", config.describe().get("bootstrap.admin.password"));
    }

    @Test
    void loadWhenSecretFileMissingOrBothGivenThenFailsNamingTheVariable() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(CommandLine.parse(),
                Map.of("IDENTITY_MASTER_KEY_FILE", dir.resolve("absent").toString())::get));
        assertTrue(missing.getMessage().startsWith("IDENTITY_MASTER_KEY_FILE: cannot read"), missing.getMessage());

        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(CommandLine.parse(),
                Map.of("IDENTITY_MASTER_KEY_FILE", "x", "IDENTITY_MASTER_KEY", "y")::get));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
    }

    @Test
    void loadWhenImportModeThenParsedAndUnknownModeRefused() {
        assertEquals(ImportMode.CREATE_MISSING, ConfigLoader.load(CommandLine.parse(), name -> null).importMode());
        assertEquals(ImportMode.SYNC, ConfigLoader.load(CommandLine.parse("--import-mode", "sync"), name -> null).importMode());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--import-mode", "merge"), name -> null));
        assertTrue(e.getMessage().startsWith("import.mode"), e.getMessage());
    }

    @Test
    void loadWhenConfigFileMissingThenOneLineNamingItsAbsolutePath() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--config", "no-such.properties"), name -> null));

        assertEquals("cannot read configuration file " + Path.of("no-such.properties").toAbsolutePath() + " (no such file)", e.getMessage());
    }

    @Test
    void loadWhenProxyAndLoginLimitsConfiguredThenAppliedAndDescribed() {
        Map<String, String> env = Map.of("IDENTITY_PROXY_TRUSTED", "10.0.0.0/8, 192.168.1.4", "IDENTITY_ISSUER", "https://id.example.com",
                "IDENTITY_LOGIN_WINDOW", "10m", "IDENTITY_LOGIN_LIMIT_ACCOUNT", "40", "IDENTITY_LOGIN_TRUSTED_FOR", "7d");

        ServerConfig config = ConfigLoader.load(CommandLine.parse("--login-limit-device", "3"), env::get);

        assertEquals(java.util.List.of("10.0.0.0/8", "192.168.1.4"), config.trustedProxies());
        assertEquals(new dev.identityservice.server.login.LoginLimits(java.time.Duration.ofMinutes(10), 5, 100, 40, 3,
                java.time.Duration.ofDays(7)), config.loginLimits());
        assertEquals("10.0.0.0/8,192.168.1.4", config.describe().get("proxy.trusted"));
    }

    @Test
    void loadWhenLoginLimitNotPositiveThenFailsNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--login-limit-account-address", "0"), name -> null));

        assertTrue(e.getMessage().startsWith("login.limit.account.address"), e.getMessage());
    }

    @Test
    void loadWhenUnknownKeyInFileThenFailsNamingIt() throws IOException {
        Path file = write("port=1000\nissuer.url=http://x\n");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--config", file.toString()), name -> null));

        assertTrue(e.getMessage().contains("issuer.url"), e.getMessage());
    }

    @Test
    void parseWhenUnknownFlagThenFailsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CommandLine.parse("--prot", "80"));

        assertTrue(e.getMessage().contains("--prot"));
    }

    @Test
    void loadWhenBadValueThenFailsNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--access-token-ttl", "2 weeks"), name -> null));

        assertTrue(e.getMessage().startsWith("access.token.ttl"), e.getMessage());
    }

    @Test
    void loadWhenCleanupIntervalInFileOrFlagThenUsedAndOutOfRangeFailsNamingTheKey() throws IOException {
        Path file = write("cleanup.interval=5m\n");

        assertEquals(Duration.ofMinutes(10), ConfigLoader.load(CommandLine.parse(), name -> null).cleanupInterval());
        assertEquals(Duration.ofMinutes(5), ConfigLoader.load(CommandLine.parse("--config", file.toString()), name -> null).cleanupInterval());
        assertEquals(Duration.ofSeconds(30), ConfigLoader.load(CommandLine.parse("--cleanup-interval", "30s"), name -> null).cleanupInterval());
        for (String bad : new String[] {"0s", "2d", "often"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConfigLoader.load(CommandLine.parse("--cleanup-interval", bad), name -> null));
            assertTrue(e.getMessage().startsWith("cleanup.interval"), e.getMessage());
        }
    }

    @Test
    void loadWhenMemoryIdleReleaseGivenThenUsedZeroTurnsItOffAndOutOfRangeFailsNamingTheKey() throws IOException {
        Path file = write("memory.idle.release=1m\n");

        assertEquals(Duration.ofSeconds(10), ConfigLoader.load(CommandLine.parse(), name -> null).memoryIdleRelease());
        assertEquals(Duration.ofMinutes(1), ConfigLoader.load(CommandLine.parse("--config", file.toString()), name -> null).memoryIdleRelease());
        assertEquals(Duration.ZERO, ConfigLoader.load(CommandLine.parse(), Map.of("IDENTITY_MEMORY_IDLE_RELEASE", "0s")::get).memoryIdleRelease());
        for (String bad : new String[] {"500ms", "2d", "-5s", "soon"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConfigLoader.load(CommandLine.parse("--memory-idle-release", bad), name -> null));
            assertTrue(e.getMessage().startsWith("memory.idle.release"), e.getMessage());
        }
        // Said as it was written, not as Java's Duration prints it (PT48H).
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(CommandLine.parse("--memory-idle-release", "2d"),
                name -> null)).getMessage().endsWith(": 2d"));
    }

    @Test
    void loadWhenSignatureProviderGivenThenUsedDefaultAutoAndUnknownFailsNamingTheKey() {
        assertEquals(SignatureProviderChoice.AUTO, ConfigLoader.load(CommandLine.parse(), name -> null).signatureProvider());
        assertEquals(SignatureProviderChoice.JDK, ConfigLoader.load(CommandLine.parse("--signature-provider", "jdk"), name -> null).signatureProvider());
        assertEquals(SignatureProviderChoice.CORRETTO, ConfigLoader.load(CommandLine.parse(),
                Map.of("IDENTITY_SIGNATURE_PROVIDER", "corretto")::get).signatureProvider());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--signature-provider", "bc"), name -> null));
        assertTrue(e.getMessage().startsWith("signature.provider"), e.getMessage());
    }

    @Test
    void loadWhenIssuerWithQueryThenFailsNamingIssuer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse(), Map.of("IDENTITY_ISSUER", "https://id.example.com/?x=1")::get));

        assertTrue(e.getMessage().startsWith("issuer"), e.getMessage());
    }

    @Test
    void describeWhenSecretsConfiguredThenMasked() {
        Map<String, String> env = Map.of("IDENTITY_DB_URL", "jdbc:postgresql://db/identity?password=hunter2",
                "IDENTITY_DB_PASSWORD", "hunter2", "IDENTITY_MASTER_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");

        ServerConfig config = ConfigLoader.load(CommandLine.parse(), env::get);

        assertFalse(config.describe().toString().contains("hunter2"));
        assertFalse(config.toString().contains("AAAAAAAA"));
    }

    @Test
    void loadWhenDbConnectionTimeoutAndManagementPortThenAppliedElseDefaultsAndBadValuesNamed() {
        ServerConfig defaults = ConfigLoader.load(CommandLine.parse(), name -> null);
        assertEquals(Duration.ofSeconds(3), defaults.databaseConfig().connectionTimeout());
        assertEquals(null, defaults.managementPort());

        ServerConfig config = ConfigLoader.load(CommandLine.parse("--db-connection-timeout", "PT0.5S", "--management-port", "9464"),
                Map.of("IDENTITY_DB_URL", "jdbc:postgresql://db/identity")::get);
        assertEquals(Duration.ofMillis(500), config.databaseConfig().connectionTimeout());
        assertEquals(9464, config.managementPort());

        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--db-connection-timeout", "0s"), name -> null));
        assertTrue(tooShort.getMessage().startsWith("db.connection.timeout:"), tooShort.getMessage());
        IllegalArgumentException samePort = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--port", "9000", "--management-port", "9000"), name -> null));
        assertTrue(samePort.getMessage().startsWith("management.port:"), samePort.getMessage());
    }

    @Test
    void helpWhenPrintedThenListsEveryFlagAndVariable() {
        String help = ConfigLoader.help();

        for (ConfigKey key : ConfigKey.values()) {
            assertTrue(help.contains(key.flag()) && help.contains(key.envName()), key.name());
        }
        assertTrue(help.contains("--config FILE"));
    }

    @Test
    void loadWhenThreadAndHashingKeysGivenThenConfiguredAndDefaultsDocumentedElseRefusedNamingTheKey() {
        ServerConfig defaults = ConfigLoader.load(CommandLine.parse(), name -> null);
        ServerConfig config = ConfigLoader.load(CommandLine.parse("--http-threads", "32", "--http-virtual-threads", "true",
                "--password-hash-concurrency", "3", "--password-hash-queue", "5", "--password-hash-queue-timeout", "3s"), name -> null);

        assertEquals(200, defaults.httpThreads());
        assertFalse(defaults.httpVirtualThreads());
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(new dev.identityservice.core.user.PasswordHashingLimits(cores, 32 * cores, Duration.ofSeconds(2)),
                defaults.passwordHashingLimits());
        assertEquals(32, config.httpThreads());
        assertTrue(config.httpVirtualThreads());
        assertEquals(new dev.identityservice.core.user.PasswordHashingLimits(3, 5, Duration.ofSeconds(3)),
                config.passwordHashingLimits());
        assertEquals("5", config.describe().get("password.hash.queue"));
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--http-threads", "2"), name -> null));
        assertTrue(threads.getMessage().startsWith("http.threads"), threads.getMessage());
        IllegalArgumentException hashes = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--password-hash-concurrency", "0"), name -> null));
        assertTrue(hashes.getMessage().startsWith("password.hash.concurrency"), hashes.getMessage());
        IllegalArgumentException wait = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--password-hash-queue-timeout", "2h"), name -> null));
        assertTrue(wait.getMessage().startsWith("password.hash.queue.timeout"), wait.getMessage());
        // Each key named in its own one-line error, whatever is wrong with it (the queue's was nameless).
        for (String[] bad : new String[][] {{"password.hash.queue", "-1"}, {"password.hash.queue", "2147483647"},
                {"password.hash.concurrency", "-3"}, {"password.hash.concurrency", "2147483647"},
                {"password.hash.concurrency", "200000000"}, {"password.hash.queue.timeout", "0s"}}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(
                    CommandLine.parse("--" + bad[0].replace('.', '-'), bad[1]), name -> null), bad[0] + "=" + bad[1]);
            assertTrue(refused.getMessage().startsWith(bad[0] + ": "), refused.getMessage());
            assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
        }
    }

    @Test
    void loadWhenOutboundFetchLimitsGivenThenAppliedElseDefaultsAndNonsenseRefusedNamingTheKey() {
        ServerConfig defaults = ConfigLoader.load(CommandLine.parse(), name -> null);
        assertEquals(new dev.identityservice.core.outbound.FetchLimits(Duration.ofSeconds(4), 32 * 1024), defaults.outboundFetchLimits());

        ServerConfig config = ConfigLoader.load(CommandLine.parse("--outbound-fetch-timeout-ms", "300"),
                Map.of("IDENTITY_OUTBOUND_FETCH_MAX_BYTES", "2048")::get);
        assertEquals(Duration.ofMillis(300), config.outboundFetchLimits().timeout());
        assertEquals(2048, config.outboundFetchLimits().maxBytes());
        assertEquals("300", config.describe().get("outbound.fetch.timeout.ms"));
        assertEquals("2048", config.describe().get("outbound.fetch.max.bytes"));

        for (String[] bad : new String[][] {{"outbound.fetch.timeout.ms", "0"}, {"outbound.fetch.timeout.ms", "99"},
                {"outbound.fetch.timeout.ms", "60001"}, {"outbound.fetch.timeout.ms", "4s"}, {"outbound.fetch.timeout.ms", "-5"},
                {"outbound.fetch.max.bytes", "0"}, {"outbound.fetch.max.bytes", "1023"}, {"outbound.fetch.max.bytes", "1048577"},
                {"outbound.fetch.max.bytes", "32KiB"}}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(
                    CommandLine.parse("--" + bad[0].replace('.', '-'), bad[1]), name -> null), bad[0] + "=" + bad[1]);
            assertTrue(refused.getMessage().startsWith(bad[0] + ": "), refused.getMessage());
            assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
        }
    }

    private Path write(String content) throws IOException {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void loadWhenLogAndAuditSettingsThenParsedAndBadOnesNamed() {
        ServerConfig config = ConfigLoader.load(CommandLine.parse("--log-format", "json", "--log-levels",
                "dev.identityservice.audit=info,org.eclipse.jetty=WARN", "--audit-retention", "30d", "--bootstrap-print", "true"),
                Map.of("IDENTITY_LOG_LEVEL", "warn")::get);

        assertEquals(dev.identityservice.server.observability.LogSettings.Format.JSON, config.logging().format());
        assertEquals("WARN", config.logging().level());
        assertEquals(Map.of("dev.identityservice.audit", "INFO", "org.eclipse.jetty", "WARN"), config.logging().levels());
        assertEquals(java.time.Duration.ofDays(30), config.auditRetention());
        assertTrue(config.bootstrapPrint());
        assertEquals("json", config.describe().get("log.format"));
        for (String[] bad : new String[][] {{"--log-level", "LOUD"}, {"--log-levels", "org.eclipse.jetty"},
                {"--log-format", "xml"}, {"--audit-retention", "1m"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConfigLoader.load(CommandLine.parse(bad), name -> null));
            assertTrue(e.getMessage().startsWith(bad[0].substring(2).replace('-', '.')), e.getMessage());
        }
    }
}
