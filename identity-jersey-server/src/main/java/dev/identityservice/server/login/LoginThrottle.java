package dev.identityservice.server.login;

import dev.identityservice.core.login.AttemptBudget;
import dev.identityservice.core.login.LoginAttemptStore;
import dev.identityservice.core.store.jdbc.DataAccessException;
import dev.identityservice.core.user.User;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slows down online password guessing at the password grant and the login page without handing a guesser a
 * way to lock the owner out (NIST SP 800-63B §5.2.2; OWASP Authentication Cheat Sheet).
 *
 * <p>Every attempt first {@linkplain #begin reserves} one attempt from its budgets, atomically and in the shared
 * database, <em>before</em> the password is hashed; a refused attempt costs no hash and counts nowhere. So N
 * concurrent guesses cannot pass more than the budget, on one instance or many. The budgets
 * ({@link LoginLimits}):
 * <ul>
 *   <li>with a valid {@linkplain DeviceCookies device cookie} for the account: only the cookie's own budget;</li>
 *   <li>otherwise one account from one address; plus, unless the owner has signed in successfully from this
 *       address before (a "known address"), one address over all accounts and the account's budget.</li>
 * </ul>
 * A guesser at one address spends only that address's budget for the account; a guesser with many addresses
 * also spends the account's budget, which then refuses new addresses for the rest of its window (at most
 * {@link LoginLimits#window()}), but never the owner's browsers with a device cookie nor the addresses they have
 * signed in from, which is what serves clients of the password grant that keep no cookies.
 *
 * <p>An address here is a {@linkplain ClientNetwork client network}: one spelling per address, one IPv6 /64.
 *
 * <p>A success gives its attempt back to the shared budgets and resets the account-at-address one; a failure
 * keeps it. Buckets are stored as HMAC-SHA256 of their keys under a server secret: the table holds neither
 * usernames nor addresses, and since people type passwords into the username field, not a plain hash of one either
 * (which anyone with a copy could test guesses against).
 */
public final class LoginThrottle {

    /** The kinds of budget, in the one order in which they are reserved (so that reservations never deadlock). */
    public enum Budget {
        DEVICE, ACCOUNT_ADDRESS, ADDRESS, ACCOUNT;

        /** The metric tag and audit field. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final String KNOWN_ADDRESS = "known";
    private static final int UNAVAILABLE_RETRY_AFTER_S = 5;

    private final LoginAttemptStore store;
    private final LoginLimits limits;
    private final Clock clock;
    private final LoginAudit audit;
    private final SecretKeySpec key;

    /**
     * @param key at least 32 bytes of secret key material, the same on every instance (see {@link #deriveKey}):
     *            buckets and audit fingerprints are keyed hashes under it
     */
    public LoginThrottle(LoginAttemptStore store, LoginLimits limits, Clock clock, LoginAudit audit, byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("login throttle key must be at least 32 bytes");
        }
        this.key = HmacSha256.key(key);
        this.store = Objects.requireNonNull(store, "store");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * Reserves one attempt for {@code username} of {@code tenantId} from client {@code address}.
     *
     * @param deviceId the id of a device cookie already {@linkplain DeviceCookies#verify verified} for this
     *                 username, or {@code null}
     * @return the attempt, to be ended with {@link Attempt#succeeded} or {@link Attempt#failed}
     * @throws Throttled when a budget is spent; nothing was reserved and no password may be checked
     * @throws Unavailable when the counters cannot be read or written (the database is down or too slow): the
     *                     attempt is refused, since one that is not counted must not be checked either
     */
    public Attempt begin(LoginAudit.Channel channel, String tenantId, String username, String address, String deviceId) {
        String account = tenantId + '\0' + User.normalize(username == null ? "" : username);
        String network = ClientNetwork.of(address);
        String knownAddress = bucket(KNOWN_ADDRESS, account, network);
        List<AttemptBudget> budgets = new ArrayList<>(3);
        List<Budget> kinds = new ArrayList<>(3);
        if (deviceId != null) {
            add(budgets, kinds, Budget.DEVICE, bucket(Budget.DEVICE, tenantId, deviceId), limits.perDevice());
        } else {
            add(budgets, kinds, Budget.ACCOUNT_ADDRESS, bucket(Budget.ACCOUNT_ADDRESS, account, network), limits.perAccountAddress());
            // Where the owner has signed in, the address's budget would be one that anyone else behind the same
            // address (a NAT) spends for them: only the account-at-address budget applies there.
            if (!isMarked(channel, tenantId, username, address, knownAddress)) {
                add(budgets, kinds, Budget.ADDRESS, bucket(Budget.ADDRESS, tenantId, network), limits.perAddress());
                add(budgets, kinds, Budget.ACCOUNT, bucket(Budget.ACCOUNT, account), limits.perAccount());
            }
        }
        String fingerprint = accountFingerprint(tenantId, username);
        Optional<LoginAttemptStore.Refusal> refusal;
        try {
            refusal = store.reserve(budgets, clock.instant());
        } catch (DataAccessException e) {
            throw unavailable(channel, tenantId, fingerprint, address, e);
        }
        if (refusal.isPresent()) {
            Budget spent = kinds.get(budgets.indexOf(refusal.get().budget()));
            Duration wait = Duration.between(clock.instant(), refusal.get().retryAt());
            Duration retryAfter = wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait;
            audit.throttled(channel, tenantId, fingerprint, address, deviceId != null, spent, retryAfter);
            throw new Throttled(retryAfter);
        }
        return new Attempt(channel, tenantId, fingerprint, address, deviceId != null, budgets, kinds, knownAddress);
    }

    private boolean isMarked(LoginAudit.Channel channel, String tenantId, String username, String address, String bucket) {
        try {
            return store.isMarked(bucket, clock.instant());
        } catch (DataAccessException e) {
            throw unavailable(channel, tenantId, accountFingerprint(tenantId, username), address, e);
        }
    }

    private Unavailable unavailable(LoginAudit.Channel channel, String tenantId, String account, String address,
                                    DataAccessException cause) {
        audit.unavailable(channel, tenantId, account, address, cause);
        return new Unavailable();
    }

    private void add(List<AttemptBudget> budgets, List<Budget> kinds, Budget kind, String bucket, int limit) {
        budgets.add(new AttemptBudget(bucket, limit, limits.window()));
        kinds.add(kind);
    }

    /** One reserved login attempt; end it exactly once. */
    public final class Attempt {
        private final LoginAudit.Channel channel;
        private final String tenantId;
        private final String account;
        private final String address;
        private final boolean device;
        private final List<AttemptBudget> budgets;
        private final List<Budget> kinds;
        private final String knownAddress;

        private Attempt(LoginAudit.Channel channel, String tenantId, String account, String address, boolean device,
                        List<AttemptBudget> budgets, List<Budget> kinds, String knownAddress) {
            this.channel = channel;
            this.tenantId = tenantId;
            this.account = account;
            this.address = address;
            this.device = device;
            this.budgets = budgets;
            this.kinds = kinds;
            this.knownAddress = knownAddress;
        }

        /**
         * The password was right: the shared budgets get the attempt back, and this address becomes known.
         *
         * @param userId the user's id for the audit line, or {@code null} where the caller does not have it
         */
        public void succeeded(String userId) {
            try {
                giveBack();
            } catch (DataAccessException e) {
                // The password was right and the tokens may already be made: only a give-back is lost.
                audit.unavailable(channel, tenantId, account, address, e);
            }
            audit.succeeded(channel, tenantId, account, address, device, userId);
        }

        private void giveBack() {
            for (int i = 0; i < budgets.size(); i++) {
                String bucket = budgets.get(i).bucket();
                switch (kinds.get(i)) {
                    case DEVICE, ACCOUNT_ADDRESS -> store.reset(bucket);
                    case ADDRESS, ACCOUNT -> store.release(bucket);
                    default -> throw new IllegalStateException();
                }
            }
            store.mark(knownAddress, clock.instant().plus(limits.trustedFor()));
        }

        /** No password was checked after all (a malformed request): every budget gets the attempt back. */
        public void abandoned() {
            budgets.forEach(budget -> store.release(budget.bucket()));
        }

        /** The credentials were wrong: the attempt stays counted. */
        public void failed() {
            audit.failed(channel, tenantId, account, address, device);
        }
    }

    /** A login refused before any password check; {@link #retryAfter()} is at least one second. */
    public static final class Throttled extends RuntimeException {
        private final transient Duration retryAfter;

        Throttled(Duration retryAfter) {
            super("login throttled", null, false, false);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }

        /** {@code Retry-After} in whole seconds (RFC 9110 §10.2.3), at least 1. */
        public String retryAfterHeader() {
            return String.valueOf(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
        }
    }

    /** A throttle key derived from {@code secret} (HMAC-SHA256 of a fixed label), e.g. the device-cookie key. */
    public static byte[] deriveKey(byte[] secret) {
        return HmacSha256.of(HmacSha256.key(secret), "identity login throttle key v1");
    }

    /**
     * The counters could not be reached: a login refused, fail-closed, before any password check; answered with
     * 503 and {@code Retry-After} {@value #UNAVAILABLE_RETRY_AFTER_S} seconds (RFC 9110 §15.6.4).
     */
    public static final class Unavailable extends RuntimeException {
        Unavailable() {
            super("login counters unavailable", null, false, false);
        }

        /** {@code Retry-After} in whole seconds. */
        public String retryAfterHeader() {
            return String.valueOf(UNAVAILABLE_RETRY_AFTER_S);
        }
    }

    /**
     * The audit log's stand-in for a username: 16 hex digits of HMAC-SHA256 (this server's key) over tenant and
     * normalized username. Keyed, because the name typed may be a password: lines of one account correlate, but
     * a fingerprint cannot be tested against guesses without the key.
     */
    public String accountFingerprint(String tenantId, String username) {
        byte[] digest = HmacSha256.of(key, tenantId + '\0' + User.normalize(username == null ? "" : username));
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    private String bucket(Object kind, String... parts) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(HmacSha256.of(key, kind + "\0" + String.join("\0", parts)));
    }

}
