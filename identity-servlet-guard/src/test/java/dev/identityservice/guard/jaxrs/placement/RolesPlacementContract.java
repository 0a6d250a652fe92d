package dev.identityservice.guard.jaxrs.placement;

import static dev.identityservice.guard.testing.HttpCalls.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import java.time.Clock;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every placement of the security annotations, called anonymously, with a token lacking the role
 * and with a token carrying it. Subclasses deploy {@link PlacementResources} in one deployment style.
 */
abstract class RolesPlacementContract {
    static final TestKey KEY = TestKey.rsa("placement-1");
    static final String AUDIENCE = "orders-api";
    static FakeIssuer issuer;

    /**
     * Starts the issuer with a JWKS whose first entry is unusable (an EC key without {@code y}, RFC
     * 7517 §5), so that every test here also shows one bad entry does not disable the good key.
     */
    static FakeIssuer startIssuer() {
        FakeIssuer started = FakeIssuer.start(KEY);
        Map<String, Object> broken = new LinkedHashMap<>(TestKey.ec("broken-ec").publicJwk().toJSONObject());
        broken.remove("y");
        started.publishRaw(JSONObjectUtils.toJSONString(broken), KEY.publicJwk().toJSONString());
        return started;
    }

    /** The URL the placement paths are relative to. */
    abstract String base();

    /** What an anonymous caller of an open method gets: 200, or 401 where a filter needs a token first. */
    abstract int anonymousOnOpenMethod();

    /** Path, then the status without a token, with a token lacking {@code reader}, and with it. */
    static Stream<Arguments> placements() {
        return Stream.of(
                Arguments.of("own-method", 401, 403, 200),
                Arguments.of("own-class", 401, 403, 200),
                Arguments.of("interface-method", 401, 403, 200),
                Arguments.of("interface-class", 401, 403, 200),
                Arguments.of("superclass-method-overridden", 401, 403, 200),
                Arguments.of("superclass-method-inherited", 401, 403, 200),
                Arguments.of("superclass-class", 401, 403, 200),
                Arguments.of("super-interface-method", 401, 403, 200),
                Arguments.of("method-permit-over-class-roles", 200, 200, 200),
                Arguments.of("method-roles-over-class-permit", 401, 403, 200),
                Arguments.of("method-roles-over-class-deny", 401, 403, 200),
                Arguments.of("method-deny-over-class-roles", 401, 403, 403),
                Arguments.of("interface-method-over-impl-class-permit", 401, 403, 200),
                Arguments.of("override-permit-over-interface-roles", 200, 200, 200),
                Arguments.of("interface-deny", 401, 403, 403),
                Arguments.of("class-deny", 401, 403, 403),
                Arguments.of("generic-interface/42", 401, 403, 200),
                Arguments.of("unannotated", 200, 200, 200),
                Arguments.of("overload-not-override", 401, 403, 200),
                Arguments.of("permit-subclass-of-roles-class", 401, 403, 200),
                Arguments.of("covariant-bridge", 401, 403, 200),
                Arguments.of("default-interface-method", 401, 403, 200),
                Arguments.of("empty-roles-allowed", 401, 403, 403),
                Arguments.of("open-locator/sub", 200, 200, 200),
                Arguments.of("conflicting-interfaces", 401, 403, 200),
                Arguments.of("conflicting-interfaces-reversed", 401, 403, 200));
    }

    static String bearer(String... roles) {
        return "Bearer " + TestTokens.accessToken(issuer.url(), AUDIENCE, KEY, Clock.systemUTC())
                .claim("roles", List.of(roles)).sign();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("placements")
    void resourceMethodWhenAnnotationPlacedThereThenEnforced(String path, int anonymous, int withoutRole,
            int withRole) throws Exception {
        String url = base() + "/placement/" + path;
        int expectedAnonymous = anonymous == 200 ? anonymousOnOpenMethod() : anonymous;
        assertEquals(expectedAnonymous, get(url).statusCode(), "anonymous");
        assertEquals(withoutRole, get(url, bearer("user")).statusCode(), "without the role");
        assertEquals(withRole, get(url, bearer("reader")).statusCode(), "with the role");
    }

    @Test
    void requestWhenJwksHasABadEntryBesideTheSigningKeyThenServed() throws Exception {
        assertEquals(200, get(base() + "/placement/own-method", bearer("reader")).statusCode());
    }

    @Test
    void requestWhenSignatureForgedThenChallengeNamesNoClaim() throws Exception {
        String forged = TestTokens.accessToken("https://evil.example", "other-api", TestKey.rsa(KEY.kid()),
                Clock.systemUTC()).claim("roles", "reader").sign();
        var response = get(base() + "/placement/own-method", "Bearer " + forged);
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"orders\", error=\"invalid_token\", error_description=\"invalid signature\"",
                response.headers().firstValue("WWW-Authenticate").orElse(null));
    }

