package dev.identityservice.core.outbound;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.core.testing.MutableClock;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Breaker: every spelling of "this machine" that a client's host name could resolve to, with an injected public
 * interface address (93.184.215.14); each must be refused before any connection is attempted.
 */
class BreakerOwnAddressTest {

    private static final String OWN_PUBLIC = "93.184.215.14";
    private static final String OWN_PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c";

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OutboundHttp strict(String resolvesTo) {
        LocalAddresses own = new LocalAddresses(() -> Set.of(address(OWN_PUBLIC), address(OWN_PUBLIC_V6)),
                Duration.ofMinutes(1), MutableClock.startingNow());
        return new OutboundHttp(false, host -> new InetAddress[] {address(resolvesTo)},
                (SSLSocketFactory) SSLSocketFactory.getDefault(), own);
    }

    /** Forms of the own addresses and of loopback/unspecified that a resolver might return. */
    @ParameterizedTest
    @ValueSource(strings = {OWN_PUBLIC, "::ffff:" + OWN_PUBLIC, "::" + OWN_PUBLIC, OWN_PUBLIC_V6,
            "2606:2800:21f:cb07:6820:80da:af6b:8b2c%1", "0.0.0.0", "::", "::1", "127.0.0.2", "::ffff:127.0.0.1",
            "::127.0.0.1", "0:0:0:0:0:ffff:7f00:1"})
    void resolvedToThisMachineInAnyFormThenRefused(String resolved) {
        assertThrows(OutboundHttp.RefusedAddressException.class,
                () -> strict(resolved).get(URI.create("https://self.example:8443/jwks"), 1000, Duration.ofMillis(500)));
    }

    // Proves: the NAT64 form 64:ff9b::<own IPv4> is unwrapped to the embedded IPv4 (as AddressPolicy judges it) and refused as this machine.
    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::" + OWN_PUBLIC})
    void resolvedToNat64FormOfOwnAddressThenRefused(String resolved) {
        assertThrows(OutboundHttp.RefusedAddressException.class,
                () -> strict(resolved).get(URI.create("https://self.example/jwks"), 1000, Duration.ofMillis(500)));
    }

    // Proves: the 6to4 form 2002:<own IPv4>:: is unwrapped to the embedded IPv4 (as AddressPolicy judges it) and refused as this machine.
    @ParameterizedTest
    @ValueSource(strings = {"2002:5db8:d70e::1"})
    void resolvedTo6to4FormOfOwnAddressThenRefused(String resolved) {
        assertThrows(OutboundHttp.RefusedAddressException.class,
                () -> strict(resolved).get(URI.create("https://self.example/jwks"), 1000, Duration.ofMillis(500)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.215.14/x", "https://[::ffff:93.184.215.14]/x", "https://[::93.184.215.14]/x",
            "https://93.184.215.14:1/x", "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:9999/x",
            "https://0.0.0.0/x", "https://[::]/x", "https://0/x", "https://2130706433/x", "https://0x7f.1/x",
            "https://127.1/x", "https://017700000001/x"})
    void literalUrlsNamingThisMachineRefused(String url) {
        LocalAddresses own = new LocalAddresses(() -> Set.of(address(OWN_PUBLIC), address(OWN_PUBLIC_V6)),
                Duration.ofMinutes(1), MutableClock.startingNow());
        OutboundHttp http = new OutboundHttp(false, InetAddress::getAllByName,
                (SSLSocketFactory) SSLSocketFactory.getDefault(), own);
        assertThrows(java.io.IOException.class, () -> http.get(URI.create(url), 1000, Duration.ofMillis(500)));
    }
}
