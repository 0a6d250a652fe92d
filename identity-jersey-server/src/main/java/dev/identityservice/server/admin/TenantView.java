package dev.identityservice.server.admin;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.Durations;

/** A tenant as the management API shows it. */
record TenantView(String id, String issuer, String signingAlgorithm, String rotationPeriod, String createdAt, String registration) {

    static TenantView of(Tenant tenant) {
        return new TenantView(tenant.id(), tenant.issuer().toString(), tenant.signingAlgorithm().name(),
                Durations.format(tenant.rotationPeriod()), tenant.createdAt().toString(), tenant.registrationMode().value());
    }
}
