package dev.identityservice.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.change.Change;
import dev.identityservice.core.change.InProcessChangeNotifier;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcSecurityEventStore;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.core.testing.TestDatabases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The event log on H2 and PostgreSQL: tenant isolation, order, racing acks, transactions and the stream bound. */
class SecurityEventsStoreTest {

    private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void pendingWhenEventsOfTwoTenantsThenOnlyTheStreamsTenantInRaiseOrder(DatabaseKind kind) {
        try (Database database = TestDatabases.open(kind)) {
            SecurityEvents events = events(database, new InProcessChangeNotifier(), 10);
            events.clientDisabled("t1", "a");
            events.clientDisabled("t2", "b");
            events.accessTokenRevoked("t1", "jti-1", Instant.parse("2026-03-01T10:10:00Z"));
            EventStream stream = events.createStream("t1", "guard", null);

            List<SecurityEvent> pending = events.pending(stream, 10);
            assertEquals(List.of("a", "jti-1"), pending.stream().map(SecurityEvent::subjectId).toList());
            assertTrue(pending.get(0).sequence() < pending.get(1).sequence());

            // An id of another tenant's event is ignored; so is an unknown one.
            EventStream other = events.createStream("t2", "guard", null);
            String t2Event = events.pending(other, 10).get(0).id();
            events.acknowledge(stream, List.of(t2Event, "nope", pending.get(0).id()));
            assertEquals(List.of("jti-1"), events.pending(stream, 10).stream().map(SecurityEvent::subjectId).toList());
            assertEquals(1, events.pending(other, 10).size());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void acknowledgeWhenSixteenPollsAckTheSameEventAtOnceThenNoneFails(DatabaseKind kind) throws Exception {
        try (Database database = TestDatabases.open(kind)) {
            SecurityEvents events = events(database, new InProcessChangeNotifier(), 10);
            events.clientDisabled("t1", "a");
            EventStream stream = events.createStream("t1", "guard", null);
            String id = events.pending(stream, 1).get(0).id();
            ExecutorService threads = Executors.newFixedThreadPool(16);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                acks.add(threads.submit(() -> {
                    start.await();
                    events.acknowledge(stream, List.of(id));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> ack : acks) {
                ack.get();
            }
            threads.shutdown();
            assertTrue(events.pending(stream, 1).isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void raiseWhenTransactionRollsBackThenNoEventAndNoNotification(DatabaseKind kind) {
        try (Database database = TestDatabases.open(kind)) {
            InProcessChangeNotifier changes = new InProcessChangeNotifier();
            AtomicInteger told = new AtomicInteger();
            changes.subscribe(change -> told.addAndGet(change.kind() == Change.Kind.SECURITY_EVENTS ? 1 : 0));
            SecurityEvents events = events(database, changes, 10);
            assertThrows(IllegalStateException.class, () -> database.inOneTransaction(() -> {
                events.clientDisabled("t1", "a");
                assertEquals(0, told.get(), "not told before the commit");
                throw new IllegalStateException("the revocation failed");
            }));
            database.inOneTransaction(() -> {
                events.clientDisabled("t1", "b");
                return null;
            });

            assertEquals(1, told.get());
            EventStream stream = events.createStream("t1", "guard", null);
            assertEquals(List.of("b"), events.pending(stream, 10).stream().map(SecurityEvent::subjectId).toList());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void createStreamWhenClientHoldsTheMostThenRefusedAndAnotherClientStillMayCreate(DatabaseKind kind) {
        try (Database database = TestDatabases.open(kind)) {
            SecurityEvents events = events(database, new InProcessChangeNotifier(), 2);
            EventStream first = events.createStream("t1", "guard", "one");
            events.createStream("t1", "guard", null);
            assertThrows(SecurityEvents.TooManyStreamsException.class, () -> events.createStream("t1", "guard", null));
            events.createStream("t1", "other", null);
            assertTrue(events.findStream("t1", "other", first.id()).isEmpty(), "another client's stream is not found");
            assertTrue(events.deleteStream("t1", "guard", first.id()));
            events.createStream("t1", "guard", null);
        }
    }

    private SecurityEvents events(Database database, InProcessChangeNotifier changes, int maxStreams) {
        SecurityEventSettings d = SecurityEventSettings.DEFAULTS;
        return new SecurityEvents(new JdbcSecurityEventStore(database), database, changes, clock,
                new SecurityEventSettings(d.retention(), d.pollMaxWait(), d.streamIdleExpiry(), maxStreams));
    }
}
