package dev.identityservice.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T10:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    });

    @Test
    void retryAfterWhenFailuresBelowLimitThenAllowed() {
        fail("alice", "10.0.0.1", LoginThrottle.MAX_FAILURES_PER_ACCOUNT - 1);

        assertTrue(throttle.retryAfter("default", "alice", "10.0.0.1").isEmpty());
    }

    @Test
    void retryAfterWhenAccountLimitReachedThenBlockedFromAnyAddressCaseInsensitively() {
        fail("alice", "10.0.0.1", LoginThrottle.MAX_FAILURES_PER_ACCOUNT);

        assertEquals(LoginThrottle.WINDOW, throttle.retryAfter("default", "ALICE", "10.9.9.9").orElseThrow());
        assertTrue(throttle.retryAfter("other-tenant", "alice", "10.0.0.1").isEmpty());
    }

    @Test
    void retryAfterWhenWindowPassesThenAllowedAgain() {
        fail("alice", "10.0.0.1", LoginThrottle.MAX_FAILURES_PER_ACCOUNT);

        now.set(now.get().plus(LoginThrottle.WINDOW).plusSeconds(1));

        assertTrue(throttle.retryAfter("default", "alice", "10.0.0.1").isEmpty());
    }

    @Test
    void retryAfterWhenOneAddressSpraysManyAccountsThenAddressBlocked() {
        for (int i = 0; i < LoginThrottle.MAX_FAILURES_PER_ADDRESS; i++) {
            throttle.failed("default", "user" + i, "10.6.6.6");
        }

        assertTrue(throttle.retryAfter("default", "fresh-user", "10.6.6.6").isPresent());
        assertTrue(throttle.retryAfter("default", "fresh-user", "10.0.0.2").isEmpty());
    }

    @Test
    void succeededWhenAccountHadFailuresThenCleared() {
        fail("alice", "10.0.0.1", LoginThrottle.MAX_FAILURES_PER_ACCOUNT - 1);
        throttle.succeeded("default", "alice");
        fail("alice", "10.0.0.1", LoginThrottle.MAX_FAILURES_PER_ACCOUNT - 1);

        assertTrue(throttle.retryAfter("default", "alice", "10.0.0.1").isEmpty());
    }

    @Test
    void retryAfterWhenOldestFailureAgesThenWaitShrinks() {
        fail("alice", "10.0.0.1", LoginThrottle.MAX_FAILURES_PER_ACCOUNT);
        now.set(now.get().plus(Duration.ofMinutes(2)));

        assertEquals(LoginThrottle.WINDOW.minusMinutes(2), throttle.retryAfter("default", "alice", "10.0.0.1").orElseThrow());
    }

    private void fail(String username, String address, int times) {
        for (int i = 0; i < times; i++) {
            throttle.failed("default", username, address);
        }
    }
}
