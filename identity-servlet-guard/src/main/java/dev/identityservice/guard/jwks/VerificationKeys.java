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

    /** The usable keys of a JWKS; keys that cannot verify signatures are left out and logged. */
    static VerificationKeys from(JWKSet set) {
        List<VerificationKey> usable = new ArrayList<>();
        Map<String, List<VerificationKey>> grouped = new HashMap<>();
        for (JWK jwk : set.getKeys()) {
            VerificationKey key;
            try {
                key = VerificationKey.from(jwk);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "skipping JWK " + jwk.getKeyID() + ": " + e.getMessage());
                continue;
            }
            if (key == null) {
                LOG.log(System.Logger.Level.DEBUG, "skipping JWK " + jwk.getKeyID() + ": not a signature key");
                continue;
            }
            usable.add(key);
            if (key.kid() != null) {
                grouped.computeIfAbsent(key.kid(), k -> new ArrayList<>(1)).add(key);
            }
        }
        Map<String, VerificationKey[]> byKid = new HashMap<>();
        grouped.forEach((kid, keys) -> byKid.put(kid, keys.toArray(NONE)));
        return new VerificationKeys(Map.copyOf(byKid), usable.toArray(NONE));
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
}
