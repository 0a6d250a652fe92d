package dev.identityservice.server.breaker;

import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.AdmissionGate;
import dev.identityservice.core.client.ClientAssertions;
import dev.identityservice.core.client.ClientCredentials;
import dev.identityservice.core.client.ClientKeys;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.IdentityServer;
import dev.identityservice.server.endpoint.EndpointPaths;
import dev.identityservice.server.endpoint.FrontOfJersey;
import dev.identityservice.server.endpoint.UserInfoFilter;
import dev.identityservice.server.http.AdmissionFilter;
import dev.identityservice.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Breaker of the admission gate ({@code http.concurrency}): what steps outside the gate must be able to enter it
 * again, so nothing inside may wait for a thread that is outside.
 */
@Timeout(120)
class BreakerAdmissionGateTest {

    private TestServer server;
    private ServerSocket listener;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (listener != null) {
            listener.close();
        }
        pool.shutdownNow();
    }

    /**
     * One request fetches a client's jwks_uri outside the gate; the requests for the same client that arrive
     * meanwhile wait for that fetch's outcome. If they wait inside the gate, they hold every permit, the fetching
     * thread can never enter again to hand them the outcome, and the main port is deadlocked for good.
     */
    @Test
    void requestsWaitingForAnotherRequestsJwksFetchDoNotDeadlockTheGate() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger fetches = new AtomicInteger();
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        pool.submit(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    pool.submit(() -> serveJwks(s, key, release, fetches));
                } catch (Exception e) {
                    return;
                }
            }
        });
        int concurrency = 2;
        server = TestServer.start(b -> b.outboundAllowPrivateAddresses(true).outboundFetchTimeoutMillis(3000)
                .httpConcurrency(concurrency).httpQueueTimeout(Duration.ofSeconds(2)));
        Instant now = Instant.now();
        server.save(dev.identityservice.core.client.Client.builder(Tenant.DEFAULT_ID, "keyed")
                .grantTypes(Set.of(GrantType.CLIENT_CREDENTIALS)).scopes(Set.of("api"))
                .keys(new ClientKeys(null, URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/jwks")))
                .tokenEndpointAuthMethod(ClientCredentials.Method.PRIVATE_KEY_JWT).createdAt(now).updatedAt(now));

        CompletableFuture<HttpResponse<String>> fetching = tokenAsync("keyed", key);
        awaitTrue(() -> fetches.get() == 1, "the first request never fetched the jwks_uri");
        // As many requests as permits, all waiting for the one fetch (sent while it is outside the gate).
        List<CompletableFuture<HttpResponse<String>>> joined = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            joined.add(tokenAsync("keyed", key));
        }
        Thread.sleep(500); // they have entered the gate and wait for the fetch's outcome
        release.countDown();

        assertEquals(200, fetching.get(30, TimeUnit.SECONDS).statusCode(), "the fetching request is answered");
        for (CompletableFuture<HttpResponse<String>> each : joined) {
            HttpResponse<String> answer = each.get(30, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
        }
        assertEquals(1, fetches.get(), "one fetch for all of them");
        HttpResponse<String> later = server.get("/oauth2/jwks");
        assertEquals(200, later.statusCode(), "the main port still serves: " + later.body());
    }

    /**
     * {@code /health/live} is documented as always 200 while the process serves HTTP: a liveness probe must not wait
     * behind the requests queued for an executing slot (it would time out, and the probe would restart a process
     * that is only busy).
     */
    @Test
    void healthAnswersAtOnceWhileEveryExecutingSlotIsTaken() throws Exception {
        server = TestServer.start(b -> b.httpConcurrency(1).httpQueueTimeout(Duration.ofSeconds(1)));
        AdmissionGate gate = gate(server);
        assertTrue(gate.enter(), "the test holds the one executing slot");
        try {
            HttpResponse<String> queued = server.get("/oauth2/userinfo"); // queued, unlike the key set
            assertEquals(503, queued.statusCode(), "control: the main port's requests wait for the slot: " + queued.body());
            for (String path : new String[] {"/health/live", "/health/ready", "/health"}) {
                long start = System.nanoTime();
                HttpResponse<String> health = server.get(path);
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertEquals(200, health.statusCode(), path + ": " + health.body());
                assertTrue(ms < 900, path + " waited " + ms + " ms for an executing slot");
            }
        } finally {
            gate.leave();
        }
    }

    /**
     * A good userinfo or introspection request is answered by its filter in front of the gate (from memory and one
     * statement, shorter than a permit's hand-over), so it is served while every executing slot is taken; a refused
     * one goes on to Jersey through the gate and waits there like any other request.
     */
    @Test
    void userInfoAndIntrospectionAnsweredInFrontWhileEveryExecutingSlotIsTaken() throws Exception {
        String token = oneSlotServerAndCarolsToken();
        AdmissionGate gate = gate(server);
        assertTrue(gate.enter(), "the test holds the one executing slot");
        try {
            long start = System.nanoTime();
            HttpResponse<String> userInfo = server.get("/oauth2/userinfo", "Authorization", "Bearer " + token);
            assertEquals(200, userInfo.statusCode(), userInfo.body());
            assertTrue(userInfo.body().contains("\"sub\""), userInfo.body());
            HttpResponse<String> introspection = server.post("/oauth2/introspect", TestServer.form("token", token),
                    "Authorization", TestServer.basic("app", TestServer.SECRET));
            assertEquals(200, introspection.statusCode(), introspection.body());
            assertTrue(introspection.body().contains("\"active\":true"), introspection.body());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 900, "waited " + ms + " ms for an executing slot");

            HttpResponse<String> refused = server.get("/oauth2/userinfo", "Authorization", "Bearer " + token + "x");
            assertEquals(503, refused.statusCode(), "a refusal is Jersey's, behind the gate: " + refused.body());
        } finally {
            gate.leave();
        }
        assertEquals(401, server.get("/oauth2/userinfo", "Authorization", "Bearer " + token + "x").statusCode());
    }

    /**
     * The front filters' own bound: with every one of its permits taken (as many requests at once as it allows, held
     * in the database, say), a good userinfo or introspection request is not answered in front but goes to Jersey
     * through the gate, so with the gate's one executing slot held too it waits there and gets 503. Once the
     * permits are back, the same requests are answered in front again, the gate still held.
     */
    @Test
    void pastTheFrontBoundUserInfoAndIntrospectionGoThroughTheGate() throws Exception {
        String token = oneSlotServerAndCarolsToken();
        String[] bearer = {"Authorization", "Bearer " + token};
        String[] basic = {"Authorization", TestServer.basic("app", TestServer.SECRET)};
        Semaphore front = frontPermits(server);
        AdmissionGate gate = gate(server);
        assertTrue(gate.enter(), "the test holds the one executing slot");
        int taken = front.drainPermits();
        try {
            assertEquals(16 * Runtime.getRuntime().availableProcessors(), taken, "16 permits per core");
            assertEquals(503, server.get("/oauth2/userinfo", bearer).statusCode(), "past the bound: the gate");
            assertEquals(503, server.post("/oauth2/introspect", form("token", token), basic).statusCode(),
                    "past the bound: the gate");
        } finally {
            front.release(taken);
        }
        try {
            HttpResponse<String> userInfo = server.get("/oauth2/userinfo", bearer);
            assertEquals(200, userInfo.statusCode(), userInfo.body());
            HttpResponse<String> introspection = server.post("/oauth2/introspect", form("token", token), basic);
            assertTrue(introspection.body().contains("\"active\":true"), introspection.body());
        } finally {
            gate.leave();
        }
        assertEquals(taken, front.availablePermits(), "every permit returned");
    }

    /**
     * What costs a signature stays behind the gate even when the request is good: a userinfo answer signed for a
     * client that registered {@code userinfo_signed_response_alg}, and an introspection by a {@code private_key_jwt}
     * client (the assertion's check). With the one executing slot held, both wait there and get 503; once it is
     * free, both are answered.
     */
    @Test
    void signedUserInfoAndClientAssertionsWaitAtTheGate() throws Exception {
        server = TestServer.start(b -> b.httpConcurrency(1).httpQueueTimeout(Duration.ofSeconds(1)));
        server.save(server.confidential(Tenant.DEFAULT_ID, "signed").userinfoSignedResponseAlg(SigningAlgorithm.RS256));
        server.user("carol", "user");
        String signedToken = server.passwordLogin("signed", "carol").get("access_token").asText();
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        Instant now = Instant.now();
        server.save(dev.identityservice.core.client.Client.builder(Tenant.DEFAULT_ID, "keyed")
                .grantTypes(Set.of(GrantType.CLIENT_CREDENTIALS)).scopes(Set.of("api"))
                .keys(new ClientKeys(new JWKSet(key.toPublicJWK()), null))
                .tokenEndpointAuthMethod(ClientCredentials.Method.PRIVATE_KEY_JWT).createdAt(now).updatedAt(now));
        String[] bearer = {"Authorization", "Bearer " + signedToken};
        AdmissionGate gate = gate(server);
        assertTrue(gate.enter(), "the test holds the one executing slot");
        try {
            assertEquals(503, server.get("/oauth2/userinfo", bearer).statusCode(), "a signed answer waits at the gate");
            HttpResponse<String> asserted = server.post("/oauth2/introspect", introspectWithAssertion(key, signedToken));
            assertEquals(503, asserted.statusCode(), "a client assertion waits at the gate: " + asserted.body());
        } finally {
            gate.leave();
        }
        HttpResponse<String> signed = server.get("/oauth2/userinfo", bearer);
        assertEquals(200, signed.statusCode(), signed.body());
        assertEquals("application/jwt", signed.headers().firstValue("Content-Type").orElseThrow());
        HttpResponse<String> asserted = server.post("/oauth2/introspect", introspectWithAssertion(key, signedToken));
        assertEquals(200, asserted.statusCode(), asserted.body());
        assertTrue(asserted.body().contains("\"active\""), asserted.body());
    }

    private String introspectWithAssertion(ECKey key, String token) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer("keyed").subject("keyed").audience(server.server.issuer().toString())
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120)))
                        .jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(new ECDSASigner(key));
        return form("token", token, "client_assertion_type", ClientAssertions.JWT_BEARER, "client_assertion", jwt.serialize());
    }

    /**
     * The management listener is not queued: requests waiting at the main port's gate each hold a request thread,
     * and with as many of them as there are threads, the management listener's health and metrics must still
     * answer at once.
     */
    @Test
    void managementListenerAnswersWhileWaitingRequestsHoldEveryMainThread() throws Exception {
        server = TestServer.start(b -> b.httpConcurrency(1).httpQueueTimeout(Duration.ofSeconds(10)).httpThreads(8)
                .managementPort(0));
        AdmissionGate gate = gate(server);
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        assertTrue(gate.enter(), "the test holds the one executing slot");
        try {
            for (int i = 0; i < 12; i++) {
                waiting.add(server.http.sendAsync(HttpRequest.newBuilder(server.uri("/oauth2/userinfo")).timeout(Duration.ofSeconds(60))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            awaitTrue(() -> gate.waiting() >= 3, "the main port's requests never queued");
            Thread.sleep(300);
            long start = System.nanoTime();
            HttpResponse<String> live = server.http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.server.managementPort() + "/health/live"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, live.statusCode(), live.body());
            assertTrue(ms < 2000, "the management listener waited " + ms + " ms behind the main port's queue");
        } finally {
            gate.leave();
        }
        for (CompletableFuture<HttpResponse<String>> each : waiting) {
            assertEquals(401, each.get(60, TimeUnit.SECONDS).statusCode(), "the queued requests are served after (no token: 401)");
        }
    }

    /**
     * A body declared larger than any endpoint accepts is refused from its {@code Content-Length} (413) in front of
     * the gate ({@code HeaderSyntaxFilter}), so the gate never receives it first: a client that expects
     * {@code 100-continue} is not asked for a body that is refused anyway.
     */
    @Test
    void aBodyDeclaredTooLargeIsRefusedWithoutBeingAskedFor() throws Exception {
        server = TestServer.start(b -> b.httpConcurrency(1).idleTimeout(Duration.ofSeconds(20)));
        try (Socket socket = new Socket("127.0.0.1", server.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 100000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String status = in.readLine();
            assertTrue(status != null && status.startsWith("HTTP/1.1 413 "), "refused from the header, not asked for the body: " + status);
        }
    }

    /**
     * Clients that never finish their body (an {@code Expect: 100-continue} never followed, a chunk that stalls,
     * a {@code Content-Length} never reached) hold no executing slot, and after hundreds of requests of every
     * shape (refusals, pipelines, preflights, clients resetting the connection at once) every permit is back.
     */
    @Test
    void stalledBodiesHoldNoSlotAndNoPermitIsLostToAnyRequestShape() throws Exception {
        server = TestServer.start(b -> b.httpConcurrency(2).httpQueueTimeout(Duration.ofSeconds(5)).idleTimeout(Duration.ofSeconds(3)));
        server.confidentialClient("c1");
        int port = server.uri("/").getPort();
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                stalled.add(send(port, "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Expect: 100-continue\r\nContent-Length: 40\r\n\r\n"));
                stalled.add(send(port, "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\ngrant"));
                stalled.add(send(port, "POST /oauth2/introspect HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: 65536\r\n\r\n" + "a".repeat(1000)));
            }
            Thread.sleep(300); // each is blocked receiving its body
            for (int i = 0; i < 3; i++) {
                assertEquals(401, server.get("/oauth2/userinfo").statusCode(), "two permits, six clients stalled: still executed");
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }

        String[] shapes = {
            "GET /oauth2/jwks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "HEAD /oauth2/jwks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "OPTIONS /oauth2/token HTTP/1.1\r\nHost: x\r\nOrigin: https://a.example\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n",
            "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "11171\r\n" + "a".repeat(70001) + "\r\n0\r\n\r\n",
            "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\nConnection: close\r\n\r\na=%zz",
            "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: bad type\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=b",
            "POST /admin/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{x}",
            "POST /oauth2/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 8\r\nConnection: close\r\n\r\n{\"a\":[1,",
            "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "BREW /oauth2/jwks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /oauth2/jwks HTTP/1.1\r\nHost: x\r\n\r\nPOST /oauth2/token HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=bGET /oauth2/jwks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        };
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int round = 0; round < 30; round++) {
            boolean reset = round % 3 == 0;
            for (String shape : shapes) {
                all.add(CompletableFuture.runAsync(() -> {
                    try (Socket socket = new Socket("127.0.0.1", port)) {
                        socket.setSoTimeout(20_000);
                        socket.getOutputStream().write(shape.getBytes(StandardCharsets.ISO_8859_1));
                        if (reset) {
                            socket.setSoLinger(true, 0); // gone before the answer
                        } else {
                            socket.getInputStream().readAllBytes();
                        }
                    } catch (Exception e) {
                        // the server closed first: fine
                    }
                }, clients));
            }
        }
        for (CompletableFuture<Void> each : all) {
            each.get(60, TimeUnit.SECONDS);
        }
        clients.shutdown();

        AdmissionGate gate = gate(server);
        awaitTrue(() -> gate.waiting() == 0, "requests still waiting");
        // Both permits are free: the test takes them both at once, from two threads.
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
            pool.submit(() -> {
                if (gate.enter()) {
                    inside.countDown();
                    done.await();
                    gate.leave();
                }
                return null;
            });
        }
        assertTrue(inside.await(10, TimeUnit.SECONDS), "a permit was lost to one of the requests");
        done.countDown();
        assertTrue(server.metrics().contains("identity_http_requests_waiting 0.0"));
    }

    private static Socket send(int port, String request) throws Exception {
        Socket socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /** The main port's gate, out of the running server (the test holds its permit to fill it deterministically). */
    /** Starts {@link #server} with one executing slot (1 s queue), client {@code app} and user carol; her access token. */
    private String oneSlotServerAndCarolsToken() {
        server = TestServer.start(b -> b.httpConcurrency(1).httpQueueTimeout(Duration.ofSeconds(1)));
        server.confidentialClient("app");
        server.user("carol", "user");
        return server.passwordLogin("app", "carol").get("access_token").asText();
    }

    /** The permits of the front filters' shared bound ({@code FrontOfJersey}), reached through the userinfo filter. */
    static Semaphore frontPermits(TestServer server) throws Exception {
        return (Semaphore) field(FrontOfJersey.class, "permits", field(UserInfoFilter.class, "front", filter(server, UserInfoFilter.class)));
    }

    static AdmissionGate gate(TestServer server) throws Exception {
        return (AdmissionGate) field(AdmissionFilter.class, "gate", filter(server, AdmissionFilter.class));
    }

    /** The servlet filter of {@code type} on the server's main port. */
    private static <F> F filter(TestServer server, Class<F> type) throws Exception {
        Server jetty = (Server) field(IdentityServer.class, "jetty", server.server);
        for (ServletContextHandler context : jetty.getDescendants(ServletContextHandler.class)) {
            for (FilterHolder holder : context.getServletHandler().getFilters()) {
                if (type.isInstance(holder.getFilter())) {
                    return type.cast(holder.getFilter());
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " on the main port");
    }

    private static Object field(Class<?> owner, String name, Object instance) throws Exception {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(instance);
    }

    private CompletableFuture<HttpResponse<String>> tokenAsync(String clientId, ECKey key) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId)
                        .audience(EndpointPaths.url(server.server.issuer(), EndpointPaths.TOKEN)).issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(120))).jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(new ECDSASigner(key));
        HttpRequest request = HttpRequest.newBuilder(server.uri("/oauth2/token")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", TestServer.FORM)
                .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "client_credentials", "client_assertion_type",
                        ClientAssertions.JWT_BEARER, "client_assertion", jwt.serialize())))
                .build();
        return server.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void serveJwks(Socket socket, ECKey key, CountDownLatch release, AtomicInteger fetches) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            in.readLine();
            for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                // headers ignored
            }
            fetches.incrementAndGet();
            release.await(30, TimeUnit.SECONDS);
            byte[] jwks = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.US_ASCII);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + jwks.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(jwks);
            out.flush();
        } catch (Exception e) {
            // the identity server gave up
        }
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, failure);
            Thread.sleep(5);
        }
    }
}
