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

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            fetches.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        failing = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
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
}
