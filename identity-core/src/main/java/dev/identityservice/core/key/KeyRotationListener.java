package dev.identityservice.core.key;

/**
 * Told about each key-ring change made by this instance, after it is committed and published;
 * for metrics and audit logs. Changes made by other instances arrive by reload and are not reported.
 *
 * <p>Called on the rotating thread: keep it quick. An exception it throws is logged and ignored.
 */
public interface KeyRotationListener {

    /** Ignores every event. */
    KeyRotationListener NONE = (tenantId, newActiveKid, reason) -> { };

    /** Why the active key changed. */
    enum Reason {
        /** The tenant's first keys were created. */
        INITIAL,
        /** The active key reached the tenant's rotation period. */
        SCHEDULED,
        /** An operator asked for a rotation. */
        MANUAL,
        /** The previous active key was revoked (rotate-and-revoke). */
        REVOKED
    }

    /** {@code newActiveKid} now signs the tenant's tokens. */
    void rotated(String tenantId, String newActiveKid, Reason reason);

    /** This listener, then {@code next}. */
    default KeyRotationListener andThen(KeyRotationListener next) {
        return (tenantId, newActiveKid, reason) -> {
            rotated(tenantId, newActiveKid, reason);
            next.rotated(tenantId, newActiveKid, reason);
        };
    }
}
