package dev.identityservice.server.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.NanoTime;

/**
 * {@code jetty_server_requests_seconds{method, outcome, status}}: every request Jetty answers, on any connector,
 * including those refused before the application (malformed headers, the admission gate's 503, error pages),
 * timed from the moment Jetty began reading it until its response completed (Jetty calls the request log then).
 *
 * <p>Why not Micrometer's {@code TimedHandler} (micrometer-jetty12), which gives this timer under the same name and
 * tags: it wraps every request and response, builds the tags and looks the timer up in the registry for each
 * request, and keeps two long-task samples per request: 9-17 % of the CPU per request of the cheapest one, the key
 * set, at 16 and 64 connections on JDK 17 and 25 (BENCHMARKS.md, "the per-request timer in the request log").
 * Jetty already calls its request log once per completed request with the final status and the time the request
 * began, so the timer is recorded there, with one meter per method and status built once and kept.
 *
 * <p>Tag values come from fixed sets: a standard method or {@code other}, a status from 100 to 599 or
 * {@code UNKNOWN}, and Micrometer's outcome for that status.
 */
public final class JettyRequestTimer implements RequestLog {

    /** The Micrometer name; Prometheus shows it as {@code jetty_server_requests_seconds}. */
    public static final String NAME = "jetty.server.requests";

    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"};
    private static final int FIRST_STATUS = 100;
    private static final int STATUSES = 600 - FIRST_STATUS;
    /** The slot, in each method's row, for a status outside 100-599. */
    private static final int UNKNOWN_STATUS = STATUSES;

    private final MeterRegistry registry;
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(METHODS.length * (STATUSES + 1));

    /**
     * A timer recording into {@code registry}. Jetty has one request log per server: give it this one beside any other
     * (the access log) in a {@link RequestLog.Collection}, as {@link ServerMetrics#bindJetty} does.
     */
    public JettyRequestTimer(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records one completed request: called by Jetty once per request, on the thread that completed it. */
    @Override
    public void log(Request request, Response response) {
        timer(methodIndex(request.getMethod()), response.getStatus())
                .record(NanoTime.since(request.getBeginNanoTime()), TimeUnit.NANOSECONDS);
    }

    private Timer timer(int method, int status) {
        int statusSlot = status >= FIRST_STATUS && status < FIRST_STATUS + STATUSES ? status - FIRST_STATUS : UNKNOWN_STATUS;
        int slot = method * (STATUSES + 1) + statusSlot;
        Timer timer = timers.get(slot);
        if (timer == null) {
            // Registering again finds the registry's meter, so two threads racing here record into the same one.
            timer = Timer.builder(NAME)
                    .description("HTTP requests to the Jetty server")
                    .tags("method", METHODS[method],
                            "status", statusSlot == UNKNOWN_STATUS ? "UNKNOWN" : Integer.toString(status),
                            "outcome", statusSlot == UNKNOWN_STATUS ? Outcome.UNKNOWN.name() : Outcome.forStatus(status).name())
                    .register(registry);
            timers.set(slot, timer);
        }
        return timer;
    }

    /** {@code method} when it is one of the standard methods, else {@code other}: a tag value from a fixed set. */
    static String methodTag(String method) {
        return METHODS[methodIndex(method)];
    }

    /** The row of {@code method} in {@link #METHODS}: the standard methods by name, anything else {@code other}. */
    private static int methodIndex(String method) {
        switch (method) {
            case "GET": return 0;
            case "HEAD": return 1;
            case "POST": return 2;
            case "PUT": return 3;
            case "PATCH": return 4;
            case "DELETE": return 5;
            case "OPTIONS": return 6;
            default: return METHODS.length - 1;
        }
    }
}
