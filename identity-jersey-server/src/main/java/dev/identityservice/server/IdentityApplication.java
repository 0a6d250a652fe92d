package dev.identityservice.server;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.ThrottledLog;
import dev.identityservice.core.key.KeyRingProvider;
import dev.identityservice.core.store.jdbc.JdbcLoginAttemptStore;
import dev.identityservice.server.admin.AdminApi;
import dev.identityservice.server.audit.AuditLog;
import dev.identityservice.server.endpoint.AuthorizationFlow;
import dev.identityservice.server.endpoint.AuthorizeEndpoint;
import dev.identityservice.server.endpoint.DiscoveryEndpoint;
import dev.identityservice.server.endpoint.IntrospectionEndpoint;
import dev.identityservice.server.endpoint.FrontOfJersey;
import dev.identityservice.server.endpoint.IntrospectionFilter;
import dev.identityservice.server.endpoint.JwksEndpoint;
import dev.identityservice.server.endpoint.JwksHandler;
import dev.identityservice.server.endpoint.LoginEndpoint;
import dev.identityservice.server.endpoint.LogoutEndpoint;
import dev.identityservice.server.endpoint.PushedAuthorizationRequestEndpoint;
import dev.identityservice.server.endpoint.RevocationEndpoint;
import dev.identityservice.server.endpoint.TokenEndpoint;
import dev.identityservice.server.endpoint.UserInfoEndpoint;
import dev.identityservice.server.endpoint.UserInfoFilter;
import dev.identityservice.server.error.ChallengeExceptionMapper;
import dev.identityservice.server.error.DatabaseUnavailableMapper;
import dev.identityservice.server.error.FallbackExceptionMapper;
import dev.identityservice.server.error.OAuthExceptionMapper;
import dev.identityservice.server.error.PasswordHashingBusyMapper;
import dev.identityservice.server.error.WebApplicationExceptionMapper;
import dev.identityservice.server.http.ClientAuthentication;
import dev.identityservice.server.http.CorsFilter;
import dev.identityservice.server.http.SecurityHeadersFilter;
import dev.identityservice.server.http.TenantResolver;
import dev.identityservice.server.login.DeviceCookies;
import dev.identityservice.server.login.LoginAudit;
import dev.identityservice.server.login.LoginLimits;
import dev.identityservice.server.login.LoginThrottle;
import dev.identityservice.server.observability.DatabaseHealth;
import dev.identityservice.server.observability.HealthEndpoint;
import dev.identityservice.server.observability.MetricsEndpoint;
import dev.identityservice.server.observability.RequestMetricsFilter;
import dev.identityservice.server.observability.ServerMetrics;
import dev.identityservice.server.registration.RegistrationThrottle;
import jakarta.servlet.Filter;
import java.util.List;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The JAX-RS application: every endpoint, filter and exception mapper, registered as ready-made
 * singletons so that each request costs no injection work. A new endpoint is one more {@code register}.
 */
public final class IdentityApplication extends ResourceConfig {

    /**
     * Jersey warns that resource instances "do not implement provider interfaces" when they are registered
     * as singletons, yet serves them; held here so the level sticks (JUL keeps loggers weakly).
     */
    private static final java.util.List<java.util.logging.Logger> QUIETED = java.util.List.of(
            java.util.logging.Logger.getLogger("org.glassfish.jersey.internal.inject.Providers"),
            // Warns that jakarta.activation is absent, which no endpoint here needs.
            java.util.logging.Logger.getLogger("org.glassfish.jersey.message.internal.MessagingBinders"));

    static {
        QUIETED.forEach(logger -> logger.setLevel(java.util.logging.Level.SEVERE));
    }

    private final List<Filter> frontFilters;
    private final JwksHandler frontHandler;

    /**
     * @param loginLimits     the login throttle's budgets
     * @param deviceCookieKey the key of device cookies, the same on every instance (see {@link DeviceCookies#deriveKey})
     * @param audit           where sign-ins, throttling and token failures are recorded
     * @param databaseHealth  readiness; told at once when a request finds the database down
     */
    public IdentityApplication(IdentityEngine engine, ServerMetrics metrics, LoginLimits loginLimits, byte[] deviceCookieKey,
                               AuditLog audit, DatabaseHealth databaseHealth) {
        ClientAuthentication clients = new ClientAuthentication(engine.clientAuthenticator(), engine.clientAssertions());
        register(new TenantResolver(engine));
        register(new RequestMetricsFilter(metrics));
        register(new SecurityHeadersFilter());

        register(new DiscoveryEndpoint(engine.keys(), engine.pushedRequests().requiredForAll()));
        JwksEndpoint jwks = new JwksEndpoint(engine.keys());
        register(jwks);
        // One throttle for the password grant and the login page: both guess the same passwords. Its counters
        // are in the database, so every instance spends the same budgets.
        LoginThrottle throttle = new LoginThrottle(new JdbcLoginAttemptStore(engine.database()), loginLimits,
                engine.clock(), new LoginAudit(metrics, audit, engine.clock()), LoginThrottle.deriveKey(deviceCookieKey));
        DeviceCookies devices = new DeviceCookies(deviceCookieKey, engine.clock(), loginLimits.trustedFor());
        register(new TokenEndpoint(engine.tokenGrants(), engine.userAuthenticator(), clients, throttle, metrics, audit));
        register(new UserInfoEndpoint(engine.userInfo()));
        IntrospectionEndpoint introspection = new IntrospectionEndpoint(engine.introspector(), clients);
        register(introspection);
        // The work userinfo and introspection do in front of the admission gate: 16 at once per core, a few times
        // the gate's own 4, so that a load of them is answered there while the requests waiting for the database
        // out here stay a bounded few; past it, a request goes through the gate.
        FrontOfJersey front = new FrontOfJersey(engine::tenant, 16 * Runtime.getRuntime().availableProcessors(), metrics);
        frontFilters = List.of(new UserInfoFilter(engine.userInfo(), front), new IntrospectionFilter(introspection, front));
        frontHandler = new JwksHandler(jwks, engine::tenant, metrics, HttpServerFactory.MAIN_CONNECTOR);
        register(new RevocationEndpoint(engine.revoker(), clients));
        // Browser flow: authorize + login page, RP-initiated logout, CORS for browser apps.
        AuthorizationFlow flow = new AuthorizationFlow(engine, deviceCookieKey, metrics);
        register(new AuthorizeEndpoint(flow));
        register(new LoginEndpoint(flow, throttle, devices));
        register(new PushedAuthorizationRequestEndpoint(engine, clients));
        register(new LogoutEndpoint(engine));
        CorsFilter cors = new CorsFilter(engine.clients());
        engine.changes().subscribe(cors::changed);
        register(cors);
        register(new HealthEndpoint(databaseHealth, engine.keys()));

        register(new OAuthExceptionMapper());
        register(new ChallengeExceptionMapper());
        register(new PasswordHashingBusyMapper());
        register(new WebApplicationExceptionMapper());
        DatabaseUnavailableMapper outages = new DatabaseUnavailableMapper(databaseHealth::markDown, DatabaseHealth.RETRY_AFTER_SECONDS,
                new ThrottledLog(ThrottledLog.INTERVAL_DEFAULT, engine.clock()));
        register(outages);
        register(new FallbackExceptionMapper(outages));

        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        // Error statuses go out as our JSON, never through the container's HTML error page.
        property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
    }

