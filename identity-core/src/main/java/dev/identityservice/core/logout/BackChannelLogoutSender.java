package dev.identityservice.core.logout;

import dev.identityservice.core.ThrottledLog;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientStore;
import dev.identityservice.core.session.LoginSession;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.LogoutTokenIssuer;
import dev.identityservice.core.outbound.OutboundHttp;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued back-channel logouts (OpenID Connect Back-Channel Logout 1.0 §2.5): a logout token POSTed
 * as {@code application/x-www-form-urlencoded} {@code logout_token=...} to the client's
 * {@code backchannel_logout_uri}, on background threads, so that ending a session never waits for a receiver.
 *
 * <p>A 2xx answer (§2.8 asks for 200; some frameworks send 204) delivers it. A 5xx, 408, 429, a timeout or a
 * connection failure is retried with a doubling delay ({@link BackChannelLogoutSettings}) until the attempts or
 * the age run out; any other 4xx (the receiver refuses the token, §2.8) and a client deleted or without a URI
 * meanwhile end it at once. Redirects are not followed: the registered URI is the only place a token goes.
 * The POST goes through {@link OutboundHttp}: a URI that leads to a loopback, private or other non-public address
 * (checked on the address connected to, so DNS rebinding does not help) is refused and the logout abandoned,
 * unless the server allows private addresses.
 * Every entry is leased in the shared queue before it is sent, so with several instances each attempt is made
 * by one of them. Outcomes go to the {@link Listener} (a metric) and the log; the token is never logged.
 */
