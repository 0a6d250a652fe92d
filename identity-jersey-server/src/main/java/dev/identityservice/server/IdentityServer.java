package dev.identityservice.server;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.outbound.OutboundHttp;
import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.key.SignatureProvider;
import dev.identityservice.core.store.jdbc.DataAccessException;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcAuditEventStore;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.core.user.PasswordHasher;
import dev.identityservice.server.admin.AdminApi;
import dev.identityservice.server.audit.AuditLog;
import dev.identityservice.server.audit.AuditWriter;
import dev.identityservice.server.login.DeviceCookies;
import dev.identityservice.server.observability.DatabaseHealth;
import dev.identityservice.server.observability.LogSetup;
import dev.identityservice.server.observability.ServerMetrics;
import dev.identityservice.server.setup.Bootstrap;
import dev.identityservice.server.setup.SetupFile;
import dev.identityservice.server.setup.SetupImporter;
import dev.identityservice.core.event.SecurityEventTokens;
import dev.identityservice.server.ssf.LongPolls;
import java.io.PrintStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
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
    private final DatabaseHealth databaseHealth;
    private final Server jetty;
    private final ScheduledExecutorService jobs;
    private final AuditWriter auditWriter;
    private final URI issuer;
    private final int port;
    private final int managementPort;
    private final LongPolls longPolls;

    private IdentityServer(Database database, IdentityEngine engine, ServerMetrics metrics, DatabaseHealth databaseHealth,
                           Server jetty, ScheduledExecutorService jobs, AuditWriter auditWriter, URI issuer, int port,
                           int managementPort, LongPolls longPolls) {
        this.auditWriter = auditWriter;
        this.database = database;
        this.engine = engine;
        this.metrics = metrics;
        this.databaseHealth = databaseHealth;
        this.jetty = jetty;
        this.jobs = jobs;
        this.issuer = issuer;
        this.port = port;
        this.managementPort = managementPort;
        this.longPolls = longPolls;
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
            LogSetup.apply(config.logging());
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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                // Last: the requests Jetty answered while it stopped are in the access log's buffer.
                LogSetup.stop();
            }
        }, "identity-shutdown"));
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
        // Read before anything is created or printed: a typo must not cost the one-time credentials. On a restart
        // (an H2 database in the data directory) nothing is created by opening it, so the file is parsed while the
        // database opens; its errors still come first.
        SetupFile setup = null;
        CompletableFuture<SetupFile> setupParsing = null;
        // One thread each, so that Jetty's shell does not wait behind the import file's parsing: on a restart main
        // reached the shell 50-150 ms before it was ready, idle (BENCHMARKS.md "Start-up: the third cut"); nor behind
        // a required native signature provider, whose library and self-tests take 250-400 ms of a cold JVM.
        java.util.concurrent.ExecutorService alongside = Executors.newFixedThreadPool(3, IdentityServer::startThread);
        CompletableFuture<Server> jettyShell;
        CompletableFuture<SignatureProvider> signatures;
        try {
            // Only a required provider is loaded during the start; with auto the JDK signs until it is ready (below).
            signatures = config.signatureProvider() == SignatureProviderChoice.AUTO
                    ? CompletableFuture.completedFuture(SignatureProvider.JDK)
                    : CompletableFuture.supplyAsync(config.signatureProvider()::resolve, alongside);
            if (config.importFile() != null) {
                if (config.dbUrl() == null && DataDirectory.holdsDatabase(config.dataDir())) {
                    setupParsing = CompletableFuture.supplyAsync(() -> readSetup(config.importFile()), alongside);
                } else {
                    setup = readSetup(config.importFile());
                }
            }
            // Jetty's server and connectors need the configuration only: built alongside the database and the engine.
            jettyShell = CompletableFuture.supplyAsync(() -> HttpServerFactory.create(config), alongside);
        } finally {
            alongside.shutdown();
        }
        boolean usesDataDir = config.dbUrl() == null || config.masterKey() == null;
        Database database;
        try {
            if (config.signatureProvider() == SignatureProviderChoice.CORRETTO) {
                // Its absence fails the start: said before a data directory, a master key or a schema is created.
                await(signatures);
            }
            if (usesDataDir) {
                try {
                    DataDirectory.prepare(config.dataDir());
                } catch (java.io.UncheckedIOException e) {
                    throw new StartFailure(e.getMessage() + ": " + describe(e.getCause()) + " (check data.dir / IDENTITY_DATA_DIR, its owner and mode)");
                }
            }
            database = openDatabase(config);
        } catch (RuntimeException e) {
            await(setupParsing);
            throw e;
        }
        if (setupParsing != null) {
            try {
                setup = await(setupParsing);
            } catch (RuntimeException e) {
                database.close();
                throw e;
            }
        }
        if (usesDataDir) {
            DataDirectory.tightenFiles(config.dataDir());
        }
        ScheduledExecutorService jobs = null;
        Server jetty = null;
        ServerMetrics metrics = new ServerMetrics();
        DatabaseHealth databaseHealth = new DatabaseHealth(database);
        AuditWriter auditWriter = null;
        LongPolls longPolls = null;
        HttpServerFactory.HandlersStart handlersStarting = null;
        try {
            database.publishMetricsTo(metrics.registry());
            auditWriter = new AuditWriter(new JdbcAuditEventStore(database), metrics.registry());
            AuditLog audit = new AuditLog(clock, auditWriter);
            MasterKey masterKey;
            try {
                masterKey = MasterKeyCheck.load(config.masterKey(), config.dataDir().resolve(ServerConfig.MASTER_KEY_FILE_NAME), database);
            } catch (java.io.UncheckedIOException e) {
                throw new StartFailure(e.getMessage() + ": " + describe(e.getCause()) + " (check the file's owner and mode, or set master.key / IDENTITY_MASTER_KEY)");
            } catch (IllegalStateException e) {
                // A key file readable by others: the message says which and how to fix it.
                throw new StartFailure(e.getMessage());
            }
            MasterKeyCheck.verify(masterKey, database, config.masterKey() != null ? "master.key"
                    : "file " + config.dataDir().resolve(ServerConfig.MASTER_KEY_FILE_NAME).toAbsolutePath());
            IdentityEngine engine = IdentityEngine.builder(database, masterKey)
                    .clock(clock)
                    .signatures(await(signatures))
                    .passwordHasher(hasherDecorator.apply(new Argon2idPasswordHasher(config.passwordHashParameters(), new SecureRandom(),
                            config.passwordHashingLimits())))
                    .rotationListener(metrics.rotationListener().andThen(audit.rotationListener()))
                    .reuseListener(metrics.reuseListener().andThen(audit.reuseListener()))
                    .auditRetention(config.auditRetention())
                    .reconcileInterval(config.changeReconcileInterval())
                    .backChannelLogout(config.backChannelLogout())
                    .logoutListener(metrics.logoutListener())
                    .securityEvents(config.securityEvents())
                    .outbound(new OutboundHttp(config.outboundAllowPrivateAddresses()))
                    .requirePushedAuthorizationRequests(config.parRequired())
                    .unusedClientTtl(config.registrationUnusedClientTtl())
                    .fetchLimits(config.outboundFetchLimits())
                    .build();
            byte[] deviceCookieKey = DeviceCookies.deriveKey(masterKey.secretKey().getEncoded());
            IdentityApplication application = new IdentityApplication(engine, metrics, config.loginLimits(), deviceCookieKey,
                    audit, databaseHealth)
                    .withAdminApi(new AdminApi(engine, config.adminAudiences(), config.accessTokenTtl(), audit, config.registrationMaxClients()))
                    .withClientRegistration(engine, config.accessTokenTtl(), config.registrationMaxClients(),
                            config.registrationLimitAddress(), config.registrationWindow());
            longPolls = new LongPolls(engine.securityEvents(), new SecurityEventTokens(engine.keys(), clock),
                    config.effectivePollMaxWait(), engine.changes());
            if (!config.effectivePollMaxWait().equals(config.securityEvents().pollMaxWait())) {
                LOG.warn("security-events.poll.max-wait {} is not below half of http.idle.timeout; long polls are held {}",
                        Durations.format(config.securityEvents().pollMaxWait()), Durations.format(config.effectivePollMaxWait()));
            }
            application.withSecurityEvents(engine, audit, longPolls);
            ResourceConfig management = null;
            if (config.managementPort() == null) {
                application.withGuardedMetrics(metrics);
            } else {
                management = IdentityApplication.management(metrics, databaseHealth, engine.keys());
            }
            jetty = HttpServerFactory.withApplications(await(jettyShell), config, application, management, metrics,
                    application.frontFilters(), application.frontHandler());
            // Bind first: with port 0 the default issuer needs the real port before any token is issued.
            ServerConnector connector = (ServerConnector) jetty.getConnectors()[0];
            open(connector, config.host(), config.port(), ConfigKey.PORT);
            int port = connector.getLocalPort();
            int managementPort = -1;
            if (management != null) {
                ServerConnector managementConnector = (ServerConnector) jetty.getConnectors()[1];
                open(managementConnector, ServerConfig.MANAGEMENT_HOST, config.managementPort(), ConfigKey.MANAGEMENT_PORT);
                managementPort = managementConnector.getLocalPort();
            }
            // Jersey's initialisation runs alongside what follows, which needs the engine only; jetty.start() waits
            // for both, so the connectors serve nothing before the tenant, the bootstrap and the import are done.
            handlersStarting = HttpServerFactory.startHandlersAlongside(jetty);
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
                try {
                    bootstrap.run(out, config.bootstrapPrint() ? null : config.dataDir().resolve(ServerConfig.BOOTSTRAP_CREDENTIALS_FILE_NAME));
                } catch (java.io.UncheckedIOException e) {
                    throw new StartFailure(e.getMessage() + " (data.dir, or bootstrap.print=true)");
                }
            }
            if (setup != null) {
                try {
                    importer.apply(setup);
                } catch (IllegalArgumentException | DataAccessException e) {
                    throw new StartFailure(e.getMessage() + " (file " + config.importFile().toAbsolutePath()
                            + "; nothing of it was applied: the import is one transaction)");
                }
            }
            jobs = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "identity-jobs");
                thread.setDaemon(true);
                return thread;
            });
            engine.startBackgroundJobs(jobs, config.cleanupInterval());
            if (!config.memoryIdleRelease().isZero() && IdleMemoryRelease.explicitCollectionsDisabled()) {
                LOG.info("memory.idle.release has no effect: the JVM runs with -XX:+DisableExplicitGC");
            } else if (!config.memoryIdleRelease().isZero()) {
                jobs.scheduleWithFixedDelay(IdleMemoryRelease.ofThisJvm(config.memoryIdleRelease(), metrics::requestsCompleted,
                        engine, jetty.getByteBufferPool()), 1, 1, TimeUnit.SECONDS);
            }
            handlersStarting.await();
            jetty.start();
            if (config.signatureProvider() == SignatureProviderChoice.AUTO) {
                useNativeSignaturesWhenLoaded(engine);
            }
            LOG.info("Identity server listening on {}://{}:{}, issuer {}", config.tls() ? "https" : "http",
                    config.host(), port, issuer);
            if (managementPort >= 0) {
                LOG.info("Management (metrics, health) listening on http://{}:{}", ServerConfig.MANAGEMENT_HOST, managementPort);
            }
            return new IdentityServer(database, engine, metrics, databaseHealth, jetty, jobs, auditWriter, issuer, port, managementPort,
                    longPolls);
        } catch (Exception e) {
            if (longPolls != null) {
                longPolls.close();
            }
            if (handlersStarting != null && !jetty.isStarted()) {
                handlersStarting.stopAfterFailure(jetty);
            }
            stopQuietly(jetty);
            closeConnectors(jetty);
            if (jobs != null) {
                jobs.shutdownNow();
            }
            if (auditWriter != null) {
                auditWriter.close();
            }
            databaseHealth.close();
            metrics.close();
            database.close();
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException("start failed: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the native signature provider on a thread of its own once the server serves, and hands it to the key rings
     * when it passes its self-tests ({@link SignatureProviderChoice#AUTO}); until then, and for good where it cannot
     * load, the JDK signs. Why after the start: loading it (unpacking and mapping its library, 170 ms) and its
     * self-tests (110 ms) competed with the start for the CPU; after it, a restart to the first token on JDK 25 took
     * 6-11 % less (on JDK 17 no change was measurable: BENCHMARKS.md "the native provider after the start"). The
     * tokens are the same either way: RS256 is deterministic, and every verifier accepts either provider's ES256.
     */
    private static void useNativeSignaturesWhenLoaded(IdentityEngine engine) {
        Thread thread = new Thread(() -> {
            SignatureProvider provider = SignatureProviderChoice.AUTO.resolve();
            if (provider != SignatureProvider.JDK) {
                try {
                    engine.keys().useSignatures(provider);
                } catch (RuntimeException e) {
                    // Rings built before keep signing with the JDK; those built from now on use the provider.
                    LOG.warn("Moving the key rings to {} failed: {}", provider.name(), e.toString());
                }
            }
        }, "identity-signature-provider");
        thread.setDaemon(true);
        // Below the requests where priorities reach the operating system (the launcher's -XX:ThreadPriorityPolicy=1,
        // as for the password hashes): the first tokens come first.
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /**
     * Opens the pool (and migrates); a database that cannot be reached or refuses the login is a
     * {@link StartFailure} naming the settings to check, not a stack trace.
     */
    private static Database openDatabase(ServerConfig config) {
        try {
            return Database.open(config.databaseConfig());
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String settings = config.dbUrl() == null
                    ? "check data.dir / IDENTITY_DATA_DIR (is another server using it?)"
                    : "check db.url / IDENTITY_DB_URL, db.user, db.password, and that the database is running";
            throw new StartFailure("cannot open the database " + config.databaseConfig().maskedUrl() + ": "
                    + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().strip().replaceAll("\\s+", " "))
                    + " (" + settings + ")");
        }
    }

    /** Binds {@code connector}; a port in use (or an address not of this machine) is a {@link StartFailure} naming {@code key}. */
    private static void open(ServerConnector connector, String host, int port, ConfigKey key) throws java.io.IOException {
        try {
            connector.open();
        } catch (java.io.IOException e) {
            Throwable cause = e.getCause() instanceof java.net.BindException bind ? bind : e;
            String reason = cause.getMessage() != null && cause.getMessage().contains("in use") ? "the port is in use"
                    : String.valueOf(cause.getMessage());
            throw new StartFailure("cannot listen on " + host + ":" + port + ": " + reason + " (change " + key.key()
                    + " / " + key.envName() + " / " + key.flag() + ", or stop the process that holds it)");
        }
    }

    /**
     * Creates the default tenant, or brings its issuer, rotation period and (when set) registration mode and
     * implicit and hybrid flows in line with the configuration.
     */
    private static void defaultTenant(IdentityEngine engine, ServerConfig config, URI issuer) {
        Tenant tenant = engine.ensureTenant(Tenant.DEFAULT_ID, issuer, config.signingAlgorithm());
        Tenant wanted = tenant.withIssuer(issuer).withRotationPeriod(config.keyRotationPeriod())
                .withRegistrationMode(config.registrationMode() == null ? tenant.registrationMode() : config.registrationMode())
                .withImplicitAndHybridFlows(config.implicitAndHybridFlows() == null ? tenant.implicitAndHybridFlows()
                        : config.implicitAndHybridFlows());
        if (!wanted.equals(tenant)) {
            LOG.info("Default tenant: issuer {}, key rotation period {}, client registration {}, implicit and hybrid flows {}", issuer,
                    Durations.format(config.keyRotationPeriod()), wanted.registrationMode().value(), wanted.implicitAndHybridFlows());
            engine.updateTenant(wanted);
        }
    }

    /** The thread that runs pieces of the start alongside the main one (a daemon: it never outlives a failed start). */
    private static Thread startThread(Runnable work) {
        Thread thread = new Thread(work, "identity-start");
        thread.setDaemon(true);
        return thread;
    }

    /**
     * What {@code work} (run on the {@link #startThread}) gave, {@code null} when there is none; its failure thrown as
     * it was (a {@link StartFailure} naming the import file or the TLS keystore).
     */
    private static <T> T await(CompletableFuture<T> work) {
        if (work == null) {
            return null;
        }
        try {
            return work.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
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
        if (e instanceof java.nio.file.FileAlreadyExistsException || e instanceof java.nio.file.NotDirectoryException) {
            return "a file is in the way, not a directory";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    public int port() {
        return port;
    }

    /** The bound port of the management listener ({@code management.port}), or -1 when there is none. */
    public int managementPort() {
        return managementPort;
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

    /** The long polls of security event streams held now. */
    public LongPolls longPolls() {
        return longPolls;
    }

    /** What stores audit events, off the request threads. */
    public AuditWriter auditWriter() {
        return auditWriter;
    }

    /** Stops taking requests, lets those in flight finish (up to the shutdown timeout), then closes the database. */
    @Override
    public void close() {
        LOG.info("Stopping the identity server");
        // Held polls answer now (no SETs) rather than hold the graceful stop for their whole wait.
        longPolls.close();
        stopQuietly(jetty);
        // After the last request, before the database: the events of the last requests are stored.
        auditWriter.close();
        stopJobs();
        engine.stopBackgroundJobs();
        databaseHealth.close();
        metrics.close();
        database.close();
    }

    /**
     * Cancels the periodic jobs and lets one that is running (a cleanup, an H2 compaction) end, for up to 2 s, before
     * the database closes: interrupted in the middle of a write, H2's file channel closes under it.
     */
    private void stopJobs() {
        jobs.shutdown();
        try {
            if (!jobs.awaitTermination(2, TimeUnit.SECONDS)) {
                jobs.shutdownNow();
                jobs.awaitTermination(500, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            jobs.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Closes the listening sockets of {@code jetty}'s connectors. For a start that failed after {@link #open} bound them
     * but before {@code jetty.start()}: stopping a server that never started does nothing, so its ports stayed bound
     * in this JVM (an embedding or test that starts again on the same port found it in use).
     */
    private static void closeConnectors(Server jetty) {
        if (jetty == null) {
            return;
        }
        for (org.eclipse.jetty.server.Connector connector : jetty.getConnectors()) {
            if (connector instanceof ServerConnector server) {
                server.close();
            }
        }
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
