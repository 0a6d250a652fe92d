package dev.identityservice.core.key;

import dev.identityservice.core.change.Change;
import dev.identityservice.core.change.ChangeNotifier;
import dev.identityservice.core.change.InProcessChangeNotifier;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.tenant.TenantStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the signing keys of every tenant: creates the first ones, rotates them (manually, on
 * schedule, or with revocation), and serves each tenant's current {@link KeyRing}.
 *
 * <p>Reads ({@link #keyRing}) take no lock and do no I/O once a tenant is loaded: each ring is an
 * immutable snapshot replaced atomically. Writes run one at a time per tenant in this process, and
 * in one transaction that locks the tenant row, so instances sharing a database rotate one after
 * another. Each committed write is published as a {@link Change#keys} change; the engine answers other
 * instances' changes with {@link #reload}, so a rotation or revocation reaches them within a notification
 * (the {@link KeyRotationScheduler} also reloads periodically).
 */
public final class KeyRotator implements KeyRingProvider {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRotator.class);

    private final SigningKeyStore store;
    private final TenantStore tenants;
    private final SigningKeyGenerator generator;
    private final KeyRotationPolicy policy;
    private final KeyRotationListener listener;
    private final java.util.function.BiConsumer<String, String> revocations;
    /** Who signs and verifies; replaced once the server's native provider has loaded ({@link #useSignatures}). */
    private volatile SignatureProvider signatures;
    private final Clock clock;
    private final ChangeNotifier changes;
    private final Map<String, KeyRing> rings = new ConcurrentHashMap<>();
    private final Map<String, Object> writeLocks = new ConcurrentHashMap<>();

    private KeyRotator(Builder builder) {
        this.store = builder.store;
        this.tenants = builder.tenants;
        this.generator = builder.generator;
        this.policy = builder.policy;
        this.listener = builder.listener;
        this.clock = builder.clock;
        this.changes = builder.changes;
        this.revocations = builder.revocations;
        this.signatures = builder.signatures;
    }

    public static Builder builder(SigningKeyStore store, TenantStore tenants) {
        return new Builder(store, tenants);
    }

    /** The tenant's current ring; on first use loads it, creating an ACTIVE and a NEXT key if it has none. */
    @Override
    public KeyRing keyRing(String tenantId) {
        KeyRing ring = rings.get(tenantId);
        return ring != null ? ring : loadOnFirstUse(tenantId);
    }

    /** Loads once however many request threads ask at the same time; the others wait and share it. */
    private KeyRing loadOnFirstUse(String tenantId) {
        synchronized (writeLock(tenantId)) {
            KeyRing ring = rings.get(tenantId);
            return ring != null ? ring : reload(tenantId);
        }
    }

    /** Replaces the snapshot with the stored keys, so that other instances' changes show here. */
    public KeyRing reload(String tenantId) {
        synchronized (writeLock(tenantId)) {
            List<SigningKey> stored = store.load(tenantId);
            if (!KeyTransitions.isComplete(tenant(tenantId), stored)) {
                return write(tenantId, KeyRotationListener.Reason.INITIAL, 2, KeyTransitions::initialise).ring;
            }
            return publish(tenantId, stored);
        }
    }

    /**
     * Signs and verifies with {@code provider} from now on: every tenant's ring is rebuilt from the same keys with the
     * provider's own key objects ({@link KeyRing#of(String, List, SignatureProvider)}), each under its tenant's write
     * lock, so that a rotation running at the same time is neither lost nor built with the provider before. For a
     * provider that becomes usable after the start: the server loads its native one while it already serves.
     */
    public void useSignatures(SignatureProvider provider) {
        signatures = Objects.requireNonNull(provider, "provider");
        // Every tenant with a lock, not only with a ring: a first load holds its lock from before it reads the
        // provider until its ring is in, so a load that read the JDK's is seen here and its ring rebuilt after it.
        for (String tenantId : writeLocks.keySet()) {
            synchronized (writeLock(tenantId)) {
                rings.computeIfPresent(tenantId, (id, ring) -> KeyRing.of(id, ring.keys(), provider));
            }
        }
    }

    /**
     * Forgets the rings of every tenant not in {@code tenantIds}: a tenant whose creation was rolled back
     * must not keep keys that the store never kept.
     */
    public void retainTenants(java.util.Set<String> tenantIds) {
        rings.keySet().retainAll(tenantIds);
    }

    /** NEXT starts signing, ACTIVE becomes ROTATED (still published), a new NEXT is published. */
    public KeyRing rotate(String tenantId) {
        return write(tenantId, KeyRotationListener.Reason.MANUAL, 1, t -> t.rotate(false)).ring;
    }

    /** Like {@link #rotate}, but the old ACTIVE key becomes REVOKED: gone from the JWKS at once. */
    public KeyRing rotateAndRevoke(String tenantId) {
        return write(tenantId, KeyRotationListener.Reason.REVOKED, 1, t -> t.rotate(true)).ring;
    }

    /**
     * Revokes one key: a ROTATED key leaves the JWKS; a NEXT key is replaced by a fresh one;
     * the ACTIVE key is rotated-and-revoked. Revoking a REVOKED key changes nothing.
     *
     * @throws IllegalArgumentException when the tenant has no key {@code kid}
     */
    public KeyRing revoke(String tenantId, String kid) {
        KeyState state = keyRing(tenantId).keys().stream().filter(k -> k.kid().equals(kid))
                .map(SigningKey::state).findFirst().orElse(KeyState.ROTATED);
        int keysNeeded = state == KeyState.ACTIVE || state == KeyState.NEXT ? 1 : 0;
        return write(tenantId, KeyRotationListener.Reason.REVOKED, keysNeeded, t -> t.revoke(kid)).ring;
    }

    /**
     * Makes the tenant sign with {@code algorithm} from its next rotation on: stores the choice and
     * replaces the NEXT key by one of that algorithm, published at once. The ACTIVE key keeps signing.
     */
    public KeyRing changeAlgorithm(String tenantId, SigningAlgorithm algorithm) {
        Objects.requireNonNull(algorithm, "algorithm");
        Tenant tenant = tenant(tenantId);
        if (tenant.signingAlgorithm() != algorithm) {
            tenants.update(tenant.withSigningAlgorithm(algorithm));
        }
        keyRing(tenantId);
        return write(tenantId, KeyRotationListener.Reason.MANUAL, 1, KeyTransitions::matchNextToAlgorithm).ring;
    }

    /**
     * Rotates when the ACTIVE key has signed for at least the tenant's rotation period, by the
     * injected clock. Checked first against the in-memory ring, then again under the lock, so two
     * instances that find it due at the same time rotate once.
     *
     * @return whether this call rotated
     */
    public boolean rotateIfDue(String tenantId) {
        KeyRing ring = keyRing(tenantId);
        Instant due = ring.active().activatedAt().plus(tenant(tenantId).rotationPeriod());
        if (now().isBefore(due)) {
            return false;
        }
        return write(tenantId, KeyRotationListener.Reason.SCHEDULED, 1, t -> {
            if (t.isRotationDue()) {
                t.rotate(false);
            }
        }).rotated;
    }

    private Outcome write(String tenantId, KeyRotationListener.Reason reason, int keysLikelyNeeded,
                          Consumer<KeyTransitions> transition) {
        Outcome outcome;
        KeyRing before;
        synchronized (writeLock(tenantId)) {
            before = rings.get(tenantId);
            Instant now = now();
            // Generate outside the database lock (an RSA key takes up to a few hundred ms); the
            // transition falls back to generating under the lock if the tenant's algorithm changed meanwhile.
            PregeneratedKeys source = new PregeneratedKeys(tenant(tenantId).signingAlgorithm(), keysLikelyNeeded, tenantId, now);
            String[] activeBefore = new String[1];
            java.util.Set<String> revokedBefore = new java.util.HashSet<>();
            List<SigningKey> keys = store.update(tenantId, (tenant, stored) -> {
                activeBefore[0] = activeKid(stored);
                revokedBefore.clear();
                stored.stream().filter(k -> k.state() == KeyState.REVOKED).forEach(k -> revokedBefore.add(k.kid()));
                KeyTransitions transitions = new KeyTransitions(tenant, stored, now, policy, source);
                // Every write first completes an ACTIVE and a NEXT key, so callers need not load the ring first.
                transitions.initialise();
                transition.accept(transitions);
                return transitions.change();
            });
            // In the caller's transaction when it has one (the admin API's), so the key and its event commit together.
            keys.stream().filter(k -> k.state() == KeyState.REVOKED && !revokedBefore.contains(k.kid()))
                    .forEach(k -> revocations.accept(tenantId, k.kid()));
            KeyRing ring = publish(tenantId, keys);
            String activeAfter = ring.active().kid();
            boolean rotated = activeBefore[0] != null && !activeAfter.equals(activeBefore[0]);
            outcome = new Outcome(ring, rotated, activeAfter.equals(activeBefore[0]) ? null
                    : activeBefore[0] == null ? KeyRotationListener.Reason.INITIAL : reason);
        }
        if (outcome.ring != before) {
            // Committed: other instances reload this tenant's ring (signer, JWKS) now, not at their next check.
            changes.publish(Change.keys(tenantId));
        }
        if (outcome.event != null) {
            LOG.info("Tenant {}: signing key {} is now ACTIVE ({})", tenantId, outcome.ring.active().kid(), outcome.event);
            notifyListener(tenantId, outcome);
        }
        return outcome;
    }

    /** Swaps in a ring of {@code keys}; keeps the current snapshot (signer, JWKS bytes) when no key changed state. */
    private KeyRing publish(String tenantId, List<SigningKey> keys) {
        KeyRing current = rings.get(tenantId);
        if (current != null && statesByKid(current.keys()).equals(statesByKid(keys))) {
            return current;
        }
        KeyRing ring = KeyRing.of(tenantId, keys, signatures);
        rings.put(tenantId, ring);
        return ring;
    }

    private void notifyListener(String tenantId, Outcome outcome) {
        try {
            listener.rotated(tenantId, outcome.ring.active().kid(), outcome.event);
        } catch (RuntimeException e) {
            LOG.warn("KeyRotationListener failed for tenant {}; the rotation itself succeeded", tenantId, e);
        }
    }

    private Tenant tenant(String tenantId) {
        return tenants.find(tenantId).orElseThrow(() -> new IllegalArgumentException("unknown tenant '" + tenantId + "'"));
    }

    private Object writeLock(String tenantId) {
        return writeLocks.computeIfAbsent(tenantId, id -> new Object());
    }

    /** Now, in the database's precision (microseconds), so a reloaded key equals the one in memory. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String activeKid(List<SigningKey> keys) {
        return keys.stream().filter(k -> k.state() == KeyState.ACTIVE && k.purpose() == KeyPurpose.MAIN)
                .map(SigningKey::kid).findFirst().orElse(null);
    }

    private static Map<String, KeyState> statesByKid(List<SigningKey> keys) {
        return keys.stream().collect(Collectors.toMap(SigningKey::kid, SigningKey::state));
    }

    /** The result of one write: the published ring, whether the ACTIVE key changed, and why (null: unchanged). */
    private record Outcome(KeyRing ring, boolean rotated, KeyRotationListener.Reason event) {
    }

    /**
     * Keys generated before the transaction for the algorithm the tenant had then, and as many RS256 keys for
     * the ID-token chain when that algorithm is not RS256 (the chain rotates with the main one).
     */
    private final class PregeneratedKeys implements KeyTransitions.KeySource {

        private final Map<SigningAlgorithm, Deque<SigningKey>> ready = new java.util.EnumMap<>(SigningAlgorithm.class);

        PregeneratedKeys(SigningAlgorithm algorithm, int count, String tenantId, Instant createdAt) {
            List<SigningAlgorithm> wanted = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                wanted.add(algorithm);
                if (algorithm != SigningAlgorithm.RS256) {
                    wanted.add(SigningAlgorithm.RS256);
                }
            }
            // RSA generation dominates a first start; the keys are independent, so use every core.
            // The common pool has one worker on two cores, so this thread makes one key itself.
            List<CompletableFuture<SigningKey>> pending = new ArrayList<>();
            for (SigningAlgorithm each : wanted.subList(Math.min(1, wanted.size()), wanted.size())) {
                pending.add(CompletableFuture.supplyAsync(() -> generator.generate(tenantId, each, createdAt)));
            }
            if (!wanted.isEmpty()) {
                add(generator.generate(tenantId, wanted.get(0), createdAt));
            }
            pending.forEach(future -> add(future.join()));
        }

        private void add(SigningKey key) {
            ready.computeIfAbsent(key.algorithm(), a -> new ArrayDeque<>()).add(key);
        }

        @Override
        public SigningKey newKey(String tenantId, SigningAlgorithm wanted, Instant createdAt) {
            Deque<SigningKey> keys = ready.get(wanted);
            return keys != null && !keys.isEmpty() ? keys.poll() : generator.generate(tenantId, wanted, createdAt);
        }
    }

    /** Configures a {@link KeyRotator}; every option but the stores has a default. */
    public static final class Builder {

        private final SigningKeyStore store;
        private final TenantStore tenants;
        private SigningKeyGenerator generator = SigningKeyGenerator.withDefaults();
        private KeyRotationPolicy policy = KeyRotationPolicy.DEFAULTS;
        private KeyRotationListener listener = KeyRotationListener.NONE;
        private Clock clock = Clock.systemUTC();
        private ChangeNotifier changes = new InProcessChangeNotifier();
        private java.util.function.BiConsumer<String, String> revocations = (tenantId, kid) -> { };
        private SignatureProvider signatures = SignatureProvider.JDK;

        private Builder(SigningKeyStore store, TenantStore tenants) {
            this.store = Objects.requireNonNull(store, "store");
            this.tenants = Objects.requireNonNull(tenants, "tenants");
        }

        /** Default: RSA 2048 ({@link SigningKeyGenerator#withDefaults()}). */
        public Builder generator(SigningKeyGenerator generator) {
            this.generator = Objects.requireNonNull(generator, "generator");
            return this;
        }

        /** Default: {@link KeyRotationPolicy#DEFAULTS} (8 rotated, 16 revoked). */
        public Builder policy(KeyRotationPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Default: {@link KeyRotationListener#NONE}. */
        public Builder listener(KeyRotationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Default: the system clock in UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where committed key changes are published for other instances; default: this process only. */
        public Builder changes(ChangeNotifier changes) {
            this.changes = Objects.requireNonNull(changes, "changes");
            return this;
        }

        /**
         * Told {@code (tenantId, kid)} of every key a write revoked, right after the store wrote it and on the writing
         * thread (so inside the caller's transaction, if any); default: nobody. For the security events.
         */
        public Builder revocations(java.util.function.BiConsumer<String, String> revocations) {
            this.revocations = Objects.requireNonNull(revocations, "revocations");
            return this;
        }

        /** What the key rings sign and verify with; default {@link SignatureProvider#JDK}. */
        public Builder signatures(SignatureProvider signatures) {
            this.signatures = Objects.requireNonNull(signatures, "signatures");
            return this;
        }

        public KeyRotator build() {
            return new KeyRotator(this);
        }
    }
}
