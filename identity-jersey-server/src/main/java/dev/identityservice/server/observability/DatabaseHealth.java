package dev.identityservice.server.observability;

import dev.identityservice.core.store.jdbc.Database;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the database is reachable, answered within {@link #PROBE_TIMEOUT} however slow the database is:
 * one check at a time runs on a thread of its own (callers share it, so a flood of probes cannot pile up
 * connections or threads). A request that met the database down ({@link #markDown}) makes readiness false at
 * once; the first check after {@link #RESULT_TTL} sees it back.
 */
public final class DatabaseHealth implements AutoCloseable {

    /** The longest a readiness answer waits for the database: 1 second. */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    /** How long a "down" stands before the database is probed again: 1 second. */
    static final Duration RESULT_TTL = Duration.ofSeconds(1);
    /**
     * The {@code Retry-After} of a 503 while the database is down: 5 seconds, a few readiness periods, so that
     * clients come back soon after it returns without hammering the pool meanwhile.
     */
    public static final int RETRY_AFTER_SECONDS = 5;

    private final Database database;
    private final ExecutorService checker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "identity-db-health");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<CompletableFuture<Boolean>> inFlight = new AtomicReference<>();
    private volatile Result last = new Result(true, 0);

    public DatabaseHealth(Database database) {
        this.database = database;
    }

    /**
     * Whether the database answered within {@link #PROBE_TIMEOUT}; never blocks longer than that. A "down" stands
     * for {@link #RESULT_TTL} (no probe meanwhile); an "up" is never reused, so readiness turns false at the first
     * probe after the database went away.
     */
    public boolean reachable() {
        Result known = last;
        if (!known.up && System.nanoTime() - known.checkedAtNanos < RESULT_TTL.toNanos()) {
            return false;
        }
        try {
            return check().get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /** A request failed because the database could not be reached: readiness is false until a check sees it again. */
    public void markDown() {
        last = new Result(false, System.nanoTime());
    }

    /** The check in flight, or a new one. */
    private CompletableFuture<Boolean> check() {
        CompletableFuture<Boolean> running = inFlight.get();
        if (running != null && !running.isDone()) {
            return running;
        }
        CompletableFuture<Boolean> next = new CompletableFuture<>();
        if (!inFlight.compareAndSet(running, next)) {
            CompletableFuture<Boolean> other = inFlight.get();
            return other != null ? other : next;
        }
        try {
            checker.execute(() -> {
                boolean up = false;
                try {
                    up = database.isReachable((int) Math.max(1, PROBE_TIMEOUT.toSeconds()));
                } finally {
                    last = new Result(up, System.nanoTime());
                    next.complete(up);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            next.complete(false);
        }
        return next;
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }

    private record Result(boolean up, long checkedAtNanos) {
    }
}
