package dev.identityservice.guard.jwks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;

/**
 * One public key from the issuer's JWKS (RFC 7517 §4), ready to verify JWS signatures: the JDK key
 * prepared once, with what it may be used for. Only asymmetric signing keys become one; an
 * encryption key, a symmetric key or an RSA key under 2048 bits is skipped.
 */
public final class VerificationKey {

    /** The smallest RSA modulus accepted, in bits (RFC 7518 §3.3). */
    public static final int RSA_MIN_MODULUS_BITS = 2048;

    // DER prefixes of SubjectPublicKeyInfo for raw EdDSA public keys (RFC 8410 §4).
    private static final byte[] ED25519_PREFIX = hex("302a300506032b6570032100");
    private static final byte[] ED448_PREFIX = hex("3043300506032b6571033a00");

    private final String kid;
    private final JWSAlgorithm declaredAlgorithm;
    private final KeyType keyType;
    private final Curve curve;
    private final PublicKey publicKey;

    private VerificationKey(String kid, JWSAlgorithm declaredAlgorithm, KeyType keyType, Curve curve,
            PublicKey publicKey) {
        this.kid = kid;
        this.declaredAlgorithm = declaredAlgorithm;
        this.keyType = keyType;
        this.curve = curve;
        this.publicKey = publicKey;
    }

    /**
     * Prepares a JWK for verification.
     *
     * @return the key, or null if the JWK cannot or may not verify signatures
     */
    static VerificationKey from(JWK jwk) throws JOSEException, GeneralSecurityException {
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            return null;
        }
        if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
            return null;
        }
        JWSAlgorithm declared = jwk.getAlgorithm() == null ? null : JWSAlgorithm.parse(jwk.getAlgorithm().getName());
        if (jwk instanceof RSAKey rsa) {
            RSAPublicKey key = rsa.toRSAPublicKey();
            return key.getModulus().bitLength() < RSA_MIN_MODULUS_BITS ? null
                    : new VerificationKey(jwk.getKeyID(), declared, KeyType.RSA, null, key);
        }
        if (jwk instanceof ECKey ec) {
            // Nimbus checks that the point is on the curve, which defeats invalid-curve attacks.
            return new VerificationKey(jwk.getKeyID(), declared, KeyType.EC, ec.getCurve(), ec.toECPublicKey());
        }
        if (jwk instanceof OctetKeyPair okp) {
            byte[] prefix = Curve.Ed25519.equals(okp.getCurve()) ? ED25519_PREFIX
                    : Curve.Ed448.equals(okp.getCurve()) ? ED448_PREFIX : null;
            if (prefix == null) {
                return null; // X25519 and X448 are for key agreement
            }
            byte[] raw = okp.getDecodedX();
            byte[] encoded = new byte[prefix.length + raw.length];
            System.arraycopy(prefix, 0, encoded, 0, prefix.length);
            System.arraycopy(raw, 0, encoded, prefix.length, raw.length);
            PublicKey key = KeyFactory.getInstance(okp.getCurve().getName()).generatePublic(new X509EncodedKeySpec(encoded));
            return new VerificationKey(jwk.getKeyID(), declared, KeyType.OKP, okp.getCurve(), key);
        }
        return null;
    }

    /** The key id, or null. */
    public String kid() {
        return kid;
    }

    /** Whether this key may verify a signature made with {@code algorithm}. */
    public boolean fits(JWSAlgorithm algorithm) {
        SignatureScheme scheme = SignatureScheme.of(algorithm);
        return scheme != null
                && scheme.keyType().equals(keyType)
                && (scheme.curve() == null || scheme.curve().equals(curve))
                && (declaredAlgorithm == null || declaredAlgorithm.equals(algorithm));
    }

    /**
     * Verifies a JWS signature (RFC 7515 §5.2 step 8).
     *
     * @param algorithm    the header's {@code alg}, already checked with {@link #fits}
     * @param signingInput the ASCII bytes; the first {@code inputLength} are the JWS signing input
     * @param signature    the decoded signature
     */
    public boolean verify(JWSAlgorithm algorithm, byte[] signingInput, int inputLength, byte[] signature) {
        SignatureScheme scheme = SignatureScheme.of(algorithm);
        if (scheme == null || !fits(algorithm)
                || (scheme.signatureLength() != 0 && signature.length != scheme.signatureLength())) {
            return false;
        }
        Signature verifier = scheme.signature();
        try {
            verifier.initVerify(publicKey);
            scheme.applyParameters(verifier);
            verifier.update(signingInput, 0, inputLength);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException malformedSignature) {
            // Includes ECDSA r = 0 or s = 0, which the JDK refuses.
            return false;
        }
    }

    private static byte[] hex(String text) {
        byte[] bytes = new byte[text.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }
}
