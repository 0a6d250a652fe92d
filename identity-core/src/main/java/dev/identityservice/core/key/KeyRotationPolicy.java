package dev.identityservice.core.key;

/**
 * How many retired keys a tenant keeps; beyond these caps the oldest are deleted.
 *
 * <p>How often keys rotate is the tenant's {@code rotationPeriod}, not part of this policy.
 *
 * @param maxRotatedKeys {@code ROTATED} keys kept (still published, verify-only); oldest by rotation time purged first
 * @param maxRevokedKeys {@code REVOKED} keys kept (never published, kept for audit); oldest by revocation time purged first
 */
public record KeyRotationPolicy(int maxRotatedKeys, int maxRevokedKeys) {

    /** {@code ROTATED} keys kept by default: 8. */
    public static final int DEFAULT_MAX_ROTATED_KEYS = 8;

    /** {@code REVOKED} keys kept by default: 16. */
    public static final int DEFAULT_MAX_REVOKED_KEYS = 16;

    public static final KeyRotationPolicy DEFAULTS = new KeyRotationPolicy(DEFAULT_MAX_ROTATED_KEYS, DEFAULT_MAX_REVOKED_KEYS);

    public KeyRotationPolicy {
        if (maxRotatedKeys < 0) {
            throw new IllegalArgumentException("maxRotatedKeys must not be negative: " + maxRotatedKeys);
        }
        if (maxRevokedKeys < 0) {
            throw new IllegalArgumentException("maxRevokedKeys must not be negative: " + maxRevokedKeys);
        }
    }
}
