package dev.identityservice.sample;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.servlet.BearerTokenFilter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;

/**
 * The guard settings the {@code web.xml} filter was declared with, read back so that the Jersey
 * application and the page agree with the filter without a second copy of issuer or realm.
 */
final class GuardSettings {

    private GuardSettings() {
    }

    /**
     * Parses the init-params of the one {@link BearerTokenFilter} registered in {@code context},
     * exactly as the filter does (placeholders included); no I/O.
     *
     * @throws IllegalStateException if no such filter is registered
     */
    static GuardConfig of(ServletContext context) {
        FilterRegistration filter = context.getFilterRegistrations().values().stream()
                .filter(r -> BearerTokenFilter.class.getName().equals(r.getClassName()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("web.xml declares no " + BearerTokenFilter.class.getName()));
        return GuardConfig.fromInitParams(filter.getInitParameters());
    }
}
