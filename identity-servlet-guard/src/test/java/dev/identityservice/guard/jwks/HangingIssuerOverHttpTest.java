package dev.identityservice.guard.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.GuardConfig.JwksSettings;
import dev.identityservice.guard.ThrottledWarning;
import dev.identityservice.guard.jaxrs.GuardFeature;
import dev.identityservice.guard.servlet.BearerTokenFilter;
import dev.identityservice.guard.testing.Concurrently;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.HoldTimeFilter;
import dev.identityservice.guard.testing.HttpCalls;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import dev.identityservice.guard.testing.WebApps;
import jakarta.servlet.DispatcherType;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 7 over real HTTP, in both deployment styles: the issuer's JWKS endpoint accepts
 * connections and never answers, and {@value #REQUESTS} concurrent requests arrive, two in three with a
 * {@code kid} the guard has not cached. A request whose key is cached is answered without waiting for
 * the hanging fetch; an unknown {@code kid} gets 503 within the documented {@code jwks-max-wait}
 * (500 ms by default); the flood causes one fetch; the 503s log one throttled warning, not one each.
 * ({@link HangingIssuerTest} is the same at the verifier, without HTTP.)
 */
class HangingIssuerOverHttpTest {
    static final String AUDIENCE = "orders-api";
    static final TestKey CACHED = TestKey.rsa("cached");
    static final TestKey NOT_YET_PUBLISHED = TestKey.rsa("rotated-in");
    static final int REQUESTS = 300;
    /** One fetch's limit, as the web.xml sets it: what a request would wait if it waited for the fetch. */
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);
    /** The documented default bound for an unknown kid (README: {@code jwks-max-wait}). */
    static final Duration MAX_WAIT = JwksSettings.MAX_WAIT_DEFAULT;
    /**
     * Room for scheduling {@value #REQUESTS} HTTP exchanges on a shared two-core machine: at a load average of
     * 34 a cached key's request held its thread 2.4 s at worst (median 0.5 s), with the fetch hanging for 30 s.
     */
    static final Duration SLACK = Duration.ofSeconds(3);

    FakeIssuer issuer = FakeIssuer.start(CACHED);
    Server server;

    @AfterEach
    void stop() throws Exception {
        issuer.close(); // releases the held fetch first
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void getWhenJwksHangsBehindWebXmlFilterThenCachedKeysAnsweredAtOnceAndUnknownKids503WithinMaxWait(
            @TempDir java.nio.file.Path webapp) throws Exception {
        WebApps.Deployed app = WebApps.deploy("guard-hanging-webapp", webapp, issuer.url());
        server = app.server();
        assertHangingIssuerHoldsNoRequest(app.base() + "/api/orders", BearerTokenFilter.class.getName());
    }

    @Test
    void getWhenJwksHangsBehindJerseyFeatureThenCachedKeysAnsweredAtOnceAndUnknownKids503WithinMaxWait()
            throws Exception {
        GuardConfig config = GuardConfig.builder().issuer(issuer.url()).audience(AUDIENCE)
                .httpReadTimeout(FETCH_TIMEOUT).build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(HoldTimeFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new ServletContainer(
                new ResourceConfig(Orders.class).register(new GuardFeature(config)))), "/*");
        server.setHandler(context);
        server.start();
        assertHangingIssuerHoldsNoRequest("http://127.0.0.1:" + connector.getLocalPort() + "/orders",
                "dev.identityservice.guard.jaxrs.BearerAuthenticationFilter");
    }

    @Path("/orders")
    public static class Orders {
        @GET
        public String orders(@Context SecurityContext security) {
            return "orders of " + security.getUserPrincipal().getName();
        }
    }

    /** A request's status and how long it took, in milliseconds. */
    record Timed(int status, String retryAfter, long millis) {
    }

    private void assertHangingIssuerHoldsNoRequest(String url, String filterLogger) throws Exception {
        Clock clock = Clock.systemUTC();
        // The first fetch (started when the guard starts) lands; the cached key then serves.
        int status = 0;
        for (int i = 0; i < 500 && status != 200; i++) {
            status = HttpCalls.get(url, "Bearer " + TestTokens.accessToken(issuer.url(), AUDIENCE, CACHED, clock).sign())
                    .statusCode();
            Thread.sleep(status == 200 ? 0 : 20);
        }
        assertEquals(200, status);
        assertEquals(1, issuer.jwksFetches.get());

        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) { // distinct tokens: each is verified, none is a cache hit
            tokens.add(TestTokens.accessToken(issuer.url(), AUDIENCE, i % 3 == 0 ? CACHED : NOT_YET_PUBLISHED, clock)
                    .sign());
        }
        issuer.hang();
        HoldTimeFilter.MILLIS.clear();
        List<Concurrently.Outcome<Timed>> outcomes;
        long burstStart = System.nanoTime();
        long burstMillis;
        try (WarningCount filterWarnings = new WarningCount(filterLogger)) {
            outcomes = Concurrently.run(REQUESTS, REQUESTS, i -> () -> {
                long start = System.nanoTime();
                HttpResponse<String> response = HttpCalls.get(url, "Bearer " + tokens.get(i));
                return new Timed(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
                        (System.nanoTime() - start) / 1_000_000);
            });
            burstMillis = (System.nanoTime() - burstStart) / 1_000_000;
            // Without the throttle this would be one line per 503, two hundred of them.
            assertTrue(filterWarnings.count() <= 1 + burstMillis / ThrottledWarning.INTERVAL_DEFAULT.toMillis(),
                    filterWarnings.count() + " warnings for the 503s in " + burstMillis + " ms");
        }
        List<Long> cachedHeld = new ArrayList<>();
        List<Long> unknownHeld = new ArrayList<>();
        List<Long> cachedTotal = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            assertTrue(outcomes.get(i).ok(), String.valueOf(outcomes.get(i).error()));
            Timed t = outcomes.get(i).value();
            Long held = HoldTimeFilter.MILLIS.get("Bearer " + tokens.get(i));
            if (i % 3 == 0) {
                assertEquals(200, t.status(), "cached key, request " + i);
                cachedHeld.add(held);
                cachedTotal.add(t.millis());
            } else {
                assertEquals(503, t.status(), "unknown kid, request " + i);
                assertTrue(t.retryAfter() != null && Long.parseLong(t.retryAfter()) > 0, t.retryAfter());
                unknownHeld.add(held);
            }
        }
        String timings = "burst " + burstMillis + " ms; request thread held, median and slowest: cached key "
                + medianAndMax(cachedHeld) + ", unknown kid " + medianAndMax(unknownHeld)
                + "; cached key as the client saw it " + medianAndMax(cachedTotal);
        System.out.println(getClass().getSimpleName() + " " + filterLogger + ": " + timings);
        // Every unknown kid waited for the hanging fetch, and was released at the bound: the flood did reach it.
        assertTrue(Collections.min(unknownHeld) >= MAX_WAIT.toMillis() - 1, "unknown kid: " + timings);
        assertTrue(Collections.max(unknownHeld) < MAX_WAIT.plus(SLACK).toMillis(), "unknown kid: " + timings);
        // The fetch hangs through the whole burst and would end only at its 30 s limit: a request that had
        // waited for it would show it. What a cached key takes beyond its verification is scheduling.
        assertTrue(Collections.max(cachedHeld) < SLACK.toMillis(), "cached key: " + timings);
        assertTrue(Collections.max(cachedTotal) < FETCH_TIMEOUT.toMillis() / 2, "cached key: " + timings);

        // One fetch for the whole flood: the held one, which answers now.
        issuer.stopHanging();
        JwksCacheTest.awaitCount(issuer.jwksFetches::get, 2);
        Thread.sleep(200);
        assertEquals(2, issuer.jwksFetches.get(), "one fetch for all unknown kids");
    }

    private static long median(List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static String medianAndMax(List<Long> millis) {
        return median(millis) + " / " + Collections.max(millis) + " ms";
    }

    /** Counts the WARNING lines a {@code System.Logger} writes (through java.util.logging, the JDK's default). */
    static final class WarningCount extends Handler implements AutoCloseable {
        private final Logger logger;
        private final AtomicInteger count = new AtomicInteger();

        WarningCount(String name) {
            this.logger = Logger.getLogger(name);
            logger.addHandler(this);
        }

        int count() {
            return count.get();
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                count.incrementAndGet();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
