package dev.identityservice.guard.jaxrs.placement;

import dev.identityservice.guard.jaxrs.GuardFeature;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The placement resources as a WAR's JAX-RS application behind the {@code web.xml} filter: the
 * filter verifies, {@link GuardFeature#behindServletFilter} enforces the annotations.
 */
public class PlacementApplication extends ResourceConfig {
    public PlacementApplication() {
        registerClasses(PlacementResources.withAttacks().toArray(Class<?>[]::new));
        register(GuardFeature.behindServletFilter("orders"));
    }
}
