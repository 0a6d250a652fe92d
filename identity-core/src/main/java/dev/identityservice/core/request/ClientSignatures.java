package dev.identityservice.core.request;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.ClientKeys;
import java.util.List;
import java.util.Objects;

/**
 * Verifies a JWS a client signed with one of its registered keys ({@code jwks} or {@code jwks_uri}, RFC 7591 §2):
 * request objects (RFC 9101) and client assertions (RFC 7523). The one place that picks the candidate keys: those
 * with the header's {@code kid} if it names one, not for encryption only, of the algorithm's family (RSA of at least
 * 2048 bits, RFC 7518 §3.3); keys named by the JWS itself ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}) are
 * never used. No candidate in a fetched {@code jwks_uri} set leads to one refetch (rate-limited by the source), so
 * that a client's key rotation is picked up.
 */
public final class ClientSignatures {

    /** Why a signature could not be verified. */
    public enum Outcome {
        VERIFIED,
        /** The client registered no keys. */
        NO_KEYS,
        /** Its {@code jwks_uri} could not be fetched. */
        KEYS_UNAVAILABLE,
        /** No registered key verifies it. */
        BAD_SIGNATURE
    }

    private final ClientKeySource keys;

    public ClientSignatures(ClientKeySource keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Verifies {@code jwt} with the keys in {@code registered}; the caller has checked the algorithm is allowed. */
    public Outcome verify(ClientKeys registered, SignedJWT jwt) {
        if (!registered.present()) {
            return Outcome.NO_KEYS;
        }
        JWSHeader header = jwt.getHeader();
        List<JWK> candidates;
        try {
            candidates = candidates(keys.keys(registered, false).getKeys(), header);
            if (candidates.isEmpty() && registered.jwksUri() != null) {
                candidates = candidates(keys.keys(registered, true).getKeys(), header);
            }
        } catch (ClientKeySource.KeysUnavailable e) {
            return Outcome.KEYS_UNAVAILABLE;
        }
        for (JWK key : candidates) {
            if (verifies(jwt, key)) {
                return Outcome.VERIFIED;
            }
        }
        return Outcome.BAD_SIGNATURE;
    }

    private static List<JWK> candidates(List<JWK> keys, JWSHeader header) {
        JWSAlgorithm alg = header.getAlgorithm();
        return keys.stream()
                .filter(k -> header.getKeyID() == null || header.getKeyID().equals(k.getKeyID()))
                .filter(k -> k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse()))
                .filter(k -> k.getAlgorithm() == null || k.getAlgorithm().equals(alg))
                .filter(k -> (k instanceof RSAKey && k.size() >= 2048 && JWSAlgorithm.Family.RSA.contains(alg))
                        || (k instanceof ECKey && JWSAlgorithm.Family.EC.contains(alg))
                        || (k instanceof OctetKeyPair && JWSAlgorithm.EdDSA.equals(alg)))
                .toList();
    }

    private static boolean verifies(SignedJWT jwt, JWK key) {
        try {
            JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa)
                    : key instanceof ECKey ec ? new ECDSAVerifier(ec)
                    : new Ed25519Verifier((OctetKeyPair) key);
            return jwt.verify(verifier);
        } catch (JOSEException | IllegalStateException e) {
            // A key unusable for this algorithm (e.g. an EC key of another curve) just does not verify.
            return false;
        }
    }
}
