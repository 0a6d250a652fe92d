package dev.identityservice.guard.jwks;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of the issuer's usable verification keys, indexed by {@code kid}; what
 * request threads read, without a lock, from {@link CachingJwksSource}.
 */
final class VerificationKeys {

    private static final System.Logger LOG = System.getLogger(VerificationKeys.class.getName());
    private static final VerificationKey[] NONE = new VerificationKey[0];

    private final Map<String, VerificationKey[]> byKid;
    private final VerificationKey[] all;

    private VerificationKeys(Map<String, VerificationKey[]> byKid, VerificationKey[] all) {
        this.byKid = byKid;
        this.all = all;
    }

    /**
     * The usable keys of a JWKS. Each unusable entry is ignored (RFC 7517 §5) and logged; so are
     * entries sharing a {@code kid} with a different key that could verify the same algorithm, since
     * the {@code kid} could not say which of them signed (RFC 7517 §4.5 allows a shared {@code kid}
     * only across key types). Identical repeats count once.
     */
    static VerificationKeys from(JWKSet set) {
        List<VerificationKey> usable = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            try {
                usable.add(VerificationKey.from(jwk));
            } catch (UnusableKeyException e) {
                LOG.log(System.Logger.Level.WARNING, "ignoring JWK " + jwk.getKeyID() + ": " + e.getMessage());
            }
        }
        usable = withoutAmbiguousKids(usable);
        Map<String, List<VerificationKey>> grouped = new HashMap<>();
        for (VerificationKey key : usable) {
            if (key.kid() != null) {
                grouped.computeIfAbsent(key.kid(), k -> new ArrayList<>(1)).add(key);
            }
        }
        Map<String, VerificationKey[]> byKid = new HashMap<>();
        grouped.forEach((kid, keys) -> byKid.put(kid, keys.toArray(NONE)));
        return new VerificationKeys(Map.copyOf(byKid), usable.toArray(NONE));
    }

    private static List<VerificationKey> withoutAmbiguousKids(List<VerificationKey> keys) {
        List<VerificationKey> kept = new ArrayList<>(keys.size());
        java.util.Set<String> ambiguous = new java.util.HashSet<>();
        for (VerificationKey key : keys) {
            boolean repeat = false;
            for (VerificationKey earlier : kept) {
                if (key.kid() != null && key.kid().equals(earlier.kid())) {
                    if (key.sameAs(earlier)) {
                        repeat = true;
                    } else if (key.overlaps(earlier)) {
                        ambiguous.add(key.kid());
                    }
                }
            }
            if (!repeat) {
                kept.add(key);
            }
        }
        if (!ambiguous.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "ignoring JWKs " + ambiguous
                    + ": one kid names different keys for the same algorithm");
            kept.removeIf(key -> ambiguous.contains(key.kid()));
        }
        return kept;
    }

    /**
     * The keys a token may have been signed with.
     *
     * @param kid the header's {@code kid}, or null
     * @return the keys with that {@code kid}, or every key if {@code kid} is null; null if the
     *         {@code kid} is unknown
     */
    VerificationKey[] candidates(String kid) {
        return kid == null ? all : byKid.get(kid);
    }

    int size() {
        return all.length;
    }

    /** This set without the keys whose {@code kid} is in {@code revoked}; this very set if it has none of them. */
    VerificationKeys without(java.util.Set<String> revoked) {
        if (revoked.isEmpty() || revoked.stream().noneMatch(byKid::containsKey)) {
            return this;
        }
        Map<String, VerificationKey[]> kept = new HashMap<>(byKid);
        kept.keySet().removeAll(revoked);
        List<VerificationKey> rest = new ArrayList<>();
        for (VerificationKey key : all) {
            if (key.kid() == null || !revoked.contains(key.kid())) {
                rest.add(key);
            }
        }
        return new VerificationKeys(Map.copyOf(kept), rest.toArray(NONE));
    }

    /** Whether a key with this {@code kid} is in the set. */
    boolean has(String kid) {
        return byKid.containsKey(kid);
    }
}
