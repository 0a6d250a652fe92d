package dev.identityservice.server;

import dev.identityservice.core.event.SecurityEventSettings;
import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.registration.ClientRegistrations;
import dev.identityservice.core.registration.RegistrationMode;
import dev.identityservice.core.store.jdbc.DatabaseConfig;
import dev.identityservice.core.logout.BackChannelLogoutSettings;
import dev.identityservice.core.outbound.FetchLimits;
import dev.identityservice.core.store.jdbc.ExpiredRowsCleanup;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.core.user.Argon2idParameters;
import dev.identityservice.core.user.PasswordHashingLimits;
import dev.identityservice.server.http.TrustedProxies;
import dev.identityservice.server.login.LoginLimits;
import dev.identityservice.server.registration.RegistrationThrottle;
import dev.identityservice.server.observability.LogSettings;
import dev.identityservice.server.setup.Bootstrap;
import dev.identityservice.server.setup.ImportMode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The server's immutable configuration; every default is a constant here or in the core class that owns it.
 * Build it with {@link #builder()}; {@link ConfigLoader} fills the builder from file, environment and flags.
 *
 * @param issuer     the default tenant's issuer, or {@code null} for {@code http(s)://host:port}
 * @param dbUrl      a JDBC URL, or {@code null} for an H2 file in {@code dataDir}
 * @param masterKey  base64 master key, or {@code null} for the owner-only file {@code dataDir/master.key}
 * @param tlsKeystore PKCS12 keystore for HTTPS, or {@code null} for plain HTTP
 * @param importFile JSON setup applied at start, or {@code null}
 * @param importMode what the import does with entities that already exist
 * @param bootstrapAdminPassword the first admin's password, or {@code null} for a generated one shown once (see bootstrapPrint)
 * @param bootstrapDemoSecret the demo client's secret, or {@code null} for a generated one shown once (see bootstrapPrint)
 * @param changeReconcileInterval on PostgreSQL, how often tenants and key rings are re-read in case a change
 *                   notification was missed
 * @param trustedProxies addresses and networks of reverse proxies whose forwarding headers are believed; empty: none
 * @param proxyHeaders the one family of forwarding headers those proxies set (the other is ignored)
 * @param loginLimits the login throttle's budgets
 * @param logging    log levels and line format, applied by {@code main} ({@link LogSettings})
 * @param auditRetention how long audit events are kept before the cleanup deletes them
 * @param bootstrapPrint whether generated bootstrap credentials go to standard output instead of the
 *                   owner-only file {@value #BOOTSTRAP_CREDENTIALS_FILE_NAME} in {@code dataDir}
 * @param registrationMode the default tenant's client registration mode, applied at every start, or {@code null}
 *                   to leave the stored one (set by the management API or the import file)
 * @param registrationMaxClients the most dynamically registered clients (RFC 7591) a tenant keeps
 * @param dbConnectionTimeout how long a request waits for a database connection before it answers 503
 * @param managementPort the port of the management listener on {@link #MANAGEMENT_HOST} serving {@code /metrics}
 *                   and {@code /health} without a token, or {@code null} (the default): none, and {@code /metrics}
 *                   on the main port requires an admin bearer token
 * @param backChannelLogout how logout tokens are delivered to clients' back-channel logout URIs
 * @param httpThreads the most platform threads serving requests at once (Jetty's pool; acceptor and selector
 *                   threads come out of it); later requests wait in Jetty's queue in arrival order
 * @param httpVirtualThreads whether requests run on virtual threads (Java 21+) instead of the platform pool
 * @param httpConcurrency the most requests of the main port executing at once; the others wait in arrival order
 *                   (a request waiting for a password hash or a remote server is not executing)
 * @param httpQueueTimeout the longest such wait before 503 {@code temporarily_unavailable} with {@code Retry-After}
 * @param passwordHashingLimits how many password hashes run and wait at once, and how long one waits
 * @param securityEvents how security events are kept and delivered to resource servers ({@code security-events.*})
 * @param outboundAllowPrivateAddresses whether URLs clients register for the server to request (back-channel
 *                           logout, {@code jwks_uri}) may be plain {@code http} and lead to loopback, private and
 *                           other non-public addresses ({@code outbound.allow.private.addresses}, default false)
 * @param parRequired whether every client must push its authorization requests (RFC 9126 §5, {@code par.required})
 * @param registrationLimitAddress client registrations per {@code registrationWindow} from one client network
 * @param registrationWindow the window of that budget
 * @param registrationUnusedClientTtl how long a dynamically registered client that never obtains a token is kept
 * @param implicitAndHybridFlows whether the default tenant allows the implicit and hybrid flows
 *                           ({@code Tenant#implicitAndHybridFlows}), applied at every start, or {@code null} to keep
 *                           the stored setting ({@code implicit.hybrid.flows})
 * @param outboundFetchLimits the time and size bounds of a GET of a client's {@code request_uri} or {@code jwks_uri}
 *                   ({@code outbound.fetch.timeout.ms}, {@code outbound.fetch.max.bytes})
 * @param memoryIdleRelease how long the server must have been idle (fewer requests than one a second) before it
 *                   gives back the memory it keeps for the next burst ({@link IdleMemoryRelease}); zero: never
 *                   ({@code memory.idle.release})
 * @param signatureProvider which JCA provider signs the tokens ({@code signature.provider}, {@link SignatureProviderChoice})
 */
public record ServerConfig(String host, int port, URI issuer, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                           int dbPoolSize, String masterKey, SigningAlgorithm signingAlgorithm, Duration keyRotationPeriod,
                           Duration accessTokenTtl, Path tlsKeystore, String tlsKeystorePassword, Path importFile,
                           ImportMode importMode, boolean bootstrap, String bootstrapAdminPassword, String bootstrapDemoSecret, Duration shutdownTimeout, int passwordHashMemoryKib, int passwordHashIterations,
                           Set<String> adminAudiences, Duration changeReconcileInterval, Duration cleanupInterval,
                           List<String> trustedProxies, TrustedProxies.Headers proxyHeaders, LoginLimits loginLimits,
                           Duration idleTimeout, LogSettings logging, Duration auditRetention, boolean bootstrapPrint,
                           RegistrationMode registrationMode, int registrationMaxClients,
                           Duration dbConnectionTimeout, Integer managementPort,
                           BackChannelLogoutSettings backChannelLogout, int httpThreads, boolean httpVirtualThreads,
                           int httpConcurrency, Duration httpQueueTimeout,
                           PasswordHashingLimits passwordHashingLimits, SecurityEventSettings securityEvents,
                           boolean outboundAllowPrivateAddresses, boolean parRequired, int registrationLimitAddress,
                           Duration registrationWindow, Duration registrationUnusedClientTtl, Boolean implicitAndHybridFlows,
                           FetchLimits outboundFetchLimits, Duration memoryIdleRelease,
                           SignatureProviderChoice signatureProvider) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    public static final String MASTER_KEY_FILE_NAME = "master.key";
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a connection may be silent, also in the middle of a request body, before it is closed: 30
     * seconds, Jetty's default, said here so that it is documented and configurable.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The address of the management listener: loopback only, so that metrics are reachable from this machine
     * (a local Prometheus or agent, an SSH tunnel) and never from the network.
     */
    public static final String MANAGEMENT_HOST = "127.0.0.1";
    /** The longest graceful stop: 1 hour. */
    public static final Duration MAX_SHUTDOWN_TIMEOUT = Duration.ofHours(1);
    /**
     * The audiences the management API accepts by default: the bootstrap demo client's id, so that the
     * quickstart's password-grant token works; production points {@code admin.audience} at a dedicated client.
     */
    public static final Set<String> DEFAULT_ADMIN_AUDIENCES = Set.of(Bootstrap.DEMO_CLIENT_ID);
    /** The shortest cleanup interval: each run scans the expiry indexes, so not more often than this. */
    public static final Duration MIN_CLEANUP_INTERVAL = Duration.ofSeconds(1);
    /** The longest cleanup interval: a day of expired rows is the most a table keeps. */
    public static final Duration MAX_CLEANUP_INTERVAL = Duration.ofDays(1);
    /**
     * Default most request threads: 200, Jetty's own default. Platform threads, because the work is CPU-bound
     * (RSA signatures, Argon2id) and the kernel shares the cores fairly between them, which virtual threads on
     * few carriers do not (BENCHMARKS.md, issue 13). Enough for requests that block on PostgreSQL.
     */
    public static final int DEFAULT_HTTP_THREADS = 200;
    /** The fewest request threads: Jetty's acceptor and selector threads come out of the same pool. */
    public static final int MIN_HTTP_THREADS = 8;
    /**
     * Default requests executing at once per core: 4. Fewer leave a core idle while requests wait for the database
     * (refresh throughput at 64 connections was 20 % lower with 2 per core); many per core let the kernel time-slice
     * them, and the slowest then take many times the median (BENCHMARKS.md, issue 13).
     */
    public static final int DEFAULT_HTTP_CONCURRENCY_PER_CORE = 4;
    /** Default longest wait of a request to execute: 10 s. */
    public static final Duration DEFAULT_HTTP_QUEUE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Default quiet time before memory kept for the next burst is given back: 10 seconds. Under any load the young
     * generation is collected every fraction of a second to a few seconds; a release costs one full collection, so
     * at most one per this time.
     */
    public static final Duration DEFAULT_MEMORY_IDLE_RELEASE = Duration.ofSeconds(10);
    private static final String MASKED = "****";
    /** The owner-only file in {@code data.dir} where generated bootstrap credentials are written. */
    public static final String BOOTSTRAP_CREDENTIALS_FILE_NAME = "bootstrap-credentials.txt";
    /** The shortest audit retention: 1 hour (the cleanup runs at most every day). */
    public static final Duration MIN_AUDIT_RETENTION = Duration.ofHours(1);
    /** The longest audit retention: 10 years. */
    public static final Duration MAX_AUDIT_RETENTION = Duration.ofDays(3650);

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(signingAlgorithm, "signingAlgorithm");
        Objects.requireNonNull(keyRotationPeriod, "keyRotationPeriod");
        Objects.requireNonNull(accessTokenTtl, "accessTokenTtl");
        Objects.requireNonNull(importMode, "importMode");
        adminAudiences = Set.copyOf(adminAudiences);
        if (adminAudiences.isEmpty()) {
            throw new IllegalArgumentException("admin.audience: at least one audience is required");
        }
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(changeReconcileInterval, "changeReconcileInterval");
        if (changeReconcileInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("change.reconcile.interval: must be at least 1s: " + changeReconcileInterval);
        }
        Objects.requireNonNull(cleanupInterval, "cleanupInterval");
        if (cleanupInterval.compareTo(MIN_CLEANUP_INTERVAL) < 0 || cleanupInterval.compareTo(MAX_CLEANUP_INTERVAL) > 0) {
            throw new IllegalArgumentException("cleanup.interval: must be between 1s and 1d: " + Durations.format(cleanupInterval));
        }
        Objects.requireNonNull(loginLimits, "loginLimits");
        Objects.requireNonNull(proxyHeaders, "proxyHeaders");
        List<String> proxies = List.copyOf(trustedProxies);
        trustedProxies = proxies;
        check("proxy.trusted", () -> TrustedProxies.validate(proxies));
        if (!trustedProxies.isEmpty() && issuer == null) {
            // Behind a proxy, http://host:port is the proxy's upstream, never what clients see; and the issuer is
            // never taken from a request header, because a token's iss must not depend on who asked.
            throw new IllegalArgumentException("issuer: required when proxy.trusted is set (the public URL clients use, e.g. https://id.example.com)");
        }
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(auditRetention, "auditRetention");
        if (auditRetention.compareTo(MIN_AUDIT_RETENTION) < 0 || auditRetention.compareTo(MAX_AUDIT_RETENTION) > 0) {
            throw new IllegalArgumentException("audit.retention: must be from 1h to 3650d: " + Durations.format(auditRetention));
        }
        Objects.requireNonNull(backChannelLogout, "backChannelLogout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.compareTo(Duration.ofMillis(100)) < 0 || idleTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("http.idle.timeout: must be from 100ms to 1h: " + idleTimeout);
        }
        if (httpThreads < MIN_HTTP_THREADS) {
            throw new IllegalArgumentException("http.threads: must be at least " + MIN_HTTP_THREADS + ": " + httpThreads);
        }
        if (httpConcurrency < 1) {
            throw new IllegalArgumentException("http.concurrency: must be at least 1: " + httpConcurrency);
        }
        Objects.requireNonNull(httpQueueTimeout, "httpQueueTimeout");
        if (httpQueueTimeout.compareTo(Duration.ofMillis(1)) < 0 || httpQueueTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("http.queue.timeout: must be from 1ms to 5m: " + httpQueueTimeout);
        }
        Objects.requireNonNull(passwordHashingLimits, "passwordHashingLimits");
        Objects.requireNonNull(memoryIdleRelease, "memoryIdleRelease");
        Objects.requireNonNull(signatureProvider, "signatureProvider");
        if (!memoryIdleRelease.isZero() && (memoryIdleRelease.compareTo(Duration.ofSeconds(1)) < 0
                || memoryIdleRelease.compareTo(Duration.ofDays(1)) > 0)) {
            throw new IllegalArgumentException("memory.idle.release: must be 0s (never) or from 1s to 1d: " + Durations.format(memoryIdleRelease));
        }
        if (shutdownTimeout.isNegative() || shutdownTimeout.compareTo(MAX_SHUTDOWN_TIMEOUT) > 0) {
            throw new IllegalArgumentException("shutdown.timeout: must be from 0s to 1h: " + shutdownTimeout);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: must be 0 to 65535: " + port);
        }
        Objects.requireNonNull(securityEvents, "securityEvents");
        if (registrationLimitAddress < 1) {
            throw new IllegalArgumentException("registration.limit.address: must be at least 1: " + registrationLimitAddress);
        }
        Objects.requireNonNull(registrationWindow, "registrationWindow");
        if (registrationWindow.compareTo(Duration.ofSeconds(1)) < 0 || registrationWindow.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("registration.window: must be from 1s to 1d: " + Durations.format(registrationWindow));
        }
        Objects.requireNonNull(registrationUnusedClientTtl, "registrationUnusedClientTtl");
        if (registrationUnusedClientTtl.compareTo(Duration.ofMinutes(1)) < 0 || registrationUnusedClientTtl.compareTo(Duration.ofDays(3650)) > 0) {
            throw new IllegalArgumentException("registration.unused.client.ttl: must be from 1m to 3650d: "
                    + Durations.format(registrationUnusedClientTtl));
        }
        Objects.requireNonNull(outboundFetchLimits, "outboundFetchLimits");
        if (registrationMaxClients < 1) {
            throw new IllegalArgumentException("registration.max.clients: must be at least 1: " + registrationMaxClients);
        }
        if (dbPoolSize < 1) {
            throw new IllegalArgumentException("db.pool.size: must be at least 1: " + dbPoolSize);
        }
        Objects.requireNonNull(dbConnectionTimeout, "dbConnectionTimeout");
        check("db.connection.timeout", () -> new DatabaseConfig("jdbc:h2:mem:check", null, null, 1, dbConnectionTimeout));
        if (managementPort != null && (managementPort < 0 || managementPort > 65_535 || (managementPort != 0 && managementPort == port))) {
            throw new IllegalArgumentException("management.port: must be 0 to 65535 and differ from port: " + managementPort);
        }
        if (tlsKeystore != null && tlsKeystorePassword == null) {
            throw new IllegalArgumentException("tls.keystore.password: required when tls.keystore is set");
        }
        // Let the core types validate now, so that a bad value fails start naming its key.
        check("access.token.ttl", () -> TokenSettings.DEFAULTS.withAccessTokenTtl(accessTokenTtl));
        check("password.hash.memory.kib", () -> new Argon2idParameters(passwordHashMemoryKib, passwordHashIterations,
                Argon2idParameters.OWASP_PARALLELISM, Argon2idParameters.DEFAULT_SALT_LENGTH_BYTES,
                Argon2idParameters.DEFAULT_HASH_LENGTH_BYTES));
        // Validates issuer (when set) and rotation period the way the tenant will.
        URI checkedIssuer = issuer != null ? issuer : URI.create("http://localhost");
        check(issuer != null ? "issuer" : "key.rotation.period", () -> new Tenant(Tenant.DEFAULT_ID, checkedIssuer,
                signingAlgorithm, keyRotationPeriod, java.time.Instant.EPOCH));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether the server speaks HTTPS. */
    public boolean tls() {
        return tlsKeystore != null;
    }

    /** The default tenant's issuer once the port is bound: the configured one, else {@code http(s)://host:boundPort}. */
    public URI effectiveIssuer(int boundPort) {
        if (issuer != null) {
            return issuer;
        }
        String shownHost = host.contains(":") ? "[" + host + "]" : host;
        return URI.create((tls() ? "https" : "http") + "://" + shownHost + ":" + boundPort);
    }

    /** Where the data lives: the configured database, or the H2 file under {@link #dataDir()}. */
    public DatabaseConfig databaseConfig() {
        if (dbUrl == null) {
            DatabaseConfig h2 = DatabaseConfig.h2File(dataDir);
            return new DatabaseConfig(h2.jdbcUrl(), h2.username(), h2.password(), h2.maxPoolSize(), dbConnectionTimeout);
        }
        return new DatabaseConfig(dbUrl, dbUser, dbPassword, dbPoolSize, dbConnectionTimeout);
    }

    /** The Argon2id parameters for password hashing. */
    public Argon2idParameters passwordHashParameters() {
        return new Argon2idParameters(passwordHashMemoryKib, passwordHashIterations, Argon2idParameters.OWASP_PARALLELISM,
                Argon2idParameters.DEFAULT_SALT_LENGTH_BYTES, Argon2idParameters.DEFAULT_HASH_LENGTH_BYTES);
    }

    /** Every setting by its key, secrets masked: what the server logs at start. */
    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("host", host);
        shown.put("port", String.valueOf(port));
        shown.put("issuer", issuer == null ? "(http://host:port)" : issuer.toString());
        shown.put("data.dir", dataDir.toAbsolutePath().toString());
        shown.put("db.url", databaseConfig().maskedUrl());
        shown.put("db.user", dbUser == null ? "" : dbUser);
        shown.put("db.password", dbPassword == null ? "" : MASKED);
        shown.put("db.pool.size", String.valueOf(dbPoolSize));
        shown.put("master.key", masterKey == null ? "(file " + dataDir.resolve(MASTER_KEY_FILE_NAME) + ")" : MASKED);
        shown.put("signing.algorithm", signingAlgorithm.name());
        shown.put("key.rotation.period", Durations.format(keyRotationPeriod));
        shown.put("access.token.ttl", Durations.format(accessTokenTtl));
        shown.put("tls.keystore", tlsKeystore == null ? "" : tlsKeystore.toString());
        shown.put("tls.keystore.password", tlsKeystorePassword == null ? "" : MASKED);
        shown.put("import", importFile == null ? "" : importFile.toAbsolutePath().toString());
        shown.put("import.mode", importMode.value());
        shown.put("bootstrap", String.valueOf(bootstrap));
        shown.put("bootstrap.admin.password", bootstrapAdminPassword == null ? "" : MASKED);
        shown.put("bootstrap.demo.secret", bootstrapDemoSecret == null ? "" : MASKED);
        shown.put("shutdown.timeout", Durations.format(shutdownTimeout));
        shown.put("http.idle.timeout", Durations.format(idleTimeout));
        shown.put("password.hash.memory.kib", String.valueOf(passwordHashMemoryKib));
        shown.put("password.hash.iterations", String.valueOf(passwordHashIterations));
        shown.put("admin.audience", String.join(",", new java.util.TreeSet<>(adminAudiences)));
        shown.put("change.reconcile.interval", Durations.format(changeReconcileInterval));
        shown.put("cleanup.interval", Durations.format(cleanupInterval));
        shown.put("proxy.trusted", String.join(",", trustedProxies));
        shown.put("proxy.headers", proxyHeaders.value());
        shown.put("login.window", Durations.format(loginLimits.window()));
        shown.put("login.limit.account.address", String.valueOf(loginLimits.perAccountAddress()));
        shown.put("login.limit.address", String.valueOf(loginLimits.perAddress()));
        shown.put("login.limit.account", String.valueOf(loginLimits.perAccount()));
        shown.put("login.limit.device", String.valueOf(loginLimits.perDevice()));
        shown.put("login.trusted.for", Durations.format(loginLimits.trustedFor()));
        shown.put("log.level", logging.level());
        shown.put("log.levels", logging.describeLevels());
        shown.put("log.format", logging.format().value());
        shown.put("audit.retention", Durations.format(auditRetention));
        shown.put("bootstrap.print", String.valueOf(bootstrapPrint));
        shown.put("registration.mode", registrationMode == null ? "(stored per tenant)" : registrationMode.value());
        shown.put("registration.max.clients", String.valueOf(registrationMaxClients));
        shown.put("db.connection.timeout", Durations.format(dbConnectionTimeout));
        shown.put("management.port", managementPort == null ? "" : String.valueOf(managementPort));
        shown.put("backchannel.logout.timeout", Durations.format(backChannelLogout.requestTimeout()));
        shown.put("backchannel.logout.max.attempts", String.valueOf(backChannelLogout.maxAttempts()));
        shown.put("backchannel.logout.max.age", Durations.format(backChannelLogout.maxAge()));
        shown.put("backchannel.logout.retry.delay", Durations.format(backChannelLogout.firstRetryDelay()));
        shown.put("backchannel.logout.concurrency", String.valueOf(backChannelLogout.concurrency()));
        shown.put("http.threads", String.valueOf(httpThreads));
        shown.put("http.virtual.threads", String.valueOf(httpVirtualThreads));
        shown.put("http.concurrency", String.valueOf(httpConcurrency));
        shown.put("http.queue.timeout", Durations.format(httpQueueTimeout));
        shown.put("memory.idle.release", Durations.format(memoryIdleRelease));
        shown.put("signature.provider", signatureProvider.value());
        shown.put("password.hash.concurrency", String.valueOf(passwordHashingLimits.concurrency()));
        shown.put("password.hash.queue", String.valueOf(passwordHashingLimits.queue()));
        shown.put("password.hash.queue.timeout", Durations.format(passwordHashingLimits.maxWait()));
        shown.put("security-events.retention", Durations.format(securityEvents.retention()));
        shown.put("security-events.poll.max-wait", Durations.format(securityEvents.pollMaxWait()));
        shown.put("security-events.stream-idle-expiry", Durations.format(securityEvents.streamIdleExpiry()));
        shown.put("security-events.max-streams-per-client", String.valueOf(securityEvents.maxStreamsPerClient()));
        shown.put("outbound.allow.private.addresses", String.valueOf(outboundAllowPrivateAddresses));
        shown.put("par.required", String.valueOf(parRequired));
        shown.put("registration.limit.address", String.valueOf(registrationLimitAddress));
        shown.put("registration.window", Durations.format(registrationWindow));
        shown.put("registration.unused.client.ttl", Durations.format(registrationUnusedClientTtl));
        shown.put("implicit.hybrid.flows", implicitAndHybridFlows == null ? "(stored per tenant)" : implicitAndHybridFlows.toString());
        shown.put("outbound.fetch.timeout.ms", String.valueOf(outboundFetchLimits.timeout().toMillis()));
        shown.put("outbound.fetch.max.bytes", String.valueOf(outboundFetchLimits.maxBytes()));
        return shown;
    }

    /**
     * How long a long poll is really held: {@code security-events.poll.max-wait}, or half of {@code http.idle.timeout}
     * when that is shorter, so that Jetty never closes a held poll's silent connection first.
     */
    public java.time.Duration effectivePollMaxWait() {
        java.time.Duration half = idleTimeout.dividedBy(2);
        return securityEvents.pollMaxWait().compareTo(half) <= 0 ? securityEvents.pollMaxWait() : half;
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "ServerConfig" + describe();
    }

    private static void check(String key, Runnable validation) {
        try {
            validation.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    /** Builds a {@link ServerConfig}; starts from the defaults. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private URI issuer;
        private Path dataDir = DEFAULT_DATA_DIR;
        private String dbUrl;
        private String dbUser;
        private String dbPassword;
        private int dbPoolSize = DatabaseConfig.DEFAULT_MAX_POOL_SIZE;
        private String masterKey;
        private SigningAlgorithm signingAlgorithm = SigningAlgorithm.DEFAULT;
        private Duration keyRotationPeriod = Tenant.DEFAULT_ROTATION_PERIOD;
        private Duration accessTokenTtl = TokenSettings.DEFAULT_ACCESS_TOKEN_TTL;
        private Path tlsKeystore;
        private String tlsKeystorePassword;
        private Path importFile;
        private ImportMode importMode = ImportMode.CREATE_MISSING;
        private boolean bootstrap = true;
        private String bootstrapAdminPassword;
        private String bootstrapDemoSecret;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration cleanupInterval = ExpiredRowsCleanup.DEFAULT_INTERVAL;
        private int passwordHashMemoryKib = Argon2idParameters.OWASP_MEMORY_KIB;
        private int passwordHashIterations = Argon2idParameters.OWASP_ITERATIONS;
        private Set<String> adminAudiences = DEFAULT_ADMIN_AUDIENCES;
        private Duration changeReconcileInterval = IdentityEngine.DEFAULT_RECONCILE_INTERVAL;
        private List<String> trustedProxies = List.of();
        private TrustedProxies.Headers proxyHeaders = TrustedProxies.Headers.X_FORWARDED;
        private Duration loginWindow = LoginLimits.DEFAULT_WINDOW;
        private int loginLimitAccountAddress = LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS;
        private int loginLimitAddress = LoginLimits.DEFAULT_PER_ADDRESS;
        private int loginLimitAccount = LoginLimits.DEFAULT_PER_ACCOUNT;
        private int loginLimitDevice = LoginLimits.DEFAULT_PER_DEVICE;
        private Duration loginTrustedFor = LoginLimits.DEFAULT_TRUSTED_FOR;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private String logLevel = LogSettings.DEFAULT_LEVEL;
        private java.util.Map<String, String> logLevels = java.util.Map.of();
        private LogSettings.Format logFormat = LogSettings.DEFAULT_FORMAT;
        private Duration auditRetention = ExpiredRowsCleanup.DEFAULT_AUDIT_RETENTION;
        private boolean bootstrapPrint;
        private RegistrationMode registrationMode;
        private int registrationMaxClients = ClientRegistrations.DEFAULT_MAX_CLIENTS_PER_TENANT;
        private Duration dbConnectionTimeout = DatabaseConfig.DEFAULT_CONNECTION_TIMEOUT;
        private Integer managementPort;
        private Duration backChannelLogoutTimeout = BackChannelLogoutSettings.DEFAULT_REQUEST_TIMEOUT;
        private int backChannelLogoutMaxAttempts = BackChannelLogoutSettings.DEFAULT_MAX_ATTEMPTS;
        private Duration backChannelLogoutMaxAge = BackChannelLogoutSettings.DEFAULT_MAX_AGE;
        private Duration backChannelLogoutRetryDelay = BackChannelLogoutSettings.DEFAULT_FIRST_RETRY_DELAY;
        private int backChannelLogoutConcurrency = BackChannelLogoutSettings.DEFAULT_CONCURRENCY;
        private int httpThreads = DEFAULT_HTTP_THREADS;
        private boolean httpVirtualThreads;
        private int httpConcurrency = DEFAULT_HTTP_CONCURRENCY_PER_CORE * Runtime.getRuntime().availableProcessors();
        private Duration httpQueueTimeout = DEFAULT_HTTP_QUEUE_TIMEOUT;
        private Duration memoryIdleRelease = DEFAULT_MEMORY_IDLE_RELEASE;
        private SignatureProviderChoice signatureProvider = SignatureProviderChoice.AUTO;
        private int passwordHashConcurrency = PasswordHashingLimits.DEFAULT_CONCURRENCY;
        private Integer passwordHashQueue;
        private Duration passwordHashQueueTimeout = PasswordHashingLimits.DEFAULT_MAX_WAIT;
        private Duration securityEventsRetention = SecurityEventSettings.DEFAULT_RETENTION;
        private Duration securityEventsPollMaxWait = SecurityEventSettings.DEFAULT_POLL_MAX_WAIT;
        private Duration securityEventsStreamIdleExpiry = SecurityEventSettings.DEFAULT_STREAM_IDLE_EXPIRY;
        private int securityEventsMaxStreamsPerClient = SecurityEventSettings.DEFAULT_MAX_STREAMS_PER_CLIENT;
        private boolean outboundAllowPrivateAddresses;
        private boolean parRequired;
        private int registrationLimitAddress = RegistrationThrottle.DEFAULT_LIMIT_PER_ADDRESS;
        private Duration registrationWindow = RegistrationThrottle.DEFAULT_WINDOW;
        private Duration registrationUnusedClientTtl = ClientRegistrations.DEFAULT_UNUSED_CLIENT_TTL;
        private Boolean implicitAndHybridFlows;
        private long outboundFetchTimeoutMillis = FetchLimits.DEFAULT_TIMEOUT.toMillis();
        private int outboundFetchMaxBytes = FetchLimits.DEFAULT_MAX_BYTES;

        private Builder() {
        }

        public Builder host(String value) { this.host = requireText("host", value); return this; }
        public Builder port(int value) { this.port = value; return this; }
        public Builder issuer(String value) {
            try {
                this.issuer = value == null || value.isBlank() ? null : URI.create(value.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("issuer: not a URL: " + value);
            }
            return this;
        }
        public Builder dataDir(String value) { this.dataDir = Path.of(requireText("data.dir", value)); return this; }
        public Builder dbUrl(String value) { this.dbUrl = blankToNull(value); return this; }
        public Builder dbUser(String value) { this.dbUser = blankToNull(value); return this; }
        public Builder dbPassword(String value) { this.dbPassword = value; return this; }
        public Builder dbPoolSize(int value) { this.dbPoolSize = value; return this; }
        public Builder masterKey(String value) { this.masterKey = blankToNull(value); return this; }
        public Builder signingAlgorithm(String value) { this.signingAlgorithm = SigningAlgorithm.parse(value); return this; }
        public Builder signingAlgorithm(SigningAlgorithm value) { this.signingAlgorithm = value; return this; }
        public Builder keyRotationPeriod(Duration value) { this.keyRotationPeriod = value; return this; }
        public Builder accessTokenTtl(Duration value) { this.accessTokenTtl = value; return this; }
        public Builder tlsKeystore(String value) { this.tlsKeystore = value == null || value.isBlank() ? null : Path.of(value); return this; }
        public Builder tlsKeystorePassword(String value) { this.tlsKeystorePassword = value; return this; }
        public Builder bootstrapAdminPassword(String value) { this.bootstrapAdminPassword = value == null || value.isEmpty() ? null : value; return this; }
        public Builder bootstrapDemoSecret(String value) { this.bootstrapDemoSecret = value == null || value.isEmpty() ? null : value; return this; }
        public Builder importMode(String value) { this.importMode = ImportMode.parse(requireText("import.mode", value)); return this; }
        public Builder importFile(String value) { this.importFile = value == null || value.isBlank() ? null : Path.of(value); return this; }
        public Builder bootstrap(boolean value) { this.bootstrap = value; return this; }
        public Builder shutdownTimeout(Duration value) { this.shutdownTimeout = value; return this; }
        public Builder idleTimeout(Duration value) { this.idleTimeout = value; return this; }
        public Builder passwordHashMemoryKib(int value) { this.passwordHashMemoryKib = value; return this; }
        public Builder passwordHashIterations(int value) { this.passwordHashIterations = value; return this; }
        public Builder cleanupInterval(Duration value) { this.cleanupInterval = value; return this; }
        /** Comma-separated audiences; a token for the management API must carry one of them in {@code aud}. */
        public Builder adminAudiences(String value) {
            Set<String> audiences = new java.util.LinkedHashSet<>();
            for (String audience : requireText("admin.audience", value).split(",")) {
                if (!audience.isBlank()) {
                    audiences.add(audience.strip());
                }
            }
            this.adminAudiences = Set.copyOf(audiences);
            return this;
        }

        public Builder changeReconcileInterval(Duration value) { this.changeReconcileInterval = value; return this; }
        /** Comma-separated addresses, CIDR networks or ranges of the reverse proxies to believe; blank: none. */
        public Builder trustedProxies(String value) {
            List<String> proxies = new java.util.ArrayList<>();
            for (String proxy : (value == null ? "" : value).split(",")) {
                if (!proxy.isBlank()) {
                    proxies.add(proxy.strip());
                }
            }
            this.trustedProxies = List.copyOf(proxies);
            return this;
        }
        /** {@code x-forwarded} (the default) or {@code forwarded}: the forwarding headers the proxies set. */
        public Builder proxyHeaders(String value) {
            try {
                this.proxyHeaders = TrustedProxies.Headers.parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("proxy.headers: " + e.getMessage());
            }
            return this;
        }
        public Builder loginWindow(Duration value) { this.loginWindow = value; return this; }
        public Builder loginLimitAccountAddress(int value) { this.loginLimitAccountAddress = value; return this; }
        public Builder loginLimitAddress(int value) { this.loginLimitAddress = value; return this; }
        public Builder loginLimitAccount(int value) { this.loginLimitAccount = value; return this; }
        public Builder loginLimitDevice(int value) { this.loginLimitDevice = value; return this; }
        public Builder loginTrustedFor(Duration value) { this.loginTrustedFor = value; return this; }
        public Builder logLevel(String value) { this.logLevel = value; return this; }
        /** Comma-separated {@code logger=LEVEL} pairs. */
        public Builder logLevels(String value) { this.logLevels = LogSettings.parseLevels(value); return this; }
        /** {@code text} or {@code json}. */
        public Builder logFormat(String value) { this.logFormat = LogSettings.Format.parse(value); return this; }
        public Builder auditRetention(Duration value) { this.auditRetention = value; return this; }
        public Builder bootstrapPrint(boolean value) { this.bootstrapPrint = value; return this; }
        public Builder registrationMode(String value) { this.registrationMode = value == null || value.isBlank() ? null : RegistrationMode.parse(value); return this; }
        public Builder registrationMaxClients(int value) { this.registrationMaxClients = value; return this; }
        public Builder dbConnectionTimeout(Duration value) { this.dbConnectionTimeout = value; return this; }
        /** The management listener's port, or {@code null} for none. */
        public Builder managementPort(Integer value) { this.managementPort = value; return this; }
        public Builder backChannelLogoutTimeout(Duration value) { this.backChannelLogoutTimeout = value; return this; }
        public Builder backChannelLogoutMaxAttempts(int value) { this.backChannelLogoutMaxAttempts = value; return this; }
        public Builder backChannelLogoutMaxAge(Duration value) { this.backChannelLogoutMaxAge = value; return this; }
        public Builder backChannelLogoutRetryDelay(Duration value) { this.backChannelLogoutRetryDelay = value; return this; }
        public Builder backChannelLogoutConcurrency(int value) { this.backChannelLogoutConcurrency = value; return this; }
        public Builder httpThreads(int value) { this.httpThreads = value; return this; }
        public Builder httpVirtualThreads(boolean value) { this.httpVirtualThreads = value; return this; }
        public Builder httpConcurrency(int value) { this.httpConcurrency = value; return this; }
        public Builder httpQueueTimeout(Duration value) { this.httpQueueTimeout = value; return this; }
        /** Quiet time before pooled memory is given back; {@link Duration#ZERO}: never. */
        public Builder memoryIdleRelease(Duration value) { this.memoryIdleRelease = value; return this; }
        /** {@code auto}, {@code jdk} or {@code corretto} ({@link SignatureProviderChoice#parse}). */
        public Builder signatureProvider(String value) { this.signatureProvider = SignatureProviderChoice.parse(requireText("signature.provider", value)); return this; }
        public Builder passwordHashConcurrency(int value) { this.passwordHashConcurrency = value; return this; }
        /** Waiting hashes; unset: {@link PasswordHashingLimits#DEFAULT_QUEUE_PER_SLOT} per running one. */
        public Builder passwordHashQueue(int value) { this.passwordHashQueue = value; return this; }
        public Builder passwordHashQueueTimeout(Duration value) { this.passwordHashQueueTimeout = value; return this; }
        public Builder securityEventsRetention(Duration value) { this.securityEventsRetention = value; return this; }
        public Builder securityEventsPollMaxWait(Duration value) { this.securityEventsPollMaxWait = value; return this; }
        public Builder securityEventsStreamIdleExpiry(Duration value) { this.securityEventsStreamIdleExpiry = value; return this; }
        public Builder securityEventsMaxStreamsPerClient(int value) { this.securityEventsMaxStreamsPerClient = value; return this; }
        public Builder outboundAllowPrivateAddresses(boolean value) { this.outboundAllowPrivateAddresses = value; return this; }
        public Builder parRequired(boolean value) { this.parRequired = value; return this; }
        public Builder registrationLimitAddress(int value) { this.registrationLimitAddress = value; return this; }
        public Builder registrationWindow(Duration value) { this.registrationWindow = value; return this; }
        public Builder registrationUnusedClientTtl(Duration value) { this.registrationUnusedClientTtl = value; return this; }
        /** The default tenant's implicit and hybrid flows at every start; {@code null} keeps the stored setting. */
        public Builder implicitAndHybridFlows(Boolean value) { this.implicitAndHybridFlows = value; return this; }
        /** The bound of one fetch of a client's URL, in milliseconds. */
        public Builder outboundFetchTimeoutMillis(long value) { this.outboundFetchTimeoutMillis = value; return this; }
        /** The longest answer body read from a client's URL, in bytes. */
        public Builder outboundFetchMaxBytes(int value) { this.outboundFetchMaxBytes = value; return this; }

        public ServerConfig build() {
            return new ServerConfig(host, port, issuer, dataDir, dbUrl, dbUser, dbPassword, dbPoolSize, masterKey,
                    signingAlgorithm, keyRotationPeriod, accessTokenTtl, tlsKeystore, tlsKeystorePassword, importFile,
                    importMode, bootstrap, bootstrapAdminPassword, bootstrapDemoSecret, shutdownTimeout, passwordHashMemoryKib, passwordHashIterations, adminAudiences,
                    changeReconcileInterval, cleanupInterval, trustedProxies, proxyHeaders,
                    new LoginLimits(loginWindow, loginLimitAccountAddress, loginLimitAddress, loginLimitAccount,
                            loginLimitDevice, loginTrustedFor), idleTimeout,
                    new LogSettings(logLevel, logLevels, logFormat), auditRetention, bootstrapPrint,
                    registrationMode, registrationMaxClients, dbConnectionTimeout, managementPort, backChannelLogout(),
                    httpThreads, httpVirtualThreads, httpConcurrency, httpQueueTimeout, hashingLimits(), securityEvents(), outboundAllowPrivateAddresses,
                    parRequired, registrationLimitAddress, registrationWindow, registrationUnusedClientTtl, implicitAndHybridFlows,
                    fetchLimits(), memoryIdleRelease, signatureProvider);
        }

        /** The fetch bounds; each failure names its own key, with the accepted range. */
        private FetchLimits fetchLimits() {
            check("outbound.fetch.timeout.ms", () -> new FetchLimits(Duration.ofMillis(outboundFetchTimeoutMillis), FetchLimits.DEFAULT_MAX_BYTES));
            check("outbound.fetch.max.bytes", () -> new FetchLimits(FetchLimits.DEFAULT_TIMEOUT, outboundFetchMaxBytes));
            return new FetchLimits(Duration.ofMillis(outboundFetchTimeoutMillis), outboundFetchMaxBytes);
        }

        /** The security event settings; the core's message names the {@code security-events.*} key that is wrong. */
        private SecurityEventSettings securityEvents() {
            try {
                return new SecurityEventSettings(securityEventsRetention, securityEventsPollMaxWait, securityEventsStreamIdleExpiry,
                        securityEventsMaxStreamsPerClient);
            } catch (NullPointerException e) {
                throw new IllegalArgumentException("security-events: " + e.getMessage(), e);
            }
        }

        /** The delivery settings, or a failure naming the {@code backchannel.logout.*} key family. */
        private BackChannelLogoutSettings backChannelLogout() {
            try {
                return new BackChannelLogoutSettings(backChannelLogoutTimeout, backChannelLogoutMaxAttempts, backChannelLogoutMaxAge,
                        backChannelLogoutRetryDelay, backChannelLogoutConcurrency, BackChannelLogoutSettings.DEFAULT_POLL_INTERVAL);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("backchannel.logout: " + e.getMessage(), e);
            }
        }

        private PasswordHashingLimits hashingLimits() {
            Duration anyWait = PasswordHashingLimits.DEFAULT_MAX_WAIT;
            check("password.hash.concurrency", () -> new PasswordHashingLimits(passwordHashConcurrency, 0, anyWait));
            int queue = passwordHashQueue != null ? passwordHashQueue
                    : PasswordHashingLimits.DEFAULT_QUEUE_PER_SLOT * passwordHashConcurrency;
            check("password.hash.queue", () -> new PasswordHashingLimits(1, queue, anyWait));
            check("password.hash.queue.timeout", () -> new PasswordHashingLimits(1, 0, passwordHashQueueTimeout));
            return new PasswordHashingLimits(passwordHashConcurrency, queue, passwordHashQueueTimeout);
        }

        private static String requireText(String key, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(key + ": must not be empty");
            }
            return value.strip();
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
