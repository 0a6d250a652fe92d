package dev.identityservice.core.token;

import dev.identityservice.core.AdmissionGate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The instant from which a user's tokens are live again after "revoke everything" ({@code tokensValidAfter}).
 *
 * <p>A JWT's {@code iat} has whole seconds (RFC 7519 §2 NumericDate, as Nimbus writes it), so a cut-off with
 * microseconds cannot tell a token issued just before the revocation from one issued just after it in the same
 * second. The cut-off is therefore the next whole second after the revocation: every token issued in the
 * revocation's second, before or after it, is dead, and a token is live exactly when its issue time, truncated
 * or not, is at or after the cut-off ({@link dev.identityservice.core.user.User#acceptsTokensIssuedAt}). The
 * revocation then {@linkplain #waitUntilPassed waits} until the clock has reached the cut-off (at most a second,
 * once), so every token issued after it answered is live. A login racing the revocation call itself may get a
 * dead token; it is concurrent with the revocation, so either outcome is correct. Another instance sharing the
 * database issues live tokens after the answer too, as long as its clock is not behind this one's: a clock
 * behind by d makes its logins in the first d after the answer get dead tokens (refused, never leaked).
 */
public final class RevocationCutOff {

    /** Waits for a duration; {@link #THREAD_SLEEP} in production, a clock-advancing fake in tests. */
    @FunctionalInterface
    public interface Sleeper {
        /** Returns after {@code duration}, or at once when interrupted (the interrupt flag stays set). */
        void sleep(Duration duration);

        /** Sleeps outside the request's {@link AdmissionGate}: a wait for the clock holds no permit. */
        Sleeper THREAD_SLEEP = duration -> AdmissionGate.outside(() -> {
            try {
                Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
    }

    private final Clock clock;
    private final Sleeper sleeper;

    public RevocationCutOff(Clock clock, Sleeper sleeper) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** The cut-off for a revocation now: the start of the next whole second of the clock. */
    public Instant next() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    }

    /**
     * Sleeps once for what remains until {@code cutOff} by the clock (nothing if it has passed). Once, not in a
     * loop: an injected clock that does not move must not hang the caller.
     */
    public void waitUntilPassed(Instant cutOff) {
        Duration remaining = Duration.between(clock.instant(), cutOff);
        if (remaining.compareTo(Duration.ZERO) > 0) {
            sleeper.sleep(remaining);
        }
    }
}
