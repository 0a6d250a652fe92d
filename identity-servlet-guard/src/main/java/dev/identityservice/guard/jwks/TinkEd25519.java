package dev.identityservice.guard.jwks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.util.Arrays;

/**
 * Ed25519 verification (RFC 8037 §3.1) through Nimbus's {@link Ed25519Verifier}, which runs Google
 * Tink: measured several times faster than the JDK's provider. Used only when Tink is on the
 * classpath (it is an optional dependency); otherwise {@link VerificationKey} uses the JDK.
 */
final class TinkEd25519 {

    /** Whether Tink can be loaded; decided once. */
    static final boolean AVAILABLE = tinkPresent();

    // Nimbus checks the header's alg and crit; the guard has checked both already, so one fixed header serves.
    private static final JWSHeader EDDSA = new JWSHeader(JWSAlgorithm.EdDSA);
    private static final JWSHeader ED25519 = new JWSHeader(JWSAlgorithm.Ed25519);

    private final Ed25519Verifier verifier;

    private TinkEd25519(Ed25519Verifier verifier) {
        this.verifier = verifier;
    }

    /** A verifier for one public key, or null if Tink is absent or refuses the key. */
    static TinkEd25519 of(OctetKeyPair publicKey) {
        if (!AVAILABLE) {
            return null;
        }
        try {
            return new TinkEd25519(new Ed25519Verifier(publicKey));
        } catch (JOSEException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Verifies; false for a bad signature, never an exception. */
    boolean verify(JWSAlgorithm algorithm, byte[] signingInput, int inputLength, byte[] signature) {
        try {
            return verifier.verify(JWSAlgorithm.Ed25519.equals(algorithm) ? ED25519 : EDDSA,
                    Arrays.copyOf(signingInput, inputLength), Base64URL.encode(signature));
        } catch (JOSEException | RuntimeException e) {
            return false;
        }
    }

    private static boolean tinkPresent() {
        try {
            Class.forName("com.google.crypto.tink.subtle.Ed25519Verify", false, TinkEd25519.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
