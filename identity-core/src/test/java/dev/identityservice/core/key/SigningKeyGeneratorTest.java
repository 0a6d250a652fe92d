package dev.identityservice.core.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SigningKeyGeneratorTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final SigningKeyGenerator generator = SigningKeyGenerator.withDefaults();

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void generateWhenAlgorithmThenActiveSignerSignsAndJwksVerifies(SigningAlgorithm algorithm) {
        SigningKey key = generator.generate("acme", algorithm, NOW);
        KeyRing ring = KeyRing.of("acme", List.of(key.withState(KeyState.ACTIVE, NOW)));

        String token = TestTokens.sign(ring);

        assertEquals(key.kid(), TestTokens.kid(token));
        assertTrue(TestTokens.verifies(token, ring.jwksJson()));
        KeyRing otherRing = KeyRing.of("acme", List.of(generator.generate("acme", algorithm, NOW).withState(KeyState.ACTIVE, NOW)));
        assertFalse(TestTokens.verifies(token, otherRing.jwksJson()));
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void generateWhenAlgorithmThenKidIsThumbprintWithAlgAndUseSig(SigningAlgorithm algorithm) throws Exception {
        SigningKey key = generator.generate("acme", algorithm, NOW);

        assertEquals(KeyState.NEXT, key.state());
        assertEquals(algorithm, key.algorithm());
        assertEquals(NOW, key.createdAt());
        assertTrue(key.jwk().isPrivate());
        assertEquals(key.publicJwk().computeThumbprint("SHA-256").toString(), key.kid());
        assertEquals(algorithm.jwsAlgorithm(), key.publicJwk().getAlgorithm());
        assertEquals(KeyUse.SIGNATURE, key.publicJwk().getKeyUse());
        assertFalse(key.publicJwk().isPrivate());
        assertNotEquals(key.kid(), generator.generate("acme", algorithm, NOW).kid());
    }

    @Test
    void generateWhenEachAlgorithmThenExpectedKeyTypeAndCurve() {
        assertEquals(2048, ((RSAKey) generator.generate("acme", SigningAlgorithm.RS256, NOW).jwk()).size());
        assertEquals(Curve.P_256, ((ECKey) generator.generate("acme", SigningAlgorithm.ES256, NOW).jwk()).getCurve());
        assertEquals(Curve.Ed25519, ((OctetKeyPair) generator.generate("acme", SigningAlgorithm.EdDSA, NOW).jwk()).getCurve());
    }

    @Test
    void generateWhenRsa3072ConfiguredThenModulusHas3072Bits() {
        SigningKey key = new SigningKeyGenerator(3072).generate("acme", SigningAlgorithm.RS256, NOW);

        assertEquals(3072, ((RSAKey) key.jwk()).size());
    }

    @Test
    void constructorWhenRsaKeySizeNotSupportedThenRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SigningKeyGenerator(1024));
        assertThrows(IllegalArgumentException.class, () -> new SigningKeyGenerator(4000));
    }
}