public final class BackChannelLogoutSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackChannelLogoutSender.class);

    /** What became of one attempt. */
    public enum Outcome {
        /** The receiver answered 2xx. */
        DELIVERED,
        /** The attempt failed; another is scheduled. */
        RETRYING,
        /** The attempt failed and no other will be made (attempts or age used up, or a 4xx refusal). */
        ABANDONED,
        /** Nothing to send any more: the client or its URI is gone. */
        DROPPED
    }

    /** Told the outcome of every attempt (for a metric); must not block. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (tenantId, clientId, outcome) -> { };

        void attempted(String tenantId, String clientId, Outcome outcome);
    }

    /** How long {@link #close} waits for interrupted deliveries to record their attempt. */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final PendingLogoutStore queue;
    private final ClientStore clients;
    private final Function<String, Optional<Tenant>> tenants;
    private final LogoutTokenIssuer tokens;
    private final Clock clock;
    private final BackChannelLogoutSettings settings;
    private final Listener listener;
    private final OutboundHttp http;
    private final Semaphore slots;
    private final Semaphore wakeUp = new Semaphore(0);
    private final ExecutorService senders;
    private volatile Thread poller;
    private volatile boolean closed;
    /**
     * Failure lines, at most one per kind and interval: a receiver that keeps failing or a database outage would
     * otherwise write a line per logout or per poll (every second) for as long as it lasts.
     */
    private final ThrottledLog failureLines;

    /**
     * @param http the one client of clients' URLs, with the server's address policy
     */
    public BackChannelLogoutSender(PendingLogoutStore queue, ClientStore clients, Function<String, Optional<Tenant>> tenants,
                                   LogoutTokenIssuer tokens, Clock clock, BackChannelLogoutSettings settings, Listener listener,
                                   OutboundHttp http) {
        this.queue = queue;
        this.clients = clients;
        this.tenants = tenants;
        this.tokens = tokens;
        this.clock = clock;
        this.settings = settings;
        this.listener = listener;
        this.http = http;
        this.failureLines = new ThrottledLog(ThrottledLog.INTERVAL_DEFAULT, clock);
        this.slots = new Semaphore(settings.concurrency());
        this.senders = Executors.newFixedThreadPool(settings.concurrency(), runnable -> {
            Thread thread = new Thread(runnable, "backchannel-logout");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts reading the queue every {@code pollInterval} and on {@link #wakeUp()}. */
    public synchronized void start() {
        if (poller != null || closed) {
            return;
        }
        poller = new Thread(this::pollUntilClosed, "backchannel-logout-queue");
        poller.setDaemon(true);
        poller.start();
    }

    /** Reads the queue now rather than at the next interval: this instance has just queued logouts. */
    public void wakeUp() {
        wakeUp.release();
    }

    private void pollUntilClosed() {
        while (!closed) {
            try {
                wakeUp.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wakeUp.drainPermits();
                sendDue();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failureLines.log("queue", "Reading the back-channel logout queue failed; will retry: " + e, LOG::warn);
            }
        }
    }

    /**
     * Takes as many due logouts as there are free sender slots and hands each to a sender thread.
     *
     * @return how many were taken
     */
    public int sendDue() {
        int free = slots.availablePermits();
        if (free == 0) {
            return 0;
        }
        Instant now = clock.instant();
        List<PendingLogout> due = queue.due(now, free);
        int taken = 0;
        for (PendingLogout entry : due) {
            if (!slots.tryAcquire()) {
                break;
            }
            boolean submitted = false;
            try {
                if (queue.claim(entry, now, now.plus(settings.lease()))) {
                    senders.execute(() -> {
                        try {
                            deliver(entry);
                        } finally {
                            slots.release();
                        }
                    });
                    submitted = true;
                    taken++;
                }
            } finally {
                if (!submitted) {
                    slots.release();
                }
            }
        }
        return taken;
    }

    private void deliver(PendingLogout entry) {
        int attempt = entry.attempts() + 1;
        try {
            Optional<Client> client = clients.find(entry.tenantId(), entry.clientId());
            Optional<Tenant> tenant = tenants.apply(entry.tenantId());
            if (client.isEmpty() || client.get().backchannelLogoutUri() == null || tenant.isEmpty()) {
                queue.remove(entry);
                report(entry, Outcome.DROPPED, attempt, "the client or its back-channel logout URI is gone");
                return;
            }
            String token = tokens.issue(tenant.get(), client.get(), entry.userId(), LoginSession.sidOf(entry.sessionId()));
            String failure = post(client.get().backchannelLogoutUri(), token);
            if (failure == null) {
                queue.remove(entry);
                report(entry, Outcome.DELIVERED, attempt, "delivered");
            } else {
                failed(entry, attempt, failure, failure.startsWith("refused"));
            }
        } catch (RuntimeException e) {
            failed(entry, attempt, e.getClass().getSimpleName(), false);
        }
    }

    /** POSTs the token; {@code null} on success, else why not (never the token). */
    private String post(String uri, String token) {
        try {
            // The whole exchange, body included, within the bound: a receiver that trickles bytes is cut off too.
            int status = http.postForm(URI.create(uri), "logout_token=" + URLEncoder.encode(token, StandardCharsets.US_ASCII),
                    settings.requestTimeout());
            if (status >= 200 && status < 300) {
                return null;
            }
            boolean permanent = status >= 400 && status < 500 && status != 408 && status != 429;
            return (permanent ? "refused with HTTP " : "HTTP ") + status;
        } catch (OutboundHttp.RefusedAddressException e) {
            // Permanent: the address will not become allowed by retrying.
            return "refused by the address policy: " + e.getMessage();
        } catch (SocketTimeoutException e) {
            return "no answer within " + settings.requestTimeout();
        } catch (ClosedByInterruptException e) {
            // Only close() interrupts: the flag is cleared so that the attempt can still be recorded (its
            // lease lifted) before the database closes; the task ends right after.
            Thread.interrupted();
            return "interrupted by shutdown";
        } catch (IOException | IllegalArgumentException e) {
            return e.getClass().getSimpleName();
        }
    }

    private void failed(PendingLogout entry, int attempt, String reason, boolean permanent) {
        Instant now = clock.instant();
        Duration delay = settings.retryDelay(attempt);
        Instant next = now.plus(delay);
        try {
            if (permanent || attempt >= settings.maxAttempts() || next.isAfter(entry.createdAt().plus(settings.maxAge()))) {
                queue.remove(entry);
                report(entry, Outcome.ABANDONED, attempt, reason);
            } else {
                queue.retryAt(entry, next);
                report(entry, Outcome.RETRYING, attempt, reason);
                // Retried on time rather than at the next poll (a retry delay may be shorter than the interval).
                CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS).execute(this::wakeUp);
            }
        } catch (RuntimeException e) {
            // The lease runs out and the entry becomes due again: nothing is lost.
            failureLines.log("record", "Back-channel logout to client " + entry.clientId() + " (tenant " + entry.tenantId()
                    + "): could not record attempt " + attempt + ": " + e, LOG::warn);
        }
    }

    private void report(PendingLogout entry, Outcome outcome, int attempt, String detail) {
        switch (outcome) {
            case DELIVERED -> LOG.debug("Back-channel logout delivered to client {} (tenant {}), attempt {}",
                    entry.clientId(), entry.tenantId(), attempt);
            // One line per outcome and interval, naming one of the logouts; the metric (listener) counts every one.
            case RETRYING -> failureLines.log("retrying", "Back-channel logout to client " + entry.clientId() + " (tenant "
                    + entry.tenantId() + ") failed at attempt " + attempt + " (" + detail + "); will retry", LOG::info);
            case ABANDONED -> failureLines.log("abandoned", "Back-channel logout to client " + entry.clientId() + " (tenant "
                    + entry.tenantId() + ") given up after attempt " + attempt + " (" + detail + ")", LOG::warn);
            case DROPPED -> failureLines.log("dropped", "Back-channel logout to client " + entry.clientId() + " (tenant "
                    + entry.tenantId() + ") dropped: " + detail, LOG::info);
        }
        try {
            listener.attempted(entry.tenantId(), entry.clientId(), outcome);
        } catch (RuntimeException e) {
            LOG.warn("Back-channel logout listener failed", e);
        }
    }

    /**
     * Stops reading the queue and cuts POSTs in flight short, waiting up to {@link #CLOSE_WAIT} for them to record
     * the attempt, so that the next instance to run retries them at once; one that cannot (the database is gone)
     * is retried when its lease runs out. Call before the database closes.
     */
    @Override
    public void close() {
        closed = true;
        Thread running = poller;
        if (running != null) {
            running.interrupt();
        }
        senders.shutdownNow();
        try {
            if (!senders.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Back-channel logouts in flight did not stop within {}; their leases will run out", CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
