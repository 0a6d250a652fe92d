package dev.identityservice.core.key;

import dev.identityservice.core.tenant.Tenant;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The state machine of a tenant's keys (NEXT → ACTIVE → ROTATED, any → REVOKED), applied to the
 * locked, current keys inside one transaction. Every step leaves exactly one ACTIVE and one NEXT
 * key, so a key is always published before it signs.
 */
final class KeyTransitions {

    /** Makes the new keys a transition needs; may hand out keys generated before the lock was taken. */
    @FunctionalInterface
    interface KeySource {
        SigningKey newKey(String tenantId, SigningAlgorithm algorithm, Instant createdAt);
    }

    private final Tenant tenant;
    private final PendingKeys keys;
    private final Instant now;
    private final KeyRotationPolicy policy;
    private final KeySource source;

    KeyTransitions(Tenant tenant, List<SigningKey> stored, Instant now, KeyRotationPolicy policy, KeySource source) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.keys = new PendingKeys(stored);
        this.now = Objects.requireNonNull(now, "now");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.source = Objects.requireNonNull(source, "source");
    }

    /** Creates whatever is missing of one ACTIVE and one NEXT key; true if it created anything. */
    boolean initialise() {
        boolean created = false;
        if (keys.newest(KeyState.ACTIVE).isEmpty()) {
            keys.add(newNext().withState(KeyState.ACTIVE, now));
            created = true;
        }
        if (keys.newest(KeyState.NEXT).isEmpty()) {
            keys.add(newNext());
            created = true;
        }
        return created;
    }

    /** NEXT signs from now on, ACTIVE becomes ROTATED (or REVOKED), and a new NEXT of the tenant's algorithm is published. */
    void rotate(boolean revokeActive) {
        SigningKey active = keys.newest(KeyState.ACTIVE).orElseThrow();
        SigningKey next = keys.newest(KeyState.NEXT).orElseThrow();
        keys.change(active.withState(revokeActive ? KeyState.REVOKED : KeyState.ROTATED, now));
        keys.change(next.withState(KeyState.ACTIVE, now));
        keys.add(newNext());
    }

    /** Whether the ACTIVE key has signed for at least the tenant's rotation period. */
    boolean isRotationDue() {
        Instant activatedAt = keys.newest(KeyState.ACTIVE).map(SigningKey::activatedAt).orElse(null);
        return activatedAt == null || !now.isBefore(activatedAt.plus(tenant.rotationPeriod()));
    }

    /** Replaces a NEXT key of another algorithm than the tenant's: it never signed, so it is deleted. */
    void matchNextToAlgorithm() {
        SigningKey next = keys.newest(KeyState.NEXT).orElseThrow();
        if (next.algorithm() != tenant.signingAlgorithm()) {
            keys.purge(next.kid());
            keys.add(newNext());
        }
    }

    /** Revokes {@code kid}: the ACTIVE key by rotate-and-revoke, a NEXT key is replaced; false if already revoked. */
    boolean revoke(String kid) {
        SigningKey key = keys.find(kid).orElseThrow(
                () -> new IllegalArgumentException("tenant " + tenant.id() + " has no signing key " + kid));
        switch (key.state()) {
            case ACTIVE -> rotate(true);
            case NEXT -> {
                keys.change(key.withState(KeyState.REVOKED, now));
                keys.add(newNext());
            }
            case ROTATED -> keys.change(key.withState(KeyState.REVOKED, now));
            case REVOKED -> {
                return false;
            }
        }
        return true;
    }

    /** The change so far, with the oldest ROTATED and REVOKED keys beyond the policy's caps purged. */
    KeyChange change() {
        purgeOldest(KeyState.ROTATED, policy.maxRotatedKeys(), SigningKey::rotatedAt);
        purgeOldest(KeyState.REVOKED, policy.maxRevokedKeys(), SigningKey::revokedAt);
        return keys.toChange();
    }

    private void purgeOldest(KeyState state, int keep, Function<SigningKey, Instant> retiredAt) {
        Comparator<SigningKey> oldestFirst = Comparator.comparing(retiredAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(SigningKey::createdAt);
        List<SigningKey> newestFirst = keys.inState(state).stream().sorted(oldestFirst.reversed()).toList();
        newestFirst.stream().skip(keep).forEach(key -> keys.purge(key.kid()));
    }

    private SigningKey newNext() {
        return source.newKey(tenant.id(), tenant.signingAlgorithm(), now);
    }
}
