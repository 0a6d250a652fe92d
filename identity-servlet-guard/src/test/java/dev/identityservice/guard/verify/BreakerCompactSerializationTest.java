package dev.identityservice.guard.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.BearerError;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.events.DenyList;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.MutableClock;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Breaker: malformed JWS compact serializations against the JDK-decoder path of {@link JwtTokenVerifier}
 * (real RSA and EC keys, a real JWKS over HTTP from {@link FakeIssuer}).
 */
@Timeout(60)
class BreakerCompactSerializationTest {
    static final String AUDIENCE = "orders-api";
    static final TestKey RSA = TestKey.rsa("rsa-1");
    static final TestKey EC = TestKey.ec("ec-1");
    static FakeIssuer issuer;

    MutableClock clock = MutableClock.atFixedStart();
    DenyList deny;
    GuardTokenVerifier verifier;

    @BeforeAll
    static void startIssuer() {
        issuer = FakeIssuer.start(RSA, EC);
    }

    @AfterAll
    static void stopIssuer() throws Exception {
        issuer.close();
    }

    @BeforeEach
    void createVerifier() {
        issuer.publish(RSA, EC);
        deny = new DenyList(1000);
        verifier = GuardTokenVerifier.withDenyList(GuardConfig.builder().issuer(issuer.url()).audience(AUDIENCE)
                .clock(clock).build(), deny);
    }

    @AfterEach
    void closeVerifier() {
        verifier.close();
    }

    TestTokens token(TestKey key) {
        return TestTokens.accessToken(issuer.url(), AUDIENCE, key, clock);
    }

