package dev.identityservice.guard.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.MutableClock;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The signature is verified before the claims: a token whose signature does not verify learns
 * "invalid signature" (or "unknown key id") and nothing about the expected issuer, audience, expiry
 * or roles-claim path; the same claims under a good signature are described.
 */
class SignatureFirstTest {
    static final String AUDIENCE = "orders-api";
    static final TestKey KEY = TestKey.rsa("sig-1");
    static final TestKey FORGER_SAME_KID = TestKey.rsa("sig-1");
    static final TestKey FORGER_NEW_KID = TestKey.rsa("never-published");
    @AutoClose
    static final FakeIssuer issuer = FakeIssuer.start(KEY);

    final MutableClock clock = MutableClock.atFixedStart();
    @AutoClose
    GuardTokenVerifier verifier;

    @BeforeEach
    void create() throws Exception {
        verifier = GuardTokenVerifier.create(GuardConfig.builder().issuer(issuer.url()).audience(AUDIENCE)
                .rolesClaims("realm_access.roles").clock(clock).build());
        verifier.verify(TestTokens.accessToken(issuer.url(), AUDIENCE, KEY, clock)
                .claim("realm_access", Map.of("roles", List.of("user"))).sign());
    }

    /** Claim defects, each with the description a verified token gets. */
    static Stream<Arguments> claimDefects() {
        return Stream.of(
                Arguments.of("issuer not accepted", (UnaryOperator<TestTokens>) t -> t.claim("iss", "https://evil.example")),
                Arguments.of("audience not accepted", (UnaryOperator<TestTokens>) t -> t.claim("aud", "other-api")),
                Arguments.of("token expired", (UnaryOperator<TestTokens>) t -> t.claim("exp", 1_000L)),
                Arguments.of("claim realm_access.roles is not a list of strings",
                        (UnaryOperator<TestTokens>) t -> t.claim("realm_access", Map.of("roles", 7))));
    }

    TestTokens token() {
        return TestTokens.accessToken(issuer.url(), AUDIENCE, KEY, clock)
                .claim("realm_access", Map.of("roles", List.of("user")));
    }

    String describe(String token) {
        return assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).error().description();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("claimDefects")
    void verifyWhenSignatureVerifiesThenClaimFailureDescribed(String description, UnaryOperator<TestTokens> defect) {
        assertEquals(description, describe(defect.apply(token()).sign()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("claimDefects")
    void verifyWhenSignatureGarbageThenOnlyInvalidSignature(String description, UnaryOperator<TestTokens> defect) {
        String signed = defect.apply(token()).sign();
        String garbage = signed.substring(0, signed.lastIndexOf('.') + 1) + "A".repeat(342);
        assertEquals("invalid signature", describe(garbage));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("claimDefects")
    void verifyWhenForgedWithPublishedKidThenOnlyInvalidSignature(String description, UnaryOperator<TestTokens> defect) {
        assertEquals("invalid signature", describe(defect.apply(token()).signedBy(FORGER_SAME_KID).sign()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("claimDefects")
    void verifyWhenUnknownKidAndClaimsFailThenUnknownKeyIdWithoutFetch(String description,
            UnaryOperator<TestTokens> defect) {
        int fetches = issuer.jwksFetches.get();
        clock.advance(Duration.ofMinutes(1)); // past any refetch interval
        String token = defect.apply(token()).header("kid", FORGER_NEW_KID.kid()).signedBy(FORGER_NEW_KID).sign();
        assertEquals("unknown key id", describe(token));
        assertEquals(fetches, issuer.jwksFetches.get());
    }

    @Test
    void verifyWhenUnknownKidAndClaimsPassThenOneRefetch() {
        int fetches = issuer.jwksFetches.get();
        String token = token().header("kid", FORGER_NEW_KID.kid()).signedBy(FORGER_NEW_KID).sign();
        assertEquals("unknown key id", describe(token));
        assertEquals(fetches + 1, issuer.jwksFetches.get());
    }
}
