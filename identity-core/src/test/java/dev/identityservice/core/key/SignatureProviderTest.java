package dev.identityservice.core.key;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSHeader;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Key rings signing through a provider other than the JDK's (Bouncy Castle here, a real second implementation; the
 * server's native one is tested in the server module): their tokens verify against the JDK's, and back.
 */
class SignatureProviderTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final SignatureProvider OTHER = SignatureProvider.of(BC);

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void ringsOfOneKeyWhenOneProviderSignsThenTheOtherVerifiesAndTheJwksToo(SigningAlgorithm algorithm) throws ParseException {
        List<SigningKey> keys = List.of(SigningKeyGenerator.withDefaults().generate("acme", algorithm, NOW).withState(KeyState.ACTIVE, NOW));
        KeyRing jdk = KeyRing.of("acme", keys);
        KeyRing other = KeyRing.of("acme", keys, OTHER);

        String byOther = TestTokens.sign(other);
        String byJdk = TestTokens.sign(jdk);

        assertTrue(jdk.verifies(CompactJws.parse(byOther)));
        assertTrue(other.verifies(CompactJws.parse(byJdk)));
        assertTrue(other.verifies(CompactJws.parse(byOther)));
        assertTrue(TestTokens.verifies(byOther, jdk.jwksJson()));
        assertArrayEquals(jdk.jwksJson(), other.jwksJson());
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"RS256", "ES256"})
    void signerWhenProviderGivenThenItSignsAndAlteredTokensFail(SigningAlgorithm algorithm) throws ParseException {
        KeyRing ring = KeyRing.of("acme", List.of(SigningKeyGenerator.withDefaults().generate("acme", algorithm, NOW)
                .withState(KeyState.ACTIVE, NOW)), OTHER);
        String[] parts = TestTokens.sign(ring).split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[signature.length - 1] ^= 1;

        assertSame(BC, ring.activeSigner().getJCAContext().getProvider());
        assertFalse(ring.verifies(CompactJws.parse(parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature))));
    }

    @Test
    void rs256WhenSameKeyAndInputThenSameBytesFromEitherProvider() throws Exception {
        // RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) is deterministic: a provider swap changes no token.
        List<SigningKey> keys = List.of(SigningKeyGenerator.withDefaults().generate("acme", SigningAlgorithm.RS256, NOW)
                .withState(KeyState.ACTIVE, NOW));
        JWSHeader header = new JWSHeader.Builder(SigningAlgorithm.RS256.jwsAlgorithm()).keyID(keys.get(0).kid()).build();
        byte[] input = (header.toBase64URL() + ".eyJzdWIiOiJhbGljZSJ9").getBytes(StandardCharsets.US_ASCII);

        byte[] byJdk = KeyRing.of("acme", keys).activeSigner().sign(header, input).decode();
        byte[] byOther = KeyRing.of("acme", keys, OTHER).activeSigner().sign(header, input).decode();

        assertArrayEquals(byJdk, byOther);
    }

    @Test
    void eddsaWhenProviderGivenThenSignedByNimbusOwnImplementation() {
        KeyRing ring = KeyRing.of("acme", List.of(SigningKeyGenerator.withDefaults().generate("acme", SigningAlgorithm.EdDSA, NOW)
                .withState(KeyState.ACTIVE, NOW)), OTHER);

        assertNull(ring.activeSigner().getJCAContext().getProvider());
    }

    @Test
    void nameWhenJdkOrProviderThenSaidAndNullRefused() {
        assertEquals("JDK", SignatureProvider.JDK.name());
        assertEquals("BC", OTHER.name());
        assertThrows(NullPointerException.class, () -> SignatureProvider.of(null));
        assertThrows(NullPointerException.class, () -> KeyRing.of("acme", List.of(), null));
    }
}
