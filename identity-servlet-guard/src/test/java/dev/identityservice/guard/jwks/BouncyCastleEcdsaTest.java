package dev.identityservice.guard.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ECDSA goes through Bouncy Castle when it is on the classpath (it is, in this module's tests), and says yes
 * and no exactly where the JDK does: valid signatures, every single-bit flip of a signature, r or s zero, equal
 * to or above the order n, the other signature's halves, the (r, n - s) twin, another key's signature, the
 * wrong length.
 */
class BouncyCastleEcdsaTest {

    @ParameterizedTest
    @CsvSource({"P-256, ES256", "P-384, ES384", "P-521, ES512"})
    void verifyWhenBouncyCastleOnClasspathThenSameVerdictsAsJdk(String curveName, String algorithmName) throws Exception {
        Curve curve = Curve.parse(curveName);
        JWSAlgorithm algorithm = JWSAlgorithm.parse(algorithmName);
        ECKey signer = new ECKeyGenerator(curve).keyID("ec").generate();
        VerificationKey key = VerificationKey.from(signer.toPublicJWK());
        assertTrue(VerificationKey.BOUNCY_CASTLE_PRESENT);
        assertTrue(key.usesBouncyCastle(), "the EC key verifies through Bouncy Castle");
        SignatureScheme scheme = SignatureScheme.of(algorithm);
        ECPublicKey jdkKey = signer.toECPublicKey();

        byte[] input = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9".getBytes(StandardCharsets.US_ASCII);
        byte[] padded = (new String(input, StandardCharsets.US_ASCII) + ".ignored").getBytes(StandardCharsets.US_ASCII);
        byte[] good = new ECDSASigner(signer).sign(new JWSHeader(algorithm), input).decode();
        int half = good.length / 2;
        BigInteger n = jdkKey.getParams().getOrder();

        List<byte[]> cases = new ArrayList<>();
        cases.add(good);
        for (int bit = 0; bit < good.length * 8; bit += 7) {
            byte[] flipped = good.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            cases.add(flipped);
        }
        BigInteger r = new BigInteger(1, good, 0, half);
        BigInteger s = new BigInteger(1, good, half, half);
        cases.add(signature(BigInteger.ZERO, BigInteger.ZERO, half)); // CVE-2022-21449
        cases.add(signature(r, BigInteger.ZERO, half));
        cases.add(signature(BigInteger.ZERO, s, half));
        cases.add(signature(n, s, half));
        cases.add(signature(r, n, half));
        cases.add(signature(r, n.subtract(s), half)); // the malleable twin: valid for both
        cases.add(signature(s, r, half));
        cases.add(new ECDSASigner(new ECKeyGenerator(curve).generate()).sign(new JWSHeader(algorithm), input).decode());

        int accepted = 0;
        for (byte[] signature : cases) {
            boolean jdk = scheme.verify(jdkKey, padded, input.length, signature);
            assertEquals(jdk, key.verify(algorithm, padded, input.length, signature),
                    "verdict differs from the JDK's for " + Arrays.toString(signature));
            accepted += jdk ? 1 : 0;
        }
        assertEquals(2, accepted, "the signature and its (r, n - s) twin, nothing else");
        assertFalse(key.verify(algorithm, padded, input.length, Arrays.copyOf(good, good.length - 1)));
        assertFalse(key.verify(algorithm, padded, input.length - 1, good), "the signed length counts");
    }

    private static byte[] signature(BigInteger r, BigInteger s, int half) {
        byte[] out = new byte[2 * half];
        put(r, out, 0, half);
        put(s, out, half, half);
        return out;
    }

    private static void put(BigInteger value, byte[] out, int offset, int length) {
        byte[] bytes = value.toByteArray();
        int from = Math.max(0, bytes.length - length);
        int count = bytes.length - from;
        if (count > length) {
            throw new IllegalArgumentException("does not fit");
        }
        System.arraycopy(bytes, from, out, offset + length - count, count);
    }
}
