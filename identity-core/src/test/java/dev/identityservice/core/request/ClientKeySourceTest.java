package dev.identityservice.core.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import dev.identityservice.core.client.ClientKeys;
import dev.identityservice.core.outbound.OutboundHttp;
import dev.identityservice.core.testing.MutableClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientKeySource} against a real HTTP server on 127.0.0.1 (private addresses allowed for the test): how
 * often a client's {@code jwks_uri} is fetched when it fails. Every token request with a {@code client_assertion}
 * and every signed request object asks for the keys, so a failing URL must not be fetched on each of them.
 */
class ClientKeySourceTest {

    private HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private URI failing;
    private URI slow;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            fetches.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.createContext("/slow", exchange -> {
            fetches.incrementAndGet();
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"keys\":[]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        failing = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
        slow = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/slow");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void keysWhenJwksUriFailsAndNothingCachedThenNotFetchedAgainWithinRefetchInterval() {
        MutableClock clock = MutableClock.startingNow();
        ClientKeySource source = new ClientKeySource(new OutboundHttp(true), clock);
        ClientKeys keys = new ClientKeys(null, failing);

        for (int i = 0; i < 20; i++) {
            assertThrows(ClientKeySource.KeysUnavailable.class, () -> source.keys(keys, false));
            assertThrows(ClientKeySource.KeysUnavailable.class, () -> source.keys(keys, true));
        }
        assertEquals(1, fetches.get(), "40 requests for the keys of a failing jwks_uri: one fetch");

        clock.advance(ClientKeySource.REFETCH_INTERVAL.plus(Duration.ofSeconds(1)));
        assertThrows(ClientKeySource.KeysUnavailable.class, () -> source.keys(keys, false));
        assertEquals(2, fetches.get(), "tried again after the interval");
    }

    @Test
    void keysWhenManyRequestsArriveWhileTheFirstFetchRunsThenOneFetch() throws Exception {
        ClientKeySource source = new ClientKeySource(new OutboundHttp(true), MutableClock.startingNow());
        ClientKeys keys = new ClientKeys(null, slow);
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<com.nimbusds.jose.jwk.JWKSet>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(callers.submit(() -> source.keys(keys, false)));
            }
            for (java.util.concurrent.Future<com.nimbusds.jose.jwk.JWKSet> answer : answers) {
                assertEquals(0, answer.get(10, java.util.concurrent.TimeUnit.SECONDS).getKeys().size());
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(1, fetches.get(), "8 concurrent requests for the keys of one jwks_uri: one fetch");
    }
}
