package dev.identityservice.server.admin;

import dev.identityservice.core.IdentityEngine;
import jakarta.ws.rs.core.Configurable;
import java.time.Duration;
import java.util.Set;

/**
 * The management API as one unit to register: the four resources and the {@link AdminGuard} that protects them.
 *
 * @param audiences             a token for the API must carry one of these in {@code aud}
 * @param defaultAccessTokenTtl the access token TTL of created clients that set none
 * @param maxRegisteredClients  the cap on dynamically registered clients per tenant, shown by {@link RegistrationResource}
 */
public record AdminApi(IdentityEngine engine, Set<String> audiences, Duration defaultAccessTokenTtl, int maxRegisteredClients) {

    public AdminApi {
        audiences = Set.copyOf(audiences);
    }

    /** With the default cap on dynamically registered clients. */
    public AdminApi(IdentityEngine engine, Set<String> audiences, Duration defaultAccessTokenTtl) {
        this(engine, audiences, defaultAccessTokenTtl, dev.identityservice.core.registration.ClientRegistrations.DEFAULT_MAX_CLIENTS_PER_TENANT);
    }

    /** Registers the resources and the guard with a JAX-RS application. */
    public void registerWith(Configurable<?> application) {
        application.register(new AdminGuard(new TenantGuards(engine, audiences)));
        application.register(new UserResource(engine));
        application.register(new ClientResource(engine, defaultAccessTokenTtl));
        application.register(new KeyResource(engine));
        application.register(new TenantResource(engine));
        application.register(new RegistrationResource(engine, maxRegisteredClients));
    }
}
