package dev.identityservice.guard.jwks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyType;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * The JWS algorithms of RFC 7518 §3 (and EdDSA, RFC 8037 §3.1) that the guard verifies, each with
 * its JDK signature, key type, curve and exact signature length. HMAC and {@code none} are absent
 * on purpose: they can never be chosen.
 */
enum SignatureScheme {
    RS256(JWSAlgorithm.RS256, "SHA256withRSA", null, KeyType.RSA, null, 0),
    RS384(JWSAlgorithm.RS384, "SHA384withRSA", null, KeyType.RSA, null, 0),
    RS512(JWSAlgorithm.RS512, "SHA512withRSA", null, KeyType.RSA, null, 0),
    PS256(JWSAlgorithm.PS256, "RSASSA-PSS", pss(MGF1ParameterSpec.SHA256, "SHA-256", 32), KeyType.RSA, null, 0),
    PS384(JWSAlgorithm.PS384, "RSASSA-PSS", pss(MGF1ParameterSpec.SHA384, "SHA-384", 48), KeyType.RSA, null, 0),
    PS512(JWSAlgorithm.PS512, "RSASSA-PSS", pss(MGF1ParameterSpec.SHA512, "SHA-512", 64), KeyType.RSA, null, 0),
    // P1363 format is the JWS encoding (R || S), so no DER transcoding is needed.
    ES256(JWSAlgorithm.ES256, "SHA256withECDSAinP1363Format", null, KeyType.EC, Curve.P_256, 64),
    ES384(JWSAlgorithm.ES384, "SHA384withECDSAinP1363Format", null, KeyType.EC, Curve.P_384, 96),
    ES512(JWSAlgorithm.ES512, "SHA512withECDSAinP1363Format", null, KeyType.EC, Curve.P_521, 132),
    EDDSA(JWSAlgorithm.EdDSA, "EdDSA", null, KeyType.OKP, null, 0),
    ED25519(JWSAlgorithm.Ed25519, "Ed25519", null, KeyType.OKP, Curve.Ed25519, 64);

    private static final SignatureScheme[] ALL = values();

    private final JWSAlgorithm algorithm;
    private final String jdkName;
    private final AlgorithmParameterSpec parameters;
    private final KeyType keyType;
    private final Curve curve;
    private final int signatureLength;
    // A Signature is not thread-safe; one per thread avoids the provider lookup on every verify. The value is
    // {Signature, the PublicKey it is initialised with or null}: JDK classes only, since a value of a guard class
    // would tie every container thread that ever verified to the web application's class loader after undeploy.
    private final ThreadLocal<Object[]> perThread;

    SignatureScheme(JWSAlgorithm algorithm, String jdkName, AlgorithmParameterSpec parameters, KeyType keyType,
            Curve curve, int signatureLength) {
        this.algorithm = algorithm;
        this.jdkName = jdkName;
        this.parameters = parameters;
        this.keyType = keyType;
        this.curve = curve;
        this.signatureLength = signatureLength;
        this.perThread = ThreadLocal.withInitial(() -> new Object[] {newSignature(), null});
    }

    /** Whether some scheme verifies with keys on this curve. */
    static boolean supportsCurve(Curve curve) {
        for (SignatureScheme scheme : ALL) {
            if (curve != null && curve.equals(scheme.curve)) {
                return true;
            }
        }
        return false;
    }

    /** The scheme for a JWS {@code alg}, or null if the guard cannot verify it. */
    static SignatureScheme of(JWSAlgorithm algorithm) {
        for (SignatureScheme scheme : ALL) {
            if (scheme.algorithm == algorithm) { // the usual case: JWSAlgorithm.parse answers its constants
                return scheme;
            }
        }
        for (SignatureScheme scheme : ALL) {
            if (scheme.algorithm.equals(algorithm)) {
                return scheme;
            }
        }
        return null;
    }

    JWSAlgorithm algorithm() {
        return algorithm;
    }

    KeyType keyType() {
        return keyType;
    }

    /** The curve a key must be on, or null if the key type alone decides (RSA, EdDSA). */
    Curve curve() {
        return curve;
    }

    /** The exact signature length in bytes, or 0 if it depends on the key. */
    int signatureLength() {
        return signatureLength;
    }

    /**
     * Verifies a signature with this thread's {@link Signature}, initialised for {@code key} only when it
     * last verified with another key: {@link Signature#verify} leaves it initialised for the same key.
     *
     * @param input     the first {@code length} bytes are the signed data
     * @param signature the signature bytes in the JWS encoding
     * @return whether the signature verifies; false also for a malformed signature or an unusable key
     */
    boolean verify(PublicKey key, byte[] input, int length, byte[] signature) {
        Object[] state = perThread.get();
        Signature verifier = (Signature) state[0];
        boolean initialised = state[1] == key;
        // Until verify returns the object is not known to be clean: any throw, even an Error midway through
        // update, leaves it to be initialised afresh rather than carry bytes into the next verification.
        state[1] = null;
        try {
            if (!initialised) {
                verifier.initVerify(key);
                if (parameters != null) {
                    verifier.setParameter(parameters); // RSASSA-PSS: after initVerify
                }
            }
            verifier.update(input, 0, length);
            boolean valid = verifier.verify(signature);
            state[1] = key; // verify returned: the object is as initVerify(key) left it
            return valid;
        } catch (GeneralSecurityException | RuntimeException malformedSignature) {
            return false; // includes ECDSA r = 0 or s = 0, which the JDK refuses
        }
    }

    private Signature newSignature() {
        try {
            return Signature.getInstance(jdkName);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + jdkName, e);
        }
    }

    private static PSSParameterSpec pss(MGF1ParameterSpec mgf, String digest, int saltLength) {
        return new PSSParameterSpec(digest, "MGF1", mgf, saltLength, PSSParameterSpec.TRAILER_FIELD_BC);
    }
}
