package dev.identityservice.core.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.testing.MutableClock;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link LocalAddresses} and its use by {@link OutboundHttp}: this machine's own addresses, public ones included,
 * are not destinations of a client's URL unless private addresses are allowed; the interfaces are read again at
 * most once per interval.
 */
class LocalAddressesTest {

    /** A public address (not in any range {@link AddressPolicy} refuses) that an injected interface holds. */
    private static final String OWN_PUBLIC = "93.184.215.14";

    @Test
    void containsWhenAddressOfARealInterfaceThenTrueInEveryForm() throws Exception {
        Optional<InetAddress> nonLoopback = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        Assumptions.assumeTrue(nonLoopback.isPresent(), "this machine has no non-loopback IPv4 address");
        InetAddress own = nonLoopback.get();
        byte[] v4 = own.getAddress();

        assertTrue(LocalAddresses.system().contains(own), own.toString());
        assertTrue(LocalAddresses.system().contains(InetAddress.getByName("::" + own.getHostAddress())), "IPv4-compatible form");
        assertTrue(LocalAddresses.system().contains(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                (byte) 0xff, (byte) 0xff, v4[0], v4[1], v4[2], v4[3]})), "IPv4-mapped form");
        assertTrue(LocalAddresses.system().contains(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void requestWhenNameResolvesToAPublicAddressOfThisMachineThenRefusedWithoutConnecting() {
        LocalAddresses own = new LocalAddresses(() -> Set.of(address(OWN_PUBLIC)), Duration.ofMinutes(1), MutableClock.startingNow());
        OutboundHttp strict = new OutboundHttp(false, host -> new InetAddress[] {address(OWN_PUBLIC)},
                (SSLSocketFactory) SSLSocketFactory.getDefault(), own);

        OutboundHttp.RefusedAddressException e = assertThrows(OutboundHttp.RefusedAddressException.class,
                () -> strict.get(URI.create("https://self.example/jwks"), 1000, Duration.ofSeconds(1)));

        assertTrue(e.getMessage().contains("this machine"), e.getMessage());
    }

    @Test
    void requestWhenPrivateAddressesAllowedThenThisMachineIsReachableToo() throws IOException {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            LocalAddresses own = new LocalAddresses(() -> Set.of(address("127.0.0.1")), Duration.ofMinutes(1), MutableClock.startingNow());
            OutboundHttp lax = new OutboundHttp(true, InetAddress::getAllByName, (SSLSocketFactory) SSLSocketFactory.getDefault(), own);

            assertEquals(204, lax.postForm(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), "a=b",
                    Duration.ofSeconds(2)));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void containsWhenInterfacesChangeThenSeenOnlyAfterTheIntervalAndReadOncePerInterval() {
        MutableClock clock = MutableClock.startingNow();
        AtomicReference<Set<InetAddress>> interfaces = new AtomicReference<>(Set.of(address("198.51.100.7")));
        AtomicInteger reads = new AtomicInteger();
        LocalAddresses local = new LocalAddresses(() -> {
            reads.incrementAndGet();
            return interfaces.get();
        }, Duration.ofMinutes(1), clock);
        interfaces.set(Set.of(address(OWN_PUBLIC)));

        for (int i = 0; i < 1000; i++) {
            assertFalse(local.contains(address(OWN_PUBLIC)));
        }
        assertEquals(1, reads.get(), "read when created, not per lookup");

        clock.advance(Duration.ofSeconds(61));
        assertTrue(local.contains(address(OWN_PUBLIC)));
        assertFalse(local.contains(address("198.51.100.7")));
        assertEquals(2, reads.get());
    }

    @Test
    void containsWhenReadingFailsThenPreviousAddressesKeptAndNotReadAgainBeforeTheInterval() {
        MutableClock clock = MutableClock.startingNow();
        AtomicInteger reads = new AtomicInteger();
        LocalAddresses local = new LocalAddresses(() -> {
            if (reads.incrementAndGet() > 1) {
                throw new IllegalStateException("interfaces unreadable");
            }
            return Set.of(address(OWN_PUBLIC));
        }, Duration.ofMinutes(1), clock);

        clock.advance(Duration.ofMinutes(2));
        assertTrue(local.contains(address(OWN_PUBLIC)));
        assertTrue(local.contains(address(OWN_PUBLIC)));
        assertEquals(2, reads.get());
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
