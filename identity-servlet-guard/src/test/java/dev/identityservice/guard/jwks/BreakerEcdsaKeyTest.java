package dev.identityservice.guard.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Breaker: EC keys with non-canonical or invalid coordinates (x or y at or above p, the point at infinity,
 * off-curve) either are refused as keys or verify exactly as the JDK does; and a P-256 key never verifies
 * ES384/ES512 (nor the reverse), through Bouncy Castle or the JDK.
 */
class BreakerEcdsaKeyTest {

    static String b64(BigInteger v, int size) {
        byte[] raw = v.toByteArray();
        if (raw.length > size && raw[0] == 0) {
            raw = Arrays.copyOfRange(raw, 1, raw.length);
        }
        byte[] out = new byte[Math.max(size, raw.length)];
        System.arraycopy(raw, 0, out, out.length - raw.length, raw.length);
        return Base64URL.encode(out).toString();
    }

    @Test
    void nonCanonicalOrInvalidCoordinatesNeverVerifyDifferentlyFromTheJdk() throws Exception {
        ECKey signer = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        ECPublicKey pub = signer.toECPublicKey();
        BigInteger x = pub.getW().getAffineX();
        BigInteger y = pub.getW().getAffineY();
        BigInteger p = ((ECFieldFp) pub.getParams().getCurve().getField()).getP();
        byte[] input = "eyJhbGciOiJFUzI1NiJ9.e30".getBytes(StandardCharsets.US_ASCII);
        byte[] sig = new ECDSASigner(signer).sign(new JWSHeader(JWSAlgorithm.ES256), input).decode();
        BigInteger[][] coordinates = {{x.add(p), y}, {x, y.add(p)}, {x, p.subtract(y)}, {BigInteger.ZERO, BigInteger.ZERO},
                {x, y.add(BigInteger.ONE)}, {p, BigInteger.ZERO}};
        int usable = 0;
        for (BigInteger[] c : coordinates) {
            String json = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k\",\"x\":\"" + b64(c[0], 32) + "\",\"y\":\""
                    + b64(c[1], 32) + "\"}";
            VerificationKey key;
            try {
                key = VerificationKey.from(JWK.parse(json));
            } catch (UnusableKeyException | java.text.ParseException refused) {
                continue;
            }
            usable++;
            boolean jdk;
            try {
                java.security.PublicKey jdkKey = java.security.KeyFactory.getInstance("EC").generatePublic(
                        new java.security.spec.ECPublicKeySpec(new java.security.spec.ECPoint(c[0], c[1]), pub.getParams()));
                jdk = SignatureScheme.ES256.verify(jdkKey, input, input.length, sig);
            } catch (RuntimeException | java.security.GeneralSecurityException e) {
                jdk = false;
            }
            assertEquals(jdk, key.verify(JWSAlgorithm.ES256, input, input.length, sig), json);
        }
        assertTrue(usable <= coordinates.length);
    }

    @Test
    void p256KeyNeverVerifiesEs384OrEs512() throws Exception {
        ECKey p256 = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        VerificationKey key = VerificationKey.from(p256.toPublicJWK());
        assertTrue(key.usesBouncyCastle());
        byte[] input = "a.b".getBytes(StandardCharsets.US_ASCII);
        byte[] sig = new ECDSASigner(p256).sign(new JWSHeader(JWSAlgorithm.ES256), input).decode();
        byte[] as96 = Arrays.copyOf(sig, 96);
        byte[] as132 = Arrays.copyOf(sig, 132);
        assertEquals(false, key.verify(JWSAlgorithm.ES384, input, input.length, sig));
        assertEquals(false, key.verify(JWSAlgorithm.ES384, input, input.length, as96));
        assertEquals(false, key.verify(JWSAlgorithm.ES512, input, input.length, as132));
        assertEquals(false, key.verify(JWSAlgorithm.ES256K, input, input.length, sig));
        assertEquals(true, key.verify(JWSAlgorithm.ES256, input, input.length, sig));
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("k").generate();
        VerificationKey k384 = VerificationKey.from(p384.toPublicJWK());
        assertEquals(false, k384.verify(JWSAlgorithm.ES256, input, input.length, sig));
        assertThrows(UnusableKeyException.class, () -> VerificationKey.from(JWK.parse(
                "{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"ES384\",\"x\":\"" + p256.getX() + "\",\"y\":\"" + p256.getY() + "\"}")));
    }
}
