package dev.identityservice.core.key;

import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcSigningKeyStore;
import dev.identityservice.core.store.jdbc.JdbcTenantStore;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.core.testing.TestDatabases;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;

/** A migrated database with one tenant, its stores, a master key and a settable clock. */
final class KeyFixture implements AutoCloseable {

    static final String TENANT = "acme";
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration ROTATION_PERIOD = Duration.ofDays(30);

    final Database database;
    final JdbcTenantStore tenants;
    final MasterKey masterKey = MasterKey.generate();
    final JdbcSigningKeyStore store;
    final MutableClock clock = new MutableClock(START);

    private KeyFixture(Database database, SigningAlgorithm algorithm) {
        this.database = database;
        this.tenants = new JdbcTenantStore(database);
        this.store = new JdbcSigningKeyStore(database, new PrivateKeyCipher(masterKey));
        tenants.create(new Tenant(TENANT, URI.create("https://id.example.com/t/" + TENANT), algorithm, ROTATION_PERIOD, START));
    }

    /** ES256 unless the algorithm matters: its keys generate in about a millisecond. */
    static KeyFixture open(DatabaseKind kind) {
        return open(kind, SigningAlgorithm.ES256);
    }

    static KeyFixture open(DatabaseKind kind, SigningAlgorithm algorithm) {
        return new KeyFixture(TestDatabases.open(kind), algorithm);
    }

    KeyRotator.Builder rotatorBuilder() {
        return KeyRotator.builder(store, tenants).clock(clock);
    }

    KeyRotator rotator() {
        return rotatorBuilder().build();
    }

    /** Rows of the tenant's main chain in {@code state}, counted by SQL (an ES256 tenant also has an RS256 ID-token chain). */
    int count(KeyState state) {
        return database.withConnection(connection -> {
            try (PreparedStatement count = connection.prepareStatement(
                    "SELECT COUNT(*) FROM signing_keys WHERE tenant_id = ? AND state = ? AND purpose = 'MAIN'")) {
                count.setString(1, TENANT);
                count.setString(2, state.name());
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    return row.getInt(1);
                }
            }
        });
    }

    @Override
    public void close() {
        database.close();
    }
}
