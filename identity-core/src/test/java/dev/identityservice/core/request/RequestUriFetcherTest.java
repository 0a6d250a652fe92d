package dev.identityservice.core.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.TestClients;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.outbound.OutboundHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestUriFetcher} against a real HTTP server on 127.0.0.1: what is fetched, what is refused before
 * any request, and each way a fetch fails (404, too large, too slow, a redirect).
 */
class RequestUriFetcherTest {

    private static final String JWT = "eyJhbGciOiJub25lIn0.eyJzdGF0ZSI6InMifQ.";
    private static HttpServer server;
    private static String base;
    private static final AtomicInteger REQUESTS = new AtomicInteger();
    private static final AtomicInteger TARGET_REQUESTS = new AtomicInteger();
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            REQUESTS.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            byte[] body = switch (path) {
                case "/ok" -> (JWT + "\r\n").getBytes(StandardCharsets.US_ASCII);
                case "/big" -> "x".repeat(2048).getBytes(StandardCharsets.US_ASCII);
                case "/target" -> {
                    TARGET_REQUESTS.incrementAndGet();
                    yield JWT.getBytes(StandardCharsets.US_ASCII);
                }
                default -> new byte[0];
            };
            if ("/slow".equals(path)) {
                try {
                    RELEASE.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if ("/redirect".equals(path)) {
                exchange.getResponseHeaders().add("Location", base + "/target");
                exchange.sendResponseHeaders(302, -1);
            } else if (body.length == 0) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        RELEASE.countDown();
        server.stop(0);
    }

    private static Client client(String... requestUris) {
        return TestClients.confidential("byref").requestUris(List.of(requestUris)).build();
    }

    private static RequestUriFetcher allowingPrivate() {
        return new RequestUriFetcher(new OutboundHttp(true), 1024, Duration.ofMillis(700));
    }

    private static String refusal(RequestUriFetcher fetcher, Client client, String uri) {
        OAuthException e = assertThrows(OAuthException.class, () -> fetcher.fetch(client, uri));
        assertEquals("invalid_request_uri", e.error().code());
        return e.error().description();
    }

    @Test
    void fetchWhenRegisteredUrlAnswers200ThenBodyTrimmedAndFragmentNeitherSentNorMatched() {
        Client client = client(base + "/ok#hash-of-contents");

        assertEquals(JWT, allowingPrivate().fetch(client, base + "/ok"));
        assertEquals(JWT, allowingPrivate().fetch(client, base + "/ok#another"));
    }

    @Test
    void fetchWhenUrlNotRegisteredThenInvalidRequestUriWithoutAnyRequest() {
        int before = REQUESTS.get();

        String description = refusal(allowingPrivate(), client(base + "/ok"), base + "/ok?x=1");
        refusal(allowingPrivate(), client(), base + "/ok");

        assertTrue(description.contains("registered"), description);
        assertEquals(before, REQUESTS.get());
    }

    @Test
    void fetchWhenPrivateAddressNotAllowedThenRefusedBeforeConnecting() {
        RequestUriFetcher publicOnly = new RequestUriFetcher(new OutboundHttp(false), 1024, Duration.ofSeconds(2));
        int before = REQUESTS.get();

        refusal(publicOnly, client(base + "/ok"), base + "/ok");
        refusal(publicOnly, client("https://127.0.0.1:" + server.getAddress().getPort() + "/ok"),
                "https://127.0.0.1:" + server.getAddress().getPort() + "/ok");

        assertEquals(before, REQUESTS.get());
    }

    @Test
    void fetchWhen404ThenInvalidRequestUriNamingTheStatus() {
        String description = refusal(allowingPrivate(), client(base + "/missing"), base + "/missing");

        assertTrue(description.contains("404"), description);
    }

    @Test
    void fetchWhenBodyOverTheBoundThenInvalidRequestUri() {
        String description = refusal(allowingPrivate(), client(base + "/big"), base + "/big");

        assertTrue(description.contains("longer than 1024"), description);
    }

    @Test
    void fetchWhenServerSlowerThanTheTimeoutThenInvalidRequestUriInTime() {
        long start = System.nanoTime();

        refusal(allowingPrivate(), client(base + "/slow"), base + "/slow");

        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5_000, "took " + millis + " ms");
    }

    @Test
    void fetchWhenRedirectedThenNotFollowed() {
        int before = TARGET_REQUESTS.get();

        String description = refusal(allowingPrivate(), client(base + "/redirect"), base + "/redirect");

        assertTrue(description.contains("302"), description);
        assertEquals(before, TARGET_REQUESTS.get());
    }

    @Test
    void fetchWhenRequestUriLongerThanTheBoundThenRefused() {
        String longUri = base + "/ok?" + "a".repeat(RequestUriFetcher.MAX_REQUEST_URI_CHARS);

        refusal(allowingPrivate(), client(longUri), longUri);
    }
}
