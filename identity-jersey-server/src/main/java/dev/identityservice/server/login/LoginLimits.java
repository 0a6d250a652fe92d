package dev.identityservice.server.login;

import java.time.Duration;
import java.util.Objects;

/**
 * The login budgets, each counted in fixed windows of {@code window}: attempts in flight and failures count;
 * a success gives its attempt back.
 *
 * @param window             length of every budget's window (default {@link #DEFAULT_WINDOW}, 15 minutes)
 * @param perAccountAddress  attempts of one account from one client address (default 5): what stops one guesser
 * @param perAddress         attempts from one client address over all accounts (default 100): password spraying
 * @param perAccount         attempts of one account from addresses it has never signed in from, without a device
 *                           cookie (default 50): what stops a guesser with many addresses; the owner's known
 *                           devices and addresses are exempt, so it cannot lock them out
 * @param perDevice          attempts with one valid device cookie (default 10): the cookie's own budget
 * @param trustedFor         how long a device cookie, and the mark of an address the owner signed in from, last
 *                           (default 30 days)
 */
public record LoginLimits(Duration window, int perAccountAddress, int perAddress, int perAccount, int perDevice,
                          Duration trustedFor) {

    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
    public static final int DEFAULT_PER_ACCOUNT_ADDRESS = 5;
    public static final int DEFAULT_PER_ADDRESS = 100;
    public static final int DEFAULT_PER_ACCOUNT = 50;
    public static final int DEFAULT_PER_DEVICE = 10;
    public static final Duration DEFAULT_TRUSTED_FOR = Duration.ofDays(30);
    public static final LoginLimits DEFAULTS = new LoginLimits(DEFAULT_WINDOW, DEFAULT_PER_ACCOUNT_ADDRESS,
            DEFAULT_PER_ADDRESS, DEFAULT_PER_ACCOUNT, DEFAULT_PER_DEVICE, DEFAULT_TRUSTED_FOR);

    public LoginLimits {
        positive("login.window", window);
        positive("login.trusted.for", trustedFor);
        atLeastOne("login.limit.account.address", perAccountAddress);
        atLeastOne("login.limit.address", perAddress);
        atLeastOne("login.limit.account", perAccount);
        atLeastOne("login.limit.device", perDevice);
    }

    private static void positive(String key, Duration value) {
        Objects.requireNonNull(value, key);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(key + ": must be positive: " + value);
        }
    }

    private static void atLeastOne(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + ": must be at least 1: " + value);
        }
    }
}
