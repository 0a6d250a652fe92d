package dev.identityservice.server.admin;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.Durations;

/**
 * A tenant as the management API shows it; {@code admin} only in the answer to a creation that made one.
 */
record TenantView(String id, String issuer, String signingAlgorithm, String rotationPeriod, String createdAt,
                  String registration, AdminView admin, boolean implicitAndHybridFlows) {

    static TenantView of(Tenant tenant) {
        return of(tenant, null);
    }

    static TenantView of(Tenant tenant, AdminView admin) {
        return new TenantView(tenant.id(), tenant.issuer().toString(), tenant.signingAlgorithm().name(),
                Durations.format(tenant.rotationPeriod()), tenant.createdAt().toString(), tenant.registrationMode().value(),
                admin, tenant.implicitAndHybridFlows());
    }

    /**
     * The first administrator a creation made.
     *
     * @param password the generated password, shown in this answer only; null when the caller chose it
     */
    record AdminView(String id, String username, String password) {
    }
}
