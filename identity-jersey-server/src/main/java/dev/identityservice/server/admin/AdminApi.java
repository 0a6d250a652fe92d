package dev.identityservice.server.admin;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.server.audit.AuditLog;
import jakarta.ws.rs.core.Configurable;
import java.time.Duration;
import java.util.Set;

/**
 * The management API as one unit to register: the resources, the {@link AdminGuard} that protects them and the
 * {@link AdminAuditFilter} that records every change made through them.
 *
 * @param audiences             a token for the API must carry one of these in {@code aud}
 * @param defaultAccessTokenTtl the access token TTL of created clients that set none
 * @param audit                 where administration events go
 * @param maxRegisteredClients  the cap on dynamically registered clients per tenant, shown by {@link RegistrationResource}
 */
public record AdminApi(IdentityEngine engine, Set<String> audiences, Duration defaultAccessTokenTtl, AuditLog audit,
                       int maxRegisteredClients) {

    public AdminApi {
        audiences = Set.copyOf(audiences);
    }

    /** Registers the resources and the guard with a JAX-RS application. */
    public void registerWith(Configurable<?> application) {
        application.register(new AdminGuard(new TenantGuards(engine, audiences)));
        application.register(new UserResource(engine));
        application.register(new ClientResource(engine, defaultAccessTokenTtl));
        application.register(new KeyResource(engine));
        application.register(new TenantResource(engine));
        application.register(new EventResource(engine.auditEvents()));
        application.register(new AdminAuditFilter(audit));
        application.register(new RegistrationResource(engine, maxRegisteredClients));
        application.register(new ImplicitAndHybridFlowsResource(engine));
    }
}
