package dev.identityservice.core.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link KeyRing#verifies(CompactJws)} on tokens of every algorithm, genuine and altered in every part. */
class KeyRingVerifiesTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final SigningKeyGenerator GENERATOR = SigningKeyGenerator.withDefaults();

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void verifiesWhenSignedByPublishedKeyThenTrueAndClaimsRead(SigningAlgorithm algorithm) throws ParseException {
        KeyRing ring = ring(algorithm);

        CompactJws jws = CompactJws.parse(TestTokens.sign(ring));

        assertTrue(ring.verifies(jws));
        assertEquals("alice", jws.claims().getSubject());
        assertEquals(ring.active().kid(), jws.header().getKeyID());
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void verifiesWhenAnyPartAlteredThenFalse(SigningAlgorithm algorithm) throws ParseException {
        KeyRing ring = ring(algorithm);
        String[] parts = TestTokens.sign(ring).split("\\.");

        String otherPayload = base64url("{\"sub\":\"mallory\",\"iss\":\"https://id.example.com\"}");
        assertFalse(ring.verifies(CompactJws.parse(parts[0] + "." + otherPayload + "." + parts[2])), "payload swapped");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[signature.length / 2] ^= 1;
        assertFalse(ring.verifies(CompactJws.parse(parts[0] + "." + parts[1] + "." + base64url(signature))), "signature bit");
        assertFalse(ring.verifies(CompactJws.parse(parts[0] + "." + parts[1] + ".")), "no signature");
        assertFalse(ring(algorithm).verifies(CompactJws.parse(String.join(".", parts))), "another ring's key");
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void verifiesWhenHeaderNamesOtherAlgorithmOrUnknownKidOrCritThenFalse(SigningAlgorithm algorithm) throws Exception {
        KeyRing ring = ring(algorithm);
        JWSAlgorithm other = algorithm == SigningAlgorithm.RS256 ? JWSAlgorithm.PS256 : JWSAlgorithm.RS256;

        assertFalse(ring.verifies(CompactJws.parse(signedWith(ring, new JWSHeader.Builder(other).keyID(ring.active().kid())))));
        assertFalse(ring.verifies(CompactJws.parse(signedWith(ring,
                new JWSHeader.Builder(algorithm.jwsAlgorithm()).keyID("unknown-kid")))));
        assertFalse(ring.verifies(CompactJws.parse(signedWith(ring,
                new JWSHeader.Builder(algorithm.jwsAlgorithm())))), "no kid");
        assertFalse(ring.verifies(CompactJws.parse(signedWith(ring, new JWSHeader.Builder(algorithm.jwsAlgorithm())
                .keyID(ring.active().kid()).customParam("exp", 1).criticalParams(Set.of("exp"))))), "crit");
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void parseWhenNotThreeBase64urlPartsThenParseException(SigningAlgorithm algorithm) {
        String token = TestTokens.sign(ring(algorithm));
        String[] parts = token.split("\\.");

        assertThrows(ParseException.class, () -> CompactJws.parse(parts[0] + "." + parts[1]));
        assertThrows(ParseException.class, () -> CompactJws.parse(token + ".extra"));
        assertThrows(ParseException.class, () -> CompactJws.parse("." + parts[1] + "." + parts[2]));
        assertThrows(ParseException.class, () -> CompactJws.parse(parts[0] + "." + parts[1] + "." + parts[2] + "*"));
        assertThrows(ParseException.class, () -> CompactJws.parse(base64url("{\"alg\":\"none\"}") + "." + parts[1] + "."));
        assertThrows(ParseException.class, () -> CompactJws.parse(base64url("not json") + "." + parts[1] + "." + parts[2]));
        for (String notAnObject : List.of("null", "[]", "\"JWT\"", "1")) {
            assertThrows(ParseException.class, () -> CompactJws.parse(base64url(notAnObject) + "." + parts[1] + "." + parts[2]),
                    "header " + notAnObject);
        }
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void claimsWhenPayloadIsJsonNullThenParseException(SigningAlgorithm algorithm) throws ParseException {
        String[] parts = TestTokens.sign(ring(algorithm)).split("\\.");

        CompactJws jws = CompactJws.parse(parts[0] + "." + base64url("null") + "." + parts[2]);

        assertThrows(ParseException.class, jws::claims);
    }

    private static KeyRing ring(SigningAlgorithm algorithm) {
        return KeyRing.of("acme", List.of(GENERATOR.generate("acme", algorithm, NOW).withState(KeyState.ACTIVE, NOW)));
    }

    /** A token signed by the ring's active key under {@code header}, whatever the header says. */
    private static String signedWith(KeyRing ring, JWSHeader.Builder header) throws JOSEException {
        JWSHeader built = header.build();
        JWSHeader signingHeader = new JWSHeader.Builder(ring.active().algorithm().jwsAlgorithm()).build();
        SignedJWT signed = new SignedJWT(signingHeader, new JWTClaimsSet.Builder().subject("alice").build());
        signed.sign(ring.activeSigner());
        String signingInput = built.toBase64URL() + "." + signed.getPayload().toBase64URL();
        // Re-sign over the header under test with the same key, so only the header's content is judged.
        byte[] signature = ring.activeSigner().sign(signingHeader, signingInput.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).decode();
        return signingInput + "." + base64url(signature);
    }

    private static String base64url(String text) {
        return base64url(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
