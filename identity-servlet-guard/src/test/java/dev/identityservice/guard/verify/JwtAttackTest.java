package dev.identityservice.guard.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.BearerError;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.testing.CountingListener;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.MutableClock;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The attack corpus: each test sends one attack against a real issuer over HTTP and expects its own reason. */
class JwtAttackTest {
    static final String AUDIENCE = "orders-api";
    static final TestKey RSA = TestKey.rsa("rsa-1");
    static final TestKey EC = TestKey.ec("ec-1");
    static final TestKey ED = TestKey.ed25519("ed-1");
    static final TestKey ATTACKER_SAME_KID = TestKey.rsa("rsa-1");
    static FakeIssuer issuer;

    MutableClock clock = MutableClock.atFixedStart();
    CountingListener listener = new CountingListener();
    GuardTokenVerifier verifier;

    @BeforeAll
    static void startIssuer() {
        issuer = FakeIssuer.start(RSA, EC, ED);
    }

    @AfterAll
    static void stopIssuer() throws Exception {
        issuer.close();
    }

    @BeforeEach
    void createVerifier() {
        verifier = GuardTokenVerifier.create(config().build());
    }

    @AfterEach
    void closeVerifier() {
        verifier.close();
    }

    GuardConfig.Builder config() {
        return GuardConfig.builder().issuer(issuer.url()).audience(AUDIENCE).clock(clock).listener(listener)
                .algorithms("RS256", "PS256", "ES256", "EdDSA");
    }

    TestTokens token(TestKey key) {
        return TestTokens.accessToken(issuer.url(), AUDIENCE, key, clock);
    }

