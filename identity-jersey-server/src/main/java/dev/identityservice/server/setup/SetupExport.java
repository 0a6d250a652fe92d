package dev.identityservice.server.setup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.TreeMap;

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
    static final int BATCH = Math.min(JdbcUserStore.MAX_PAGE_SIZE, JdbcClientStore.MAX_PAGE_SIZE);

    /**
     * The file's JSON: null fields left out, as the management API writes them. Not flushed after each entry:
     * the generator's buffer and the response's gather the many small entries into large writes.
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            // A failure midway must leave a malformed file, never one closed off to look complete.
            .disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT)
            .build();

    /** One page of a tenant's rows: {@code limit} rows from {@code offset} on, in a stable order. */
    @FunctionalInterface
    interface Pages<T> {
        List<T> read(int offset, int limit);
    }

    private SetupExport() {
    }

    /**
     * Writes the import file of {@code tenant} to {@code out} as it reads it, a page of {@link #BATCH} users
     * and then of clients at a time: memory does not grow with the tenant's size. The file is the JSON object
     * {@link SetupFile} reads ({@code tenants}, {@code users}, {@code clients}). A database failure midway
     * leaves {@code out} with a truncated, malformed document (the exception propagates; {@code out} stays open).
     *
     * @param rootIssuer the default tenant's issuer: a tenant's issuer that is the one derived from it
     *                   ({@code <root>/t/<id>}) is left out, so the file derives it again where it is imported
     * @throws IOException when {@code out} fails
     */
    public static void write(IdentityEngine engine, Tenant tenant, URI rootIssuer, OutputStream out) throws IOException {
        write(tenant, rootIssuer, (offset, limit) -> engine.users().list(tenant.id(), offset, limit),
                (offset, limit) -> engine.clients().list(tenant.id(), offset, limit), out);
    }

    /** {@link #write(IdentityEngine, Tenant, URI, OutputStream)} from the given pages of users and clients. */
    static void write(Tenant tenant, URI rootIssuer, Pages<User> users, Pages<Client> clients, OutputStream out)
            throws IOException {
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeFieldName("tenants");
            JSON.writeValue(json, tenantEntries(tenant, rootIssuer));
            json.writeArrayFieldStart("users");
            for (int offset = 0; ; offset += BATCH) {
                List<User> page = users.read(offset, BATCH);
                for (User user : page) {
                    JSON.writeValue(json, user(user));
                }
                if (page.size() < BATCH) {
                    break;
                }
            }
            json.writeEndArray();
            json.writeArrayFieldStart("clients");
            for (int offset = 0; ; offset += BATCH) {
                List<Client> page = clients.read(offset, BATCH);
                for (Client client : page) {
                    JSON.writeValue(json, ClientEntry.of(client));
                }
                if (page.size() < BATCH) {
                    break;
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    /** The tenant's own entry; none for the default tenant, which every server has. */
    private static List<TenantEntry> tenantEntries(Tenant tenant, URI rootIssuer) {
        if (Tenant.DEFAULT_ID.equals(tenant.id())) {
            return List.of();
        }
        URI derived = TenantResolver.derivedIssuer(rootIssuer, tenant.id());
        return List.of(new TenantEntry(tenant.id(), tenant.issuer().equals(derived) ? null : tenant.issuer().toString(),
                tenant.signingAlgorithm().name(), Durations.format(tenant.rotationPeriod()),
                tenant.registrationMode() == RegistrationMode.DISABLED ? null : tenant.registrationMode().value(),
                tenant.implicitAndHybridFlows() ? Boolean.TRUE : null));
    }

    /** A user's entry: everything but the password and its hash; defaults left out. */
    static UserEntry user(User user) {
        UserProfile profile = user.profile();
        return new UserEntry(user.tenantId(), user.username(), null, null, user.enabled() ? null : false,
                user.roles().stream().sorted().toList(), UserProfile.EMPTY.equals(profile) ? null : ProfileEntry.of(profile),
                user.attributes().isEmpty() ? null : new TreeMap<>(user.attributes()));
    }
}
