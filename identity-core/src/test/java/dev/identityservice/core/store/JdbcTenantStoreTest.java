package dev.identityservice.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcTenantStore;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.TestDatabases;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcTenantStoreTest {

    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void createWhenReadBackThenEveryFieldSurvives(DatabaseKind kind) {
        try (Database database = TestDatabases.open(kind)) {
            JdbcTenantStore store = new JdbcTenantStore(database);
            Tenant tenant = new Tenant("acme", URI.create("https://id.example.com/t/acme"), SigningAlgorithm.ES256,
                    Duration.ofDays(7), CREATED);
            store.create(tenant);

            assertEquals(tenant, store.find("acme").orElseThrow());
            assertTrue(store.find("other").isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void createWhenIdTakenThenRefusedAndOriginalKept(DatabaseKind kind) {
        try (Database database = TestDatabases.open(kind)) {
            JdbcTenantStore store = new JdbcTenantStore(database);
            Tenant original = new Tenant("acme", URI.create("https://a.example.com"), SigningAlgorithm.RS256, Duration.ofDays(30), CREATED);
            store.create(original);

            assertThrows(IllegalStateException.class, () -> store.create(
                    new Tenant("acme", URI.create("https://b.example.com"), SigningAlgorithm.RS256, Duration.ofDays(30), CREATED)));
            assertEquals(original, store.find("acme").orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void updateWhenAlgorithmChangedThenStored(DatabaseKind kind) {
        try (Database database = TestDatabases.open(kind)) {
            JdbcTenantStore store = new JdbcTenantStore(database);
            Tenant tenant = new Tenant("acme", URI.create("https://a.example.com"), SigningAlgorithm.ES256, Duration.ofDays(30), CREATED);
            store.create(tenant);
            store.update(tenant.withSigningAlgorithm(SigningAlgorithm.RS256));

            assertEquals(SigningAlgorithm.RS256, store.find("acme").orElseThrow().signingAlgorithm());
            assertEquals(1, store.list().size());
        }
    }
}
