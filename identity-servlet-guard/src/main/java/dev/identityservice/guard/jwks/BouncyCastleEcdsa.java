package dev.identityservice.guard.jwks;

import com.nimbusds.jose.jwk.Curve;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * ECDSA verification (RFC 7518 §3.4: ES256, ES384, ES512) through Bouncy Castle's lightweight API, used only
 * when Bouncy Castle is on the classpath (an optional dependency); otherwise the JDK verifies. Bouncy Castle's
 * curve-specific field arithmetic, and the multiples of the issuer's public point that it precomputes once and
 * keeps on that point for every later verification, make it 7-15× faster than the JDK's provider (JDK 25 and
 * 17; {@code BENCHMARKS.md}). Only public values take part, so nothing here needs to run in constant time.
 *
 * <p>This class names Bouncy Castle types and is loaded only after {@link VerificationKey} has found Bouncy
 * Castle present.
 */
final class BouncyCastleEcdsa {

    private static final Domain P256 = new Domain("secp256r1", "SHA-256", 32);
    private static final Domain P384 = new Domain("secp384r1", "SHA-384", 48);
    private static final Domain P521 = new Domain("secp521r1", "SHA-512", 66);

    private final Domain domain;
    private final ECPublicKeyParameters key;

    private BouncyCastleEcdsa(Domain domain, ECPublicKeyParameters key) {
        this.domain = domain;
        this.key = key;
    }

    /**
     * A verifier for one public key.
     *
     * @param key   the JDK key, already checked to be on {@code curve}
     * @param curve P-256, P-384 or P-521
     * @return the verifier, or null for another curve or a key Bouncy Castle refuses (the JDK then verifies)
     */
    static BouncyCastleEcdsa of(ECPublicKey key, Curve curve) {
        Domain domain = Curve.P_256.equals(curve) ? P256 : Curve.P_384.equals(curve) ? P384
                : Curve.P_521.equals(curve) ? P521 : null;
        if (domain == null) {
            return null;
        }
        try {
            // validatePoint refuses a point off the curve (an invalid-curve attack), as Nimbus did before.
            ECPoint point = domain.parameters.getCurve()
                    .validatePoint(key.getW().getAffineX(), key.getW().getAffineY()).normalize();
            return new BouncyCastleEcdsa(domain, new ECPublicKeyParameters(point, domain.parameters));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Verifies a JWS ECDSA signature.
     *
     * @param signingInput the first {@code inputLength} bytes are the JWS signing input
     * @param signature    R || S, each as long as the curve's order (RFC 7518 §3.4), length checked by the caller
     * @return whether it verifies; false for r or s outside [1, n - 1] (so never the all-zero signature)
     */
    boolean verify(byte[] signingInput, int inputLength, byte[] signature) {
        int half = domain.scalarBytes;
        if (signature.length != 2 * half) {
            return false;
        }
        try {
            MessageDigest digest = MessageDigest.getInstance(domain.digest);
            digest.update(signingInput, 0, inputLength);
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, key);
            return verifier.verifySignature(digest.digest(), new BigInteger(1, signature, 0, half),
                    new BigInteger(1, signature, half, half));
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * One curve's parameters, built once: the generator's precomputed multiples live on its point, so every key
     * on the curve must share this instance.
     */
    private static final class Domain {
        final ECDomainParameters parameters;
        final String digest;
        final int scalarBytes;

        Domain(String curveName, String digest, int scalarBytes) {
            X9ECParameters x9 = CustomNamedCurves.getByName(curveName);
            this.parameters = new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH(), x9.getSeed());
            this.digest = digest;
            this.scalarBytes = scalarBytes;
        }
    }
}
