package dev.identityservice.guard.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.error.BearerError;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.MutableClock;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A reviewer's further attacks on the JWT path, beyond {@link JwtAttackTest}'s corpus. */
@Timeout(30)
class ReviewerJwtAttackTest {
    static final String AUDIENCE = "orders-api";
    static final TestKey RSA = TestKey.rsa("rsa-1");
    static FakeIssuer issuer;

    MutableClock clock = MutableClock.atFixedStart();
    GuardTokenVerifier verifier;

    @BeforeAll
    static void startIssuer() {
        issuer = FakeIssuer.start(RSA);
    }

    @AfterAll
    static void stopIssuer() throws Exception {
        issuer.close();
    }

    @BeforeEach
    void createVerifier() {
        verifier = GuardTokenVerifier.create(GuardConfig.builder().issuer(issuer.url()).audience(AUDIENCE)
                .clock(clock).build());
    }

    @AfterEach
    void closeVerifier() {
        verifier.close();
    }

    TestTokens token() {
        return TestTokens.accessToken(issuer.url(), AUDIENCE, RSA, clock);
    }

    void assertRejected(String token) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        assertEquals(BearerError.Code.INVALID_TOKEN, e.error().code());
    }

    String withPayloadTail(String tail) {
        String payload = token().payloadJson();
        return TestTokens.signRaw(token().headerJson(), payload.substring(0, payload.length() - 1) + tail, RSA,
                JWSAlgorithm.RS256);
    }

    @Test
    void verifyWhenDuplicateClaimNameSpelledWithEscapesThenRejected() {
        assertRejected(withPayloadTail(",\"s\\u0075b\":\"admin\"}"));
    }

    @Test
    void verifyWhenDuplicateHeaderNameSpelledWithEscapesThenRejected() {
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"rsa-1\",\"\\u0061lg\":\"none\"}";
        assertRejected(TestTokens.signRaw(header, token().payloadJson(), RSA, JWSAlgorithm.RS256));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rs256", "Rs256", "RS256 ", "RS 256"})
    void verifyWhenAlgNameInAnotherCaseOrSpacedThenRejected(String alg) {
        assertRejected(token().header("alg", alg).sign());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "null", "42", "\"\"", "[null]", "[\"orders-api\",1]", "{\"orders-api\":1}"})
    void verifyWhenAudienceIsEmptyNullOrWrongTypeThenRejected(String aud) {
        String payload = token().withoutClaim("aud").payloadJson();
        assertRejected(TestTokens.signRaw(token().headerJson(),
                payload.substring(0, payload.length() - 1) + ",\"aud\":" + aud + "}", RSA, JWSAlgorithm.RS256));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e300", "99999999999999999999", "-1e300", "\"4102444800\"", "true", "[4102444800]"})
    void verifyWhenExpHugeOrOfAnotherTypeThenRejectedNot500(String exp) {
        String payload = token().withoutClaim("exp").payloadJson();
        assertRejected(TestTokens.signRaw(token().headerJson(),
                payload.substring(0, payload.length() - 1) + ",\"exp\":" + exp + "}", RSA, JWSAlgorithm.RS256));
    }

    @Test
    void verifyWhenExpIsAFractionThenAcceptedAsNumericDate() throws Exception {
        double exp = clock.millis() / 1000 + 300.5;
        assertEquals("alice", verifier.verify(token().claim("exp", exp).sign()).subject());
    }

    @Test
    void verifyWhenIatSlightlyInTheFutureWithinSkewThenAccepted() throws Exception {
        assertEquals("alice", verifier.verify(token().claim("iat", clock.millis() / 1000 + 30).sign()).subject());
    }

    @Test
    void verifyWhenIssuerHasATrailingSlashThenRejected() {
        assertRejected(token().claim("iss", issuer.url() + "/").sign());
    }

    @Test
    void verifyWhenSubEmptyThenRejected() {
        assertRejected(token().claim("sub", "").sign());
    }

    @Test
    void verifyWhenRolesIsAnObjectThenRejected() {
        assertRejected(token().claim("roles", Map.of("reader", true)).sign());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[\"exp\"]", "\"b64\"", "[1]"})
    void verifyWhenCritEmptyNamesARegisteredHeaderOrIsNotAListOfNamesThenRejected(String crit) {
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"rsa-1\",\"crit\":" + crit
                + ",\"exp\":1}";
        assertRejected(TestTokens.signRaw(header, token().payloadJson(), RSA, JWSAlgorithm.RS256));
    }

    @Test
    void verifyWhenCachedTokensSignatureGraftedOntoAnotherPayloadThenRejected() throws Exception {
        String genuine = token().sign();
        verifier.verify(genuine);
        String signature = genuine.substring(genuine.lastIndexOf('.'));
        String other = token().claim("roles", List.of("admin")).sign();
        String grafted = other.substring(0, other.lastIndexOf('.')) + signature;
        assertRejected(grafted);
    }

    @Test
    void verifyWhenKidIsHugeOrUnicodeThenRejectedQuickly() {
        assertRejected(token().header("kid", "k".repeat(20_000)).sign());
        assertRejected(token().header("kid", "rsa-1\u0000").sign());
        assertRejected(token().header("kid", "rsa\u20101").sign());
    }

    @Test
    void verifyWhenNestedJwtDeclaredByCtyThenNotTreatedAsClaims() {
        String inner = token().sign();
        String header = "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\",\"cty\":\"JWT\"}";
        assertRejected(TestTokens.signRaw(header, inner, RSA, JWSAlgorithm.RS256));
    }

    @Test
    void verifyWhenCachedTokenUsedAfterExpiryWithoutSkewThenRejected() throws Exception {
        String token = token().expiresIn(clock, Duration.ofSeconds(10)).sign();
        verifier.verify(token);
        clock.advance(Duration.ofHours(2));
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        assertTrue(e.error().description().contains("expired"), e.error().description());
    }
}
