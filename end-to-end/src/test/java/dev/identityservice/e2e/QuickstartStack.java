package dev.identityservice.e2e;

import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.store.jdbc.DatabaseConfig;
import dev.identityservice.sample.LauncherOptions;
import dev.identityservice.sample.SampleApp;
import dev.identityservice.server.IdentityServer;
import dev.identityservice.server.ServerConfig;
import dev.identityservice.server.setup.SetupFile;
import dev.identityservice.server.setup.SetupImporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The quickstart in one JVM: the real identity server (port 0, in-memory H2, RS256 as the sample's
 * guard requires) and the sample app's own launcher (port 0, trusting that server), with
 * {@code examples/quickstart.json} imported after its sample origins ({@code :8081}) were rewritten to
 * the sample's real port. The import runs through the server's {@link SetupImporter}, as {@code --import} does.
 * As the README runs it, the sample takes the server's security events as the quickstart's receiver client
 * {@code sample-receiver} ({@code SAMPLE_EVENTS_CLIENT_ID}, {@code SAMPLE_EVENTS_CLIENT_SECRET}).
 */
final class QuickstartStack implements AutoCloseable {

    static final String QUICKSTART_CLIENT = "quickstart";
    static final String QUICKSTART_SECRET = "quickstart-secret-change-me-0123456789";
    static final String SPA_CLIENT = "demo-spa";
    static final String ALICE = "alice";
    static final String ALICE_PASSWORD = "alice-password-1";
    static final String CAROL = "carol";
    static final String CAROL_PASSWORD = "carol-password-1";
    static final String RECEIVER_CLIENT = "sample-receiver";
    static final String RECEIVER_SECRET = "sample-receiver-secret-change-me-0123456789";

    private static final String QUICKSTART_ORIGIN = "http://127.0.0.1:8081";
    private static final String QUICKSTART_LOCALHOST_ORIGIN = "http://localhost:8081";

    /** The running server; replaced by {@link #restartServer()}. */
    volatile IdentityServer server;
    final ServerConfig config;
    final SampleApp sample;
    final Path importFile;

    private QuickstartStack(IdentityServer server, ServerConfig config, SampleApp sample, Path importFile) {
        this.server = server;
        this.config = config;
        this.sample = sample;
        this.importFile = importFile;
    }

    static QuickstartStack start() throws Exception {
        return start(server -> { }, Map.of());
    }

    /**
     * The quickstart with {@code customize} applied to the server's settings and {@code sampleSettings} (web.xml
     * placeholders such as {@code SAMPLE_EVENTS_WHEN_STALE}) added to the sample's.
     */
    static QuickstartStack start(Consumer<ServerConfig.Builder> customize, Map<String, String> sampleSettings) throws Exception {
        Path dataDir = Files.createTempDirectory("identity-e2e");
        ServerConfig.Builder builder = ServerConfig.builder()
                .port(0)
                .dataDir(dataDir.toString())
                .dbUrl(DatabaseConfig.h2InMemory("e2e-" + UUID.randomUUID()).jdbcUrl())
                .dbUser("sa")
                .masterKey(MasterKey.generate().toBase64())
                .bootstrap(false)
                .shutdownTimeout(Duration.ofSeconds(1))
                // Cheap hashing: the users' passwords are hashed at import and at every login.
                .passwordHashMemoryKib(64)
                .passwordHashIterations(1)
                // As the README's quickstart command: the sample receives back-channel logouts on 127.0.0.1.
                .outboundAllowPrivateAddresses(true);
        customize.accept(builder);
        ServerConfig config = builder.build();
        IdentityServer server = IdentityServer.start(config, quiet());
        SampleApp sample = null;
        try {
            sample = startSample(server, sampleSettings);
            Path importFile = adaptedQuickstart(dataDir, sample.url());
            new SetupImporter(server.engine(), server.issuer(), config.accessTokenTtl()).apply(SetupFile.read(importFile));
            return new QuickstartStack(server, config, sample, importFile);
        } catch (Exception | Error e) {
            if (sample != null) {
                sample.close();
            }
            server.close();
            throw e;
        }
    }

