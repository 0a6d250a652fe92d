package dev.identityservice.core.key;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.tenant.TenantStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the scheduled side of key rotation: every {@code checkInterval} it reloads each tenant's
 * key ring from the store (so another instance's rotation shows here within one interval) and
 * rotates the tenants whose ACTIVE key is due.
 *
 * @see KeyRotator#rotateIfDue(String)
 */
public final class KeyRotationScheduler {

    /** How often tenants are checked and reloaded, by default: one minute. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(KeyRotationScheduler.class);

    private final KeyRotator rotator;
    private final TenantStore tenants;
    private final Duration checkInterval;

    public KeyRotationScheduler(KeyRotator rotator, TenantStore tenants, Duration checkInterval) {
        this.rotator = Objects.requireNonNull(rotator, "rotator");
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.checkInterval = Objects.requireNonNull(checkInterval, "checkInterval");
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("checkInterval must be positive: " + checkInterval);
        }
    }

    public KeyRotationScheduler(KeyRotator rotator, TenantStore tenants) {
        this(rotator, tenants, DEFAULT_CHECK_INTERVAL);
    }

    /** How often {@link #checkAll()} should run. */
    public Duration checkInterval() {
        return checkInterval;
    }

    /** Runs {@link #checkAll()} every {@code checkInterval} on {@code executor}, starting after one interval; cancel the future to stop. */
    public ScheduledFuture<?> start(ScheduledExecutorService executor) {
        long intervalMillis = checkInterval.toMillis();
        return executor.scheduleWithFixedDelay(this::checkAll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Reloads and, when due, rotates every tenant. A failing tenant is logged and skipped, so one
     * broken tenant cannot stop the others' rotations (nor the schedule).
     *
     * @return how many tenants rotated
     */
    public int checkAll() {
        int rotated = 0;
        try {
            for (Tenant tenant : tenants.list()) {
                try {
                    rotator.reload(tenant.id());
                    if (rotator.rotateIfDue(tenant.id())) {
                        rotated++;
                    }
                } catch (RuntimeException e) {
                    LOG.error("Key rotation check failed for tenant {}; retrying in {}", tenant.id(), checkInterval, e);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Key rotation check could not list tenants; retrying in {}", checkInterval, e);
        }
        return rotated;
    }
}
