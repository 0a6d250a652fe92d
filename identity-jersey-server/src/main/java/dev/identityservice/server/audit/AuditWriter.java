package dev.identityservice.server.audit;

import dev.identityservice.core.audit.AuditEvent;
import dev.identityservice.core.audit.AuditEventStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit events to the {@link AuditEventStore} on a thread of its own, so that recording an event never
 * blocks or fails the request that caused it: {@link #offer} puts the event in a bounded queue (at most
 * {@value #QUEUE_CAPACITY}) and returns at once; the thread appends what is queued in batches of at most
 * {@value #BATCH_SIZE}, one transaction each.
 *
 * <p>Why not the request's own transaction: most events are failures (a wrong password, a reused token, a
 * refused client) whose request writes nothing, or whose transaction is rolled back; and a slow or unreachable
 * database must not make a login wait for its audit row. The price is that an event can be lost: when the queue
 * is full (the database slower than the events for a while) or a batch fails, the events are dropped and
 * counted ({@code identity_audit_events_dropped_total}, and a warning at most once a minute). Every event was
 * logged on {@code dev.identityservice.audit} before it was queued, so the log line survives a dropped row.
 */
public final class AuditWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);

    /** The most events waiting for the database; past it new events are dropped (and counted). */
    public static final int QUEUE_CAPACITY = 10_000;
    /** The most events one transaction appends. */
    public static final int BATCH_SIZE = 500;
    /** How long {@link #close} waits for queued events to be written. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final AuditEventStore store;
    private final BlockingQueue<AuditEvent> queue;
    private final Counter dropped;
    private final Counter written;
    private final Thread thread;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private volatile boolean closing;
    private volatile long lastWarning = System.nanoTime() - WARN_INTERVAL_NANOS;

    /** Starts the writer thread; {@code registry} gets the written and dropped counters. */
    public AuditWriter(AuditEventStore store, MeterRegistry registry) {
        this(store, registry, QUEUE_CAPACITY);
    }

    AuditWriter(AuditEventStore store, MeterRegistry registry, int capacity) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.dropped = Counter.builder("identity_audit_events_dropped")
                .description("Audit events not stored: queue full or database write failed").register(registry);
        this.written = Counter.builder("identity_audit_events_written")
                .description("Audit events stored").register(registry);
        this.thread = new Thread(this::run, "identity-audit");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues {@code event} for writing; never blocks, never throws. */
    public void offer(AuditEvent event) {
        if (!closing && queue.offer(event)) {
            accepted.incrementAndGet();
        } else {
            drop(1, closing ? "the server is stopping" : "the queue is full (" + queue.size() + " waiting)", null);
        }
    }

    /** Events dropped so far. */
    public long dropped() {
        return (long) dropped.count();
    }

    /** Events written so far. */
    public long written() {
        return (long) written.count();
    }

    private void run() {
        List<AuditEvent> batch = new ArrayList<>(BATCH_SIZE);
        while (!(closing && queue.isEmpty())) {
            try {
                AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH_SIZE - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<AuditEvent> batch) {
        try {
            store.append(batch);
            written.increment(batch.size());
        } catch (RuntimeException e) {
            drop(batch.size(), "the database write failed", e);
        } finally {
            settled.addAndGet(batch.size());
        }
    }

    private void drop(int count, String why, RuntimeException cause) {
        dropped.increment(count);
        long now = System.nanoTime();
        if (now - lastWarning >= WARN_INTERVAL_NANOS) {
            lastWarning = now;
            LOG.warn("Audit events dropped ({} so far): {}; their log lines on {} were written{}", dropped(), why,
                    AuditLog.LOGGER_NAME, cause == null ? "" : " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")");
        }
    }

    /** Writes what is queued (up to {@link #CLOSE_TIMEOUT}), then stops; later events are dropped. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            drop(queue.size(), "the server stopped before they were written", null);
        }
    }

    /** Waits until every event queued so far is written or dropped (tests, and a clean stop). */
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long target = accepted.get();
        while (settled.get() < target && thread.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
