package dev.identityservice.core.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.key.SigningKey;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.TestDatabases;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Key-ring and tenant changes reach a second engine on the same PostgreSQL through LISTEN/NOTIFY within a
 * second, and after a lost listening connection through the reconnect's re-read; on H2 the same listeners
 * are told in-process.
 */
class ChangePropagationTest {

    private static final Duration AT_ONCE = Duration.ofSeconds(1);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void rotateAndRevokeWhenTwoEnginesOnPostgresThenOtherStopsSigningWithKeyWithinOneSecond() throws Exception {
        Database first = TestDatabases.postgres();
        MasterKey masterKey = MasterKey.generate();
        IdentityEngine a = started(first, masterKey);
        Tenant tenant = a.ensureTenant("acme", URI.create("https://id.example.com/acme"), SigningAlgorithm.ES256);
        IdentityEngine b = started(opened(Database.open(first.config())), masterKey);
        String revokedKid = b.keys().keyRing(tenant.id()).active().kid();

        long start = System.nanoTime();
        a.keys().rotateAndRevoke(tenant.id());

        awaitWithin(AT_ONCE, () -> !publishes(b.keys().keyRing(tenant.id()), revokedKid)
                && !b.keys().keyRing(tenant.id()).active().kid().equals(revokedKid));
        System.out.printf("rotate-and-revoke reached the second engine in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void tenantWhenCreatedOnOneEngineThenOtherServesItWithinOneSecond() throws Exception {
        Database first = TestDatabases.postgres();
        MasterKey masterKey = MasterKey.generate();
        IdentityEngine a = started(first, masterKey);
        IdentityEngine b = started(opened(Database.open(first.config())), masterKey);

        a.ensureTenant("late", URI.create("https://id.example.com/late"), SigningAlgorithm.ES256);

        awaitWithin(AT_ONCE, () -> b.tenants().stream().anyMatch(t -> t.id().equals("late")));
    }

    @Test
    void rotateWhenListeningConnectionWasKilledThenReconnectRereadsTheMissedChange() throws Exception {
        Database first = TestDatabases.postgres();
        MasterKey masterKey = MasterKey.generate();
        IdentityEngine a = started(first, masterKey);
        Tenant tenant = a.ensureTenant("acme", URI.create("https://id.example.com/acme"), SigningAlgorithm.ES256);
        Database second = opened(Database.open(first.config()));
        IdentityEngine b = started(second, masterKey);
        String before = b.keys().keyRing(tenant.id()).active().kid();
        awaitWithin(AT_ONCE, () -> listenerPids(first) == 2);

        terminateListeners(first);
        a.keys().rotateAndRevoke(tenant.id());

        awaitWithin(PostgresChangeNotifier.RECONNECT_DELAY.plus(AT_ONCE), () -> !b.keys().keyRing(tenant.id()).active().kid().equals(before));
    }

    @Test
    void rotateWhenOnH2ThenSubscribersToldInProcessBeforeReturn() {
        Database database = opened(TestDatabases.h2());
        IdentityEngine engine = IdentityEngine.builder(database, MasterKey.generate()).build();
        Tenant tenant = engine.ensureTenant("acme", URI.create("https://id.example.com/acme"), SigningAlgorithm.ES256);
        List<Change> told = new CopyOnWriteArrayList<>();
        engine.changes().subscribe(told::add);

        engine.keys().rotate(tenant.id());
        engine.updateTenant(tenant.withRotationPeriod(Duration.ofDays(7)));

        assertEquals(List.of(Change.keys("acme"), Change.tenants("acme")), told);
    }

    private IdentityEngine started(Database database, MasterKey masterKey) {
        IdentityEngine engine = IdentityEngine.builder(database, masterKey).reconcileInterval(Duration.ofMinutes(10)).build();
        ScheduledExecutorService jobs = Executors.newSingleThreadScheduledExecutor();
        engine.startBackgroundJobs(jobs, Duration.ofMinutes(10));
        open.add(jobs::shutdownNow);
        open.add(engine::stopBackgroundJobs);
        return engine;
    }

    private Database opened(Database database) {
        open.add(database);
        return database;
    }

    private static boolean publishes(KeyRing ring, String kid) {
        return ring.keys().stream().filter(k -> k.kid().equals(kid)).map(SigningKey::state)
                .anyMatch(state -> state != dev.identityservice.core.key.KeyState.REVOKED);
    }

    private static int listenerPids(Database database) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN \"identity_changes_' || current_schema() || '%'");
                 ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        });
    }

    private static void terminateListeners(Database database) {
        database.withConnection(connection -> {
            try (PreparedStatement kill = connection.prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN \"identity_changes_' || current_schema() || '%'")) {
                kill.execute();
            }
            return null;
        });
    }

    private static void awaitWithin(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + limit);
            Thread.sleep(10);
        }
    }

}
