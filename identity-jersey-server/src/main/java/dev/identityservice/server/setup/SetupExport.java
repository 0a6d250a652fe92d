package dev.identityservice.server.setup;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.store.jdbc.JdbcClientStore;
import dev.identityservice.core.store.jdbc.JdbcUserStore;
import dev.identityservice.core.registration.RegistrationMode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserProfile;
import dev.identityservice.server.Durations;
import dev.identityservice.server.http.TenantResolver;
import dev.identityservice.server.setup.SetupFile.ClientEntry;
import dev.identityservice.server.setup.SetupFile.ProfileEntry;
import dev.identityservice.server.setup.SetupFile.TenantEntry;
import dev.identityservice.server.setup.SetupFile.UserEntry;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * A tenant's configuration as an import file, the inverse of {@link SetupImporter}: importing it into an empty
 * server gives the same tenant, users (roles, profile, attributes, enabled) and clients (every setting).
 *
 * <p>Secrets are left out, and what depends on them says so: users have no {@code password} (they sign in once
 * an administrator sets one), confidential clients have {@code "public": false} and no {@code secret}, which the
 * importer creates with a secret nobody knows until an administrator rotates it ({@code POST
 * /admin/clients/{id}/secret}). Signing keys are not exported: the importing server makes its own, so tokens of
 * the old server do not verify there.
 */
public final class SetupExport {

    /** Rows read per query while exporting: the stores' largest page. */
    private static final int BATCH = Math.min(JdbcUserStore.MAX_PAGE_SIZE, JdbcClientStore.MAX_PAGE_SIZE);

    private SetupExport() {
    }

    /**
     * The import file of {@code tenant}.
     *
     * @param rootIssuer the default tenant's issuer: a tenant's issuer that is the one derived from it
     *                   ({@code <root>/t/<id>}) is left out, so the file derives it again where it is imported
     */
    public static SetupFile of(IdentityEngine engine, Tenant tenant, URI rootIssuer) {
        List<TenantEntry> tenants = List.of();
        if (!Tenant.DEFAULT_ID.equals(tenant.id())) {
            URI derived = URI.create(rootIssuer + "/" + TenantResolver.TENANT_PATH_PREFIX + tenant.id());
            tenants = List.of(new TenantEntry(tenant.id(), tenant.issuer().equals(derived) ? null : tenant.issuer().toString(),
                    tenant.signingAlgorithm().name(), Durations.format(tenant.rotationPeriod()),
                    tenant.registrationMode() == RegistrationMode.DISABLED ? null : tenant.registrationMode().value()));
        }
        List<UserEntry> users = all((offset, limit) -> engine.users().list(tenant.id(), offset, limit)).stream()
                .map(SetupExport::user).toList();
        List<ClientEntry> clients = all((offset, limit) -> engine.clients().list(tenant.id(), offset, limit)).stream()
                .map(ClientEntry::of).toList();
        return new SetupFile(tenants, users, clients);
    }

    /** A user's entry: everything but the password and its hash; defaults left out. */
    static UserEntry user(User user) {
        UserProfile profile = user.profile();
        return new UserEntry(user.tenantId(), user.username(), null, null, user.enabled() ? null : false,
                user.roles().stream().sorted().toList(), UserProfile.EMPTY.equals(profile) ? null : ProfileEntry.of(profile),
                user.attributes().isEmpty() ? null : new TreeMap<>(user.attributes()));
    }

    private static <T> List<T> all(BiFunction<Integer, Integer, List<T>> page) {
        List<T> all = new ArrayList<>();
        for (int offset = 0; ; offset += BATCH) {
            List<T> batch = page.apply(offset, BATCH);
            all.addAll(batch);
            if (batch.size() < BATCH) {
                return all;
            }
        }
    }
}
