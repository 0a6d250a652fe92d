package dev.identityservice.guard.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.GuardListener;
import dev.identityservice.guard.jwks.CachingJwksSource;
import dev.identityservice.guard.jwks.FetchedJwks;
import dev.identityservice.guard.testing.MutableClock;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import dev.identityservice.guard.verify.SecurityEventTokenVerifier.RefusedException;
import dev.identityservice.guard.verify.SecurityEventTokenVerifier.SecurityEvent;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SET checks, one fault at a time, with real signatures and a real key cache (its fetcher in memory). */
class SecurityEventTokenVerifierTest {
    static final TestKey KEY = TestKey.rsa("set-1");
    static final String ISSUER = "https://id.example.com";
    static final String EVENT = "{\"https://schemas.openid.net/secevent/risc/event-type/account-disabled\":"
            + "{\"event_timestamp\":1893456000,\"tokens_expire_by\":1893456600}}";

    private final MutableClock clock = MutableClock.atFixedStart(); // 2030-01-01 = 1893456000
    private final GuardConfig config = GuardConfig.builder().issuer(ISSUER).audience("api").clock(clock)
            .jwksFetcher(() -> FetchedJwks.of(new JWKSet(KEY.publicJwk()))).build();
    private final CachingJwksSource keys = new CachingJwksSource(config.jwksFetcher(), config.jwks(),
            Duration.ofSeconds(2), clock, GuardListener.NONE);
    private final SecurityEventTokenVerifier verifier = new SecurityEventTokenVerifier(config, "receiver", keys);

    @AfterEach
    void close() {
        keys.close();
    }

    static String header(String typ, String extra) {
        return "{\"alg\":\"RS256\",\"kid\":\"set-1\"" + (typ == null ? "" : ",\"typ\":\"" + typ + "\"") + extra + "}";
    }

    static String claims(String extra) {
        return "{\"iss\":\"" + ISSUER + "\",\"aud\":\"receiver\",\"iat\":1893456000,\"jti\":\"e-1\","
                + "\"sub_id\":{\"format\":\"iss_sub\",\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\"},\"events\":" + EVENT + extra + "}";
    }

    private String sign(String header, String claims) {
        return TestTokens.signRaw(header, claims, KEY, JWSAlgorithm.RS256);
    }

    @Test
    void verifyWhenEverythingRightThenTheOneEventIsReturned() throws Exception {
        SecurityEvent event = verifier.verify(sign(header("secevent+jwt", ""), claims("")));
        assertEquals("e-1", event.jti());
        assertEquals("https://schemas.openid.net/secevent/risc/event-type/account-disabled", event.type());
        assertEquals("alice", event.subject().get("sub"));
        assertEquals(1893456600L, event.payload().get("tokens_expire_by"));
        assertEquals("e-1", verifier.verify(sign(header("application/secevent+jwt", ""),
                claims("").replace("\"aud\":\"receiver\"", "\"aud\":[\"other\",\"receiver\"]"))).jti());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "typ JWT|JWT||invalid_request",
            "no typ|||invalid_request",
            "jku header|secevent+jwt|,\"jku\":\"https://evil.example/jwks\"|invalid_request",
            "crit header|secevent+jwt|,\"crit\":[\"exp\"]|invalid_request",
            "duplicate header member|secevent+jwt|,\"typ\":\"secevent+jwt\"|invalid_request"})
    void verifyWhenHeaderBadThenRefused(String name, String typ, String extra, String err) {
        RefusedException e = assertThrows(RefusedException.class,
                () -> verifier.verify(sign(header(typ == null || typ.isEmpty() ? null : typ, extra == null ? "" : extra), claims(""))));
        assertEquals(err, e.err(), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "wrong issuer|\"iss\":\"" + ISSUER + "\"|\"iss\":\"https://other.example\"|invalid_issuer",
            "wrong audience|\"aud\":\"receiver\"|\"aud\":\"someone\"|invalid_audience",
            "iat in the future|\"iat\":1893456000|\"iat\":1893459999|invalid_request",
            "no jti|\"jti\":\"e-1\",|''|invalid_request",
            "two events|\"events\":{|\"events\":{\"urn:x\":{},|invalid_request",
            "no events|\"events\":|\"evnts\":|invalid_request",
            "duplicate claim|\"aud\":\"receiver\"|\"aud\":\"receiver\",\"aud\":\"receiver\"|invalid_request"})
    void verifyWhenClaimsBadThenRefused(String name, String from, String to, String err) {
        RefusedException e = assertThrows(RefusedException.class,
                () -> verifier.verify(sign(header("secevent+jwt", ""), claims("").replace(from, to))));
        assertEquals(err, e.err(), e.getMessage());
    }

    @Test
    void verifyWhenSignatureOrKeyWrongThenRefused() {
        String good = sign(header("secevent+jwt", ""), claims(""));
        int first = good.lastIndexOf('.') + 1;
        // Another first character of the signature (it is 'A' itself in one signature of 64).
        String tampered = good.substring(0, first) + (good.charAt(first) == 'A' ? "B" : "A") + good.substring(first + 1);
        assertEquals("authentication_failed", assertThrows(RefusedException.class, () -> verifier.verify(tampered)).err());
        String forged = TestTokens.signRaw(header("secevent+jwt", ""), claims(""), TestKey.rsa("set-1"), JWSAlgorithm.RS256);
        assertEquals("authentication_failed", assertThrows(RefusedException.class, () -> verifier.verify(forged)).err());
        String hmac = sign(header("secevent+jwt", "").replace("RS256", "HS256"), claims(""));
        assertEquals("invalid_key", assertThrows(RefusedException.class, () -> verifier.verify(hmac)).err());
        String noKid = sign("{\"alg\":\"RS256\",\"typ\":\"secevent+jwt\"}", claims(""));
        assertEquals("invalid_key", assertThrows(RefusedException.class, () -> verifier.verify(noKid)).err());
        String unknownKid = sign(header("secevent+jwt", "").replace("set-1", "nope"), claims(""));
        assertEquals("invalid_key", assertThrows(RefusedException.class, () -> verifier.verify(unknownKid)).err());
        assertEquals("invalid_request", assertThrows(RefusedException.class, () -> verifier.verify("a.b")).err());
    }
}
