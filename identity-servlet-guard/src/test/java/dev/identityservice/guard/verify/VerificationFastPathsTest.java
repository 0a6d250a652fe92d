package dev.identityservice.guard.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.MutableClock;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * What the verifier does to spend less per new token must not change what it accepts: the last accepted header is
 * reused only for the very same header bytes, the parsed claims are kept without a copy only because nothing can
 * change them, roles come out distinct, and strings with escapes and non-ASCII text decode as before.
 */
class VerificationFastPathsTest {
    static final String AUDIENCE = "orders-api";
    static final TestKey KEY = TestKey.rsa("fast-1");
    @AutoClose
    static final FakeIssuer issuer = FakeIssuer.start(KEY);

    final MutableClock clock = MutableClock.atFixedStart();
    @AutoClose
    GuardTokenVerifier verifier;

    GuardTokenVerifier verifier(GuardConfig.Builder config) {
        verifier = GuardTokenVerifier.create(config.tokenCacheMaxEntries(0).build()); // every call verifies afresh
        return verifier;
    }

    GuardConfig.Builder config() {
        return GuardConfig.builder().issuer(issuer.url()).audience(AUDIENCE).clock(clock);
    }

    TestTokens token() {
        return TestTokens.accessToken(issuer.url(), AUDIENCE, KEY, clock);
    }

    String refusal(String token) {
        return assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).error().description();
    }

    @Test
    void verifyWhenHeaderDiffersFromTheLastAcceptedOneThenCheckedAfresh() throws Exception {
        verifier(config());
        String good = token().sign();
        verifier.verify(good);
        assertEquals("header jku is not accepted", refusal(token().header("jku", "https://evil.example/jwks").sign()));
        assertEquals("token type not accepted", refusal(token().header("typ", "JWT").sign()));
        assertEquals("algorithm not accepted", refusal(token().algorithm(com.nimbusds.jose.JWSAlgorithm.RS384).sign()));
        assertEquals("unknown key id", refusal(token().header("kid", "other").sign()));
        // The good header again, after the refusals: accepted, and a token under it with a bad payload still refused.
        assertEquals("5f8c", verifier.verify(token().claim("sub", "5f8c").sign()).subject());
        assertEquals("audience not accepted", refusal(token().claim("aud", "other-api").sign()));
        String forged = good.substring(0, good.lastIndexOf('.') + 1) + "A".repeat(342);
        assertEquals("invalid signature", refusal(forged));
    }

    @Test
    void verifyWhenHeaderOfTheSameTokenIsMalformedAfterAGoodOneThenRefusedAsMalformed() throws Exception {
        verifier(config());
        String good = token().sign();
        verifier.verify(good);
        String header = good.substring(0, good.indexOf('.'));
        // One byte less: the same prefix, another header, which no longer decodes.
        String cut = header.substring(0, header.length() - 1) + good.substring(good.indexOf('.'));
        String refusal = refusal(cut);
        assertTrue(refusal.startsWith("malformed token"), refusal);
    }

    @Test
    void verifyThenClaimsAreImmutableAtEveryDepth() throws Exception {
        verifier(config());
        VerifiedToken verified = verifier.verify(token().claim("realm_access", Map.of("roles", List.of("a")))
                .claim("note", null).sign());
        Map<String, Object> claims = verified.claims();
        assertThrows(UnsupportedOperationException.class, () -> claims.put("sub", "admin"));
        assertThrows(UnsupportedOperationException.class, () -> claims.remove("sub"));
        assertThrows(UnsupportedOperationException.class, () -> claims.keySet().remove("sub"));
        assertThrows(UnsupportedOperationException.class, () -> claims.entrySet().iterator().next().setValue("x"));
        assertThrows(UnsupportedOperationException.class, claims::clear);
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) claims.get("realm_access");
        assertThrows(UnsupportedOperationException.class, () -> nested.put("roles", List.of("admin")));
        assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) nested.get("roles")).add("admin"));
        assertEquals(true, claims.containsKey("note"));
        assertNull(claims.get("note"));
    }

    @Test
    void verifiedTokenWhenBuiltFromAMutableMapThenKeepsACopy() {
        Map<String, Object> claims = new HashMap<>(Map.of("sub", "alice"));
        VerifiedToken token = new VerifiedToken("alice", "iss", List.of(), "web", Instant.EPOCH, Set.of(), Set.of(), claims);
        claims.put("sub", "admin");
        assertEquals("alice", token.claim("sub"));
    }

    @Test
    void verifyWhenRolesRepeatAcrossClaimsThenEachOnce() throws Exception {
        verifier(config().rolesClaims("roles", "groups"));
        VerifiedToken verified = verifier.verify(token().claim("roles", List.of("a", "b", "a"))
                .claim("groups", List.of("b", "c")).claim("scope", "openid  api openid").sign());
        assertEquals(Set.of("a", "b", "c"), verified.roles());
        assertEquals(Set.of("openid", "api"), verified.scopes());
    }

    @Test
    void verifyWhenManyRolesWithRepeatsThenEachOnce() throws Exception {
        verifier(config());
        List<String> roles = new ArrayList<>();
        IntStream.range(0, 40).forEach(i -> roles.add("role-" + (i % 25)));
        VerifiedToken verified = verifier.verify(token().claim("roles", roles).sign());
        assertEquals(IntStream.range(0, 25).mapToObj(i -> "role-" + i).collect(Collectors.toSet()), verified.roles());
    }

    @Test
    void parseObjectWhenStringsMixEscapesAndUtf8ThenDecoded() throws Exception {
        byte[] json = "{\"a\":\"\u00e9\\\"\u00e9\\u00e9\\n\ud83d\ude00\",\"\u00e9\\\\\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, Object> parsed = StrictJson.parseObject(json, 0, json.length);
        assertEquals("\u00e9\"\u00e9\u00e9\n\ud83d\ude00", parsed.get("a"));
        assertEquals("x", parsed.get("\u00e9\\"));
    }

    @Test
    void parseObjectWhenRawControlCharacterFollowsNonAsciiThenRefused() {
        byte[] json = "{\"a\":\"\u00e9\u0001\"}".getBytes(StandardCharsets.UTF_8);
        assertThrows(StrictJson.MalformedJsonException.class, () -> StrictJson.parseObject(json, 0, json.length));
    }

    @Test
    void parseObjectWhenNonAsciiOutsideStringsThenRefused() {
        byte[] json = "{\"a\":1\u00a0}".getBytes(StandardCharsets.UTF_8);
        assertThrows(StrictJson.MalformedJsonException.class, () -> StrictJson.parseObject(json, 0, json.length));
    }
}
