package dev.identityservice.core.outbound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link OutboundHttp} against a real HTTP server on 127.0.0.1, with resolvers that lie as DNS can. */
class OutboundHttpTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static HttpServer server;
    private static final AtomicInteger REQUESTS = new AtomicInteger();
    private static final List<String> BODIES = new CopyOnWriteArrayList<>();
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static final byte[] BIG = "x".repeat(5000).getBytes(StandardCharsets.US_ASCII);

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            REQUESTS.incrementAndGet();
            BODIES.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Host")
                    + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.US_ASCII));
            String path = exchange.getRequestURI().getPath();
            byte[] body = path.equals("/big") ? BIG : "{\"keys\":[]}".getBytes(StandardCharsets.US_ASCII);
            switch (path) {
                case "/redirect" -> {
                    exchange.getResponseHeaders().add("Location", "http://169.254.169.254/");
                    exchange.sendResponseHeaders(302, -1);
                }
                case "/hang" -> {
                    try {
                        RELEASE.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                case "/chunked" -> {
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body, 0, 4);
                        out.flush();
                        out.write(body, 4, body.length - 4);
                    }
                }
                default -> {
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        RELEASE.countDown();
        server.stop(0);
    }

    private static URI url(String host, String path) {
        return URI.create("http://" + host + ":" + server.getAddress().getPort() + path);
    }

    private static OutboundHttp resolvingTo(boolean allowPrivate, String... addresses) {
        return new OutboundHttp(allowPrivate, host -> {
            InetAddress[] result = new InetAddress[addresses.length];
            for (int i = 0; i < addresses.length; i++) {
                result[i] = InetAddress.getByName(addresses[i]);
            }
            return result;
        }, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    @Test
    void getWhenPrivateAllowedThenBodyReadByLengthAndByChunks() throws IOException {
        OutboundHttp http = new OutboundHttp(true);
        assertEquals("{\"keys\":[]}", new String(http.get(url("127.0.0.1", "/jwks"), 1000, TIMEOUT).body(), StandardCharsets.US_ASCII));
        OutboundHttp.Answer chunked = http.get(url("localhost", "/chunked?x=1"), 1000, TIMEOUT);
        assertEquals(200, chunked.status());
        assertArrayEquals("{\"keys\":[]}".getBytes(StandardCharsets.US_ASCII), chunked.body());
        assertTrue(BODIES.stream().anyMatch(b -> b.startsWith("GET /chunked?x=1 localhost:")), BODIES.toString());
    }

    @Test
    void postFormWhenPrivateAllowedThenBodySentAndStatusAnswered() throws IOException {
        assertEquals(200, new OutboundHttp(true).postForm(url("127.0.0.1", "/post"), "logout_token=abc", TIMEOUT));
        assertTrue(BODIES.stream().anyMatch(b -> b.startsWith("POST /post ") && b.endsWith(" logout_token=abc")), BODIES.toString());
    }

    @Test
    void getWhenBodyLongerThanBoundThenRefused() {
        IOException e = assertThrows(IOException.class, () -> new OutboundHttp(true).get(url("127.0.0.1", "/big"), 1000, TIMEOUT));
        assertTrue(e.getMessage().contains("longer than 1000"), e.getMessage());
    }

    @Test
    void getWhenRedirectedThenNotFollowed() throws IOException {
        int before = REQUESTS.get();
        assertEquals(302, new OutboundHttp(true).get(url("127.0.0.1", "/redirect"), 1000, TIMEOUT).status());
        assertEquals(before + 1, REQUESTS.get());
    }

    @Test
    void postWhenReceiverHangsThenCutOffAtTimeout() {
        long started = System.nanoTime();
        assertThrows(SocketTimeoutException.class,
                () -> new OutboundHttp(true).postForm(url("127.0.0.1", "/hang"), "a=b", Duration.ofMillis(300)));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(2)) < 0);
    }

    @Test
    void requestWhenLoopbackAndPrivateNotAllowedThenRefusedWithoutConnecting() {
        int before = REQUESTS.get();
        OutboundHttp strict = new OutboundHttp(false);
        // http is refused outright; https to a loopback literal or a name resolving to loopback is refused before connecting.
        assertThrows(OutboundHttp.RefusedAddressException.class, () -> strict.postForm(url("127.0.0.1", "/post"), "a=b", TIMEOUT));
        URI https = URI.create("https://localhost:" + server.getAddress().getPort() + "/post");
        assertThrows(OutboundHttp.RefusedAddressException.class, () -> strict.postForm(https, "a=b", TIMEOUT));
        URI mapped = URI.create("https://[::ffff:127.0.0.1]:" + server.getAddress().getPort() + "/post");
        assertThrows(OutboundHttp.RefusedAddressException.class, () -> strict.get(mapped, 100, TIMEOUT));
        assertEquals(before, REQUESTS.get());
    }

    @Test
    void requestWhenNameResolvesToPublicAndLoopbackThenRefused() {
        // A rebinding-style answer: one public address to pass a check, one private to be connected to.
        OutboundHttp strict = resolvingTo(false, "93.184.216.34", "127.0.0.1");
        URI url = URI.create("https://rebind.example:" + server.getAddress().getPort() + "/post");
        OutboundHttp.RefusedAddressException e = assertThrows(OutboundHttp.RefusedAddressException.class,
                () -> strict.postForm(url, "a=b", TIMEOUT));
        assertTrue(e.getMessage().contains("non-public"), e.getMessage());
    }

    @Test
    void requestWhenNameResolvesToMetadataAddressThenRefused() {
        OutboundHttp strict = resolvingTo(false, "169.254.169.254");
        assertThrows(OutboundHttp.RefusedAddressException.class,
                () -> strict.get(URI.create("https://metadata.example/latest/meta-data/"), 100, TIMEOUT));
    }

    @Test
    void requestWhenNameResolvesOnceThenConnectedToTheCheckedAddress() throws IOException {
        // With private addresses allowed, a name the resolver maps to 127.0.0.1 is requested there, with its own Host.
        AtomicInteger lookups = new AtomicInteger();
        OutboundHttp http = new OutboundHttp(true, host -> {
            lookups.incrementAndGet();
            return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        }, (SSLSocketFactory) SSLSocketFactory.getDefault());
        assertEquals(200, http.postForm(url("rp.example", "/named"), "a=b", TIMEOUT));
        assertEquals(1, lookups.get(), "one lookup per request: nothing for DNS to change between check and connect");
        assertTrue(BODIES.stream().anyMatch(b -> b.startsWith("POST /named rp.example:")), BODIES.toString());
    }

    @Test
    void requireRegistrableWhenNotAllowedThenHttpsToPublicHostsOnly() {
        OutboundHttp strict = new OutboundHttp(false);
        strict.requireRegistrable("jwksUri", URI.create("https://rp.example.com/jwks"));
        for (String bad : List.of("http://rp.example.com/jwks", "https://127.0.0.1/jwks", "https://localhost/jwks",
                "https://169.254.169.254/", "https://[fd00::1]/", "https://u@rp.example.com/", "https://rp.example.com/#f",
                "ftp://rp.example.com/")) {
            assertThrows(IllegalArgumentException.class, () -> strict.requireRegistrable("jwksUri", URI.create(bad)), bad);
        }
        OutboundHttp lax = new OutboundHttp(true);
        lax.requireRegistrable("jwksUri", URI.create("http://127.0.0.1:8081/jwks"));
        lax.requireRegistrable("jwksUri", URI.create("http://rp.internal/jwks"));
        assertThrows(IllegalArgumentException.class, () -> lax.requireRegistrable("jwksUri", URI.create("http://u@rp.internal/jwks")));
    }
}
