package dev.identityservice.server;

import dev.identityservice.server.http.NonNegativeInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Every configuration key of the server, with the one naming rule that derives its other spellings:
 * the properties key {@code db.url} is the environment variable {@code IDENTITY_DB_URL} and the flag
 * {@code --db-url}. Flags override environment variables, which override the {@code --config} file.
 */
public enum ConfigKey {
    HOST("host", false, "listen address", (b, v) -> b.host(v)),
    PORT("port", false, "listen port; 0 picks a free one", (b, v) -> b.port(parseInt("port", v))),
    ISSUER("issuer", false, "issuer URL of the default tenant (default http://HOST:PORT)", (b, v) -> b.issuer(v)),
    DATA_DIR("data.dir", false, "directory of the H2 database and master key file", (b, v) -> b.dataDir(v)),
    DB_URL("db.url", false, "JDBC URL, jdbc:h2:... or jdbc:postgresql:... (default: H2 file in data.dir)", (b, v) -> b.dbUrl(v)),
    DB_USER("db.user", false, "database user", (b, v) -> b.dbUser(v)),
    DB_PASSWORD("db.password", true, "database password", (b, v) -> b.dbPassword(v)),
    DB_POOL_SIZE("db.pool.size", false, "maximum pooled connections", (b, v) -> b.dbPoolSize(parseInt("db.pool.size", v))),
    MASTER_KEY("master.key", true, "base64 AES-256 key sealing the signing keys (default: file data.dir/master.key)", (b, v) -> b.masterKey(v)),
    SIGNING_ALGORITHM("signing.algorithm", false, "algorithm of new tenants' keys: RS256, ES256 or EdDSA", (b, v) -> b.signingAlgorithm(v)),
    KEY_ROTATION_PERIOD("key.rotation.period", false, "how long a key of the default tenant signs before rotation", (b, v) -> b.keyRotationPeriod(Durations.parse("key.rotation.period", v))),
    ACCESS_TOKEN_TTL("access.token.ttl", false, "access token lifetime of bootstrapped and imported clients that set none", (b, v) -> b.accessTokenTtl(Durations.parse("access.token.ttl", v))),
    TLS_KEYSTORE("tls.keystore", false, "PKCS12 keystore; when set the server speaks HTTPS only", (b, v) -> b.tlsKeystore(v)),
    TLS_KEYSTORE_PASSWORD("tls.keystore.password", true, "password of the PKCS12 keystore", (b, v) -> b.tlsKeystorePassword(v)),
    IMPORT("import", false, "JSON file of tenants, users and clients applied at start (see import.mode)", (b, v) -> b.importFile(v)),
    IMPORT_MODE("import.mode", false, "create-missing (default): create what the import file lists and is missing, leave what exists alone; sync: also update what exists to match the file", (b, v) -> b.importMode(v)),
    BOOTSTRAP("bootstrap", false, "create a first admin and a demo client when the default tenant has none (true/false)", (b, v) -> b.bootstrap(parseBoolean("bootstrap", v))),
    BOOTSTRAP_ADMIN_PASSWORD("bootstrap.admin.password", true, "password of the first admin the bootstrap creates (default: generated, written once to data.dir/bootstrap-credentials.txt, see bootstrap.print); IDENTITY_BOOTSTRAP_ADMIN_PASSWORD_FILE reads it from a file", (b, v) -> b.bootstrapAdminPassword(v)),
    BOOTSTRAP_DEMO_SECRET("bootstrap.demo.secret", true, "secret of the demo client the bootstrap creates, at least 32 characters (default: generated, written once to data.dir/bootstrap-credentials.txt, see bootstrap.print)", (b, v) -> b.bootstrapDemoSecret(v)),
    HTTP_IDLE_TIMEOUT("http.idle.timeout", false, "how long a connection may stay silent, also within a request body, before it is closed", (b, v) -> b.idleTimeout(Durations.parse("http.idle.timeout", v))),
    SHUTDOWN_TIMEOUT("shutdown.timeout", false, "how long a graceful stop waits for requests in flight", (b, v) -> b.shutdownTimeout(Durations.parse("shutdown.timeout", v))),
    PASSWORD_HASH_MEMORY_KIB("password.hash.memory.kib", false, "Argon2id memory per password hash in KiB", (b, v) -> b.passwordHashMemoryKib(parseInt("password.hash.memory.kib", v))),
    PASSWORD_HASH_ITERATIONS("password.hash.iterations", false, "Argon2id passes per password hash", (b, v) -> b.passwordHashIterations(parseInt("password.hash.iterations", v))),
    ADMIN_AUDIENCE("admin.audience", false, "comma-separated aud values accepted by the management API (default: demo)", (b, v) -> b.adminAudiences(v)),
    CHANGE_RECONCILE_INTERVAL("change.reconcile.interval", false, "PostgreSQL: how often tenants and key rings are re-read in case a change notification was missed", (b, v) -> b.changeReconcileInterval(Durations.parse("change.reconcile.interval", v))),
    CLEANUP_INTERVAL("cleanup.interval", false, "how often expired tokens, codes and sessions are deleted (default 10m; 1s to 1d)", (b, v) -> b.cleanupInterval(Durations.parse("cleanup.interval", v))),
    PROXY_TRUSTED("proxy.trusted", false, "comma-separated addresses or CIDR networks of reverse proxies whose forwarding headers (proxy.headers) are believed (requires issuer)", (b, v) -> b.trustedProxies(v)),
    PROXY_HEADERS("proxy.headers", false, "the forwarding headers the proxies set: x-forwarded (X-Forwarded-For/-Proto/-Host, the default) or forwarded (RFC 7239); the other family is ignored", (b, v) -> b.proxyHeaders(v)),
    LOGIN_WINDOW("login.window", false, "window of every login budget (default 15m)", (b, v) -> b.loginWindow(Durations.parse("login.window", v))),
    LOGIN_LIMIT_ACCOUNT_ADDRESS("login.limit.account.address", false, "login attempts per window of one account from one address (default 5)", (b, v) -> b.loginLimitAccountAddress(parseInt("login.limit.account.address", v))),
    LOGIN_LIMIT_ADDRESS("login.limit.address", false, "login attempts per window from one address over all accounts (default 100)", (b, v) -> b.loginLimitAddress(parseInt("login.limit.address", v))),
    LOGIN_LIMIT_ACCOUNT("login.limit.account", false, "login attempts per window of one account from unknown addresses without a device cookie (default 50)", (b, v) -> b.loginLimitAccount(parseInt("login.limit.account", v))),
    LOGIN_LIMIT_DEVICE("login.limit.device", false, "login attempts per window with one device cookie (default 10)", (b, v) -> b.loginLimitDevice(parseInt("login.limit.device", v))),
    LOGIN_TRUSTED_FOR("login.trusted.for", false, "lifetime of device cookies and of known-address marks (default 30d)", (b, v) -> b.loginTrustedFor(Durations.parse("login.trusted.for", v))),
    LOG_LEVEL("log.level", false, "level of every logger not named in log.levels: TRACE, DEBUG, INFO (default), WARN, ERROR or OFF", (b, v) -> b.logLevel(v)),
    LOG_LEVELS("log.levels", false, "levels per logger or package, e.g. dev.identityservice.audit=INFO,org.eclipse.jetty=WARN", (b, v) -> b.logLevels(v)),
    LOG_FORMAT("log.format", false, "text (default: timestamped lines) or json (one JSON object per line)", (b, v) -> b.logFormat(v)),
    AUDIT_RETENTION("audit.retention", false, "how long audit events (GET /admin/events) are kept (default 90d; 1h to 3650d)", (b, v) -> b.auditRetention(Durations.parse("audit.retention", v))),
    BOOTSTRAP_PRINT("bootstrap.print", false, "print generated bootstrap credentials to standard output instead of writing them to the owner-only file data.dir/bootstrap-credentials.txt (true/false)", (b, v) -> b.bootstrapPrint(parseBoolean("bootstrap.print", v))),
    REGISTRATION_MODE("registration.mode", false, "dynamic client registration (RFC 7591) of the default tenant, set at every start: disabled, open or initial-access-token (default: unset, the stored setting stays; new tenants start disabled)", (b, v) -> b.registrationMode(v)),
    REGISTRATION_MAX_CLIENTS("registration.max.clients", false, "the most dynamically registered clients a tenant keeps; registration is refused beyond (default 1000)", (b, v) -> b.registrationMaxClients(parseInt("registration.max.clients", v))),
    DB_CONNECTION_TIMEOUT("db.connection.timeout", false, "how long a request waits for a database connection before it answers 503 with Retry-After (default 3s; from PT0.25S to 1m)", (b, v) -> b.dbConnectionTimeout(Durations.parse("db.connection.timeout", v))),
    MANAGEMENT_PORT("management.port", false, "port of a listener on 127.0.0.1 serving /metrics and /health without a token (then /metrics is not on port); unset (default): /metrics on port requires an admin bearer token", (b, v) -> b.managementPort(v.isBlank() ? null : parseInt("management.port", v))),
    BACKCHANNEL_LOGOUT_TIMEOUT("backchannel.logout.timeout", false, "how long one POST of a logout token to a client's backchannel_logout_uri may take, connection included (default 5s; at most 1m)", (b, v) -> b.backChannelLogoutTimeout(Durations.parse("backchannel.logout.timeout", v))),
    BACKCHANNEL_LOGOUT_MAX_ATTEMPTS("backchannel.logout.max.attempts", false, "attempts per logout token, the first included (default 8; 1 to 100)", (b, v) -> b.backChannelLogoutMaxAttempts(parseInt("backchannel.logout.max.attempts", v))),
    BACKCHANNEL_LOGOUT_MAX_AGE("backchannel.logout.max.age", false, "how long after a session ended its logout tokens are still retried (default 15m)", (b, v) -> b.backChannelLogoutMaxAge(Durations.parse("backchannel.logout.max.age", v))),
    BACKCHANNEL_LOGOUT_RETRY_DELAY("backchannel.logout.retry.delay", false, "wait before the first retry; each further one waits twice as long, at most 2m (default 1s)", (b, v) -> b.backChannelLogoutRetryDelay(Durations.parse("backchannel.logout.retry.delay", v))),
    BACKCHANNEL_LOGOUT_CONCURRENCY("backchannel.logout.concurrency", false, "logout-token POSTs in flight at once per server instance (default 4; 1 to 256)", (b, v) -> b.backChannelLogoutConcurrency(parseInt("backchannel.logout.concurrency", v))),
    HTTP_THREADS("http.threads", false, "most platform threads serving requests at once; later requests wait in arrival order (default 200)", (b, v) -> b.httpThreads(parseInt("http.threads", v))),
    HTTP_CONCURRENCY("http.concurrency", false, "most requests executing at once; later ones wait in arrival order, and one waiting for a password hash or a remote server is not executing (default 4 per core)", (b, v) -> b.httpConcurrency(parseInt("http.concurrency", v))),
    MEMORY_IDLE_RELEASE("memory.idle.release", false, "after this long idle (fewer requests than one a second), heap, pooled hash memory, H2's page cache and buffers kept for the next burst go back to the system (default 10s; 0s never, else 1s to 1d)", (b, v) -> b.memoryIdleRelease(Durations.parse("memory.idle.release", v))),
    SIGNATURE_PROVIDER("signature.provider", false, "who signs the tokens: auto (default: the Amazon Corretto Crypto Provider where its native library loads, Linux x86-64, else the JDK), jdk, or corretto (refuse to start without it)", (b, v) -> b.signatureProvider(v)),
    HTTP_QUEUE_TIMEOUT("http.queue.timeout", false, "longest wait of a request to execute before 503 with Retry-After (default 10s; 1ms to 5m)", (b, v) -> b.httpQueueTimeout(Durations.parse("http.queue.timeout", v))),
    HTTP_VIRTUAL_THREADS("http.virtual.threads", false, "serve requests on virtual threads (Java 21+) instead of the platform pool (default false: CPU-bound signing and hashing on few cores is served unfairly by virtual threads)", (b, v) -> b.httpVirtualThreads(parseBoolean("http.virtual.threads", v))),
    PASSWORD_HASH_CONCURRENCY("password.hash.concurrency", false, "password hashes running at once (default: one per core)", (b, v) -> b.passwordHashConcurrency(parseInt("password.hash.concurrency", v))),
    PASSWORD_HASH_QUEUE("password.hash.queue", false, "password hashes waiting for a running one; past it a login gets 503 with Retry-After (default 32 per running hash)", (b, v) -> b.passwordHashQueue(parseInt("password.hash.queue", v))),
    PASSWORD_HASH_QUEUE_TIMEOUT("password.hash.queue.timeout", false, "longest wait of a password hash in the queue before 503 with Retry-After (default 2s)", (b, v) -> b.passwordHashQueueTimeout(Durations.parse("password.hash.queue.timeout", v))),
    SECURITY_EVENTS_RETENTION("security-events.retention", false, "how long security events (SETs for resource servers, /ssf/poll) are kept; at least 1d, the longest access-token lifetime (default 2d)", (b, v) -> b.securityEventsRetention(Durations.parse("security-events.retention", v))),
    SECURITY_EVENTS_POLL_MAX_WAIT("security-events.poll.max-wait", false, "how long a long poll of a security event stream is held when nothing is pending (default 10s; 100ms to 5m; at most half of http.idle.timeout is used)", (b, v) -> b.securityEventsPollMaxWait(Durations.parse("security-events.poll.max-wait", v))),
    SECURITY_EVENTS_STREAM_IDLE_EXPIRY("security-events.stream-idle-expiry", false, "a security event stream not polled for this long is deleted (default 7d; at least 1m)", (b, v) -> b.securityEventsStreamIdleExpiry(Durations.parse("security-events.stream-idle-expiry", v))),
    SECURITY_EVENTS_MAX_STREAMS_PER_CLIENT("security-events.max-streams-per-client", false, "the most security event streams one receiver client holds; creating more is refused with 429 (default 10)", (b, v) -> b.securityEventsMaxStreamsPerClient(parseInt("security-events.max-streams-per-client", v))),
    OUTBOUND_ALLOW_PRIVATE_ADDRESSES("outbound.allow.private.addresses", false, "let clients' back-channel logout URIs and jwks_uris be plain http and lead to loopback, private, link-local and other non-public addresses (default false: https to public addresses only, checked on the address connected to)", (b, v) -> b.outboundAllowPrivateAddresses(parseBoolean("outbound.allow.private.addresses", v))),
    PAR_REQUIRED("par.required", false, "accept authorization requests of every client only through pushed authorization requests, RFC 9126 (default false: per client, require_pushed_authorization_requests)", (b, v) -> b.parRequired(parseBoolean("par.required", v))),
    REGISTRATION_LIMIT_ADDRESS("registration.limit.address", false, "dynamic client registrations per registration.window from one client network (an IPv4 address, an IPv6 /64); past it 429 with Retry-After (default 20)", (b, v) -> b.registrationLimitAddress(parseInt("registration.limit.address", v))),
    REGISTRATION_WINDOW("registration.window", false, "the window of registration.limit.address (default 1h; 1s to 1d)", (b, v) -> b.registrationWindow(Durations.parse("registration.window", v))),
    REGISTRATION_UNUSED_CLIENT_TTL("registration.unused.client.ttl", false, "a dynamically registered client that obtains no token within this time of its registration is deleted by the cleanup; its client_secret_expires_at says when (default 7d; 1m to 3650d)", (b, v) -> b.registrationUnusedClientTtl(Durations.parse("registration.unused.client.ttl", v))),
    IMPLICIT_HYBRID_FLOWS("implicit.hybrid.flows", false, "let the default tenant's clients that registered them use the implicit and hybrid flows (response types id_token, id_token token, code id_token, code token, code id_token token; OIDC Core 3.2, 3.3), set at every start: true or false (default: unset, the stored setting stays; new tenants start false, as RFC 9700 2.1.2 advises)", (b, v) -> b.implicitAndHybridFlows(parseBoolean("implicit.hybrid.flows", v))),
    OUTBOUND_FETCH_TIMEOUT_MS("outbound.fetch.timeout.ms", false, "how long one fetch of a client's request_uri or jwks_uri may take, in milliseconds, host name lookup, connection and TLS included (default 4000; 100 to 60000)", (b, v) -> b.outboundFetchTimeoutMillis(parseInt("outbound.fetch.timeout.ms", v))),
    OUTBOUND_FETCH_MAX_BYTES("outbound.fetch.max.bytes", false, "the longest answer body read from a client's request_uri or jwks_uri, in bytes; a longer one fails the fetch (default 32768; 1024 to 1048576)", (b, v) -> b.outboundFetchMaxBytes(parseInt("outbound.fetch.max.bytes", v)));

