package dev.identityservice.core.key;

import dev.identityservice.core.tenant.Tenant;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The state machine of a tenant's keys (NEXT → ACTIVE → ROTATED, any → REVOKED), applied to the
 * locked, current keys inside one transaction. Every step leaves exactly one ACTIVE and one NEXT
 * key in the {@link KeyPurpose#MAIN main} chain, so a key is always published before it signs.
 *
 * <p>While the tenant's algorithm or its main ACTIVE key is not RS256, every step also leaves one ACTIVE and
 * one NEXT key in the RS256 {@link KeyPurpose#ID_TOKEN} chain (OIDC Core §15.1), which rotates together with the
 * main chain; once both are RS256 again, that chain retires (its ACTIVE key becomes ROTATED, still published for
 * the ID tokens it signed; its NEXT key, which never signed, is deleted).
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

    /**
     * Whether {@code keys} are complete for {@code tenant}: an ACTIVE and a NEXT main key, and an ACTIVE and a
     * NEXT ID-token key exactly while {@link #needsIdTokenChain} says so.
     */
    static boolean isComplete(Tenant tenant, List<SigningKey> keys) {
        boolean main = has(keys, KeyPurpose.MAIN, KeyState.ACTIVE) && has(keys, KeyPurpose.MAIN, KeyState.NEXT);
        boolean chain = has(keys, KeyPurpose.ID_TOKEN, KeyState.ACTIVE) && has(keys, KeyPurpose.ID_TOKEN, KeyState.NEXT);
        boolean anyChain = keys.stream().anyMatch(k -> k.purpose() == KeyPurpose.ID_TOKEN
                && (k.state() == KeyState.ACTIVE || k.state() == KeyState.NEXT));
        SigningAlgorithm mainActive = keys.stream().filter(k -> k.purpose() == KeyPurpose.MAIN && k.state() == KeyState.ACTIVE)
                .map(SigningKey::algorithm).findFirst().orElse(null);
        return main && (needsIdTokenChain(tenant.signingAlgorithm(), mainActive) ? chain : !anyChain);
    }

    private static boolean has(List<SigningKey> keys, KeyPurpose purpose, KeyState state) {
        return keys.stream().anyMatch(k -> k.purpose() == purpose && k.state() == state);
    }

    /** Whether RS256 ID tokens need keys of their own: the tenant signs with, or is moving to, another algorithm. */
    private static boolean needsIdTokenChain(SigningAlgorithm tenantAlgorithm, SigningAlgorithm mainActive) {
        return tenantAlgorithm != SigningAlgorithm.RS256 || (mainActive != null && mainActive != SigningAlgorithm.RS256);
    }

    /** Creates whatever is missing of one ACTIVE and one NEXT key per needed chain; true if it created anything. */
    boolean initialise() {
        boolean created = false;
        if (newest(KeyPurpose.MAIN, KeyState.ACTIVE).isEmpty()) {
            keys.add(newNext(KeyPurpose.MAIN).withState(KeyState.ACTIVE, now));
            created = true;
        }
        if (newest(KeyPurpose.MAIN, KeyState.NEXT).isEmpty()) {
            keys.add(newNext(KeyPurpose.MAIN));
            created = true;
        }
        return reconcileIdTokenChain() || created;
    }

    /**
     * NEXT signs from now on, ACTIVE becomes ROTATED (or REVOKED), and a new NEXT of the tenant's algorithm is
     * published; the ID-token chain rotates with it (never revoked by this: {@code revokeActive} is about the main key).
     */
    void rotate(boolean revokeActive) {
        rotate(KeyPurpose.MAIN, revokeActive);
        if (newest(KeyPurpose.ID_TOKEN, KeyState.ACTIVE).isPresent() && newest(KeyPurpose.ID_TOKEN, KeyState.NEXT).isPresent()) {
            rotate(KeyPurpose.ID_TOKEN, false);
        }
        reconcileIdTokenChain();
    }

    private void rotate(KeyPurpose purpose, boolean revokeActive) {
        SigningKey active = newest(purpose, KeyState.ACTIVE).orElseThrow();
        SigningKey next = newest(purpose, KeyState.NEXT).orElseThrow();
        keys.change(active.withState(revokeActive ? KeyState.REVOKED : KeyState.ROTATED, now));
        keys.change(next.withState(KeyState.ACTIVE, now));
        keys.add(newNext(purpose));
    }

    /** Whether the main ACTIVE key has signed for at least the tenant's rotation period. */
    boolean isRotationDue() {
        Instant activatedAt = newest(KeyPurpose.MAIN, KeyState.ACTIVE).map(SigningKey::activatedAt).orElse(null);
        return activatedAt == null || !now.isBefore(activatedAt.plus(tenant.rotationPeriod()));
    }

    /** Replaces a main NEXT key of another algorithm than the tenant's: it never signed, so it is deleted. */
    void matchNextToAlgorithm() {
        SigningKey next = newest(KeyPurpose.MAIN, KeyState.NEXT).orElseThrow();
        if (next.algorithm() != tenant.signingAlgorithm()) {
            keys.purge(next.kid());
            keys.add(newNext(KeyPurpose.MAIN));
        }
        reconcileIdTokenChain();
    }

    /**
     * Revokes {@code kid}: an ACTIVE key by rotate-and-revoke of its chain, a NEXT key is replaced; false if
     * already revoked.
     */
    boolean revoke(String kid) {
        SigningKey key = keys.find(kid).orElseThrow(
                () -> new IllegalArgumentException("tenant " + tenant.id() + " has no signing key " + kid));
        switch (key.state()) {
            case ACTIVE -> {
                if (key.purpose() == KeyPurpose.MAIN) {
                    rotate(true);
                } else {
                    rotate(KeyPurpose.ID_TOKEN, true);
                }
            }
            case NEXT -> {
                keys.change(key.withState(KeyState.REVOKED, now));
                keys.add(newNext(key.purpose()));
            }
            case ROTATED -> keys.change(key.withState(KeyState.REVOKED, now));
            case REVOKED -> {
                return false;
            }
        }
        return true;
    }

    /** The change so far, with each chain's oldest ROTATED and REVOKED keys beyond the policy's caps purged. */
    KeyChange change() {
        for (KeyPurpose purpose : KeyPurpose.values()) {
            purgeOldest(purpose, KeyState.ROTATED, policy.maxRotatedKeys(), SigningKey::rotatedAt);
            purgeOldest(purpose, KeyState.REVOKED, policy.maxRevokedKeys(), SigningKey::revokedAt);
        }
        return keys.toChange();
    }

    /** Creates the ID-token chain when it is needed and missing, retires it when no longer needed; true if it changed. */
    private boolean reconcileIdTokenChain() {
        SigningAlgorithm mainActive = newest(KeyPurpose.MAIN, KeyState.ACTIVE).map(SigningKey::algorithm).orElse(null);
        Optional<SigningKey> active = newest(KeyPurpose.ID_TOKEN, KeyState.ACTIVE);
        Optional<SigningKey> next = newest(KeyPurpose.ID_TOKEN, KeyState.NEXT);
        boolean changed = false;
        if (needsIdTokenChain(tenant.signingAlgorithm(), mainActive)) {
            if (active.isEmpty()) {
                keys.add(newNext(KeyPurpose.ID_TOKEN).withState(KeyState.ACTIVE, now));
                changed = true;
            }
            if (next.isEmpty()) {
                keys.add(newNext(KeyPurpose.ID_TOKEN));
                changed = true;
            }
            return changed;
        }
        if (active.isPresent()) {
            keys.change(active.get().withState(KeyState.ROTATED, now));
            changed = true;
        }
        if (next.isPresent()) {
            keys.purge(next.get().kid());
            changed = true;
        }
        return changed;
    }

    private Optional<SigningKey> newest(KeyPurpose purpose, KeyState state) {
        return keys.inState(state).stream().filter(k -> k.purpose() == purpose).max(Comparator.comparing(SigningKey::createdAt));
    }

    private void purgeOldest(KeyPurpose purpose, KeyState state, int keep, Function<SigningKey, Instant> retiredAt) {
        Comparator<SigningKey> oldestFirst = Comparator.comparing(retiredAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(SigningKey::createdAt);
        List<SigningKey> newestFirst = keys.inState(state).stream().filter(k -> k.purpose() == purpose)
                .sorted(oldestFirst.reversed()).toList();
        newestFirst.stream().skip(keep).forEach(key -> keys.purge(key.kid()));
    }

    private SigningKey newNext(KeyPurpose purpose) {
        return purpose == KeyPurpose.MAIN
                ? source.newKey(tenant.id(), tenant.signingAlgorithm(), now)
                : source.newKey(tenant.id(), SigningAlgorithm.RS256, now).withPurpose(KeyPurpose.ID_TOKEN);
    }
}
