package dev.identityservice.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives a guarded URL at a steady rate with a set of bearer tokens, open loop: every {@link #TICK} it sends the
 * requests due since the last tick, asynchronously, with at most {@link #MAX_IN_FLIGHT} outstanding (a request that
 * finds no slot is counted as skipped, not queued, so a slow server shows as a lower rate rather than a backlog).
 */
final class LoadGenerator implements AutoCloseable {

    private static final Duration TICK = Duration.ofMillis(5);
    private static final int MAX_IN_FLIGHT = 64;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "load-generator");
        thread.setDaemon(true);
        return thread;
    });
    private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
    private final URI target;
    private final AtomicReference<List<String>> tokens;
    private final long startNanos = System.nanoTime();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong other = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private double carry;

    /** What the generator did. */
    record Stats(long sent, long ok, long refused, long other, long skipped, double seconds) {
        double rate() {
            return (ok + refused + other) / seconds;
        }

        @Override
        public String toString() {
            return String.format("%d requests in %.1f s (%.0f/s): %d 200, %d 401, %d other, %d skipped (no free slot)",
                    sent, seconds, rate(), ok, refused, other, skipped);
        }
    }

    private LoadGenerator(URI target, List<String> tokens, int perSecond) {
        this.target = target;
        this.tokens = new AtomicReference<>(List.copyOf(tokens));
        double perTick = perSecond * (TICK.toNanos() / 1e9);
        ticker.scheduleAtFixedRate(() -> tick(perTick), 0, TICK.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Starts sending {@code perSecond} GETs of {@code target}, each with one of {@code tokens} at random. */
    static LoadGenerator start(URI target, List<String> tokens, int perSecond) {
        return new LoadGenerator(target, tokens, perSecond);
    }

    /** Uses these tokens from now on (after a key revocation made the old ones invalid). */
    void tokens(List<String> replacement) {
        tokens.set(List.copyOf(replacement));
    }

    private void tick(double perTick) {
        carry += perTick;
        int due = (int) carry;
        carry -= due;
        List<String> current = tokens.get();
        for (int i = 0; i < due; i++) {
            if (!slots.tryAcquire()) {
                skipped.incrementAndGet();
                continue;
            }
            String token = current.get(ThreadLocalRandom.current().nextInt(current.size()));
            sent.incrementAndGet();
            HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token).GET().build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                slots.release();
                if (error != null) {
                    other.incrementAndGet();
                } else if (response.statusCode() == 200) {
                    ok.incrementAndGet();
                } else if (response.statusCode() == 401) {
                    refused.incrementAndGet();
                } else {
                    other.incrementAndGet();
                }
            });
        }
    }

    /** The counts so far. */
    Stats stats() {
        return new Stats(sent.get(), ok.get(), refused.get(), other.get(), skipped.get(),
                (System.nanoTime() - startNanos) / 1e9);
    }

    /** Stops sending and waits (up to 10 s) for the requests in flight. */
    @Override
    public void close() throws InterruptedException {
        ticker.shutdownNow();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        slots.tryAcquire(MAX_IN_FLIGHT, 10, TimeUnit.SECONDS);
    }
}
