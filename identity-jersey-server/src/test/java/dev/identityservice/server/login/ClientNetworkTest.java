package dev.identityservice.server.login;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClientNetworkTest {

    @Test
    void ofWhenSpellingsOfOneAddressOrOneIpv6SlashSixtyFourThenOneKey() {
        assertEquals("192.0.2.7", ClientNetwork.of("192.0.2.7"));
        assertEquals("192.0.2.7", ClientNetwork.of("192.000.002.007"));
        assertEquals("192.0.2.7", ClientNetwork.of("::ffff:192.0.2.7"));
        assertEquals("2001:db8:1:2:0:0:0:0/64", ClientNetwork.of("[2001:DB8:1:2::abcd]"));
        assertEquals("2001:db8:1:2:0:0:0:0/64", ClientNetwork.of("2001:0db8:0001:0002:ffff:0:0:1"));
    }

    @Test
    void ofWhenNotAnAddressLiteralThenKeptAsGivenAndNeverResolved() {
        for (String given : new String[] {"unknown", "_hidden", "localhost", "example.com", "1.2.3.999", "1.2.3.4.5", "garbage!!", "::zz"}) {
            assertEquals(given, ClientNetwork.of(given));
        }
    }
}
