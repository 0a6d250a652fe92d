package dev.identityservice.server.ssf;

import dev.identityservice.core.change.Change;
import dev.identityservice.core.change.ChangeNotifier;
import dev.identityservice.core.event.EventStream;
import dev.identityservice.core.event.SecurityEvent;
import dev.identityservice.core.event.SecurityEventTokens;
import dev.identityservice.core.event.SecurityEvents;
import dev.identityservice.server.http.Json;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers polls (RFC 8936 §2.4) and holds long polls without a request thread: a poll that finds nothing pending
 * is parked as an {@link AsyncResponse} until an event is raised for its tenant on any instance
 * ({@link Change.Kind#SECURITY_EVENTS} through the {@link ChangeNotifier}: PostgreSQL LISTEN/NOTIFY between instances),
 * until a periodic re-check ({@link #RECHECK_INTERVAL}, for a notification that was lost) finds one, or until the
 * maximum wait passes (then it answers no SETs). The re-reads run on a small pool of this class's own threads. At
 * most {@link #MAX_PARKED_PER_STREAM} polls are held per stream; a newer one answers the oldest at once.
 */
public final class LongPolls implements AutoCloseable {

    /** How often every parked poll re-reads its stream, whatever the notifications said: 2 seconds. */
    public static final Duration RECHECK_INTERVAL = Duration.ofSeconds(2);
    /**
     * The most polls held at once on one stream: 4. A receiver needs one; a few more cover polls it abandoned (its
     * client timed out first). Past it the oldest is answered at once with no SETs, so that no receiver can park
     * polls without end: each holds a connection and costs a re-read every {@link #RECHECK_INTERVAL} on the
     * threads that answer every tenant's polls.
     */
    public static final int MAX_PARKED_PER_STREAM = 4;
    /** Threads that re-read and answer parked polls. */
    private static final int THREADS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(LongPolls.class);

    private final SecurityEvents events;
    private final SecurityEventTokens tokens;
    private final Duration maxWait;
    private final ScheduledExecutorService executor;
    private final Map<String, Set<Waiter>> waiting = new ConcurrentHashMap<>();
    /** The parked polls of each stream, oldest first; each queue changed only inside {@code compute} on its key. */
    private final Map<String, java.util.ArrayDeque<Waiter>> byStream = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param maxWait how long a poll is held when nothing is pending ({@code security-events.poll.max-wait}) */
    public LongPolls(SecurityEvents events, SecurityEventTokens tokens, Duration maxWait, ChangeNotifier changes) {
        this.events = events;
        this.tokens = tokens;
        this.maxWait = maxWait;
        this.executor = Executors.newScheduledThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "ssf-polls");
            thread.setDaemon(true);
            return thread;
        });
        changes.subscribe(this::changed);
        long recheck = RECHECK_INTERVAL.toMillis();
        executor.scheduleWithFixedDelay(() -> waiting.keySet().forEach(this::wake), recheck, recheck, TimeUnit.MILLISECONDS);
    }

    /** A parked poll. */
    private static final class Waiter {
        final Receiver receiver;
        final EventStream stream;
        final int maxEvents;
        final AsyncResponse response;
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicBoolean checkQueued = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        Waiter(Receiver receiver, EventStream stream, int maxEvents, AsyncResponse response) {
            this.receiver = receiver;
            this.stream = stream;
            this.maxEvents = maxEvents;
            this.response = response;
        }
    }

    /**
     * Applies the poll's acknowledgements, then answers at once when events are pending, when the receiver asked
     * to return immediately or asked for none ({@code maxEvents} 0); otherwise parks the poll. Runs on the request
     * thread; a database failure is thrown to it.
     */
    void poll(Receiver receiver, EventStream stream, PollRequest request, AsyncResponse response) {
        events.acknowledge(stream, request.acknowledged());
        if (!request.errorCodes().isEmpty()) {
            // The codes only (RFC 8936 §2.4.3 defines them); the descriptions are the receiver's free text.
            LOG.warn("Receiver {} of tenant {} reported {} SET(s) it could not process: {}", receiver.clientId(),
                    receiver.tenant().id(), request.errorCodes().size(), Set.copyOf(request.errorCodes().values()));
        }
        if (request.maxEvents() == 0) {
            response.resume(render(receiver, List.of(), false));
            return;
        }
        Response pending = pending(receiver, stream, request.maxEvents());
        if (pending != null || request.returnImmediately() || closed) {
            response.resume(pending != null ? pending : render(receiver, List.of(), false));
            return;
        }
        Waiter waiter = new Waiter(receiver, stream, request.maxEvents(), response);
        // Registered per stream before anything can finish it, so that finishing always unregisters it.
        List<Waiter> superseded = new java.util.ArrayList<>();
        byStream.compute(stream.id(), (id, queue) -> {
            java.util.ArrayDeque<Waiter> parked = queue == null ? new java.util.ArrayDeque<>() : queue;
            parked.addLast(waiter);
            while (parked.size() > MAX_PARKED_PER_STREAM) {
                superseded.add(parked.pollFirst());
            }
            return parked;
        });
        for (Waiter oldest : superseded) {
            finish(oldest, render(oldest.receiver, List.of(), false));
        }
        waiting.computeIfAbsent(receiver.tenant().id(), tenant -> ConcurrentHashMap.newKeySet()).add(waiter);
        if (waiter.done.get()) {
            forget(waiter); // a newer poll of the stream answered it before it was parked here
            return;
        }
        waiter.timeout = executor.schedule(() -> finish(waiter, render(receiver, List.of(), false)),
                maxWait.toMillis(), TimeUnit.MILLISECONDS);
        // An event raised between the read above and the parking woke nobody: look once more.
        queueCheck(waiter);
    }

    /** The answer with the pending events, or {@code null} when there are none. */
    private Response pending(Receiver receiver, EventStream stream, int maxEvents) {
        List<SecurityEvent> found = events.pending(stream, maxEvents + 1);
        if (found.isEmpty()) {
            return null;
        }
        boolean more = found.size() > maxEvents;
        return render(receiver, more ? found.subList(0, maxEvents) : found, more);
    }

    private Response render(Receiver receiver, List<SecurityEvent> found, boolean moreAvailable) {
        Map<String, String> sets = new LinkedHashMap<>();
        for (SecurityEvent event : found) {
            sets.put(event.id(), tokens.sign(receiver.tenant(), receiver.clientId(), event));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sets", sets);
        body.put("moreAvailable", moreAvailable);
        return Json.noStore(body);
    }

    private void changed(Change change) {
        if (change.kind() == Change.Kind.SECURITY_EVENTS) {
            wake(change.tenantId());
        } else if (change.kind() == Change.Kind.EVERYTHING) {
            waiting.keySet().forEach(this::wake);
        }
    }

    private void wake(String tenantId) {
        Set<Waiter> parked = waiting.get(tenantId);
        if (parked != null) {
            parked.forEach(this::queueCheck);
        }
    }

    /** At most one re-read queued per poll however many wake-ups arrive meanwhile. */
    private void queueCheck(Waiter waiter) {
        if (waiter.done.get() || !waiter.checkQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                waiter.checkQueued.set(false);
                check(waiter);
            });
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            finish(waiter, render(waiter.receiver, List.of(), false));
        }
    }

    private void check(Waiter waiter) {
        if (waiter.done.get()) {
            return;
        }
        try {
            Response pending = pending(waiter.receiver, waiter.stream, waiter.maxEvents);
            if (pending != null) {
                finish(waiter, pending);
            }
        } catch (RuntimeException e) {
            // Mapped like a request's own failure: a database outage is a 503, anything else a 500 without detail.
            if (waiter.done.compareAndSet(false, true)) {
                forget(waiter);
                waiter.response.resume(e);
            }
        }
    }

    private void finish(Waiter waiter, Response answer) {
        if (waiter.done.compareAndSet(false, true)) {
            forget(waiter);
            waiter.response.resume(answer);
        }
    }

    private void forget(Waiter waiter) {
        ScheduledFuture<?> timeout = waiter.timeout;
        if (timeout != null) {
            timeout.cancel(false);
        }
        Set<Waiter> parked = waiting.get(waiter.receiver.tenant().id());
        if (parked != null) {
            parked.remove(waiter);
        }
        byStream.computeIfPresent(waiter.stream.id(), (id, queue) -> {
            queue.remove(waiter);
            return queue.isEmpty() ? null : queue;
        });
    }

    /** How many polls are parked now. */
    public int parked() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }

    /** Answers every parked poll with no SETs and stops the threads; the server calls it before it stops Jetty. */
    @Override
    public void close() {
        closed = true;
        for (Set<Waiter> parked : waiting.values()) {
            for (Waiter waiter : List.copyOf(parked)) {
                finish(waiter, render(waiter.receiver, List.of(), false));
            }
        }
        executor.shutdownNow();
    }
}
