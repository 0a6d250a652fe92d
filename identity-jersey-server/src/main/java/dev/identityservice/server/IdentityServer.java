package dev.identityservice.server;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.core.user.PasswordHasher;
import dev.identityservice.server.admin.AdminApi;
import dev.identityservice.server.login.DeviceCookies;
import dev.identityservice.server.observability.ServerMetrics;
import dev.identityservice.server.setup.Bootstrap;
import dev.identityservice.server.setup.SetupFile;
import dev.identityservice.server.setup.SetupImporter;
import java.io.PrintStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity server: {@code main} and the wiring of configuration, database, engine, setup and HTTP.
 * {@link #start} returns a running server (also what tests use, with port 0); {@link #close} stops it
 * gracefully.
 */
public final class IdentityServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityServer.class);
    private static final int EXIT_CONFIGURATION = 2;
    private static final int EXIT_START_FAILED = 1;

    private final Database database;
    private final IdentityEngine engine;
    private final ServerMetrics metrics;
    private final Server jetty;
    private final ScheduledExecutorService jobs;
    private final URI issuer;
    private final int port;

    private IdentityServer(Database database, IdentityEngine engine, ServerMetrics metrics, Server jetty,
                           ScheduledExecutorService jobs, URI issuer, int port) {
        this.database = database;
        this.engine = engine;
        this.metrics = metrics;
        this.jetty = jetty;
        this.jobs = jobs;
        this.issuer = issuer;
        this.port = port;
    }

    public static void main(String[] args) {
        if (args.length > 0 && AdminPasswordReset.COMMAND.equals(args[0])) {
            System.exit(AdminPasswordReset.run(java.util.List.of(args).subList(1, args.length), System::getenv, System.in,
                    System.out, System.err));
            return;
        }
        ServerConfig config;
        try {
            CommandLine commandLine = CommandLine.parse(args);
            if (commandLine.help()) {
                System.out.print(ConfigLoader.help());
                return;
            }
            config = ConfigLoader.load(commandLine, System::getenv);
        } catch (RuntimeException e) {
            System.err.println("Configuration error: " + e.getMessage());
            System.exit(EXIT_CONFIGURATION);
            return;
        }
        IdentityServer server;
        try {
            server = start(config, System.out);
        } catch (StartFailure e) {
            System.err.println("Start failed: " + e.getMessage());
            System.exit(EXIT_START_FAILED);
            return;
        } catch (RuntimeException e) {
            LOG.error("Start failed: {}", e.getMessage(), e);
            System.exit(EXIT_START_FAILED);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "identity-shutdown"));
    }

    /** Starts a server; the bootstrap credentials, if any are created, go to {@code out}. */
    public static IdentityServer start(ServerConfig config, PrintStream out) {
        return start(config, out, Clock.systemUTC(), UnaryOperator.identity());
    }

    /**
     * Starts a server with {@code clock} for every decision about time and the configured password hasher
     * wrapped by {@code hasherDecorator} (tests count hashes and move time this way).
     */
    public static IdentityServer start(ServerConfig config, PrintStream out, Clock clock, UnaryOperator<PasswordHasher> hasherDecorator) {
        LOG.info("Effective configuration: {}", config.describe());
        // Read before anything is created or printed: a typo must not cost the one-time credentials.
        SetupFile setup = config.importFile() == null ? null : readSetup(config.importFile());
        boolean usesDataDir = config.dbUrl() == null || config.masterKey() == null;
        if (usesDataDir) {
            DataDirectory.prepare(config.dataDir());
        }
        Database database = Database.open(config.databaseConfig());
        if (usesDataDir) {
            DataDirectory.tightenFiles(config.dataDir());
        }
        ScheduledExecutorService jobs = null;
        Server jetty = null;
        try {
            ServerMetrics metrics = new ServerMetrics();
            MasterKey masterKey = MasterKeyCheck.load(config.masterKey(), config.dataDir().resolve(ServerConfig.MASTER_KEY_FILE_NAME), database);
            MasterKeyCheck.verify(masterKey, database, config.masterKey() != null ? "master.key"
                    : "file " + config.dataDir().resolve(ServerConfig.MASTER_KEY_FILE_NAME).toAbsolutePath());
            IdentityEngine engine = IdentityEngine.builder(database, masterKey)
                    .clock(clock)
                    .passwordHasher(hasherDecorator.apply(new Argon2idPasswordHasher(config.passwordHashParameters(), new SecureRandom(),
                            config.passwordHashingLimits())))
                    .rotationListener(metrics.rotationListener())
                    .reuseListener(metrics.reuseListener())
                    .reconcileInterval(config.changeReconcileInterval())
                    .build();
            byte[] deviceCookieKey = DeviceCookies.deriveKey(masterKey.secretKey().getEncoded());
            jetty = HttpServerFactory.create(config, new IdentityApplication(engine, metrics, config.loginLimits(), deviceCookieKey)
                    .withAdminApi(new AdminApi(engine, config.adminAudiences(), config.accessTokenTtl())));
            // Bind first: with port 0 the default issuer needs the real port before any token is issued.
            ServerConnector connector = (ServerConnector) jetty.getConnectors()[0];
            connector.open();
            int port = connector.getLocalPort();
            URI issuer = config.effectiveIssuer(port);
            defaultTenant(engine, config, issuer);
            SetupImporter importer = new SetupImporter(engine, issuer, config.accessTokenTtl(), config.importMode());
            Bootstrap bootstrap = new Bootstrap(engine, config.accessTokenTtl(), config.bootstrapAdminPassword(),
                    config.bootstrapDemoSecret());
            // Everything checked before the bootstrap creates or prints anything.
            try {
                bootstrap.check();
                if (setup != null) {
                    importer.check(setup);
                }
            } catch (IllegalArgumentException e) {
                throw new StartFailure(e.getMessage() + (setup != null && e.getMessage().startsWith("import:")
                        ? " (file " + config.importFile().toAbsolutePath() + "; nothing was applied)" : ""));
            }
            // Bootstrap first: a fresh installation gets its admin even when the import brings other users.
            if (config.bootstrap()) {
                bootstrap.run(out);
            }
            if (setup != null) {
                importer.apply(setup);
            }
            jobs = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "identity-jobs");
                thread.setDaemon(true);
                return thread;
            });
            engine.startBackgroundJobs(jobs, config.cleanupInterval());
            jetty.start();
            LOG.info("Identity server listening on {}://{}:{}, issuer {}", config.tls() ? "https" : "http",
                    config.host(), port, issuer);
            return new IdentityServer(database, engine, metrics, jetty, jobs, issuer, port);
        } catch (Exception e) {
            stopQuietly(jetty);
            if (jobs != null) {
                jobs.shutdownNow();
            }
            database.close();
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException("start failed: " + e.getMessage(), e);
        }
    }

    /** Creates the default tenant, or brings its issuer and rotation period in line with the configuration. */
    private static void defaultTenant(IdentityEngine engine, ServerConfig config, URI issuer) {
        Tenant tenant = engine.ensureTenant(Tenant.DEFAULT_ID, issuer, config.signingAlgorithm());
        if (!tenant.issuer().equals(issuer) || !tenant.rotationPeriod().equals(config.keyRotationPeriod())) {
            LOG.info("Default tenant: issuer {}, key rotation period {}", issuer, Durations.format(config.keyRotationPeriod()));
            engine.updateTenant(new Tenant(tenant.id(), issuer, tenant.signingAlgorithm(), config.keyRotationPeriod(), tenant.createdAt()));
        }
    }

    /** The import file, or a {@link StartFailure} naming it and what is wrong with it. */
    private static SetupFile readSetup(java.nio.file.Path file) {
        try {
            return SetupFile.read(file);
        } catch (IllegalArgumentException e) {
            throw new StartFailure(e.getMessage() + " (import)");
        } catch (java.io.UncheckedIOException e) {
            throw new StartFailure(e.getMessage() + " (import): " + describe(e.getCause()));
        }
    }

    private static String describe(java.io.IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    public int port() {
        return port;
    }

    /** The default tenant's issuer. */
    public URI issuer() {
        return issuer;
    }

    public IdentityEngine engine() {
        return engine;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** Stops taking requests, lets those in flight finish (up to the shutdown timeout), then closes the database. */
    @Override
    public void close() {
        LOG.info("Stopping the identity server");
        stopQuietly(jetty);
        jobs.shutdownNow();
        engine.stopBackgroundJobs();
        database.close();
    }

    private static void stopQuietly(Server jetty) {
        if (jetty == null) {
            return;
        }
        try {
            jetty.stop();
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.info("Graceful stop timed out; the remaining connections were closed");
        } catch (Exception e) {
            LOG.warn("Stopping Jetty failed", e);
        }
    }
}
