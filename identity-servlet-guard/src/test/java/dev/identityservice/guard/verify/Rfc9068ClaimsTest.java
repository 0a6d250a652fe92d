package dev.identityservice.guard.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.MutableClock;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 9068 §2.2's required claims for {@code at+jwt}, the explicit principal claim (never a silent
 * fallback to {@code client_id}) and strict claim types.
 */
class Rfc9068ClaimsTest {
    static final String AUDIENCE = "orders-api";
    static final TestKey KEY = TestKey.ec("claims-1");
    @AutoClose
    static final FakeIssuer issuer = FakeIssuer.start(KEY);

    final MutableClock clock = MutableClock.atFixedStart();
    @AutoClose
    GuardTokenVerifier verifier;

    GuardConfig.Builder config() {
        return GuardConfig.builder().issuer(issuer.url()).audience(AUDIENCE).clock(clock);
    }

    TestTokens token() {
        return TestTokens.accessToken(issuer.url(), AUDIENCE, KEY, clock);
    }

    String refusal(GuardConfig config, String token) {
        verifier = GuardTokenVerifier.create(config);
        return assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).error().description();
    }

    VerifiedToken accepted(GuardConfig config, String token) throws Exception {
        verifier = GuardTokenVerifier.create(config);
        return verifier.verify(token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sub", "client_id", "jti", "iat"})
    void verifyWhenAtJwtLacksRequiredClaimThenRefusedNamingIt(String claim) {
        assertEquals("an at+jwt token needs " + claim,
                refusal(config().build(), token().withoutClaim(claim).sign()));
    }

    @Test
    void verifyWhenAtJwtLacksIssExpOrAudThenRefused() {
        assertEquals("issuer not accepted", refusal(config().build(), token().withoutClaim("iss").sign()));
        verifier.close();
        assertEquals("token has no expiry", refusal(config().build(), token().withoutClaim("exp").sign()));
        verifier.close();
        assertEquals("audience not accepted", refusal(config().build(), token().withoutClaim("aud").sign()));
    }

    @Test
    void verifyWhenNoSubButClientIdAdminThenNeverPrincipalAdmin() {
        String token = token().withoutClaim("sub").claim("client_id", "admin").sign();
        assertEquals("an at+jwt token needs sub", refusal(config().build(), token));
        verifier.close();
        String plain = token().header("typ", "JWT").withoutClaim("sub").claim("client_id", "admin").sign();
        assertEquals("token has no sub naming the caller", refusal(config().acceptPlainJwt(true).build(), plain));
    }

    @Test
    void verifyWhenPlainJwtAndPrincipalClaimConfiguredThenThatClaimNamesTheCaller() throws Exception {
        String plain = token().header("typ", "JWT").withoutClaim("sub").withoutClaim("jti")
                .claim("preferred_username", "carol").sign();
        assertEquals("carol", accepted(config().acceptPlainJwt(true).principalClaim("preferred_username").build(),
                plain).getName());
    }

    @Test
    void verifyWhenClientIdIsTheConfiguredPrincipalThenServiceTokensNameTheClient() throws Exception {
        String plain = token().withoutHeader("typ").withoutClaim("sub").claim("client_id", "billing-job").sign();
        assertEquals("billing-job", accepted(config().acceptPlainJwt(true).principalClaim("client_id").build(),
                plain).getName());
    }

    @Test
    void verifyWhenAtJwtAndOtherPrincipalClaimThenSubStillRequired() throws Exception {
        GuardConfig config = config().principalClaim("preferred_username").build();
        assertEquals("an at+jwt token needs sub",
                refusal(config, token().withoutClaim("sub").claim("preferred_username", "carol").sign()));
        verifier.close();
        assertEquals("carol", accepted(config, token().claim("preferred_username", "carol").sign()).getName());
    }

    @Test
    void verifyWhenRolesIsABareStringThenRefusedUnlessConfigured() throws Exception {
        String token = token().claim("roles", "admin").sign();
        assertEquals("claim roles is not a list of strings", refusal(config().build(), token));
        verifier.close();
        assertEquals(Set.of("admin"), accepted(config().acceptStringRoles(true).build(), token).roles());
    }

    @Test
    void verifyWhenScopeIsASpaceSeparatedStringThenEachScopeCounts() throws Exception {
        String token = token().claim("scope", "orders:read orders:write").sign();
        assertEquals(Set.of("orders:read", "orders:write"),
                accepted(config().rolesClaims("scope").build(), token).roles());
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("claim sub is not a string", (UnaryOperator<TestTokens>) t -> t.claim("sub", 42)),
                Arguments.of("claim client_id is not a string", (UnaryOperator<TestTokens>) t -> t.claim("client_id", List.of("a"))),
                Arguments.of("claim jti is not a string", (UnaryOperator<TestTokens>) t -> t.claim("jti", 7)),
                Arguments.of("claim iat is not a NumericDate", (UnaryOperator<TestTokens>) t -> t.claim("iat", "yesterday")),
                Arguments.of("claim exp is not a NumericDate", (UnaryOperator<TestTokens>) t -> t.claim("exp", true)),
                Arguments.of("claim aud is not a string or a list of strings", (UnaryOperator<TestTokens>) t -> t.claim("aud", Map.of())),
                Arguments.of("claim roles is not a list of strings", (UnaryOperator<TestTokens>) t -> t.claim("roles", List.of(1))),
                Arguments.of("claim roles is not a list of strings", (UnaryOperator<TestTokens>) t -> t.claim("roles", Map.of("r", 1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongTypes")
    void verifyWhenClaimHasWrongTypeThenRefused(String description, UnaryOperator<TestTokens> defect) {
        assertEquals(description, refusal(config().build(), defect.apply(token()).sign()));
    }

    @Test
    void fromInitParamsWhenPrincipalClaimAndStringRolesGivenThenSet() {
        GuardConfig config = GuardConfig.fromInitParams(Map.of("issuer", "https://id.example.com",
                "audience", "api", "principal-claim", "preferred_username", "accept-string-roles", "true"));
        assertEquals("preferred_username", config.principalClaim());
        assertEquals(true, config.acceptStringRoles());
        GuardConfig defaults = GuardConfig.fromInitParams(Map.of("issuer", "https://id.example.com", "audience", "api"));
        assertEquals("sub", defaults.principalClaim());
        assertEquals(false, defaults.acceptStringRoles());
    }
}