    /**
     * The servlet filters that answer UserInfo and introspection requests in front of Jersey, as this application's
     * {@link UserInfoEndpoint} and {@link IntrospectionEndpoint} would (see {@link UserInfoFilter},
     * {@link IntrospectionFilter}); to install on this application's context, in this order, after the header checks
     * and before the admission gate.
     */
    public List<Filter> frontFilters() {
        return frontFilters;
    }

    /**
     * The Jetty handler that answers key set requests of the main connector before the servlet contexts, as this
     * application's {@link JwksEndpoint} would ({@link JwksHandler}); to wrap the server's contexts.
     */
    public JwksHandler frontHandler() {
        return frontHandler;
    }

    // ---- Management API (/admin, /t/{tenant}/admin): package dev.identityservice.server.admin ----

    /**
     * Adds dynamic client registration (RFC 7591, RFC 7592), which answers only for tenants that enable it.
     *
     * @param defaultAccessTokenTtl the access token lifetime of registered clients
     * @param maxClients            the most registered clients a tenant keeps
     */
    public IdentityApplication withClientRegistration(IdentityEngine engine, java.time.Duration defaultAccessTokenTtl, int maxClients) {
        return withClientRegistration(engine, defaultAccessTokenTtl, maxClients, RegistrationThrottle.DEFAULT_LIMIT_PER_ADDRESS,
                RegistrationThrottle.DEFAULT_WINDOW);
    }

    /**
     * Adds the registration endpoint with a budget of {@code limitPerAddress} registrations per {@code window}
     * from one client network ({@link RegistrationThrottle}).
     */
    public IdentityApplication withClientRegistration(IdentityEngine engine, java.time.Duration defaultAccessTokenTtl, int maxClients,
                                                      int limitPerAddress, java.time.Duration window) {
        register(new dev.identityservice.server.registration.RegistrationEndpoint(engine, defaultAccessTokenTtl, maxClients,
                new RegistrationThrottle(new JdbcLoginAttemptStore(engine.database()), engine.clock(), limitPerAddress, window)));
        return this;
    }

    /**
     * Adds {@code /metrics} on this application's port, guarded like the management API (see
     * {@link MetricsEndpoint}); call with {@link #withAdminApi} only, whose guard enforces it.
     */
    public IdentityApplication withGuardedMetrics(ServerMetrics metrics) {
        register(new MetricsEndpoint(metrics));
        return this;
    }

    /**
     * The management listener's application: {@code /metrics} and {@code /health} without a token (no guard is
     * installed), for the loopback-only port of the {@code management.port} setting.
     */
    public static ResourceConfig management(ServerMetrics metrics, DatabaseHealth databaseHealth, KeyRingProvider keys) {
        ResourceConfig management = new ResourceConfig();
        management.register(new MetricsEndpoint(metrics));
        management.register(new HealthEndpoint(databaseHealth, keys));
        management.register(new WebApplicationExceptionMapper());
        management.register(new FallbackExceptionMapper());
        management.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        management.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        return management;
    }

    /**
     * Adds the security event transmitter (OpenID Shared Signals Framework 1.0, RFC 8936 poll): configuration
     * metadata, streams and polls, held by {@code polls}.
     */
    public IdentityApplication withSecurityEvents(IdentityEngine engine, AuditLog audit, dev.identityservice.server.ssf.LongPolls polls) {
        register(new dev.identityservice.server.ssf.SsfConfigurationEndpoint());
        register(new dev.identityservice.server.ssf.StreamEndpoint(engine.securityEvents(), engine.introspector(), audit));
        register(new dev.identityservice.server.ssf.PollEndpoint(engine.securityEvents(), engine.introspector(), polls));
        return this;
    }

    /** Adds the management API, protected by our own guard; see {@link AdminApi}. */
    public IdentityApplication withAdminApi(AdminApi adminApi) {
        adminApi.registerWith(this);
        return this;
    }
}