    void assertRejected(String token, String reason) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        assertEquals(BearerError.Code.INVALID_TOKEN, e.error().code());
        assertTrue(e.error().description().contains(reason),
                () -> "expected '" + reason + "' but was '" + e.error().description() + "'");
    }

    @Test
    void verifyWhenRs256TokenValidThenAcceptedWithRolesAndScopes() throws Exception {
        VerifiedToken verified = verifier.verify(token(RSA).claim("roles", List.of("user", "admin")).sign());
        assertEquals("alice", verified.subject());
        assertEquals("web-app", verified.clientId());
        assertTrue(verified.hasRole("admin") && verified.hasRole("user"));
        assertTrue(verified.hasScope("orders:read"));
    }

    @Test
    void verifyWhenEs256Ps256AndEdDsaTokensValidThenAccepted() throws Exception {
        assertEquals("alice", verifier.verify(token(EC).sign()).subject());
        assertEquals("alice", verifier.verify(token(RSA).algorithm(JWSAlgorithm.PS256).sign()).subject());
        assertEquals("alice", verifier.verify(token(ED).sign()).subject());
    }

    @Test
    void verifyWhenSameTokenRepeatedThenCachedResultWithoutVerifying() throws Exception {
        String token = token(RSA).sign();
        VerifiedToken first = verifier.verify(token);
        assertSame(first, verifier.verify(new String(token.toCharArray())));
    }

    @Test
    void verifyWhenCachedTokenPassesExpiryThenRejected() throws Exception {
        String token = token(RSA).expiresIn(clock, Duration.ofSeconds(30)).sign();
        verifier.verify(token);
        clock.advance(Duration.ofSeconds(31 + 60));
        assertRejected(token, "expired");
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE", "NoNe"})
    void verifyWhenAlgNoneInAnyCaseThenRejected(String none) {
        String unsigned = TestTokens.b64("{\"alg\":\"" + none + "\",\"typ\":\"at+jwt\",\"kid\":\"rsa-1\"}") + "."
                + TestTokens.b64(token(RSA).payloadJson());
        assertRejected(unsigned + ".", "malformed token");
        assertRejected(unsigned + ".AAAA", "algorithm not accepted");
    }

    @Test
    void verifyWhenHs256KeyedWithThePublicKeyThenRejected() throws Exception {
        TestTokens t = token(RSA).header("alg", "HS256");
        String input = TestTokens.b64(t.headerJson()) + "." + TestTokens.b64(t.payloadJson());
        for (byte[] secret : List.of(RSA.publicJwk().toRSAKey().toPublicKey().getEncoded(),
                RSA.publicJwk().toJSONString().getBytes(StandardCharsets.UTF_8))) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            String forged = input + "." + Base64URL.encode(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
            assertRejected(forged, "algorithm not accepted");
        }
    }

    @Test
    void verifyWhenSignatureStrippedThenRejected() {
        String token = token(RSA).sign();
        assertRejected(token.substring(0, token.lastIndexOf('.') + 1), "malformed token");
    }

    @Test
    void verifyWhenSignedByAnotherKeyUnderTheSameKidThenRejected() {
        assertRejected(token(RSA).signedBy(ATTACKER_SAME_KID).sign(), "invalid signature");
    }

    @Test
    void verifyWhenPayloadAlteredAfterSigningThenRejected() {
        String[] parts = token(RSA).sign().split("\\.");
        String altered = TestTokens.b64(token(RSA).claim("roles", List.of("admin")).payloadJson());
        assertRejected(parts[0] + "." + altered + "." + parts[2], "invalid signature");
    }

    @Test
    void verifyWhenKidUnknownThenRejectedAfterAtMostOneRefetch() throws Exception {
        verifier.verify(token(RSA).sign());
        int before = issuer.jwksFetches.get();
        assertRejected(token(RSA).header("kid", "unknown").sign(), "unknown key id");
        assertRejected(token(RSA).header("kid", "unknown-2").sign(), "unknown key id");
        assertEquals(before + 1, issuer.jwksFetches.get());
        assertEquals(1, listener.rateLimited.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../../etc/passwd", "' OR '1'='1", "rsa-1'; DROP TABLE keys;--", "rsa-1/../rsa-1",
            "%2e%2e%2f", "rsa-1\u0000"})
    void verifyWhenKidHasPathOrSqlCharactersThenRejected(String kid) {
        assertRejected(token(RSA).header("kid", kid).sign(), "unknown key id");
    }

    @Test
    void verifyWhenKidIsNotAStringThenRejected() {
        assertRejected(token(RSA).header("kid", 42).sign(), "malformed key id");
    }

    @Test
    void verifyWhenHeaderEmbedsItsOwnJwkThenRejected() {
        TestKey attacker = TestKey.rsa("attacker");
        assertRejected(token(RSA).signedBy(attacker).header("kid", "attacker")
                .header("jwk", attacker.publicJwk().toJSONObject()).sign(), "header jwk is not accepted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jku", "x5u"})
    void verifyWhenHeaderPointsToKeysElsewhereThenRejected(String header) {
        assertRejected(token(RSA).header(header, "https://attacker.example/keys").sign(),
                "header " + header + " is not accepted");
    }

    @Test
    void verifyWhenHeaderCarriesX5cThenRejected() {
        assertRejected(token(RSA).header("x5c", List.of("MIIB")).sign(), "header x5c is not accepted");
    }

    @Test
    void verifyWhenExpiredBeyondSkewThenRejected() {
        assertRejected(token(RSA).claim("exp", clock.millis() / 1000 - 61).sign(), "expired");
    }

    @Test
    void verifyWhenExpiredWithinSkewThenAccepted() throws Exception {
        verifier.verify(token(RSA).claim("exp", clock.millis() / 1000 - 59).sign());
    }

    @Test
    void verifyWhenNotBeforeInTheFutureThenRejected() {
        assertRejected(token(RSA).claim("nbf", clock.millis() / 1000 + 120).sign(), "not valid yet");
    }

    @Test
    void verifyWhenIssuedFarInTheFutureThenRejected() {
        assertRejected(token(RSA).claim("iat", clock.millis() / 1000 + 3600).sign(), "issued in the future");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example", "/", "http://127.0.0.1"})
    void verifyWhenIssuerWrongThenRejected(String suffixOrIssuer) {
        String iss = suffixOrIssuer.equals("/") ? issuer.url() + "/" : suffixOrIssuer;
        assertRejected(token(RSA).claim("iss", iss).sign(), "issuer not accepted");
    }

    @Test
    void verifyWhenAudienceWrongThenRejected() {
        assertRejected(token(RSA).claim("aud", "billing-api").sign(), "audience not accepted");
        assertRejected(token(RSA).claim("aud", List.of("billing-api", "other")).sign(), "audience not accepted");
    }

    @Test
    void verifyWhenAudienceListContainsOursThenAccepted() throws Exception {
        verifier.verify(token(RSA).claim("aud", List.of("billing-api", AUDIENCE)).sign());
    }

    @Test
    void verifyWhenExpMissingThenRejected() {
        assertRejected(token(RSA).withoutClaim("exp").sign(), "no expiry");
    }

    @Test
    void verifyWhenExpIsAStringThenRejected() {
        assertRejected(token(RSA).claim("exp", "2099-01-01").sign(), "not a NumericDate");
    }

    @Test
    void verifyWhenIdTokenPresentedAsAccessTokenThenRejected() {
        TestTokens idToken = token(RSA).header("typ", "JWT").claim("aud", AUDIENCE).claim("nonce", "n-0S6")
                .claim("at_hash", "77QmUPtjPfzWtF2AnpK9RQ").withoutClaim("scope");
        assertRejected(idToken.sign(), "token type not accepted");
        verifier.close();
        verifier = GuardTokenVerifier.create(config().acceptPlainJwt(true).build());
        assertRejected(idToken.sign(), "an ID token is not an access token");
        assertRejected(token(RSA).header("typ", "JWT").claim("typ", "ID").sign(), "an ID token is not an access token");
    }

    @ParameterizedTest
    @ValueSource(strings = {"JWT", "jwt", "application/jwt", "JOSE", "at+jwt+extra"})
    void verifyWhenTypIsNotAtJwtThenRejectedByDefault(String typ) {
        assertRejected(token(RSA).header("typ", typ).sign(), "token type not accepted");
    }

    @Test
    void verifyWhenTypMissingThenRejectedByDefault() {
        assertRejected(token(RSA).withoutHeader("typ").sign(), "token type not accepted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"at+jwt", "AT+JWT", "application/at+jwt", "Application/AT+JWT"})
    void verifyWhenTypIsAtJwtInAnySpellingThenAccepted(String typ) throws Exception {
        verifier.verify(token(RSA).header("typ", typ).sign());
    }

    @Test
    void verifyWhenUnknownCritThenRejected() {
        assertRejected(token(RSA).header("crit", List.of("urn:example:ext")).header("urn:example:ext", 1).sign(),
                "unsupported critical header");
        assertRejected(token(RSA).header("crit", List.of("b64")).header("b64", false).sign(),
                "unsupported critical header");
    }

    @Test
    void verifyWhenJweThenRejected() {
        String jwe = TestTokens.b64("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\",\"kid\":\"rsa-1\"}")
                + ".OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b"
                + ".5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji.XFBoMYUZodetZdvTiFvSkQ";
        assertRejected(jwe, "encrypted tokens (JWE) are not accepted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"eyJhbGciOiJSUzI1NiJ9*.eyJzdWIiOiJ4In0.c2ln", "eyJhbGciOiJSUzI1NiJ9=.eyJzdWIiOiJ4In0.c2ln",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0+.c2ln", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0/.c2ln",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lu=", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2l*",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0\u00e9.c2ln", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0\u0101.c2ln"})
    void verifyWhenCharactersOutsideBase64UrlThenRejected(String token) {
        assertRejected(token, "malformed token");
    }

    @Test
    void verifyWhenBase64LengthImpossibleThenRejected() {
        String token = token(RSA).sign();
        assertRejected("e" + token, "malformed token");
    }

    @Test
    void verifyWhenHeaderIsNotJsonThenRejected() {
        assertRejected(TestTokens.b64("{\"alg\":\"RS256\"") + ".e30.c2ln", "malformed token header");
        assertRejected(TestTokens.b64("[\"alg\"]") + ".e30.c2ln", "malformed token header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "abc.def", "a.b.c.d", "a.b.c.d.e.f", "..", ".a.b", "a..b", ""})
    void verifyWhenWrongNumberOfDotsOrEmptyPartsThenRejected(String token) {
        assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
    }

    @Test
    void verifyWhenHeaderIs100KbThenRejectedBeforeParsing() {
        assertRejected(token(RSA).header("pad", "x".repeat(100 * 1024)).sign(), "token too long");
    }

    @Test
    void verifyWhenEcdsaSignatureIsRZeroSZeroThenRejected() {
        String token = token(EC).sign();
        String zeros = Base64URL.encode(new byte[64]).toString();
        assertRejected(token.substring(0, token.lastIndexOf('.') + 1) + zeros, "invalid signature");
    }

    @Test
    void verifyWhenEcdsaSignatureHasWrongLengthThenRejected() {
        String token = token(EC).sign();
        String der = Base64URL.encode(new byte[72]).toString();
        assertRejected(token.substring(0, token.lastIndexOf('.') + 1) + der, "invalid signature");
    }

    @Test
    void verifyWhenAlgorithmDoesNotFitTheKeyThenRejected() {
        // An RSA key named by kid, a header claiming ES256: algorithm confusion.
        assertRejected(token(EC).header("kid", "rsa-1").sign(), "no key for the token's algorithm");
    }

    @Test
    void verifyWhenDuplicateClaimNamesThenRejected() {
        String payload = token(RSA).payloadJson();
        String duplicated = payload.substring(0, payload.length() - 1) + ",\"sub\":\"admin\"}";
        assertRejected(TestTokens.signRaw(token(RSA).headerJson(), duplicated, RSA, JWSAlgorithm.RS256), "duplicate");
        String nested = payload.substring(0, payload.length() - 1)
                + ",\"realm_access\":{\"roles\":[\"user\"],\"roles\":[\"admin\"]}}";
        assertRejected(TestTokens.signRaw(token(RSA).headerJson(), nested, RSA, JWSAlgorithm.RS256), "duplicate");
    }

    @Test
    void verifyWhenDuplicateHeaderNamesThenRejected() {
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"rsa-1\",\"alg\":\"none\"}";
        assertRejected(TestTokens.signRaw(header, token(RSA).payloadJson(), RSA, JWSAlgorithm.RS256), "duplicate");
    }

    @Test
    void verifyWhenRolesHaveTheWrongTypeThenRejected() {
        assertRejected(token(RSA).claim("roles", Map.of("admin", true)).sign(), "claim roles is not");
        assertRejected(token(RSA).claim("roles", List.of(1, 2)).sign(), "claim roles is not");
        assertRejected(token(RSA).claim("roles", List.of("user", List.of("admin"))).sign(), "claim roles is not");
        assertRejected(token(RSA).claim("roles", true).sign(), "claim roles is not");
    }

    @Test
    void verifyWhenTokenRejectedThenListenerToldWhy() {
        assertRejected(token(RSA).claim("aud", "x").sign(), "audience");
        assertEquals("audience not accepted", listener.rejected.peek().description());
    }

    @Test
    void verifyWhenTokenHasNoKidAndOneKeyFitsThenAccepted() throws Exception {
        verifier.verify(token(RSA).withoutHeader("kid").sign());
    }

    // The token is decoded from its bytes by the guard's own base64url and UTF-8 code: every tail length,
    // non-ASCII text, and what either must refuse.

    @Test
    void verifyWhenClaimIsNonAsciiAtEveryBase64TailLengthThenReadExactly() throws Exception {
        for (int extra = 0; extra < 6; extra++) { // moves the payload's encoded length through every remainder
            String name = "Zoë 😀 " + "x".repeat(extra);
            VerifiedToken verified = verifier.verify(token(RSA).claim("name", name).sign());
            assertEquals(name, verified.claim("name"));
        }
    }

    @Test
    void verifyWhenPayloadIsNotUtf8ThenRejected() {
        byte[] payload = "{\"sub\":\"\u00c3(\"}".getBytes(StandardCharsets.ISO_8859_1); // 0xC3 0x28: malformed
        String input = TestTokens.b64(token(RSA).headerJson()) + "." + Base64URL.encode(payload);
        String token = input + "." + Base64URL.encode(RSA.sign(JWSAlgorithm.RS256, input.getBytes(StandardCharsets.US_ASCII)));
        assertRejected(token, "not UTF-8");
    }

    @Test
    void verifyWhenPartLengthIsOneModuloFourThenRejectedAsBadBase64() {
        String[] parts = token(RSA).sign().split("\\.");
        String payload = parts[1];
        while (payload.length() % 4 != 1) {
            payload += "A";
        }
        assertRejected(parts[0] + "." + payload + "." + parts[2], "bad base64url");
    }

    @ParameterizedTest
    @ValueSource(strings = {"é", "€", "=", " ", "+", "/"})
    void verifyWhenTokenHoldsCharacterOutsideBase64UrlThenRejected(String character) {
        String token = token(RSA).sign();
        int dot = token.indexOf('.');
        assertRejected(token.substring(0, dot - 1) + character + token.substring(dot), "malformed token");
    }

    // A second review of the own decoding and the per-thread Signature: what an attacker can bend in the
    // bytes, and whether a thread's state can carry one key's verdict into another key's token.

    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** A token over exactly these header and payload bytes, validly signed by {@code key}. */
    static String signBytes(byte[] header, byte[] payload, TestKey key) {
        String input = Base64URL.encode(header) + "." + Base64URL.encode(payload);
        return input + "." + Base64URL.encode(key.sign(key.algorithm(), input.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void verifyWhenHeaderOrPayloadEncodedNonCanonicallyThenMalformed() {
        // The unused low bits of a last partial group decode to the same bytes; a re-spelled part is refused as
        // non-canonical base64url (RFC 4648 §3.5) before any signature check (which it would fail anyway: the
        // signing input is the text as sent).
        for (int extra = 0; extra < 3; extra++) {
            String[] parts = token(RSA).claim("pad", "x".repeat(extra)).sign().split("\\.");
            for (int part = 0; part < 2; part++) {
                if (parts[part].length() % 4 == 0) {
                    continue;
                }
                String[] bent = parts.clone();
                String text = bent[part];
                char last = ALPHABET.charAt(ALPHABET.indexOf(text.charAt(text.length() - 1)) ^ 1);
                bent[part] = text.substring(0, text.length() - 1) + last;
                assertRejected(String.join(".", bent), "non-canonical base64url");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "c0af",     // overlong '/'
            "e080af",   // overlong '/' in three bytes
            "eda080",   // a UTF-16 surrogate encoded as UTF-8 (CESU-8)
            "f4908080", // above U+10FFFF
            "80",       // a lone continuation byte
            "e282",     // a sequence cut short before the closing quote
            "ff"})
    void verifyWhenPayloadStringHoldsInvalidUtf8ThenRejectedNot500(String hex) {
        byte[] bad = HexFormat.of().parseHex(hex);
        byte[] prefix = "{\"sub\":\"a".getBytes(StandardCharsets.US_ASCII);
        byte[] suffix = "\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = new byte[prefix.length + bad.length + suffix.length];
        System.arraycopy(prefix, 0, payload, 0, prefix.length);
        System.arraycopy(bad, 0, payload, prefix.length, bad.length);
        System.arraycopy(suffix, 0, payload, prefix.length + bad.length, suffix.length);
        assertRejected(signBytes(token(RSA).headerJson().getBytes(StandardCharsets.UTF_8), payload, RSA), "not UTF-8");
        assertRejected(signBytes(payload, token(RSA).payloadJson().getBytes(StandardCharsets.UTF_8), RSA), "not UTF-8");
    }

    @Test
    void verifyWhenPayloadStartsWithAByteOrderMarkThenRejected() {
        byte[] json = token(RSA).payloadJson().getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[json.length + 3];
        payload[0] = (byte) 0xEF;
        payload[1] = (byte) 0xBB;
        payload[2] = (byte) 0xBF;
        System.arraycopy(json, 0, payload, 3, json.length);
        assertRejected(signBytes(token(RSA).headerJson().getBytes(StandardCharsets.UTF_8), payload, RSA),
                "malformed token payload");
    }

    @Test
    void verifyWhenJsonHoldsARawNulThenRejected() {
        String header = token(RSA).headerJson().replace("\"rsa-1\"", "\"rsa-1\u0000\"");
        assertRejected(TestTokens.signRaw(header, token(RSA).payloadJson(), RSA, JWSAlgorithm.RS256),
                "malformed token header");
        String payload = token(RSA).payloadJson().replace("\"alice\"", "\"alice\u0000admin\"");
        assertRejected(TestTokens.signRaw(token(RSA).headerJson(), payload, RSA, JWSAlgorithm.RS256),
                "malformed token payload");
    }

    @Test
    void verifyWhenKidHasAnEscapedNulThenNotTakenForTheKeyBeforeIt() {
        assertThrows(InvalidTokenException.class, () -> verifier.verify(token(RSA).header("kid", "rsa-1\u0000").sign()));
        assertThrows(InvalidTokenException.class, () -> verifier.verify(token(RSA).header("kid", "rsa-1\u0000x").sign()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uFF0E", "\u012E", "\u0141", "\uD800", "\t", "\n", "\r", "\u0000", "\u007F"})
    void verifyWhenTokenHoldsACharacterWhoseLowByteIsLegalOrAControlThenRejected(String character) {
        // U+FF0E is a fullwidth '.', U+012E and U+0141 have '.' and 'A' as their low byte: a decoder that
        // narrowed chars to bytes would read them as the token's own characters.
        String token = token(RSA).sign();
        int dot = token.indexOf('.');
        assertRejected(token.substring(0, dot) + character + token.substring(dot + 1), "malformed token");
        assertRejected(token.substring(0, dot - 1) + character + token.substring(dot), "malformed token");
    }

    @Test
    void verifyWhenEs256SignatureIsTheSameSignatureInDerThenRejected() throws Exception {
        String token = token(EC).sign();
        int dot = token.lastIndexOf('.');
        byte[] der = ECDSA.transcodeSignatureToDER(new Base64URL(token.substring(dot + 1)).decode());
        assertRejected(token.substring(0, dot + 1) + Base64URL.encode(der), "invalid signature");
        verifier.verify(token); // and the raw R || S form it came from verifies
    }

    @Test
    void verifyWhenTokensOfTwoKeysUnderOneKidAlternateOnOneThreadThenOnlyThePublishedKeysVerify() throws Exception {
        for (int round = 0; round < 3; round++) {
            verifier.verify(token(RSA).sign());
            assertRejected(token(RSA).signedBy(ATTACKER_SAME_KID).sign(), "invalid signature");
            verifier.verify(token(RSA).sign());
            // An RSA signature of the wrong length makes the JDK throw midway; the next token is unaffected.
            String valid = token(RSA).sign();
            assertRejected(valid.substring(0, valid.lastIndexOf('.') + 1) + "AAAA", "invalid signature");
            verifier.verify(valid);
        }
    }

    @Test
    void verifyWhenTwoIssuersShareAKidAndAThreadThenEachTokenVerifiesOnlyWithItsIssuer() throws Exception {
        try (FakeIssuer other = FakeIssuer.start(ATTACKER_SAME_KID);
                GuardTokenVerifier otherVerifier = GuardTokenVerifier.create(GuardConfig.builder().issuer(other.url())
                        .audience(AUDIENCE).clock(clock).algorithms("RS256").build())) {
            for (int round = 0; round < 3; round++) {
                String ours = token(RSA).sign();
                String theirs = TestTokens.accessToken(other.url(), AUDIENCE, ATTACKER_SAME_KID, clock).sign();
                verifier.verify(ours);
                otherVerifier.verify(theirs);
                assertThrows(InvalidTokenException.class, () -> otherVerifier.verify(
                        TestTokens.accessToken(other.url(), AUDIENCE, RSA, clock).sign()));
                assertRejected(token(ATTACKER_SAME_KID).sign(), "invalid signature");
            }
        }
    }

    @Test
    void verifyWhenIssuerReplacesTheKeyUnderAKidThenTheOldKeysTokensAreRefusedOnTheSameThread() throws Exception {
        TestKey before = TestKey.rsa("rotating");
        TestKey after = TestKey.rsa("rotating");
        try (FakeIssuer rotating = FakeIssuer.start(before);
                GuardTokenVerifier v = GuardTokenVerifier.create(GuardConfig.builder().issuer(rotating.url())
                        .audience(AUDIENCE).clock(clock).algorithms("RS256").build())) {
            v.verify(TestTokens.accessToken(rotating.url(), AUDIENCE, before, clock).sign());
            rotating.publish(after);
            clock.advance(GuardConfig.JwksSettings.DEFAULT_LIFETIME_DEFAULT.plusSeconds(1));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) { // the refresh may land in the background; the new key is served once it has
                try {
                    v.verify(TestTokens.accessToken(rotating.url(), AUDIENCE, after, clock).sign());
                    break;
                } catch (InvalidTokenException stillOldKey) {
                    assertTrue(System.nanoTime() < deadline, "the replaced key was never fetched");
                    Thread.sleep(20);
                }
            }
            for (int round = 0; round < 3; round++) {
                String old = TestTokens.accessToken(rotating.url(), AUDIENCE, before, clock).sign();
                InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> v.verify(old));
                assertEquals("invalid signature", e.error().description());
                v.verify(TestTokens.accessToken(rotating.url(), AUDIENCE, after, clock).sign());
            }
        }
    }

    @Test
    void verifyWhenIssuerWithdrawsAKeyThenATokenItSignedIsRefusedThoughCached() throws Exception {
        // The issuer finds a key compromised and withdraws it. A token forged with it for a year, presented
        // once while the key was published, must not live on in the verified-token cache.
        TestKey compromised = TestKey.rsa("compromised");
        TestKey remaining = TestKey.rsa("remaining");
        try (FakeIssuer withdrawing = FakeIssuer.start(compromised, remaining);
                GuardTokenVerifier v = GuardTokenVerifier.create(GuardConfig.builder().issuer(withdrawing.url())
                        .audience(AUDIENCE).clock(clock).algorithms("RS256").build())) {
            String forged = TestTokens.accessToken(withdrawing.url(), AUDIENCE, compromised, clock)
                    .expiresIn(clock, Duration.ofDays(365)).sign();
            v.verify(forged);
            String kept = TestTokens.accessToken(withdrawing.url(), AUDIENCE, remaining, clock)
                    .expiresIn(clock, Duration.ofDays(1)).sign();
            v.verify(kept);
            withdrawing.publish(remaining);
            clock.advance(GuardConfig.JwksSettings.DEFAULT_LIFETIME_DEFAULT.plusSeconds(1));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) { // the refresh lands in the background: a fresh token under the withdrawn key tells when
                String fresh = TestTokens.accessToken(withdrawing.url(), AUDIENCE, compromised, clock).sign();
                try {
                    v.verify(fresh);
                    assertTrue(System.nanoTime() < deadline, "the withdrawal was never fetched");
                    Thread.sleep(20);
                } catch (InvalidTokenException withdrawn) {
                    break;
                }
            }
            assertThrows(InvalidTokenException.class, () -> v.verify(forged));
            assertEquals("alice", v.verify(kept).getName()); // a kept key's tokens still verify
        }
    }
}
