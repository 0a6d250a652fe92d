package dev.identityservice.core;

import dev.identityservice.core.audit.AuditEventStore;
import dev.identityservice.core.change.Change;
import dev.identityservice.core.change.ChangeNotifier;
import dev.identityservice.core.change.InProcessChangeNotifier;
import dev.identityservice.core.change.NotifyingClientStore;
import dev.identityservice.core.change.NotifyingTenantStore;
import dev.identityservice.core.change.NotifyingUserStore;
import dev.identityservice.core.change.PostgresChangeNotifier;
import dev.identityservice.core.client.ClientAuthenticator;
import dev.identityservice.core.client.ClientStore;
import dev.identityservice.core.change.AfterCommitChangeNotifier;
import dev.identityservice.core.event.EventRaisingAccessTokenStore;
import dev.identityservice.core.event.EventRaisingClientStore;
import dev.identityservice.core.event.SecurityEventSettings;
import dev.identityservice.core.event.SecurityEvents;
import dev.identityservice.core.store.jdbc.JdbcSecurityEventStore;
import dev.identityservice.core.grant.AuthorizationCodeGrant;
import dev.identityservice.core.grant.AuthorizationCodes;
import dev.identityservice.core.grant.ClientCredentialsGrant;
import dev.identityservice.core.grant.PasswordGrant;
import dev.identityservice.core.grant.RefreshTokenGrant;
import dev.identityservice.core.grant.TokenGrants;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.key.KeyRotationListener;
import dev.identityservice.core.key.KeyRotationPolicy;
import dev.identityservice.core.key.KeyRotationScheduler;
import dev.identityservice.core.key.KeyRotator;
import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.key.PrivateKeyCipher;
import dev.identityservice.core.key.SignatureProvider;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.registration.ClientRegistrations;
import dev.identityservice.core.logout.BackChannelLogoutSender;
import dev.identityservice.core.client.ClientAssertions;
import dev.identityservice.core.outbound.OutboundHttp;
import dev.identityservice.core.request.ClientSignatures;
import dev.identityservice.core.replay.JtiReplayGuard;
import dev.identityservice.core.store.jdbc.JdbcUsedJtiStore;
import dev.identityservice.core.logout.BackChannelLogoutSettings;
import dev.identityservice.core.request.ClientKeySource;
import dev.identityservice.core.request.PushedAuthorizationRequests;
import dev.identityservice.core.request.RequestObjectVerifier;
import dev.identityservice.core.session.LoginSessions;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.ExpiredRowsCleanup;
import dev.identityservice.core.store.jdbc.H2Compaction;
import dev.identityservice.core.store.jdbc.JdbcAccessTokenStore;
import dev.identityservice.core.store.jdbc.JdbcAuditEventStore;
import dev.identityservice.core.store.jdbc.JdbcAuthorizationCodeStore;
import dev.identityservice.core.store.jdbc.JdbcClientRegistrationStore;
import dev.identityservice.core.store.jdbc.JdbcClientStore;
import dev.identityservice.core.store.jdbc.JdbcLoginSessionStore;
import dev.identityservice.core.store.jdbc.JdbcPendingLogoutStore;
import dev.identityservice.core.store.jdbc.JdbcPushedRequestStore;
import dev.identityservice.core.store.jdbc.JdbcRefreshTokenStore;
import dev.identityservice.core.store.jdbc.JdbcSigningKeyStore;
import dev.identityservice.core.store.jdbc.JdbcTenantStore;
import dev.identityservice.core.store.jdbc.JdbcUserStore;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.tenant.TenantStore;
import dev.identityservice.core.token.AccessTokenIssuer;
import dev.identityservice.core.token.FrontChannelTokens;
import dev.identityservice.core.token.AccessTokenValidator;
import dev.identityservice.core.token.IdTokenHintValidator;
import dev.identityservice.core.token.IdTokenIssuer;
import dev.identityservice.core.token.LogoutTokenIssuer;
import dev.identityservice.core.token.TokenIntrospector;
import dev.identityservice.core.token.RevocationCutOff;
import dev.identityservice.core.token.TokenIntrospector;
import dev.identityservice.core.token.TokenRevoker;
import dev.identityservice.core.token.TokenSetIssuer;
import dev.identityservice.core.token.UserInfoProvider;
import dev.identityservice.core.token.refresh.RefreshTokenService;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.core.user.PasswordHasher;
import dev.identityservice.core.user.UserAuthenticator;
import dev.identityservice.core.user.UserRegistration;
import dev.identityservice.core.user.UserStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token engine, wired: every store on one {@link Database}, the key rotator, the grants,
 * introspection, revocation and sessions. The server and embedders hold one of these.
 *
 * <p>This class only wires; each piece it hands out owns its own logic.
 */
