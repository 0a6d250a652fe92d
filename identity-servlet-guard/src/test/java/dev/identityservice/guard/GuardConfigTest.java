package dev.identityservice.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GuardConfigTest {

    static Map<String, String> minimal() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("issuer", "https://id.example.com");
        params.put("audience", "orders-api");
        return params;
    }

    @Test
    void buildWhenOnlyIssuerAndAudienceThenDefaultsApply() {
        GuardConfig config = GuardConfig.fromInitParams(minimal());
        assertEquals(GuardConfig.ALGORITHMS_DEFAULT, config.algorithms());
        assertEquals(Duration.ofSeconds(60), config.clockSkew());
        assertEquals(List.of("roles"), config.rolesClaims());
        assertFalse(config.acceptPlainJwt());
        assertNull(config.jwksUri());
        assertNull(config.introspection());
        assertEquals(Duration.ofHours(24), config.jwks().maxStale());
        assertEquals(Duration.ofSeconds(30), config.jwks().refetchInterval());
    }

    @Test
    void fromInitParamsWhenEveryOptionGivenThenEachIsRead() {
        Map<String, String> params = minimal();
        params.put("jwks-uri", "https://id.example.com/keys");
        params.put("audience", "orders-api, billing-api");
        params.put("algorithms", "RS256 ES384");
        params.put("clock-skew", "250ms");
        params.put("accept-plain-jwt", "TRUE");
        params.put("roles-claims", "realm_access.roles,resource_access.web.roles");
        params.put("role-prefix", "ROLE_");
        params.put("realm", "orders");
        params.put("public-paths", "/health, /public/*");
        params.put("required-roles", "/admin/*=admin,ops; /reports/*=analyst");
        params.put("max-token-length", "8192");
        params.put("jwks-refetch-interval", "PT45S");
        params.put("jwks-max-stale", "12h");
        params.put("jwks-default-lifetime", "10m");
        params.put("http-read-timeout", "3s");
        params.put("token-cache-max-entries", "5_000");
        params.put("introspection-client-id", "guard");
        params.put("introspection-client-secret", "s3cret");
        params.put("introspection-negative-ttl", "5s");
        GuardConfig config = GuardConfig.fromInitParams(params);
        assertEquals(Set.of("orders-api", "billing-api"), config.audiences());
        assertEquals(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES384), config.algorithms());
        assertEquals(Duration.ofMillis(250), config.clockSkew());
        assertTrue(config.acceptPlainJwt());
        assertEquals(List.of("/health", "/public/*"), config.publicPaths());
        assertEquals(new GuardConfig.PathRoles("/admin/*", Set.of("admin", "ops")), config.requiredRoles().get(0));
        assertEquals(Duration.ofSeconds(45), config.jwks().refetchInterval());
        assertEquals(Duration.ofHours(12), config.jwks().maxStale());
        assertEquals(5_000, config.tokenCache().maxEntries());
        assertEquals("guard", config.introspection().clientId());
        assertFalse(config.toString().contains("s3cret"));
    }

    @Test
    void fromInitParamsWhenUnknownKeyThenFailsNamingIt() {
        Map<String, String> params = minimal();
        params.put("audiance", "typo");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuardConfig.fromInitParams(params));
        assertTrue(e.getMessage().startsWith("audiance: unknown init-param"), e.getMessage());
    }

    @Test
    void fromInitParamsWhenValuesHavePlaceholdersThenResolvedBeforeParsing() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("issuer", "${ISSUER:http://127.0.0.1:8080}");
        params.put("audience", "${AUDIENCE}, billing-api");
        params.put("clock-skew", "${SKEW:30s}");
        params.put("introspection-client-id", "guard");
        params.put("introspection-client-secret", "${SECRET}");
        Map<String, String> environment = Map.of("AUDIENCE", "orders-api", "SECRET", "s3cret");
        GuardConfig config = InitParams.read(params.keySet(), params::get, environment::get);
        assertEquals("http://127.0.0.1:8080", config.issuer().toString());
        assertEquals(Set.of("orders-api", "billing-api"), config.audiences());
        assertEquals(Duration.ofSeconds(30), config.clockSkew());
        assertEquals("s3cret", config.introspection().clientSecret());
    }

    @Test
    void fromInitParamsWhenPlaceholderUnresolvableThenFailsNamingParamAndPlaceholder() {
        Map<String, String> params = minimal();
        params.put("issuer", "${GUARD_TEST_SURELY_UNSET_ISSUER}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuardConfig.fromInitParams(params));
        assertTrue(e.getMessage().startsWith("issuer: ${GUARD_TEST_SURELY_UNSET_ISSUER} is set neither"), e.getMessage());
    }

    @Test
    void fromInitParamsWhenPlaceholderIsSystemPropertyThenItIsRead() {
        String name = "guard.test.audience." + System.nanoTime();
        Map<String, String> params = minimal();
        params.put("audience", "${" + name + "}");
        System.setProperty(name, "from-property");
        try {
            assertEquals(Set.of("from-property"), GuardConfig.fromInitParams(params).audiences());
        } finally {
            System.clearProperty(name);
        }
    }

    @ParameterizedTest
    @CsvSource({"issuer,,issuer", "issuer,ftp://id.example.com,issuer", "audience,' ',audience",
            "clock-skew,10m,clock-skew", "clock-skew,soon,clock-skew", "algorithms,none,algorithms",
            "algorithms,HS256,algorithms", "algorithms,rs256,algorithms", "accept-plain-jwt,yes,accept-plain-jwt",
            "public-paths,admin,public-paths", "public-paths,/a/*/b,public-paths", "max-token-length,10,max-token-length",
            "jwks-refetch-interval,0s,jwks-refetch-interval", "jwks-default-lifetime,30d,jwks-default-lifetime",
            "required-roles,/admin,required-roles", "http-connect-timeout,-PT1S,http-connect-timeout",
            "introspection-client-id,guard,introspection-client-secret", "jwks-uri,not a uri,jwks-uri"})
    void fromInitParamsWhenValueBadThenFailsNamingTheOption(String name, String value, String reported) {
        Map<String, String> params = minimal();
        params.put(name, value == null ? "" : value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuardConfig.fromInitParams(params));
        assertTrue(e.getMessage().startsWith(reported + ":"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"250ms,PT0.25S", "30s,PT30S", "5m,PT5M", "24h,PT24H", "7d,PT168H", "PT30S,PT30S", "P1D,PT24H"})
    void durationWhenShortOrIsoFormThenParsed(String text, String expected) {
        assertEquals(Duration.parse(expected), InitParams.duration("x", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS384", "HS512", "none"})
    void builderWhenSymmetricOrNoneAlgorithmThenRefused(String alg) {
        assertThrows(IllegalArgumentException.class,
                () -> GuardConfig.builder().issuer("https://id.example.com").audience("a").algorithms(alg).build());
    }

    @Test
    void builderWhenAudienceMissingThenFailsNamingAudience() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GuardConfig.builder().issuer("https://id.example.com").build());
        assertTrue(e.getMessage().startsWith("audience:"));
    }

    @Test
    void initParamNamesWhenListedThenEveryOneIsAccepted() {
        for (String name : InitParams.names()) {
            Map<String, String> params = minimal();
            params.putIfAbsent(name, null);
            GuardConfig.fromInitParams(params.keySet(), params::get);
        }
    }

    @Test
    void fromInitParamsWhenEventsGivenThenEachIsReadAndTheSecretNeverPrinted() {
        Map<String, String> params = minimal();
        params.put("events.client-id", "guard-receiver");
        params.put("events.client-secret", "s3cret-value");
        params.put("events.configuration-uri", "https://id.example.com/.well-known/ssf-configuration");
        params.put("events.max-staleness", "45s");
        params.put("events.when-stale", "fail-closed");
        params.put("events.max-entries", "5_000");
        GuardConfig.EventsSettings events = GuardConfig.fromInitParams(params).events();
        assertEquals("guard-receiver", events.clientId());
        assertEquals("s3cret-value", events.clientSecret());
        assertEquals("https://id.example.com/.well-known/ssf-configuration", events.configurationUri().toString());
        assertEquals(Duration.ofSeconds(45), events.maxStaleness());
        assertEquals(GuardConfig.EventsSettings.WhenStale.FAIL_CLOSED, events.whenStale());
        assertEquals(5000, events.maxEntries());
        assertFalse(GuardConfig.fromInitParams(params).toString().contains("s3cret-value"));
        params.put("events.max-staleness", "PT2M");
        assertEquals(Duration.ofMinutes(2), GuardConfig.fromInitParams(params).events().maxStaleness());
    }

    @Test
    void fromInitParamsWhenEventsClientIdBlankThenNoReceiverAndDefaultsOtherwise() {
        Map<String, String> params = minimal();
        params.put("events.client-id", " ");
        params.put("events.when-stale", "fail-closed");
        assertNull(GuardConfig.fromInitParams(params).events());
        params.put("events.client-id", "guard-receiver");
        params.put("events.client-secret", "x");
        params.remove("events.when-stale");
        GuardConfig.EventsSettings events = GuardConfig.fromInitParams(params).events();
        assertEquals(Duration.ofSeconds(30), events.maxStaleness());
        assertEquals(GuardConfig.EventsSettings.WhenStale.FAIL_OPEN, events.whenStale());
        assertEquals(100_000, events.maxEntries());
        assertNull(events.configurationUri());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "events.when-stale|fail-sometimes|events.when-stale:",
            "events.when-stale|introspect|events.when-stale:",
            "events.max-entries|0|events.max-entries:",
            "events.max-staleness|forever|events.max-staleness:",
            "events.configuration-uri|ftp://x|events.configuration-uri:",
            "events.client-secret||events.client-secret:",
            "events.typo|1|events.typo: unknown init-param"})
    void fromInitParamsWhenAnEventsSettingIsBadThenFailsNamingIt(String name, String value, String prefix) {
        Map<String, String> params = minimal();
        params.put("events.client-id", "guard-receiver");
        params.put("events.client-secret", "x");
        params.put(name, value == null ? "" : value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuardConfig.fromInitParams(params));
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    }
}
