package dev.identityservice.core.user;

import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcTenantStore;
import dev.identityservice.core.tenant.Tenant;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Users and tenants for tests. */
public final class TestUsers {

    public static final String TENANT = "acme";
    public static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    private TestUsers() {
    }

    /** Creates the tenant row that users and clients reference. */
    public static void createTenant(Database database, String tenantId) {
        new JdbcTenantStore(database).create(new Tenant(tenantId, URI.create("https://id.example.com/t/" + tenantId),
                SigningAlgorithm.RS256, Duration.ofDays(30), CREATED));
    }

    /** A user with every field set. */
    public static User complete(String username, String passwordHash) {
        return new User(TENANT, UUID.randomUUID().toString(), username, passwordHash, true,
                new UserProfile("Alice Liddell", "Alice", "Liddell", "alice@example.com", true,
                        "https://example.com/alice.png", "en-GB"),
                Set.of("admin", "user"), Map.of("department", "R&D", "employee_id", "4711"),
                Instant.parse("2026-01-02T03:04:05.123456Z"), CREATED, CREATED.plusSeconds(60));
    }

    /** A user with only the required fields. */
    public static User minimal(String username, String passwordHash) {
        return new User(TENANT, UUID.randomUUID().toString(), username, passwordHash, true, null, null, null, null,
                CREATED, CREATED);
    }

    /** {@code user} with its one role, attribute {@code colour} and profile name all {@code colour}, changed {@code at}. */
    public static User coloured(User user, String colour, Instant at) {
        return user.withRoles(Set.of(colour), at)
                .withProfile(UserProfile.builder().name(colour).build(), Map.of("colour", colour), at);
    }
}
