package dev.identityservice.guard.jwks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import dev.identityservice.guard.testing.TestKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** EdDSA goes through Nimbus and Tink when Tink is on the classpath (it is, in this module's tests). */
class EdDsaTinkTest {
    static final TestKey ED = TestKey.ed25519("ed-tink");

    @Test
    void fromWhenTinkOnClasspathThenEd25519KeyVerifiesThroughTink() throws Exception {
        assertTrue(TinkEd25519.AVAILABLE);
        VerificationKey key = VerificationKey.from(ED.publicJwk());
        assertTrue(key.usesTink());
        byte[] input = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9".getBytes(StandardCharsets.US_ASCII);
        byte[] padded = (new String(input, StandardCharsets.US_ASCII) + ".ignored").getBytes(StandardCharsets.US_ASCII);
        byte[] signature = ED.sign(JWSAlgorithm.EdDSA, input);
        assertTrue(key.verify(JWSAlgorithm.EdDSA, padded, input.length, signature));
        assertTrue(key.verify(JWSAlgorithm.Ed25519, padded, input.length, signature));
        signature[0] ^= 1;
        assertFalse(key.verify(JWSAlgorithm.EdDSA, padded, input.length, signature));
        assertFalse(key.verify(JWSAlgorithm.EdDSA, padded, input.length, new byte[3]));
    }
}
