package dev.identityservice.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.identityservice.core.user.User;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;

/**
 * Slows down password guessing at the password grant: after {@value #MAX_FAILURES_PER_ACCOUNT} failed
 * logins of one account, or {@value #MAX_FAILURES_PER_ADDRESS} from one client address, within a sliding
 * {@link #WINDOW} (5 minutes), further attempts are refused until the oldest failure leaves the window.
 *
 * <p>The answer is RFC 6749's {@code invalid_grant} (400) with a "Too many failed attempts" description
 * and {@code Retry-After}, not 429: OAuth clients understand {@code invalid_grant} and show "login failed",
 * while a 429 is often retried automatically. A refused attempt costs no password hash, so the throttle
 * also caps the CPU an attacker can burn. The legitimate user is locked out for at most one window, never
 * for good, and a successful login clears the account's failures. State is in memory, per instance,
 * bounded to {@value #MAX_TRACKED_KEYS} keys (least recently used dropped first).
 */
public final class LoginThrottle {

    public static final int MAX_FAILURES_PER_ACCOUNT = 5;
    public static final int MAX_FAILURES_PER_ADDRESS = 20;
    public static final Duration WINDOW = Duration.ofMinutes(5);
    public static final int MAX_TRACKED_KEYS = 100_000;

    private final Clock clock;
    private final Cache<String, Failures> failures = Caffeine.newBuilder()
            .maximumSize(MAX_TRACKED_KEYS)
            .expireAfterAccess(WINDOW)
            .build();

    public LoginThrottle(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** How long the caller must wait before trying this account from this address again; empty when allowed. */
    public Optional<Duration> retryAfter(String tenantId, String username, String address) {
        Instant now = clock.instant();
        Duration account = wait(accountKey(tenantId, username), MAX_FAILURES_PER_ACCOUNT, now);
        Duration fromAddress = wait(addressKey(tenantId, address), MAX_FAILURES_PER_ADDRESS, now);
        Duration longest = account.compareTo(fromAddress) >= 0 ? account : fromAddress;
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    public void failed(String tenantId, String username, String address) {
        Instant now = clock.instant();
        record(accountKey(tenantId, username), now);
        record(addressKey(tenantId, address), now);
    }

    /** Forgets the account's failures: its owner has just proved the password. */
    public void succeeded(String tenantId, String username) {
        failures.invalidate(accountKey(tenantId, username));
    }

    private Duration wait(String key, int max, Instant now) {
        Failures recorded = failures.getIfPresent(key);
        return recorded == null ? Duration.ZERO : recorded.wait(max, now);
    }

    private void record(String key, Instant now) {
        failures.get(key, k -> new Failures()).add(now);
    }

    private static String accountKey(String tenantId, String username) {
        return "u:" + tenantId + ':' + User.normalize(username == null ? "" : username);
    }

    private static String addressKey(String tenantId, String address) {
        return "a:" + tenantId + ':' + address;
    }

    /** The failure times of one key within the window, oldest first. */
    private static final class Failures {
        /** More than the largest limit is never needed to decide. */
        private static final int MAX_KEPT = MAX_FAILURES_PER_ADDRESS;
        private final Deque<Instant> times = new ArrayDeque<>();

        synchronized void add(Instant now) {
            prune(now);
            times.addLast(now);
            if (times.size() > MAX_KEPT) {
                times.removeFirst();
            }
        }

        synchronized Duration wait(int max, Instant now) {
            prune(now);
            if (times.size() < max) {
                return Duration.ZERO;
            }
            // Allowed again when enough failures have left the window to fall below the limit.
            Instant unblocked = times.stream().skip(times.size() - max).findFirst().orElseThrow().plus(WINDOW);
            Duration wait = Duration.between(now, unblocked);
            return wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait;
        }

        private void prune(Instant now) {
            Instant cutoff = now.minus(WINDOW);
            while (!times.isEmpty() && !times.peekFirst().isAfter(cutoff)) {
                times.removeFirst();
            }
        }
    }
}
