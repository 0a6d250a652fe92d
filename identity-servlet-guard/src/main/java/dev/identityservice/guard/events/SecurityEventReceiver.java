package dev.identityservice.guard.events;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.GuardConfig.EventsSettings;
import dev.identityservice.guard.GuardListener;
import dev.identityservice.guard.ThrottledWarning;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.http.BoundedHttpClient;
import dev.identityservice.guard.jwks.CachingJwksSource;
import dev.identityservice.guard.jwks.IssuerDiscovery;
import dev.identityservice.guard.verify.SecurityEventTokenVerifier;
import dev.identityservice.guard.verify.SecurityEventTokenVerifier.RefusedException;
import dev.identityservice.guard.verify.SecurityEventTokenVerifier.SecurityEvent;
import dev.identityservice.guard.verify.SecurityEventTokenVerifier.UnknownKeyException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The guard's security-event receiver: on one daemon thread of its own it finds the transmitter (OpenID SSF 1.0
 * §7.1 metadata), gets a client_credentials token with scope {@code security_events} and renews it before it
 * expires, creates a poll stream, and long-polls it (RFC 8936 §2.4): each SET is verified ({@link
 * SecurityEventTokenVerifier}) and applied to the {@link DenyList}, acknowledged in the next poll, or refused and
 * reported in {@code setErrs}. A stream the transmitter lost (404) is created anew, which redelivers every event
 * still retained; errors back off, bounded and jittered. No request thread ever waits on it.
 *
 * <p>Freshness: the guard counts itself fresh until {@code max-staleness} after the last poll answer whose events
 * were all applied and that had no more pending ({@code moreAvailable} false: caught up); a long poll held open by the transmitter (shorter than {@code max-staleness}, its wait being
 * 10 s by default) therefore never makes it stale. It is stale before the first answer, and at once when an event
 * cannot be stored because the deny-list is full (the event is then not acknowledged, so it comes again once
 * entries expire). Requests read the freshness with one volatile read ({@link #freshAt(long)}).
 */
public final class SecurityEventReceiver implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SecurityEventReceiver.class.getName());
    private static final int MAX_EVENTS = 100;
    private static final long BACKOFF_MIN_MILLIS = 100;

    private final EventsSettings settings;
    private final Clock clock;
    private final GuardListener listener;
    private final DenyList deny;
    private final TransmitterClient client;
    private final SecurityEventTokenVerifier verifier;
    private final EventApplier applier;
    private final Duration pollTimeout;
    private final long backoffMaxMillis;
    private final ThrottledWarning failing;
    private final Set<String> ignoredTypes = ConcurrentHashMap.newKeySet();
    /** SETs signed with a key not (yet) in the key set, by jti: when first seen (epoch millis); receiver thread only. */
    private final Map<String, Long> unknownKeySince = new java.util.HashMap<>();
    private final long unknownKeyGraceMillis;
    private final Thread thread;

    private volatile long freshUntilMillis = Long.MIN_VALUE;
    private volatile long lastContactMillis = Long.MIN_VALUE;
    private volatile String lastProblem;
    private volatile TransmitterClient.Stream stream;
    private volatile boolean closed;

    /**
     * @param config    the guard's settings; {@link GuardConfig#events()} must not be null
     * @param http      the guard's bounded client
     * @param discovery the issuer's metadata (for its token endpoint)
     * @param keys      the issuer's keys, which verify the SETs and from which revoked keys are dropped
     * @param deny      the deny-list this receiver fills
     */
    public SecurityEventReceiver(GuardConfig config, BoundedHttpClient http, IssuerDiscovery discovery,
            CachingJwksSource keys, DenyList deny) {
        this.settings = config.events();
        this.clock = config.clock();
        this.listener = config.listener();
        this.deny = deny;
        String issuer = config.issuer().toString();
        this.client = new TransmitterClient(issuer, settings, http, discovery);
        this.verifier = new SecurityEventTokenVerifier(config, settings.clientId(), keys);
        this.applier = new EventApplier(issuer, deny, keys, config.clockSkew().toMillis());
        // A held poll must end (answered, or cut by us) before the guard would count itself stale.
        this.pollTimeout = settings.maxStaleness();
        this.unknownKeyGraceMillis = 2 * config.jwks().refetchInterval().toMillis();
        this.backoffMaxMillis = Math.max(1000, Math.min(30_000, settings.maxStaleness().toMillis() / 4));
        this.failing = new ThrottledWarning(message -> LOG.log(System.Logger.Level.WARNING, message),
                ThrottledWarning.INTERVAL_DEFAULT, clock);
        this.thread = new Thread(this::run, "guard-security-events");
        this.thread.setDaemon(true);
    }

    /** Starts polling in the background. */
    public void start() {
        thread.start();
    }

    /** Whether the guard counts itself fresh at {@code nowMillis}; one volatile read, for the request path. */
    public boolean freshAt(long nowMillis) {
        return nowMillis <= freshUntilMillis;
    }

    /** How long before {@code nowMillis} the stream last answered, or null if never. */
    public Duration sinceContact(long nowMillis) {
        long last = lastContactMillis;
        return last == Long.MIN_VALUE ? null : Duration.ofMillis(Math.max(0, nowMillis - last));
    }

    /** The receiver's view as it is now. */
    public EventFreshness freshness() {
        long now = clock.millis();
        long last = lastContactMillis;
        TransmitterClient.Stream current = stream;
        return new EventFreshness(last == Long.MIN_VALUE ? null : Instant.ofEpochMilli(last), settings.maxStaleness(),
                !freshAt(now), deny.size(), deny.overflowed(), current == null ? null : current.id(), lastProblem);
    }

    /** Stops polling and deletes the stream (best effort, bounded by the HTTP timeouts); idempotent. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        TransmitterClient.Transmitter transmitter = null;
        TransmitterClient.AccessToken token = null;
        List<String> acks = new ArrayList<>();
        Map<String, String[]> errs = new LinkedHashMap<>();
        boolean immediately = true;
        int failures = 0;
        while (!closed) {
            try {
                deny.prune(clock.millis());
                if (transmitter == null) {
                    transmitter = client.discover();
                }
                if (token == null || clock.millis() >= token.renewAtMillis()) {
                    token = client.token(transmitter, clock.millis());
                }
                if (stream == null) {
                    stream = client.createStream(transmitter, token);
                    acks.clear(); // acknowledgements belong to the old stream; the new one redelivers
                    errs.clear();
                    immediately = true;
                }
                TransmitterClient.Poll poll = client.poll(stream, token,
                        TransmitterClient.pollBody(MAX_EVENTS, immediately, acks, errs), pollTimeout);
                acks.clear();
                errs.clear();
                boolean allApplied = handle(poll.sets(), acks, errs);
                failures = 0;
                if (allApplied) {
                    long now = clock.millis();
                    lastContactMillis = now;
                    if (!poll.moreAvailable()) {
                        // Fresh only once caught up: a new stream's first answers hold the oldest events, and a
                        // revocation still waiting in a later batch must not meet a guard that counts itself fresh.
                        freshUntilMillis = now + settings.maxStaleness().toMillis();
                    }
                    lastProblem = null;
                    immediately = poll.moreAvailable();
                } else {
                    // Not acknowledged: they come again at once, so wait a little before asking.
                    immediately = true;
                    sleep(backoff(++failures));
                }
            } catch (TransmitterClient.StreamGoneException e) {
                stream = null;
                problem(e.getMessage());
                if (++failures > 1) {
                    sleep(backoff(failures));
                }
            } catch (TransmitterClient.UnauthorizedException e) {
                token = null;
                problem(e.getMessage());
                if (++failures > 1) {
                    sleep(backoff(failures));
                }
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    break;
                }
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (e instanceof RuntimeException) {
                    LOG.log(System.Logger.Level.DEBUG, "security-event receiver failed", e);
                }
                problem(reason);
                sleep(backoff(++failures));
            }
        }
        deleteStream(token);
    }

    /**
     * Verifies and applies each SET; fills the acknowledgements and errors of the next poll.
     *
     * @return whether every SET was applied, ignored or refused (none left for later)
     */
    private boolean handle(Map<String, String> sets, List<String> acks, Map<String, String[]> errs) {
        boolean all = true;
        for (Map.Entry<String, String> entry : sets.entrySet()) {
            String jti = entry.getKey();
            try {
                SecurityEvent event = verifier.verify(entry.getValue());
                if (!event.jti().equals(jti)) {
                    throw new RefusedException("invalid_request", "the SET's jti is not the one it was delivered as");
                }
                switch (applier.apply(event, clock.millis())) {
                    case APPLIED -> {
                        acks.add(jti);
                        listener.securityEventApplied(event.type());
                    }
                    case IGNORED -> {
                        acks.add(jti);
                        if (ignoredTypes.size() < 100 && ignoredTypes.add(event.type())) {
                            LOG.log(System.Logger.Level.INFO, "ignoring security events of type " + event.type());
                        }
                    }
                    case FULL -> {
                        all = false;
                        freshUntilMillis = Long.MIN_VALUE; // stale at once rather than forget a revocation
                        problem("the deny-list is full (events.max-entries " + settings.maxEntries()
                                + "): counting the guard stale until entries expire");
                    }
                }
            } catch (UnknownKeyException e) {
                // Reporting it would lose it (setErrs counts as delivered): leave it unacknowledged, so that it comes
                // again, until the key set has had time to be refetched (twice the unknown-kid refetch interval).
                long firstSeen = unknownKeySince.computeIfAbsent(jti, id -> clock.millis());
                if (clock.millis() - firstSeen < unknownKeyGraceMillis && unknownKeySince.size() <= MAX_EVENTS) {
                    all = false;
                    problem("security event " + jti + " is signed with a key the guard does not have yet");
                } else {
                    unknownKeySince.remove(jti);
                    refuse(jti, e, errs);
                }
            } catch (SecurityEventTokenVerifier.IssuedInTheFutureException e) {
                // Our clock, not the SET, may be wrong: reporting it would lose the revocation for good. It comes
                // again, and the guard stays stale (events.when-stale) until the clocks agree.
                all = false;
                problem("security event " + jti + " is dated ahead of the guard's clock by more than clock-skew");
            } catch (RefusedException e) {
                refuse(jti, e, errs);
            } catch (VerificationUnavailableException e) {
                all = false; // the issuer's keys cannot be had now: verify it when it comes again
                problem("cannot verify security events: " + e.getMessage());
            }
        }
        if (all) {
            unknownKeySince.clear();
        }
        return all;
    }

    private void refuse(String jti, RefusedException e, Map<String, String[]> errs) {
        errs.put(jti, new String[] {e.err(), e.getMessage()});
        listener.securityEventRefused(e.err(), e.getMessage());
        failing.warn("refused security event " + jti + ": " + e.err() + " (" + e.getMessage() + ")");
    }

    private void problem(String reason) {
        lastProblem = reason;
        Duration since = sinceContact(clock.millis());
        failing.warn("security-event stream: " + reason + (since == null ? " (never reached)"
                : " (last contact " + since.toSeconds() + " s ago)"));
    }

    private long backoff(int failures) {
        long ceiling = Math.min(backoffMaxMillis, BACKOFF_MIN_MILLIS << Math.min(failures, 20));
        return ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private void deleteStream(TransmitterClient.AccessToken token) {
        TransmitterClient.Stream current = stream;
        Thread.interrupted(); // the interrupt that stopped the loop must not abort the goodbye
        if (current == null || token == null) {
            return;
        }
        try {
            client.delete(current, token);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not delete stream " + current.id() + ": " + e.getMessage());
        }
        stream = null;
    }
}
