package dev.identityservice.server.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.testing.MutableClock;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DeviceCookiesTest {

    private final MutableClock clock = MutableClock.startingNow();
    private final byte[] key = DeviceCookies.deriveKey(new byte[32]);
    private final DeviceCookies cookies = new DeviceCookies(key, clock, Duration.ofDays(30));

    @Test
    void verifyWhenIssuedToTheSameAccountThenDeviceIdEvenInOtherCase() {
        String value = cookies.issue("default", "Alice");

        assertTrue(cookies.verify("default", "alice", value).isPresent());
        assertEquals(cookies.verify("default", "ALICE", value), cookies.verify("default", "alice", value));
    }

    @Test
    void verifyWhenOtherAccountTenantOrKeyThenEmpty() {
        String value = cookies.issue("default", "alice");
        byte[] otherKey = Arrays.copyOf(key, key.length);
        otherKey[0] ^= 1;

        assertTrue(cookies.verify("default", "bob", value).isEmpty());
        assertTrue(cookies.verify("acme", "alice", value).isEmpty());
        assertTrue(new DeviceCookies(otherKey, clock, Duration.ofDays(30)).verify("default", "alice", value).isEmpty());
    }

    @Test
    void verifyWhenTamperedMalformedOrExpiredThenEmpty() {
        String value = cookies.issue("default", "alice");
        String[] parts = value.split("\\.");
        String laterExpiry = parts[0] + '.' + parts[1] + '.' + (Long.parseLong(parts[2]) + 86_400) + '.' + parts[3];

        assertTrue(cookies.verify("default", "alice", laterExpiry).isEmpty());
        assertTrue(cookies.verify("default", "alice", "v1.x.1.y").isEmpty());
        assertTrue(cookies.verify("default", "alice", null).isEmpty());
        clock.advance(Duration.ofDays(30));
        assertTrue(cookies.verify("default", "alice", value).isEmpty());
    }
}