    /** The prefix of every environment variable the server reads. */
    public static final String ENV_PREFIX = "IDENTITY_";

    private final String key;
    private final boolean secret;
    private final String description;
    private final BiConsumer<ServerConfig.Builder, String> setter;

    ConfigKey(String key, boolean secret, String description, BiConsumer<ServerConfig.Builder, String> setter) {
        this.key = key;
        this.secret = secret;
        this.description = description;
        this.setter = setter;
    }

    /** The properties-file key, e.g. {@code db.url}. */
    public String key() {
        return key;
    }

    /** The environment variable, e.g. {@code IDENTITY_DB_URL}. */
    public String envName() {
        return ENV_PREFIX + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** The command-line flag, e.g. {@code --db-url}. */
    public String flag() {
        return "--" + key.replace('.', '-');
    }

    /** Whether the value must never be printed. */
    public boolean secret() {
        return secret;
    }

    public String description() {
        return description;
    }

    /** Applies {@code value} to {@code builder}; {@link IllegalArgumentException} naming this key when it is invalid. */
    public void apply(ServerConfig.Builder builder, String value) {
        try {
            setter.accept(builder, value.strip());
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "invalid value" : e.getMessage();
            throw new IllegalArgumentException(message.startsWith(key) ? message : key + ": " + message, e);
        }
    }

    public static Optional<ConfigKey> byKey(String key) {
        for (ConfigKey k : values()) {
            if (k.key.equals(key)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    public static Optional<ConfigKey> byFlag(String flag) {
        for (ConfigKey k : values()) {
            if (k.flag().equals(flag)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** Every numeric setting is a count or a port: digits only, no sign, at most {@link Integer#MAX_VALUE}. */
    private static int parseInt(String key, String value) {
        return (int) NonNegativeInteger.parse(value, 0, Integer.MAX_VALUE).orElseThrow(
                () -> new IllegalArgumentException(key + ": '" + value + "' is not a non-negative integer"));
    }

    private static boolean parseBoolean(String key, String value) {
        if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException(key + ": '" + value + "' is not true or false");
    }
}
