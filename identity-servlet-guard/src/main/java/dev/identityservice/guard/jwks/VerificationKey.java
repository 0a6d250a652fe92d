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
import java.security.interfaces.ECPublicKey;
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
    /** Whether Bouncy Castle can be loaded; decided once, here, since {@link BouncyCastleEcdsa} cannot load without. */
    static final boolean BOUNCY_CASTLE_PRESENT = present("org.bouncycastle.crypto.signers.ECDSASigner");

    /** Tink through Nimbus for Ed25519 when Tink is on the classpath; null otherwise. */
    private final TinkEd25519 tink;
    /** Bouncy Castle for ECDSA when it is on the classpath; null otherwise. */
    private final BouncyCastleEcdsa ecdsa;

    private VerificationKey(String kid, JWSAlgorithm declaredAlgorithm, KeyType keyType, Curve curve,
            PublicKey publicKey) {
        this(kid, declaredAlgorithm, keyType, curve, publicKey, null, null);
    }

    private VerificationKey(String kid, JWSAlgorithm declaredAlgorithm, KeyType keyType, Curve curve,
            PublicKey publicKey, TinkEd25519 tink, BouncyCastleEcdsa ecdsa) {
        this.tink = tink;
        this.ecdsa = ecdsa;
        this.kid = kid;
        this.declaredAlgorithm = declaredAlgorithm;
        this.keyType = keyType;
        this.curve = curve;
        this.publicKey = publicKey;
    }

    /**
     * Prepares a JWK for verification.
     *
     * @return the key, ready to verify
     * @throws UnusableKeyException if the JWK cannot or may not verify signatures: private key
     *                              material, {@code use} other than {@code sig}, {@code key_ops}
     *                              without {@code verify}, an {@code alg} that is not a signature
     *                              algorithm for its key type, a symmetric or key-agreement key, an
     *                              unsupported curve, an RSA modulus under 2048 bits
     */
    static VerificationKey from(JWK jwk) throws UnusableKeyException {
        if (jwk.isPrivate()) {
            // Whoever saw the set could sign with it: a leaked key proves nothing.
            throw new UnusableKeyException("the entry publishes private key material");
        }
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            throw new UnusableKeyException("use is " + jwk.getKeyUse().identifier() + ", not sig");
        }
        if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
            throw new UnusableKeyException("key_ops lacks verify");
        }
        JWSAlgorithm declared = jwk.getAlgorithm() == null ? null : JWSAlgorithm.parse(jwk.getAlgorithm().getName());
        VerificationKey key = prepare(jwk, declared);
        if (declared != null && !key.fits(declared)) {
            throw new UnusableKeyException("alg " + declared + " is not a signature algorithm for this key");
        }
        return key;
    }

    private static VerificationKey prepare(JWK jwk, JWSAlgorithm declared) throws UnusableKeyException {
        try {
            if (jwk instanceof RSAKey rsa) {
                RSAPublicKey key = rsa.toRSAPublicKey();
                if (key.getModulus().bitLength() < RSA_MIN_MODULUS_BITS) {
                    throw new UnusableKeyException("RSA modulus under " + RSA_MIN_MODULUS_BITS + " bits");
                }
                return new VerificationKey(jwk.getKeyID(), declared, KeyType.RSA, null, key);
            }
            if (jwk instanceof ECKey ec) {
                if (!SignatureScheme.supportsCurve(ec.getCurve())) {
                    throw new UnusableKeyException("curve " + ec.getCurve() + " is not supported");
                }
                // Nimbus checks that the point is on the curve, which defeats invalid-curve attacks.
                ECPublicKey key = ec.toECPublicKey();
                BouncyCastleEcdsa fast = BOUNCY_CASTLE_PRESENT ? BouncyCastleEcdsa.of(key, ec.getCurve()) : null;
                return new VerificationKey(jwk.getKeyID(), declared, KeyType.EC, ec.getCurve(), key, null, fast);
            }
            if (jwk instanceof OctetKeyPair okp) {
                byte[] prefix = Curve.Ed25519.equals(okp.getCurve()) ? ED25519_PREFIX
                        : Curve.Ed448.equals(okp.getCurve()) ? ED448_PREFIX : null;
                if (prefix == null) {
                    throw new UnusableKeyException("curve " + okp.getCurve() + " is for key agreement, not signatures");
                }
                byte[] raw = okp.getDecodedX();
                if (raw.length != (prefix == ED25519_PREFIX ? 32 : 57)) { // RFC 8032 §5.1.5, §5.2.5
                    throw new UnusableKeyException("x has the wrong length for " + okp.getCurve());
                }
                byte[] encoded = new byte[prefix.length + raw.length];
                System.arraycopy(prefix, 0, encoded, 0, prefix.length);
                System.arraycopy(raw, 0, encoded, prefix.length, raw.length);
                PublicKey key = KeyFactory.getInstance(okp.getCurve().getName())
                        .generatePublic(new X509EncodedKeySpec(encoded));
                TinkEd25519 tink = Curve.Ed25519.equals(okp.getCurve()) ? TinkEd25519.of(okp.toPublicJWK()) : null;
                return new VerificationKey(jwk.getKeyID(), declared, KeyType.OKP, okp.getCurve(), key, tink, null);
            }
        } catch (JOSEException | GeneralSecurityException | RuntimeException e) {
            throw new UnusableKeyException("not a valid public key: " + e.getMessage());
        }
        throw new UnusableKeyException("key type " + jwk.getKeyType() + " cannot verify signatures");
    }

    /** Whether this key and {@code other} are the same public key with the same constraints. */
    boolean sameAs(VerificationKey other) {
        return keyType.equals(other.keyType) && java.util.Objects.equals(curve, other.curve)
                && java.util.Objects.equals(declaredAlgorithm, other.declaredAlgorithm)
                && java.util.Arrays.equals(publicKey.getEncoded(), other.publicKey.getEncoded());
    }

    /** Whether this key and {@code other} could both verify some algorithm, so a kid could not tell them apart. */
    boolean overlaps(VerificationKey other) {
        for (SignatureScheme scheme : SignatureScheme.values()) {
            if (fits(scheme.algorithm()) && other.fits(scheme.algorithm())) {
                return true;
            }
        }
        return false;
    }

    /** Whether this key verifies through Tink (Ed25519 with Tink on the classpath). */
    boolean usesTink() {
        return tink != null;
    }

    /** Whether this key verifies through Bouncy Castle (an EC key with Bouncy Castle on the classpath). */
    boolean usesBouncyCastle() {
        return ecdsa != null;
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
        if (tink != null) {
            return tink.verify(algorithm, signingInput, inputLength, signature);
        }
        if (ecdsa != null) {
            return ecdsa.verify(signingInput, inputLength, signature);
        }
        return scheme.verify(publicKey, signingInput, inputLength, signature);
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, VerificationKey.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
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
