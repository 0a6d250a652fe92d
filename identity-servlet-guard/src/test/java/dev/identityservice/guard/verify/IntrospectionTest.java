package dev.identityservice.guard.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.MutableClock;
import dev.identityservice.guard.testing.TestKey;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Opaque tokens resolved by RFC 7662 introspection at a fake issuer over real HTTP. */
class IntrospectionTest {
    final MutableClock clock = MutableClock.atFixedStart();
    FakeIssuer issuer;
    GuardTokenVerifier verifier;

    @BeforeEach
    void start() {
        issuer = FakeIssuer.start(TestKey.rsa("unused"));
        verifier = GuardTokenVerifier.create(config(FakeIssuer.INTROSPECTION_SECRET));
    }

    GuardConfig config(String secret) {
        return GuardConfig.builder().issuer(issuer.url()).audience("orders-api").clock(clock)
                .introspectionClient(FakeIssuer.INTROSPECTION_CLIENT, secret).build();
    }

    @AfterEach
    void stop() throws Exception {
        verifier.close();
        issuer.close();
    }

    void activeFor(String token, Duration lifetime) {
        long exp = clock.millis() / 1000 + lifetime.toSeconds();
        issuer.introspectionAnswer(token, "{\"active\":true,\"sub\":\"bob\",\"client_id\":\"svc\",\"scope\":\"orders:read\","
                + "\"iss\":\"" + issuer.url() + "\",\"aud\":\"orders-api\",\"exp\":" + exp + ",\"roles\":[\"admin\"]}");
    }

    @Test
    void verifyWhenOpaqueTokenActiveThenAcceptedAndCached() throws Exception {
        activeFor("opaque-1", Duration.ofMinutes(2));
        VerifiedToken token = verifier.verify("opaque-1");
        assertEquals("bob", token.subject());
        assertEquals(Set.of("admin"), token.roles());
        verifier.verify("opaque-1");
        assertEquals(1, issuer.introspections.get());
    }

    @Test
    void verifyWhenIssuerAnswersForRefreshTokenThenRejected() {
        long exp = clock.millis() / 1000 + 120;
        issuer.introspectionAnswer("refresh-1", "{\"active\":true,\"token_type\":\"refresh_token\",\"sub\":\"bob\","
                + "\"client_id\":\"svc\",\"iss\":\"" + issuer.url() + "\",\"aud\":\"orders-api\",\"exp\":" + exp + "}");

        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify("refresh-1"));
        assertEquals("not an access token", e.error().description());
    }

    @Test
    void verifyWhenCachedResultReachesExpThenNotReused() throws Exception {
        activeFor("opaque-2", Duration.ofMinutes(2));
        verifier.verify("opaque-2");
        clock.advance(Duration.ofMinutes(2));
        assertThrows(InvalidTokenException.class, () -> verifier.verify("opaque-2"));
        assertEquals(2, issuer.introspections.get());
    }

    @Test
    void verifyWhenTokenLivesLongerThanMaxTtlThenAskedAgainAfterMaxTtl() throws Exception {
        activeFor("opaque-3", Duration.ofHours(1));
        verifier.verify("opaque-3");
        clock.advance(GuardConfig.IntrospectionSettings.MAX_TTL_DEFAULT);
        verifier.verify("opaque-3");
        assertEquals(2, issuer.introspections.get());
    }

    @Test
    void verifyWhenInactiveThenRejectedAndNegativeResultCachedBriefly() throws Exception {
        for (int i = 0; i < 5; i++) {
            InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify("revoked"));
            assertEquals("token is not active", e.error().description());
        }
        assertEquals(1, issuer.introspections.get());
        clock.advance(GuardConfig.IntrospectionSettings.NEGATIVE_TTL_DEFAULT.plusSeconds(1));
        assertThrows(InvalidTokenException.class, () -> verifier.verify("revoked"));
        assertEquals(2, issuer.introspections.get());
    }

    @Test
    void verifyWhenActiveForAnotherAudienceThenRejected() throws Exception {
        issuer.introspectionAnswer("other-aud", "{\"active\":true,\"sub\":\"bob\",\"aud\":\"billing\"}");
        assertThrows(InvalidTokenException.class, () -> verifier.verify("other-aud"));
    }

    @Test
    void verifyWhenEndpointDownThen503AndNothingCached() throws Exception {
        activeFor("opaque-4", Duration.ofMinutes(2));
        issuer.down(true);
        assertThrows(VerificationUnavailableException.class, () -> verifier.verify("opaque-4"));
        issuer.down(false);
        assertEquals("bob", verifier.verify("opaque-4").subject());
    }

    @Test
    void verifyWhenClientSecretWrongThenUnavailableNotInvalid() throws Exception {
        verifier.close();
        verifier = GuardTokenVerifier.create(config("wrong"));
        activeFor("opaque-5", Duration.ofMinutes(2));
        assertThrows(VerificationUnavailableException.class, () -> verifier.verify("opaque-5"));
    }

    void answer(String token, String extraMembers) {
        long exp = clock.millis() / 1000 + 120;
        issuer.introspectionAnswer(token, "{\"active\":true,\"sub\":\"bob\",\"client_id\":\"svc\","
                + "\"iss\":\"" + issuer.url() + "\",\"exp\":" + exp + extraMembers + "}");
    }

    String refusal(String token) {
        return assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).error().description();
    }

    @Test
    void verifyWhenActiveWithoutAudienceThenRefused() {
        answer("refresh-of-another-client", ",\"token_type\":\"Bearer\"");
        assertEquals("audience not accepted", refusal("refresh-of-another-client"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\"token_type\":\"refresh_token\"",
            "\"token_type\":\"urn:ietf:params:oauth:token-type:refresh_token\"", "\"token_type\":\"DPoP\"",
            "\"token_type\":\"N_A\"", "\"token_type\":7", "\"typ\":\"Refresh\"", "\"typ\":\"Offline\"",
            "\"typ\":\"ID\""})
    void verifyWhenTypeSaysNotAnAccessTokenThenRefused(String member) {
        answer("typed", ",\"aud\":\"orders-api\"," + member);
        assertEquals("not an access token", refusal("typed"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"Bearer", "bearer", "access_token",
            "urn:ietf:params:oauth:token-type:access_token"})
    void verifyWhenTokenTypeSaysAccessTokenAndAudienceMatchesThenAccepted(String type) throws Exception {
        answer("typed-ok", ",\"aud\":[\"other\",\"orders-api\"],\"token_type\":\"" + type + "\"");
        assertEquals("bob", verifier.verify("typed-ok").subject());
    }
}
