package dev.identityservice.server.observability;

import dev.identityservice.core.key.KeyRotationListener;
import dev.identityservice.core.token.refresh.RefreshTokenService;
import dev.identityservice.core.logout.BackChannelLogoutSender;
import dev.identityservice.core.AdmissionGate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Server;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The server's Prometheus metrics: its own counters, the per-endpoint latency histogram, and Micrometer's
 * binders for the JVM (memory, GC, threads, class loading, processor, uptime), the HikariCP pool
 * ({@link dev.identityservice.core.store.jdbc.Database#publishMetricsTo}) and Jetty (connections, thread pool,
 * request timing). Tags take values from small fixed sets (endpoint template, method, status class, outcome,
 * grant type, rotation reason, login channel and budget), never from request input, so that a client cannot
 * blow up their number.
 */
public final class ServerMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter loginsFailed = Counter.builder("identity.logins.failed")
            .description("Password logins refused: wrong credentials or throttled").register(registry);
    private final Counter loginsSucceeded = Counter.builder("identity.logins.succeeded")
            .description("Password logins accepted at the login page").register(registry);

    private final JvmGcMetrics gc = new JvmGcMetrics();

    /*
     * The meters of every request, by their tags. Registering a meter that exists finds it again, but only after
     * building and sorting its tags and its id (and, for the timer, its histogram settings): a few microseconds,
     * paid twice on every request. The tag values come from small fixed sets, so these maps stay small; no meter
     * of the registry is ever removed, so a meter found here is the registry's.
     */
    private record TimerTags(String endpoint, String method, String status) {
    }

    private record CounterTags(String endpoint, String outcome) {
    }

    private final java.util.concurrent.ConcurrentHashMap<TimerTags, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<CounterTags, Counter> requests = new java.util.concurrent.ConcurrentHashMap<>();

    /** A registry with the JVM binders bound. */
    public ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Binds Jetty's metrics before {@code server} starts: open connections and bytes per connector
     * ({@code jetty_connections_*}), the request thread pool ({@code jetty_threads_*}), and every request Jetty
     * answers, including those it refuses before Jersey ({@code jetty_server_requests_seconds} by method, status and
     * outcome: {@link JettyRequestTimer}, added beside the access log {@code server} already has).
     *
     * @throws NullPointerException when {@code server} has no request log yet
     */
    public void bindJetty(Server server) {
        JettyConnectionMetrics.addToAllConnectors(server, registry, Tags.empty());
        new JettyServerThreadPoolMetrics(server.getThreadPool(), Tags.empty()).bindTo(registry);
        RequestLog accessLog = Objects.requireNonNull(server.getRequestLog(), "the server's access log");
        // The timer first, so that its samples do not include writing the access log line.
        server.setRequestLog(new RequestLog.Collection(new JettyRequestTimer(registry), accessLog));
        // A collection is no life cycle: without this the server would no longer start the log it had (and the
        // access log's writer, which looks its logger up when started, would fail on every request).
        server.addBean(accessLog);
    }

    /**
     * The requests Jetty completed so far on every connector of the server bound with {@link #bindJetty}, whatever
     * their status: the count of {@code jetty_server_requests_seconds}; 0 before it is bound. It reads the timers'
     * counts (a few dozen), so it costs nothing per request; call it now and then, not per request.
     */
    public long requestsCompleted() {
        long completed = 0;
        for (Timer timer : registry.find(JettyRequestTimer.NAME).timers()) {
            completed += timer.count();
        }
        return completed;
    }

    /**
     * Binds the main port's admission: {@code identity_http_requests_waiting}, the requests waiting to execute now
     * (those refused after {@code http.queue.timeout} are the 503s of {@code jetty_server_requests_seconds}).
     */
    public void bindAdmission(AdmissionGate gate) {
        Gauge.builder("identity.http.requests.waiting", gate, AdmissionGate::waiting)
                .description("Requests waiting to execute (http.concurrency execute at once)")
                .register(registry);
    }

    /** {@code method} when it is one of the standard methods, else {@code other}: a tag value from a fixed set. */
    public static String method(String method) {
        return JettyRequestTimer.methodTag(method);
    }

    /**
     * One request answered: {@code identity_http_server_requests_seconds{endpoint, method, status}}, a histogram
     * (Prometheus buckets) so that percentiles can be computed across instances.
     *
     * @param endpoint the matched path template, or {@code unmatched}
     * @param status   the status class, {@code 2xx} to {@code 5xx}
     */
    public void requestTimed(String endpoint, String method, String status, long nanos) {
        TimerTags key = new TimerTags(endpoint, method, status);
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, tags -> Timer.builder("identity.http.server.requests")
                    .description("Requests answered by the identity server's endpoints")
                    .tags("endpoint", tags.endpoint(), "method", tags.method(), "status", tags.status())
                    .publishPercentileHistogram()
                    .register(registry));
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One request answered by {@code endpoint} with {@code outcome} (success, client_error, server_error, ...). */
    public void request(String endpoint, String outcome) {
        CounterTags key = new CounterTags(endpoint, outcome);
        Counter counter = requests.get(key);
        if (counter == null) {
            counter = requests.computeIfAbsent(key,
                    tags -> registry.counter("identity.http.requests", "endpoint", tags.endpoint(), "outcome", tags.outcome()));
        }
        counter.increment();
    }

    public void tokenIssued(String grantType) {
        registry.counter("identity.tokens.issued", "grant_type", grantType).increment();
    }

    public void loginFailed() {
        loginsFailed.increment();
    }

    /**
     * One password login decided: {@code channel} is {@code token} (password grant) or {@code form} (login page),
     * {@code outcome} is {@code success}, {@code failure} (wrong credentials) or {@code throttled} (refused unhashed).
     */
    public void loginAttempt(String channel, String outcome) {
        registry.counter("identity.login.attempts", "channel", channel, "outcome", outcome).increment();
    }

    /** A login refused because {@code budget} (account_address, address, account, device) was spent. */
    public void loginThrottled(String budget) {
        registry.counter("identity.login.throttled", "budget", budget).increment();
    }

    /** A user signed in at the login page (password grants count as issued tokens instead). */
    public void loginSucceeded() {
        loginsSucceeded.increment();
    }

    /**
     * For the engine builder: a rotated refresh token was presented again. Counted as
     * {@code identity_refresh_reuse_detected_total{outcome="concurrent"|"within_grace"|"family_revoked"}}.
     */
    public RefreshTokenService.ReuseListener reuseListener() {
        return (tenantId, clientId, outcome) -> registry.counter("identity.refresh.reuse.detected",
                "outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)).increment();
    }

    /** For the engine builder: the active signing key changed. */
    public KeyRotationListener rotationListener() {
        return (tenantId, kid, reason) -> registry.counter("identity.key.rotations", "reason", reason.name().toLowerCase(java.util.Locale.ROOT)).increment();
    }

    /**
     * Back-channel logout attempts by outcome (delivered, retrying, abandoned, dropped): the counter
     * {@code identity.backchannel.logouts} (OIDC Back-Channel Logout 1.0 §2.5).
     */
    public BackChannelLogoutSender.Listener logoutListener() {
        return (tenantId, clientId, outcome) -> registry.counter("identity.backchannel.logouts",
                "outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)).increment();
    }

    /** The Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    /** Stops the GC listener (it holds JMX notification listeners otherwise). */
    @Override
    public void close() {
        gc.close();
    }
}
