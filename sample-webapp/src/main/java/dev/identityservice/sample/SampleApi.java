package dev.identityservice.sample;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.jaxrs.GuardFeature;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.core.Context;
import java.time.Clock;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The Jersey application under {@code /api/*}. The {@code web.xml} filter has already verified the
 * token; {@link GuardFeature#behindServletFilter} adopts it for {@code @RolesAllowed} with the
 * filter's realm, so a request costs one verification.
 */
public final class SampleApi extends ResourceConfig {

    /** Jersey passes the servlet context of the WAR, where the filter's settings are. */
    public SampleApi(@Context ServletContext servletContext) {
        GuardConfig guard = GuardSettings.of(servletContext);
        ApiStats stats = new ApiStats(Clock.systemUTC());
        // No WADL: it needs JAXB, which a small app should not carry, and no one here reads it.
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        register(GuardFeature.behindServletFilter(guard.realm()));
        register(PublicResource.class);
        register(new MeResource(stats));
        register(new AdminResource(stats));
    }
}
