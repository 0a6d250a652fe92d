package dev.identityservice.server.registration;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.login.AttemptBudget;
import dev.identityservice.core.login.LoginAttemptStore;
import dev.identityservice.server.error.ChallengeException;
import dev.identityservice.server.login.ClientNetwork;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A budget of client registrations (RFC 7591 §3) per tenant and client network: at most {@code limit} requests
 * in a fixed {@code window}, counted in the login throttle's shared store ({@code login_attempts}), so every
 * instance sees the same count, and keyed as the login budgets are ({@link ClientNetwork}: one IPv4 address, one
 * IPv6 {@code /64}, the address after trusted proxies). Taken before the request is read (atomically, so racing
 * requests cannot pass the budget together) and given back when the registration is refused, so that only clients
 * actually created count. Past it: 429 {@code temporarily_unavailable} (RFC 6749 §5.2 JSON, the error shape RFC 7591 §3.2.2 uses) with
 * {@code Retry-After} in seconds. Together with the per-tenant cap and the expiry of unused clients it keeps open
 * registration from filling the client table from a few addresses.
 */
public final class RegistrationThrottle {

    /** Registrations per window from one network, by default. */
    public static final int DEFAULT_LIMIT_PER_ADDRESS = 20;
    /** The window of that budget, by default: 1 hour. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);

    private final LoginAttemptStore store;
    private final Clock clock;
    private final int limit;
    private final Duration window;

    /**
     * @param limit  registrations per window from one network, at least 1
     * @param window the window, positive
     */
    public RegistrationThrottle(LoginAttemptStore store, Clock clock, int limit, Duration window) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        new AttemptBudget("check", limit, window);
        this.limit = limit;
        this.window = window;
    }

    /**
     * Takes one registration from the budget of {@code address} in {@code tenantId}.
     *
     * @return gives the registration back (call when the registration is refused)
     * @throws ChallengeException 429 {@code temporarily_unavailable} with {@code Retry-After} when it is spent
     */
    public Runnable acquire(String tenantId, String address) {
        AttemptBudget budget = new AttemptBudget(bucket(tenantId, ClientNetwork.of(address)), limit, window);
        Optional<LoginAttemptStore.Refusal> refusal = store.reserve(List.of(budget), clock.instant());
        if (refusal.isPresent()) {
            long seconds = Math.max(1, Duration.between(clock.instant(), refusal.get().retryAt()).toSeconds() + 1);
            throw new ChallengeException(new OAuthError("temporarily_unavailable",
                    "Too many client registrations from this network; retry after " + seconds + " s", 429),
                    Map.of("Retry-After", String.valueOf(seconds)));
        }
        return () -> store.release(budget.bucket());
    }

    /** SHA-256 (hex, 64 characters) of the kind, tenant and network: the bucket column's length, nothing readable. */
    private static String bucket(String tenantId, String network) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("registration\n" + tenantId + "\n" + network)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