    @Test
    void requestWhenAtJwtHasNoSubButClientIdAdminThen401() throws Exception {
        String token = TestTokens.accessToken(issuer.url(), AUDIENCE, KEY, Clock.systemUTC())
                .withoutClaim("sub").claim("client_id", "admin").claim("roles", List.of("reader")).sign();
        var response = get(base() + "/placement/own-method", "Bearer " + token);
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"orders\", error=\"invalid_token\", "
                + "error_description=\"an at+jwt token needs sub\"",
                response.headers().firstValue("WWW-Authenticate").orElse(null));
    }

    @Test
    void requestWhenRolesClaimIsABareStringThen401NotARole() throws Exception {
        String token = TestTokens.accessToken(issuer.url(), AUDIENCE, KEY, Clock.systemUTC())
                .claim("roles", "reader").sign();
        assertEquals(401, get(base() + "/placement/own-method", "Bearer " + token).statusCode());
    }

    /** An opaque token the issuer's introspection answers with these extra members. */
    static String opaque(String name, String members) {
        String token = name + "-" + java.util.UUID.randomUUID();
        issuer.introspectionAnswer(token, "{\"active\":true,\"sub\":\"bob\",\"client_id\":\"svc\",\"iss\":\""
                + issuer.url() + "\",\"exp\":" + (System.currentTimeMillis() / 1000 + 300)
                + ",\"roles\":[\"reader\"]" + members + "}");
        return "Bearer " + token;
    }

    @Test
    void requestWhenIntrospectedTokenHasNoAudienceThen401() throws Exception {
        assertEquals(401, get(base() + "/placement/own-method", opaque("no-aud", ",\"token_type\":\"Bearer\""))
                .statusCode());
    }

    @Test
    void requestWhenIntrospectedTokenIsARefreshTokenThen401() throws Exception {
        assertEquals(401, get(base() + "/placement/own-method",
                opaque("refresh", ",\"aud\":\"orders-api\",\"token_type\":\"refresh_token\"")).statusCode());
    }

    @Test
    void requestWhenIntrospectedAccessTokenForThisAudienceThenServed() throws Exception {
        assertEquals(200, get(base() + "/placement/own-method",
                opaque("access", ",\"aud\":\"orders-api\",\"token_type\":\"Bearer\"")).statusCode());
    }

    @Test
    void preflightWhenNoTokenThenPassesToTheApplication() throws Exception {
        var response = dev.identityservice.guard.testing.HttpCalls.send("OPTIONS", base() + "/placement/own-method",
                "Origin", "https://app.example", "Access-Control-Request-Method", "GET",
                "Access-Control-Request-Headers", "authorization");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(null, response.headers().firstValue("WWW-Authenticate").orElse(null));
    }

    @Test
    void optionsWhenNotAPreflightThenTokenStillNeededForProtectedMethods() throws Exception {
        var plainOptions = dev.identityservice.guard.testing.HttpCalls.send("OPTIONS", base() + "/placement/own-method",
                "Origin", "https://app.example");
        assertEquals(anonymousOnOpenMethod() == 401 ? 401 : 200, plainOptions.statusCode());
        var getWithPreflightHeaders = dev.identityservice.guard.testing.HttpCalls.send("GET",
                base() + "/placement/own-method", "Origin", "https://app.example", "Access-Control-Request-Method", "GET");
        assertEquals(401, getWithPreflightHeaders.statusCode());
    }

    @Test
    void preflightWhenResourceHasItsOwnProtectedOptionsMethodThenHandlerNotReachedAnonymously() throws Exception {
        var response = dev.identityservice.guard.testing.HttpCalls.send("OPTIONS",
                base() + "/placement/options-handler", "Origin", "https://app.example",
                "Access-Control-Request-Method", "GET");
        assertEquals(false, response.body().contains("secret-options-data"), response.statusCode() + " " + response.body());
    }

    /** Found in review: {@code @RolesAllowed} on a sub-resource locator used to be ignored (200 to anyone). */
    @Test
    void locatorWhenAnnotatedWithRolesThenLocatedResourceNeedsTheRole() throws Exception {
        String url = base() + "/placement/locator/sub";
        assertEquals(401, get(url).statusCode(), "anonymous");
        assertEquals(403, get(url, bearer("user")).statusCode(), "without the role");
        assertEquals(200, get(url, bearer("reader")).statusCode(), "with the role");
    }
}