    void assertRejected(String token) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token),
                () -> "accepted: " + token);
        assertEquals(BearerError.Code.INVALID_TOKEN, e.error().code());
    }

    /** Inserts {@code what} at {@code where} of part {@code part} (0, 1 or 2) of a genuine token. */
    static String insert(String token, int part, String where, String what) {
        String[] parts = token.split("\\.", -1);
        String p = parts[part];
        int at = switch (where) {
            case "start" -> 0;
            case "middle" -> p.length() / 2;
            default -> p.length();
        };
        parts[part] = p.substring(0, at) + what + p.substring(at);
        return String.join(".", parts);
    }

    @Test
    void genuineTokensVerify() throws Exception {
        assertEquals("alice", verifier.verify(token(RSA).sign()).subject());
        assertEquals("alice", verifier.verify(token(EC).sign()).subject());
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "\t", "\r", "\n", "\r\n", "+", "/", "=", "==", "%", "\u0000", "\u0080", "\u00a0",
            "\u00c3", "\u00ff", "\u0100", "\u2024", "\uff0e", "\ud83d\ude00", "\u00e9\u00e9\u00e9\u00e9", "*", "\\",
            "\"", "?", "A", "AB", "ABCDE"})
    void malformedCharacterInEveryPartAndPositionRejected(String what) {
        String genuine = token(RSA).sign();
        for (int part = 0; part < 3; part++) {
            for (String where : List.of("start", "middle", "end")) {
                if (what.matches("[A-Za-z0-9]+")) {
                    // alphabet characters change the part's length modulo 4 or its content: never the same token
                    String bent = insert(genuine, part, where, what);
                    assertRejected(bent);
                } else {
                    assertRejected(insert(genuine, part, where, what));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "...", "....", "a.b", "a..c", ".b.c", "a.b.", "a.b.c.d", "a.b.c.d.e.f",
            "=.=.=", "e30.e30.", "e30..AAAA", ".e30.AAAA", "e30.e30.AAAA.", ".e30.e30.AAAA", "e30.e30.AAAA.AAAA",
            "eyJhbGciOiJub25lIn0.e30.", "eyJhbGciOiJub25lIn0.e30"})
    void shapeAttacksRejected(String token) {
        assertRejected(token);
    }

    @Test
    void threeFourAndFiveDotsRejected() {
        String genuine = token(RSA).sign();
        assertRejected(genuine + ".");
        assertRejected(genuine + ".AAAA");
        assertRejected(genuine + ".AAAA.AAAA");
        assertRejected(genuine + ".AAAA.AAAA.AAAA");
        assertRejected("." + genuine);
        InvalidTokenException jwe = assertThrows(InvalidTokenException.class,
                () -> verifier.verify(genuine + ".AAAA.AAAA"));
        assertTrue(jwe.error().description().contains("encrypted"), jwe.error().description());
    }

    @Test
    void leadingOrTrailingWhitespaceAroundGenuineTokenRejected() {
        String genuine = token(RSA).sign();
        for (String ws : List.of(" ", "\t", "\r\n", "\n", "\u000b", "\u000c", "\u00a0", "\u2028", "\ufeff")) {
            assertRejected(ws + genuine);
            assertRejected(genuine + ws);
        }
    }

    /** Re-encodes a part with every non-canonical value of the unused low bits of its last group. */
    static List<String> nonCanonicalForms(String part) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int rem = part.length() % 4;
        List<String> forms = new ArrayList<>();
        if (rem == 0) {
            return forms;
        }
        int unusedBits = rem == 2 ? 4 : 2;
        int last = alphabet.indexOf(part.charAt(part.length() - 1));
        for (int low = 1; low < (1 << unusedBits); low++) {
            int value = (last & ~((1 << unusedBits) - 1)) | low;
            forms.add(part.substring(0, part.length() - 1) + alphabet.charAt(value));
        }
        return forms;
    }

    // Proves: a signature part with non-zero unused trailing bits (non-canonical base64url, RFC 4648 §3.5) is refused, so one token has one string form.
    @Test
    void nonCanonicalTrailingBitsInSignatureRejected() {
        String genuine = token(EC).sign(); // 64-byte signature: 86 characters, 4 unused bits
        String signature = genuine.substring(genuine.lastIndexOf('.') + 1);
        assertEquals(2, signature.length() % 4);
        List<String> forms = nonCanonicalForms(signature);
        assertEquals(15, forms.size());
        int accepted = 0;
        for (String form : forms) {
            String variant = genuine.substring(0, genuine.lastIndexOf('.') + 1) + form;
            try {
                verifier.verify(variant);
                accepted++;
            } catch (Exception refused) {
                // expected
            }
        }
        assertEquals(0, accepted, accepted + " non-canonical string forms of one ES256 token were accepted");
    }

    @Test
    void nonCanonicalTrailingBitsInHeaderOrPayloadRejectedBySignature() {
        String genuine = token(EC).sign();
        String[] parts = genuine.split("\\.");
        for (int i = 0; i < 2; i++) {
            for (String form : nonCanonicalForms(parts[i])) {
                String[] bent = parts.clone();
                bent[i] = form;
                assertRejected(String.join(".", bent));
            }
        }
    }

    @Test
    void malleableStringFormsDoNotEscapeTheDenyListOrTheCache() throws Exception {
        String jti = "breaker-jti-1";
        String genuine = token(EC).claim("jti", jti).sign();
        String signature = genuine.substring(genuine.lastIndexOf('.') + 1);
        Set<String> variants = new LinkedHashSet<>();
        variants.add(genuine);
        for (String form : nonCanonicalForms(signature)) {
            variants.add(genuine.substring(0, genuine.lastIndexOf('.') + 1) + form);
        }
        // Warm the verified-token cache with every form that the guard accepts.
        for (String v : variants) {
            try {
                verifier.verify(v);
            } catch (InvalidTokenException ignored) {
                // refused forms are fine
            }
        }
        deny.denyJti(jti, clock.millis() + Duration.ofHours(1).toMillis());
        for (String v : variants) {
            assertRejected(v);
        }
    }

    @Test
    void tokenAtMaxLengthIsLookedAtAndOneOverIsRefusedAsTooLong() throws Exception {
        String genuine = token(RSA).sign();
        int max = GuardConfig.MAX_TOKEN_LENGTH_CHARS_DEFAULT;
        // Pad the payload with a long claim so that the token is exactly max characters long.
        String base = token(RSA).claim("pad", "").sign();
        int grow = max - base.length();
        String padded = null;
        for (int extra = Math.max(0, grow * 3 / 4 - 8); extra < grow; extra++) {
            String t = token(RSA).claim("pad", "x".repeat(extra)).sign();
            if (t.length() == max) {
                padded = t;
                break;
            }
            if (t.length() > max) {
                break;
            }
        }
        if (padded != null) {
            try {
                verifier.verify(padded);
            } catch (InvalidTokenException e) {
                assertFalse(e.error().description().contains("too long"), "a token of exactly max length is looked at");
            }
        }
        String over = genuine + "A".repeat(max + 1 - genuine.length());
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(over));
        assertTrue(e.error().description().contains("too long"), e.error().description());
        assertRejected("A".repeat(max - 3) + ".A.");
        assertRejected("A".repeat(max / 2) + "." + "A".repeat(max / 2 - 3) + ".AA");
    }

    @Test
    void everyNonAlphabetCharacterUpToU01ffSubstitutedInEveryPartRejected() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String genuine = token(EC).sign();
        int first = genuine.indexOf('.');
        int second = genuine.indexOf('.', first + 1);
        int[] positions = {1, first + 2, second + 2, genuine.length() - 1};
        int tried = 0;
        for (char c = 0; c < 0x200; c++) {
            if (alphabet.indexOf(c) >= 0) {
                continue;
            }
            for (int at : positions) {
                String bent = genuine.substring(0, at) + c + genuine.substring(at + 1);
                assertRejected(bent);
                tried++;
            }
        }
        assertTrue(tried > 1500, "tried " + tried);
    }

    @Test
    void iso88591CharactersThatMapToBase64BytesAreNotConfused() {
        // U+0141 etc. become '?' under ISO-8859-1; U+0100+0x41 could be mistaken for 'A' by a narrowing cast.
        String genuine = token(RSA).sign();
        for (char c : new char[] {'\u0141', '\u0161', '\u012e', '\u0130', '\uff21', '\u0441', '\u0100'}) {
            String bent = genuine.replaceFirst("A", String.valueOf(c));
            if (!bent.equals(genuine)) {
                assertRejected(bent);
            }
            String last = genuine.substring(0, genuine.length() - 1) + c;
            assertRejected(last);
        }
        // a character whose low byte is '.' (U+012E -> 0x2E when narrowed)
        String withFakeDot = genuine.replaceFirst("\\.", "\u012e");
        assertRejected(withFakeDot);
    }

    // ---- ECDSA through Bouncy Castle, over the HTTP-fetched JWKS --------------------------------------------

    static String ecSigned(String headerJson, String payloadJson, byte[] signature) {
        return TestTokens.b64(headerJson) + "." + TestTokens.b64(payloadJson) + "." + Base64URL.encode(signature);
    }

    static byte[] rs(BigInteger r, BigInteger s, int half) {
        byte[] out = new byte[2 * half];
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        int rl = Math.min(rb.length, half);
        int sl = Math.min(sb.length, half);
        System.arraycopy(rb, rb.length - rl, out, half - rl, rl);
        System.arraycopy(sb, sb.length - sl, out, 2 * half - sl, sl);
        return out;
    }

    @Test
    void es256OutOfRangeScalarsAndWrongLengthsRejectedOverHttp() throws Exception {
        TestTokens t = token(EC);
        String genuine = t.sign();
        byte[] good = Base64URL.from(genuine.substring(genuine.lastIndexOf('.') + 1)).decode();
        BigInteger n = ((ECKey) EC.publicJwk()).toECPublicKey().getParams().getOrder();
        BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(good, 0, 32));
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(good, 32, 64));
        String prefix = genuine.substring(0, genuine.lastIndexOf('.') + 1);
        // the high-s twin is valid ECDSA for both engines
        assertEquals("alice", verifier.verify(prefix + Base64URL.encode(rs(r, n.subtract(s), 32))).subject());
        List<byte[]> bad = List.of(new byte[64], rs(BigInteger.ZERO, s, 32), rs(r, BigInteger.ZERO, 32),
                rs(n, s, 32), rs(r, n, 32), rs(r.add(n), s, 32), rs(n.add(BigInteger.ONE), s, 32),
                rs(r, s.add(n), 32), rs(BigInteger.ONE, BigInteger.ONE, 32),
                rs(r.subtract(BigInteger.ONE).add(BigInteger.ONE).xor(BigInteger.ONE), s, 32),
                java.util.Arrays.copyOf(good, 63), java.util.Arrays.copyOf(good, 65), java.util.Arrays.copyOf(good, 96),
                java.util.Arrays.copyOf(good, 132), new byte[0], new byte[] {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01});
        for (byte[] sig : bad) {
            assertRejected(prefix + Base64URL.encode(sig));
        }
        // DER-encoded signature of the genuine values: JWS requires the raw R||S form (RFC 7518 §3.4)
        byte[] der = com.nimbusds.jose.crypto.impl.ECDSA.transcodeSignatureToDER(good);
        assertRejected(prefix + Base64URL.encode(der));
    }

    @Test
    void curveAndAlgorithmMismatchesRejected() throws Exception {
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("ec-1").generate();
        ECKey p256 = (ECKey) EC.privateJwk();
        String header256 = "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"ec-1\"}";
        String header384 = "{\"alg\":\"ES384\",\"typ\":\"at+jwt\",\"kid\":\"ec-1\"}";
        String payload = token(EC).payloadJson();
        // ES384 header against the P-256 key in the set (ES384 not even allowed by default): refused
        String in384 = TestTokens.b64(header384) + "." + TestTokens.b64(payload);
        byte[] sig384 = new ECDSASigner(p384).sign(new JWSHeader(JWSAlgorithm.ES384),
                in384.getBytes(StandardCharsets.US_ASCII)).decode();
        assertRejected(in384 + "." + Base64URL.encode(sig384));
        // ES256 header signed by P-256, but the set publishes only a P-384 key under the same kid
        issuer.publishRaw(p384.toPublicJWK().toJSONString());
        GuardTokenVerifier other = GuardTokenVerifier.create(GuardConfig.builder().issuer(issuer.url())
                .audience(AUDIENCE).clock(clock).algorithms("ES256", "ES384").build());
        try {
            String in256 = TestTokens.b64(header256) + "." + TestTokens.b64(payload);
            byte[] sig256 = new ECDSASigner(p256).sign(new JWSHeader(JWSAlgorithm.ES256),
                    in256.getBytes(StandardCharsets.US_ASCII)).decode();
            InvalidTokenException e = assertThrows(InvalidTokenException.class,
                    () -> other.verify(in256 + "." + Base64URL.encode(sig256)));
            assertEquals(BearerError.Code.INVALID_TOKEN, e.error().code());
            // a P-384 signature (96 bytes) under an ES256 header: refused
            byte[] sig384for256 = new ECDSASigner(p384).sign(new JWSHeader(JWSAlgorithm.ES384),
                    in256.getBytes(StandardCharsets.US_ASCII)).decode();
            assertThrows(InvalidTokenException.class, () -> other.verify(in256 + "." + Base64URL.encode(sig384for256)));
            // the P-384 key itself verifies a genuine ES384 token (control)
            byte[] good384 = new ECDSASigner(p384).sign(new JWSHeader(JWSAlgorithm.ES384),
                    in384.getBytes(StandardCharsets.US_ASCII)).decode();
            assertEquals("alice", other.verify(in384 + "." + Base64URL.encode(good384)).subject());
        } finally {
            other.close();
            issuer.publish(RSA, EC);
        }
    }

    @Test
    void kidCollisionBetweenEcAndRsaKeysNeverCrossesAlgorithms() throws Exception {
        TestKey rsa = TestKey.rsa("shared");
        TestKey ec = TestKey.ec("shared");
        issuer.publish(rsa, ec);
        GuardTokenVerifier v = GuardTokenVerifier.create(GuardConfig.builder().issuer(issuer.url())
                .audience(AUDIENCE).clock(clock).build());
        try {
            String rsToken = TestTokens.accessToken(issuer.url(), AUDIENCE, rsa, clock).sign();
            String esToken = TestTokens.accessToken(issuer.url(), AUDIENCE, ec, clock).sign();
            assertEquals("alice", v.verify(rsToken).subject());
            assertEquals("alice", v.verify(esToken).subject());
            // ES256 header, RSA signature; RS256 header, ECDSA signature
            String esHeaderRsaSig = TestTokens.accessToken(issuer.url(), AUDIENCE, rsa, clock)
                    .header("alg", "ES256").sign();
            assertThrows(InvalidTokenException.class, () -> v.verify(esHeaderRsaSig));
            String rsHeaderEcSig = TestTokens.signRaw("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"shared\"}",
                    TestTokens.accessToken(issuer.url(), AUDIENCE, ec, clock).payloadJson(), ec, JWSAlgorithm.ES256);
            assertThrows(InvalidTokenException.class, () -> v.verify(rsHeaderEcSig));
        } finally {
            v.close();
            issuer.publish(RSA, EC);
        }
    }

    static String ecJwk(String kid, String crv, BigInteger x, BigInteger y, int size) {
        return "{\"kty\":\"EC\",\"crv\":\"" + crv + "\",\"kid\":\"" + kid + "\",\"x\":\"" + b64(x, size)
                + "\",\"y\":\"" + b64(y, size) + "\"}";
    }

    static String b64(BigInteger v, int size) {
        byte[] raw = v.toByteArray();
        if (raw.length > size && raw[0] == 0) {
            raw = java.util.Arrays.copyOfRange(raw, 1, raw.length);
        }
        byte[] out = new byte[Math.max(size, raw.length)];
        System.arraycopy(raw, 0, out, out.length - raw.length, raw.length);
        return Base64URL.encode(out).toString();
    }

    @Test
    void invalidPointsInTheJwksNeverVerify() throws Exception {
        ECKey genuine = (ECKey) EC.privateJwk();
        ECPublicKey pub = genuine.toECPublicKey();
        BigInteger x = pub.getW().getAffineX();
        BigInteger y = pub.getW().getAffineY();
        BigInteger p = ((java.security.spec.ECFieldFp) pub.getParams().getCurve().getField()).getP();
        String token = token(EC).header("kid", "bad").sign();
        List<String> jwks = List.of(
                ecJwk("bad", "P-256", x, y.add(BigInteger.ONE), 32), // off the curve
                ecJwk("bad", "P-256", BigInteger.ZERO, BigInteger.ZERO, 32), // "infinity"
                ecJwk("bad", "P-256", x, p.subtract(y).add(p), 32), // y + p: -y mod p, >= p
                ecJwk("bad", "P-256", x.add(p), y, 32), // x >= p, same point mod p
                ecJwk("bad", "P-256", x, y.add(p), 32), // y >= p, same point mod p
                ecJwk("bad", "P-384", x, y, 48)); // the P-256 coordinates as a P-384 key
        for (String jwk : jwks) {
            issuer.publishRaw(RSA.publicJwk().toJSONString(), jwk); // a usable set: the bad entry is skipped
            GuardTokenVerifier v = GuardTokenVerifier.create(GuardConfig.builder().issuer(issuer.url())
                    .audience(AUDIENCE).clock(clock).build());
            try {
                assertThrows(InvalidTokenException.class, () -> v.verify(token), "verified with " + jwk);
            } finally {
                v.close();
            }
        }
        issuer.publish(RSA, EC);
    }

    @Test
    void ecdsaVerdictsIdenticalWithAndWithoutBouncyCastleOverManyTokens() throws Exception {
        // The guard here runs with Bouncy Castle; the JDK verdict is computed with JDK ECDSA in P1363 form.
        ECKey key = (ECKey) EC.privateJwk();
        java.security.Signature jdk = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
        BigInteger n = key.toECPublicKey().getParams().getOrder();
        int differ = 0;
        for (int i = 0; i < 40; i++) {
            String genuine = token(EC).sign();
            String input = genuine.substring(0, genuine.lastIndexOf('.'));
            byte[] sig = Base64URL.from(genuine.substring(genuine.lastIndexOf('.') + 1)).decode();
            byte[] mutated = sig.clone();
            switch (i % 4) {
                case 0 -> mutated[i % 64] ^= 1;
                case 1 -> mutated = rs(new BigInteger(1, java.util.Arrays.copyOfRange(sig, 0, 32)),
                        n.subtract(new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64))), 32);
                case 2 -> mutated = rs(new BigInteger(1, java.util.Arrays.copyOfRange(sig, 0, 32)).add(n),
                        new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64)), 33);
                default -> { }
            }
            boolean jdkVerdict;
            try {
                jdk.initVerify(key.toECPublicKey());
                jdk.update(input.getBytes(StandardCharsets.US_ASCII));
                jdkVerdict = jdk.verify(mutated);
            } catch (java.security.SignatureException e) {
                jdkVerdict = false;
            }
            boolean guard;
            try {
                verifier.verify(input + "." + Base64URL.encode(mutated));
                guard = true;
            } catch (InvalidTokenException e) {
                guard = false;
            }
            if (jdkVerdict != guard) {
                differ++;
            }
        }
        assertEquals(0, differ, "verdicts differing from the JDK");
        assertNotEquals(null, issuer);
    }

    @Test
    void verifiedTokenCarriesNoUnusedField() throws Exception {
        VerifiedToken t = verifier.verify(token(EC).sign());
        assertEquals("alice", t.subject());
    }
}
