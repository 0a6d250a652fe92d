package dev.identityservice.guard.jaxrs;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.TokenVerifier;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.verify.GuardTokenVerifier;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The JAX-RS feature of the guard: register one instance and bearer tokens are authenticated and
 * {@code @RolesAllowed}, {@code @PermitAll} and {@code @DenyAll} (Jakarta Annotations 2.1 §3) are
 * enforced wherever they sit: on the method or its class, or inherited from the interfaces and
 * superclasses it implements, a method's annotation taking precedence over any class's (the rules
 * are {@link RoleRequirement}'s), and on the sub-resource locators a request passes through. An anonymous caller of a protected method gets 401, an
 * authenticated one without a role 403. Unannotated resources are open to everyone; a token, if
 * sent, must still be valid.
 *
 * <pre>{@code
 * resourceConfig.register(new GuardFeature(GuardConfig.builder()
 *         .issuer("https://id.example.com").audience("orders-api").build()));
 * }</pre>
 *
 * <p>Behind a {@code servlet.BearerTokenFilter} (a WAR whose {@code web.xml} installs the filter in
 * front of the JAX-RS servlet), register {@link #behindServletFilter(String)} instead: it takes the
 * token the filter already verified from the request and never verifies a token a second time.
 *
 * <p>A feature built from a {@link GuardConfig} owns its verifier, whose background work (the JWKS refresh and,
 * with {@code events.client-id}, the security-event receiver) {@link #close()} stops: call it when the
 * application shuts down (JAX-RS has no portable hook for it; both threads are daemons).
 */
public final class GuardFeature implements Feature, AutoCloseable {

    /** Null behind a servlet filter, which has verified already. */
    private final TokenVerifier verifier;
    private final String realm;
    private final Predicate<ContainerRequestContext> scope;
    private final boolean ownsVerifier;

    /** A feature with its own verifier built from {@code config}; {@link #close()} stops its background work. */
    public GuardFeature(GuardConfig config) {
        this(GuardTokenVerifier.create(config), config.realm(), request -> true, true);
    }

    /** A feature using a verifier shared with other parts of the application. */
    public GuardFeature(TokenVerifier verifier, String realm) {
        this(Objects.requireNonNull(verifier, "verifier"), realm, request -> true, false);
    }

    private GuardFeature(TokenVerifier verifier, String realm, Predicate<ContainerRequestContext> scope, boolean owns) {
        this.verifier = verifier;
        this.realm = Objects.requireNonNull(realm, "realm");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.ownsVerifier = owns;
    }

    /** Stops the background work of a verifier this feature built; a shared verifier is left to its owner. */
    @Override
    public void close() throws Exception {
        if (ownsVerifier && verifier instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /**
     * This feature for the requests {@code scope} accepts only; the others pass untouched, their bearer
     * tokens unread, for parts of the application that read tokens of their own (an issuer's UserInfo
     * endpoint beside its admin API, say). The scope runs before resource matching: decide by path.
     */
    public GuardFeature onlyFor(Predicate<ContainerRequestContext> scope) {
        return new GuardFeature(verifier, realm, scope, ownsVerifier);
    }

    /**
     * A feature for resources behind a {@code servlet.BearerTokenFilter}: the caller is the token
     * the filter verified ({@link VerifiedToken#REQUEST_ATTRIBUTE}); the feature verifies nothing
     * itself, so a token reaches the JWKS once per request. Where the filter did not authenticate
     * (its public paths, or paths it is not mapped to), the caller is anonymous even if a token was
     * sent: {@code @PermitAll} resources are served, {@code @RolesAllowed} ones answer 401. The
     * filter's issuer, audience and algorithm settings therefore decide for these resources too.
     *
     * @param realm the realm of the challenges it writes; use the filter's
     */
    public static GuardFeature behindServletFilter(String realm) {
        return new GuardFeature(null, realm, request -> true, false);
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.register(new BearerAuthenticationFilter(verifier, realm, scope));
        context.register(new RoleBinding(realm));
        context.register(new LocatorRoleCheckFilter(realm));
        return true;
    }

    /** Binds a {@link RoleCheckFilter} to each resource method whose annotations require one. */
    private static final class RoleBinding implements DynamicFeature {
        private final String realm;

        RoleBinding(String realm) {
            this.realm = realm;
        }

        @Override
        public void configure(ResourceInfo resource, FeatureContext context) {
            Method method = resource.getResourceMethod();
            Class<?> type = resource.getResourceClass();
            if (method == null || type == null) {
                return;
            }
            RoleRequirement requirement = RoleRequirement.of(type, method);
            if (!requirement.open()) {
                context.register(new RoleCheckFilter(requirement.anyOfRoles(), realm));
            }
        }
    }
}