    /**
     * Another instance of the sample app (port 0) trusting {@code server}, with the quickstart's receiver client
     * and {@code settings} on top; the launcher's system properties are put back once it serves.
     */
    static SampleApp startSample(IdentityServer server, Map<String, String> settings) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("SAMPLE_EVENTS_CLIENT_ID", RECEIVER_CLIENT);
        all.put("SAMPLE_EVENTS_CLIENT_SECRET", RECEIVER_SECRET);
        all.putAll(settings);
        Map<String, String> replaced = new LinkedHashMap<>();
        all.forEach((name, value) -> replaced.put(name, System.setProperty(name, value)));
        try {
            return SampleApp.start(LauncherOptions.parse("--host", "127.0.0.1", "--port", "0",
                    "--issuer", server.issuer().toString()));
        } finally {
            replaced.forEach((name, previous) -> {
                if (previous == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, previous);
                }
            });
        }
    }

    /** Stops the server (the sample keeps running); {@link #restartServer()} brings it back on the same port. */
    void stopServer() {
        server.close();
    }

    /** Starts the server again on its port and database (in-memory H2, kept while this JVM runs). */
    void restartServer() {
        ServerConfig same = ServerConfig.builder().port(server.issuer().getPort()).dataDir(config.dataDir().toString())
                .dbUrl(config.dbUrl()).dbUser("sa").masterKey(config.masterKey()).bootstrap(false)
                .shutdownTimeout(Duration.ofSeconds(1)).passwordHashMemoryKib(64).passwordHashIterations(1)
                .adminAudiences(String.join(",", config.adminAudiences()))
                .securityEventsPollMaxWait(config.securityEvents().pollMaxWait()).build();
        server = IdentityServer.start(same, quiet());
    }

    /** Waits (up to 15 s) until {@code count} receivers hold a long poll at the server: their streams are live. */
    void awaitReceivers(int count) {
        await("" + count + " receiver(s) long-polling", () -> server.longPolls().parked() >= count, Duration.ofSeconds(15));
    }

    static void await(String what, BooleanSupplier condition, Duration limit) {
        long until = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out after " + limit + " waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** examples/quickstart.json with the sample's origins moved from :8081 to where the sample listens. */
    static Path adaptedQuickstart(Path dir, URI sampleUrl) {
        Path quickstart = Path.of(System.getProperty("identity.quickstart", "../examples/quickstart.json"));
        try {
            String original = Files.readString(quickstart);
            if (!original.contains(QUICKSTART_ORIGIN + "/callback") || !original.contains(QUICKSTART_LOCALHOST_ORIGIN + "/")) {
                throw new IllegalStateException(quickstart + " no longer names the sample at " + QUICKSTART_ORIGIN
                        + " and " + QUICKSTART_LOCALHOST_ORIGIN + "; update " + QuickstartStack.class.getName());
            }
            int port = sampleUrl.getPort();
            String adapted = original.replace(QUICKSTART_ORIGIN, "http://127.0.0.1:" + port)
                    .replace(QUICKSTART_LOCALHOST_ORIGIN, "http://localhost:" + port);
            Path file = dir.resolve("quickstart-e2e.json");
            Files.writeString(file, adapted);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's address of {@code path}, e.g. {@code /oauth2/token}. */
    URI issuer(String path) {
        return URI.create(server.issuer() + path);
    }

    /** The sample's address of {@code path} (no leading slash), e.g. {@code api/me}. */
    URI sample(String path) {
        return sample.url().resolve(path);
    }

    /** The sample's origin, {@code http://127.0.0.1:port}. */
    String sampleOrigin() {
        return "http://127.0.0.1:" + sample.url().getPort();
    }

    @Override
    public void close() throws Exception {
        try {
            sample.close();
        } finally {
            server.close();
        }
    }
}
