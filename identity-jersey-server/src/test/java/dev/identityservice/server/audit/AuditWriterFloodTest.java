package dev.identityservice.server.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.audit.AuditEvent;
import dev.identityservice.core.audit.AuditEventQuery;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.DatabaseConfig;
import dev.identityservice.core.store.jdbc.JdbcAuditEventStore;
import dev.identityservice.server.testing.ProxiedPostgresSchema;
import dev.identityservice.server.testing.TcpProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A flood of audit events (thousands of failed logins) while PostgreSQL is cut off behind a {@link TcpProxy}:
 * recording an event never waits for the database, what waits is bounded by the queue (the rest is dropped and
 * counted, never held in memory), a stop does not hang on the dead database, and once the database is back new
 * events are stored again without a restart. Skipped unless {@code IDENTITY_TEST_POSTGRES_URL} is set.
 */
class AuditWriterFloodTest {

    private static final int CAPACITY = 1_000;
    private static final int FLOOD = 50_000;

    private ProxiedPostgresSchema postgres;
    private Database database;

    @BeforeEach
    void start() throws Exception {
        postgres = ProxiedPostgresSchema.createOrSkip("flood_");
        database = Database.open(new DatabaseConfig(postgres.jdbcUrl(), null, null, 4, Duration.ofSeconds(1)));
    }

    @AfterEach
    void stop() throws Exception {
        if (database != null) {
            database.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void offerWhenDatabaseCutDuringFloodThenNeverBlocksBoundedDropsAndRecoversAfterRestore() throws Exception {
        JdbcAuditEventStore store = new JdbcAuditEventStore(database);
        AuditWriter writer = new AuditWriter(store, new SimpleMeterRegistry(), CAPACITY);
        try {
            AuditEvent[] flood = new AuditEvent[FLOOD];
            for (int i = 0; i < FLOOD; i++) {
                flood[i] = event("login.failed");
            }
            postgres.cut();
            long start = System.nanoTime();
            for (AuditEvent event : flood) {
                writer.offer(event);
            }
            Duration offered = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("Audit flood: %d events offered in %d ms with the database cut, %d dropped%n",
                    FLOOD, offered.toMillis(), writer.dropped());
            // Far below one connection timeout (1 s) per event: no offer waited for the database.
            assertTrue(offered.compareTo(Duration.ofSeconds(2)) < 0, "offering must never wait for the database: " + offered);
            // At most the queue and one batch in flight wait; everything else was dropped, not kept.
            assertTrue(writer.dropped() >= FLOOD - CAPACITY - AuditWriter.BATCH_SIZE, "dropped " + writer.dropped());

            postgres.restore();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            AuditEvent marker = event("admin.user.disable");
            boolean stored = false;
            while (!stored && System.nanoTime() < deadline) {
                writer.offer(marker);
                writer.flush(Duration.ofSeconds(5));
                stored = !store.find(new AuditEventQuery("default", "admin.user.disable", null, null, null, null), 0, 1).isEmpty();
                if (!stored) {
                    Thread.sleep(200);
                    marker = event("admin.user.disable");
                }
            }
            assertTrue(stored, "events are stored again once the database is back");
        } finally {
            postgres.cut();
            writer.offer(event("login.failed"));
            long closing = System.nanoTime();
            writer.close();
            Duration closed = Duration.ofNanos(System.nanoTime() - closing);
            assertTrue(closed.compareTo(AuditWriter.CLOSE_TIMEOUT.plusSeconds(3)) < 0, "close took " + closed);
            postgres.restore();
        }
    }

    private static AuditEvent event(String type) {
        return new AuditEvent(UUID.randomUUID().toString(), "default", Instant.now(), type, null, "account:0123456789abcdef",
                null, "192.0.2.1", "failure", "channel=token");
    }
}
