package dev.identityservice.server.admin;

/**
 * The body of {@code POST /admin/tenants}: the import file's tenant entry, and optionally the tenant's first
 * administrator, so that the tenant can manage itself from the start.
 *
 * @param registration the dynamic client registration mode ({@code disabled}, {@code open},
 *                     {@code initial-access-token}), or null for disabled
 * @param implicitAndHybridFlows whether clients may use the implicit and hybrid flows ({@code Tenant#implicitAndHybridFlows}),
 *                     or null for false
 * @param admin the first administrator (role {@value AdminGuard#ADMIN_ROLE}), or null for none
 */
record TenantCreation(String id, String issuer, String signingAlgorithm, String rotationPeriod, String registration,
                      FirstAdmin admin, Boolean implicitAndHybridFlows) {

    /**
     * A tenant's first administrator.
     *
     * @param username required; a PRECIS username (RFC 8265 §3)
     * @param password the password, or null to have one generated and shown once, in the creation's answer
     */
    record FirstAdmin(String username, String password) {

        /** Never shows the password. */
        @Override
        public String toString() {
            return "FirstAdmin[" + username + "]";
        }
    }
}
