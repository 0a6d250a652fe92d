package dev.identityservice.core.outbound;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.255.0.9", "0.0.0.0", "0.1.2.3", "10.0.0.1", "100.64.0.1", "169.254.169.254",
            "172.16.0.1", "172.31.255.255", "192.168.1.1", "192.0.0.8", "192.0.2.1", "198.18.0.1", "198.51.100.1",
            "203.0.113.9", "224.0.0.1", "239.1.1.1", "240.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "fec0::1",
            "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
            "::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2001:0:4136:e378::1", "2001:db8::1", "100::1"})
    void isPublicWhenSpecialPurposeAddressThenFalse(String address) throws UnknownHostException {
        assertFalse(AddressPolicy.isPublic(InetAddress.getByName(address)), address);
    }

    /** IPv6 ranges that carry or reach IPv4 through a local translator, and documentation: never globally reachable. */
    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b:1::7f00:1", "64:ff9b:1:a9fe:a9:fe00::", "::ffff:0:127.0.0.1", "::ffff:0:8.8.8.8", "3fff::1"})
    void isPublicWhenLocalUseTranslationOrDocumentationV6ThenFalse(String address) throws UnknownHostException {
        assertFalse(AddressPolicy.isPublic(InetAddress.getByName(address)), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2606:4700::1111",
            "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::"})
    void isPublicWhenGlobalUnicastThenTrue(String address) throws UnknownHostException {
        assertTrue(AddressPolicy.isPublic(InetAddress.getByName(address)), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST.", "api.localhost", "127.0.0.1", "[::1]", "::1", "[::ffff:127.0.0.1]",
            "10.1.1.1", "127.1", "2130706433", "0x7f.0.0.1", "[fe80::1]"})
    void isNonPublicLiteralWhenLoopbackOrPrivateSpellingThenTrue(String host) {
        assertTrue(AddressPolicy.isNonPublicLiteral(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rp.example.com", "localhost.example.com", "93.184.216.34", "[2606:4700::1111]"})
    void isNonPublicLiteralWhenPublicOrNameThenFalse(String host) {
        assertFalse(AddressPolicy.isNonPublicLiteral(host), host);
    }
}