public final class IdentityEngine {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityEngine.class);

    /**
     * How often, by default, an instance on PostgreSQL re-reads tenants and key rings in case it missed a
     * notification: 5 seconds. One query per tenant per interval.
     */
    public static final Duration DEFAULT_RECONCILE_INTERVAL = Duration.ofSeconds(5);

    private final Database database;
    private final Clock clock;
    private final ChangeNotifier changes;
    private final TenantStore tenantStore;
    private final Map<String, Tenant> tenantCache = new ConcurrentHashMap<>();
    private volatile boolean multiTenant;
    private final UserStore users;
    private final PasswordHasher passwordHasher;
    private final UserAuthenticator userAuthenticator;
    private final UserRegistration userRegistration;
    private final ClientStore clients;
    private final ClientAuthenticator clientAuthenticator;
    private final KeyRotator keys;
    private final KeyRotationScheduler rotationScheduler;
    private final TokenGrants tokenGrants;
    private final AuthorizationCodes authorizationCodes;
    private final FrontChannelTokens frontChannelTokens;
    private final LoginSessions sessions;
    private final AccessTokenValidator accessTokenValidator;
    private final TokenIntrospector introspector;
    private final TokenRevoker revoker;
    private final UserInfoProvider userInfo;
    private final IdTokenHintValidator idTokenHints;
    private final ExpiredRowsCleanup cleanup;
    private final AuditEventStore auditEvents;
    private final ClientRegistrations registrations;
    private final BackChannelLogoutSender logouts;
    /** The H2 file's maintenance once the background jobs run on one; {@code null} before and on other databases. */
    private volatile H2Compaction h2;
    private final PushedAuthorizationRequests pushedRequests;
    private final RequestObjectVerifier requestObjects;
    private final dev.identityservice.core.request.RequestUriFetcher requestUris;
    private final SecurityEvents securityEvents;
    private final OutboundHttp outbound;
    private final JtiReplayGuard replays;
    private final ClientAssertions clientAssertions;

    private IdentityEngine(Builder builder) {
        this.database = builder.database;
        this.clock = builder.clock;
        this.outbound = builder.outbound;
        this.changes = database.isPostgres() ? new PostgresChangeNotifier(database, builder.reconcileInterval)
                : new InProcessChangeNotifier();
        // Writes made in one transaction are announced when it commits, so no instance re-reads them too early.
        ChangeNotifier committed = new AfterCommitChangeNotifier(changes, database);
        this.securityEvents = new SecurityEvents(new JdbcSecurityEventStore(database), database, changes, clock, builder.securityEvents);
        this.tenantStore = new NotifyingTenantStore(new JdbcTenantStore(database), committed);
        this.users = new NotifyingUserStore(new JdbcUserStore(database), committed);
        this.passwordHasher = builder.passwordHasher;
        this.userAuthenticator = new UserAuthenticator(users, passwordHasher, clock);
        this.userRegistration = new UserRegistration(users, passwordHasher, clock);
        this.clients = new EventRaisingClientStore(new NotifyingClientStore(new JdbcClientStore(database), committed),
                database, securityEvents);
        this.clientAuthenticator = new ClientAuthenticator(clients);
        this.keys = KeyRotator.builder(new JdbcSigningKeyStore(database, new PrivateKeyCipher(builder.masterKey)), tenantStore)
                .policy(builder.rotationPolicy).listener(builder.rotationListener).clock(clock).changes(committed)
                .revocations(securityEvents::signingKeyRevoked).signatures(builder.signatures).build();
        this.rotationScheduler = new KeyRotationScheduler(keys, tenantStore);
        var accessTokenStore = new EventRaisingAccessTokenStore(new JdbcAccessTokenStore(database), securityEvents);
        var refreshTokens = new RefreshTokenService(new JdbcRefreshTokenStore(database), accessTokenStore, clock, builder.reuseListener);
        var accessTokenIssuer = new AccessTokenIssuer(keys, accessTokenStore, clock, () -> multiTenant);
        var idTokenIssuer = new IdTokenIssuer(keys, clock);
        var tokenSets = new TokenSetIssuer(accessTokenIssuer, idTokenIssuer, refreshTokens);
        var codeStore = new JdbcAuthorizationCodeStore(database);
        this.authorizationCodes = new AuthorizationCodes(codeStore, clock);
        this.registrations = new ClientRegistrations(new JdbcClientRegistrationStore(database), clients, committed, clock,
                builder.unusedClientTtl);
        this.tokenGrants = new TokenGrants(List.of(
                new PasswordGrant(userAuthenticator, tokenSets, clock),
                new RefreshTokenGrant(refreshTokens, users, tokenSets),
                new ClientCredentialsGrant(tokenSets, clock),
                new AuthorizationCodeGrant(codeStore, users, tokenSets, refreshTokens, accessTokenStore, clock)),
                registrations::tokenIssued);
        this.frontChannelTokens = new FrontChannelTokens(accessTokenIssuer, idTokenIssuer, registrations::tokenIssued);
        this.logouts = new BackChannelLogoutSender(new JdbcPendingLogoutStore(database), clients, this::tenant,
                new LogoutTokenIssuer(keys, clock), clock, builder.backChannelLogout, builder.logoutListener, builder.outbound);
        this.sessions = new LoginSessions(new JdbcLoginSessionStore(database), refreshTokens, clock, builder.sessionTtl,
                logouts::wakeUp, database, securityEvents);
        this.accessTokenValidator = new AccessTokenValidator(keys, clock);
        this.introspector = new TokenIntrospector(accessTokenValidator, accessTokenStore, refreshTokens, users, clients, clock);
        this.userInfo = new UserInfoProvider(introspector, idTokenIssuer);
        this.idTokenHints = new IdTokenHintValidator(keys);
        this.revoker = new TokenRevoker(accessTokenValidator, accessTokenStore, refreshTokens, users, sessions,
                new RevocationCutOff(clock, builder.sleeper), database, securityEvents);
        this.cleanup = new ExpiredRowsCleanup(database, clock, builder.auditRetention, builder.securityEvents,
                registrations::deleteUnused);
        this.auditEvents = new JdbcAuditEventStore(database);
        this.pushedRequests = new PushedAuthorizationRequests(new JdbcPushedRequestStore(database), clock,
                builder.requirePushedAuthorizationRequests);
        this.replays = new JtiReplayGuard(new JdbcUsedJtiStore(database));
        ClientKeySource clientKeys = new ClientKeySource(builder.outbound, builder.fetchLimits, clock);
        this.requestObjects = new RequestObjectVerifier(clientKeys, replays, clock);
        this.requestUris = new dev.identityservice.core.request.RequestUriFetcher(builder.outbound, builder.fetchLimits);
        this.clientAssertions = new ClientAssertions(clients, new ClientSignatures(clientKeys), replays, clock);
        reloadTenants();
        changes.subscribe(this::onChange);
    }

    /**
     * Drops or reloads what this engine holds in memory for a change, made here or by another instance:
     * tenants and key rings are the only state cached; users, clients and revocations are read from the
     * store on every request that depends on them.
     */
    private void onChange(Change change) {
        switch (change.kind()) {
            case KEYS -> {
                if (!tenantCache.containsKey(change.tenantId())) {
                    reloadTenants();
                }
                if (tenantCache.containsKey(change.tenantId())) {
                    keys.reload(change.tenantId());
                }
            }
            case TENANTS -> reloadTenants();
            case EVERYTHING -> {
                reloadTenants();
                for (String tenantId : tenantCache.keySet()) {
                    keys.reload(tenantId);
                }
            }
            case USERS, CLIENTS, SECURITY_EVENTS -> { }
        }
    }

    public static Builder builder(Database database, MasterKey masterKey) {
        return new Builder(database, masterKey);
    }

    /** The tenant with this id, from memory; tenants change rarely and are reloaded by {@link #reloadTenants()}. */
    public Optional<Tenant> tenant(String id) {
        Tenant tenant = tenantCache.get(id);
        if (tenant != null) {
            return Optional.of(tenant);
        }
        Optional<Tenant> stored = tenantStore.find(id);
        stored.ifPresent(t -> tenantCache.put(t.id(), t));
        return stored;
    }

    /** Creates a tenant with its first keys (an ACTIVE and a NEXT one), or returns the existing one unchanged. */
    public Tenant ensureTenant(String id, URI issuer, SigningAlgorithm algorithm) {
        Optional<Tenant> existing = tenant(id);
        if (existing.isPresent()) {
            return existing.get();
        }
        Tenant tenant = new Tenant(id, issuer, algorithm, Tenant.DEFAULT_ROTATION_PERIOD, clock.instant());
        try {
            tenantStore.create(tenant);
        } catch (IllegalStateException createdConcurrently) {
            tenant = tenantStore.find(id).orElseThrow();
        }
        reloadTenants();
        keys.keyRing(id);
        return tenant;
    }

    /** Replaces a tenant's issuer, rotation period and registration mode (the algorithm changes through {@link KeyRotator#changeAlgorithm}). */
    public Tenant updateTenant(Tenant tenant) {
        tenantStore.update(tenant);
        reloadTenants();
        return tenant;
    }

    /**
     * Changes the algorithm of a tenant's next key: the NEXT key is replaced at once (published), and
     * signs from the next rotation on. The tenant as this engine serves it changes at once too.
     */
    public KeyRing changeSigningAlgorithm(String tenantId, SigningAlgorithm algorithm) {
        KeyRing ring = keys.changeAlgorithm(tenantId, algorithm);
        reloadTenants();
        return ring;
    }

    /** Re-reads every tenant, so that changes made by other instances show here. */
    public void reloadTenants() {
        List<Tenant> all = tenantStore.list();
        // Replace in place, never clear first: a request reading tenants() meanwhile must not find none.
        all.forEach(t -> tenantCache.put(t.id(), t));
        tenantCache.keySet().retainAll(all.stream().map(Tenant::id).toList());
        multiTenant = all.size() > 1;
    }

    /**
     * Runs {@code job} in one database transaction ({@link Database#inOneTransaction}): every store write it
     * makes on this thread through this engine is committed together, or none is. When it throws, the engine
     * also re-reads what it holds in memory (tenants, key rings), which saw the rolled-back writes: a tenant
     * whose creation was rolled back must not keep keys the store never kept.
     */
    public <T> T inOneTransaction(java.util.function.Supplier<T> job) {
        try {
            return database.inOneTransaction(job);
        } catch (RuntimeException e) {
            reloadCaches();
            throw e;
        }
    }

    /** Re-reads the tenants and key rings from the store, and forgets the rings of tenants that are gone. */
    private void reloadCaches() {
        reloadTenants();
        keys.retainTenants(tenantCache.keySet());
        for (String tenantId : tenantCache.keySet()) {
            keys.reload(tenantId);
        }
    }

    public List<Tenant> tenants() {
        return List.copyOf(tenantCache.values());
    }

    /**
     * Starts the background jobs on {@code executor}: scheduled key rotation and cleanup of expired rows,
     * each run by one instance at a time ({@link Database#runAlone}), tenant reload, listening for other
     * instances' changes, and on an H2 file the {@link H2Compaction} every second.
     */
    public void startBackgroundJobs(ScheduledExecutorService executor, Duration cleanupInterval) {
        changes.start();
        long rotationMillis = rotationScheduler.checkInterval().toMillis();
        executor.scheduleWithFixedDelay(() -> database.runAlone("key-rotation", rotationScheduler::checkAll),
                rotationMillis, rotationMillis, TimeUnit.MILLISECONDS);
        long seconds = cleanupInterval.toSeconds();
        executor.scheduleWithFixedDelay(() -> {
            database.runAlone("cleanup", cleanup);
            logouts.wakeUp(); // the cleanup may have ended expired sessions
        }, seconds, seconds, TimeUnit.SECONDS);
        logouts.start();
        executor.scheduleWithFixedDelay(this::reloadTenantsQuietly, 60, 60, TimeUnit.SECONDS);
        if (H2Compaction.appliesTo(database.config())) {
            H2Compaction compaction = new H2Compaction(database);
            h2 = compaction;
            executor.scheduleWithFixedDelay(compaction, 1, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * Gives back memory the engine keeps for speed and an idle server does not need: the password hasher's pooled
     * working memory (not while a hash runs) and, on an H2 file once the background jobs run, H2's page cache. The
     * next logins and reads allocate them again. Call it when the server has been idle; a full collection after it
     * returns the memory to the heap. A failure to reach the database is logged, not thrown.
     *
     * @return {@code false}, dropping nothing, when a password hash is running (its memory is in use: try again
     *         later); {@code true} otherwise
     */
    public boolean releaseIdleMemory() {
        if (!passwordHasher.releasePooledMemory()) {
            return false;
        }
        H2Compaction compaction = h2;
        if (compaction != null) {
            try {
                int droppedMib = compaction.dropPageCache();
                LOG.debug("Idle: H2 page cache of {} MiB dropped", droppedMib);
            } catch (RuntimeException e) {
                LOG.warn("Idle: H2 page cache not dropped", e);
            }
        }
        return true;
    }

    /** Stops listening for other instances' changes; the executor's jobs stop with the executor. */
    public void stopBackgroundJobs() {
        logouts.close();
        changes.close();
    }

    private void reloadTenantsQuietly() {
        try {
            reloadTenants();
        } catch (RuntimeException e) {
            LOG.warn("Reloading tenants failed; will retry", e);
        }
    }

    public Database database() { return database; }
    /** Where committed changes are published to every instance; subscribe to drop state cached outside the engine. */
    public ChangeNotifier changes() { return changes; }
    public Clock clock() { return clock; }
    public UserStore users() { return users; }
    public PasswordHasher passwordHasher() { return passwordHasher; }
    public UserAuthenticator userAuthenticator() { return userAuthenticator; }
    public UserRegistration userRegistration() { return userRegistration; }
    public ClientStore clients() { return clients; }
    public ClientAuthenticator clientAuthenticator() { return clientAuthenticator; }
    public KeyRotator keys() { return keys; }
    public TokenGrants tokenGrants() { return tokenGrants; }
    public AuthorizationCodes authorizationCodes() { return authorizationCodes; }
    /** The tokens of the implicit and hybrid flows, issued by the authorization endpoint (OIDC Core §3.2, §3.3). */
    public FrontChannelTokens frontChannelTokens() { return frontChannelTokens; }
    public LoginSessions sessions() { return sessions; }
    public AccessTokenValidator accessTokenValidator() { return accessTokenValidator; }
    public TokenIntrospector introspector() { return introspector; }
    public TokenRevoker revoker() { return revoker; }
    public UserInfoProvider userInfo() { return userInfo; }
    public IdTokenHintValidator idTokenHints() { return idTokenHints; }
    public ExpiredRowsCleanup cleanup() { return cleanup; }
    /** The audit event log; its old rows go with the {@link #cleanup()}. */
    public AuditEventStore auditEvents() { return auditEvents; }
    /** Dynamic client registration (RFC 7591, RFC 7592): initial and registration access tokens. */
    public ClientRegistrations registrations() { return registrations; }
    /** Delivers back-channel logouts queued when sessions end (started by {@link #startBackgroundJobs}). */
    public BackChannelLogoutSender backChannelLogouts() { return logouts; }
    /** Pushed authorization requests (RFC 9126). */
    public PushedAuthorizationRequests pushedRequests() { return pushedRequests; }
    /** The one client of URLs clients registered, and the registration-time rule on them. */
    public OutboundHttp outbound() { return outbound; }
    /** Accepts each one-time JWT identifier once (request objects, client assertions). */
    public JtiReplayGuard replays() { return replays; }
    /** {@code private_key_jwt} client authentication (RFC 7523 §2.2). */
    public ClientAssertions clientAssertions() { return clientAssertions; }
    /** Request objects (RFC 9101, OIDC Core §6.1), verified with the client's registered keys. */
    public RequestObjectVerifier requestObjects() { return requestObjects; }
    /** Request objects by reference (OIDC Core §6.2, RFC 9101 §5.2), fetched from the client's registered URLs. */
    public dev.identityservice.core.request.RequestUriFetcher requestUris() { return requestUris; }
    /** The security event log and its receivers' streams (RFC 8417, RFC 8936, SSF 1.0). */
    public SecurityEvents securityEvents() { return securityEvents; }

    /** Configures an {@link IdentityEngine}; everything but the database and master key has a default. */
    public static final class Builder {
        private final Database database;
        private final MasterKey masterKey;
        private Clock clock = Clock.systemUTC();
        private PasswordHasher passwordHasher = new Argon2idPasswordHasher();
        private SignatureProvider signatures = SignatureProvider.JDK;
        private KeyRotationPolicy rotationPolicy = KeyRotationPolicy.DEFAULTS;
        private KeyRotationListener rotationListener = KeyRotationListener.NONE;
        private RefreshTokenService.ReuseListener reuseListener = (tenantId, clientId, outcome) -> { };
        private Duration auditRetention = ExpiredRowsCleanup.DEFAULT_AUDIT_RETENTION;
        private Duration sessionTtl = LoginSessions.DEFAULT_SESSION_TTL;
        private Duration reconcileInterval = DEFAULT_RECONCILE_INTERVAL;
        private RevocationCutOff.Sleeper sleeper = RevocationCutOff.Sleeper.THREAD_SLEEP;
        private BackChannelLogoutSettings backChannelLogout = BackChannelLogoutSettings.DEFAULTS;
        private BackChannelLogoutSender.Listener logoutListener = BackChannelLogoutSender.Listener.NONE;
        private SecurityEventSettings securityEvents = SecurityEventSettings.DEFAULTS;
        private OutboundHttp outbound = new OutboundHttp(false);
        private boolean requirePushedAuthorizationRequests;
        private Duration unusedClientTtl = ClientRegistrations.DEFAULT_UNUSED_CLIENT_TTL;
        private dev.identityservice.core.outbound.FetchLimits fetchLimits = dev.identityservice.core.outbound.FetchLimits.DEFAULTS;

        private Builder(Database database, MasterKey masterKey) {
            this.database = Objects.requireNonNull(database, "database");
            this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
        }

        public Builder clock(Clock value) { this.clock = Objects.requireNonNull(value, "clock"); return this; }
        public Builder passwordHasher(PasswordHasher value) { this.passwordHasher = Objects.requireNonNull(value, "passwordHasher"); return this; }
        /** The JCA provider of the tokens' signatures; default {@link SignatureProvider#JDK}. */
        public Builder signatures(SignatureProvider value) { this.signatures = Objects.requireNonNull(value, "signatures"); return this; }
        public Builder rotationPolicy(KeyRotationPolicy value) { this.rotationPolicy = Objects.requireNonNull(value, "rotationPolicy"); return this; }
        public Builder rotationListener(KeyRotationListener value) { this.rotationListener = Objects.requireNonNull(value, "rotationListener"); return this; }
        public Builder reuseListener(RefreshTokenService.ReuseListener value) { this.reuseListener = Objects.requireNonNull(value, "reuseListener"); return this; }
        /** How long audit events are kept (default {@link ExpiredRowsCleanup#DEFAULT_AUDIT_RETENTION}). */
        public Builder auditRetention(Duration value) { this.auditRetention = Objects.requireNonNull(value, "auditRetention"); return this; }
        public Builder sessionTtl(Duration value) { this.sessionTtl = Objects.requireNonNull(value, "sessionTtl"); return this; }
        /** Default {@link #DEFAULT_RECONCILE_INTERVAL}; used on PostgreSQL only. */
        public Builder reconcileInterval(Duration value) { this.reconcileInterval = Objects.requireNonNull(value, "reconcileInterval"); return this; }

        /** How "revoke everything" waits out its cut-off second; tests with a settable clock advance it instead. */
        public Builder sleeper(RevocationCutOff.Sleeper value) { this.sleeper = Objects.requireNonNull(value, "sleeper"); return this; }

        /** How back-channel logout tokens are delivered; default {@link BackChannelLogoutSettings#DEFAULTS}. */
        public Builder backChannelLogout(BackChannelLogoutSettings value) { this.backChannelLogout = Objects.requireNonNull(value, "backChannelLogout"); return this; }
        public Builder logoutListener(BackChannelLogoutSender.Listener value) { this.logoutListener = Objects.requireNonNull(value, "logoutListener"); return this; }
        /** The client of clients' URLs; default: {@code new OutboundHttp(false)}, public addresses only, https only. */
        public Builder outbound(OutboundHttp value) { this.outbound = Objects.requireNonNull(value, "outbound"); return this; }
        /** Whether every client must use pushed authorization requests (RFC 9126 §5); default false. */
        public Builder requirePushedAuthorizationRequests(boolean value) { this.requirePushedAuthorizationRequests = value; return this; }
        /** How long a dynamically registered client that never obtains a token is kept; default 7 days. */
        public Builder unusedClientTtl(Duration value) { this.unusedClientTtl = Objects.requireNonNull(value, "unusedClientTtl"); return this; }

        /**
         * The time and size bounds of a GET of a client's URL: a {@code request_uri} (OIDC Core §6.2) or a
         * {@code jwks_uri}; default {@link dev.identityservice.core.outbound.FetchLimits#DEFAULTS} (4 s, 32 KiB).
         */
        public Builder fetchLimits(dev.identityservice.core.outbound.FetchLimits value) { this.fetchLimits = Objects.requireNonNull(value, "fetchLimits"); return this; }

        /** How security events are kept and delivered; default {@link SecurityEventSettings#DEFAULTS}. */
        public Builder securityEvents(SecurityEventSettings value) { this.securityEvents = Objects.requireNonNull(value, "securityEvents"); return this; }

        public IdentityEngine build() {
            return new IdentityEngine(this);
        }
    }
}
