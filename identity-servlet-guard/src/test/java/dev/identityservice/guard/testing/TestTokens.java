package dev.identityservice.guard.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds signed test tokens shaped like RFC 9068 access tokens; every part can be bent. */
public final class TestTokens {
    public static final String ISSUER_PLACEHOLDER = "issuer";

    private final Map<String, Object> header = new LinkedHashMap<>();
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private TestKey key;
    private JWSAlgorithm algorithm;

    private TestTokens() {
    }

    /** An access token for {@code issuer} and {@code audience}, valid for five minutes from {@code clock}. */
    public static TestTokens accessToken(String issuer, String audience, TestKey key, Clock clock) {
        TestTokens t = new TestTokens();
        t.key = key;
        t.algorithm = key.algorithm();
        t.header.put("alg", key.algorithm().getName());
        t.header.put("typ", "at+jwt");
        t.header.put("kid", key.kid());
        long now = clock.millis() / 1000;
        t.claims.put("iss", issuer);
        t.claims.put("sub", "alice");
        t.claims.put("aud", audience);
        t.claims.put("client_id", "web-app");
        t.claims.put("iat", now);
        t.claims.put("exp", now + 300);
        t.claims.put("jti", java.util.UUID.randomUUID().toString());
        t.claims.put("scope", "orders:read");
        t.claims.put("roles", List.of("user"));
        return t;
    }

    public TestTokens header(String name, Object value) {
        header.put(name, value);
        return this;
    }

    public TestTokens withoutHeader(String name) {
        header.remove(name);
        return this;
    }

    public TestTokens claim(String name, Object value) {
        claims.put(name, value);
        return this;
    }

    public TestTokens withoutClaim(String name) {
        claims.remove(name);
        return this;
    }

    public TestTokens expiresIn(Clock clock, Duration lifetime) {
        claims.put("exp", clock.millis() / 1000 + lifetime.toSeconds());
        return this;
    }

    /** Signs with another algorithm name in the header and for the signature. */
    public TestTokens algorithm(JWSAlgorithm algorithm) {
        this.algorithm = algorithm;
        header.put("alg", algorithm.getName());
        return this;
    }

    public TestTokens signedBy(TestKey other) {
        this.key = other;
        return this;
    }

    public String headerJson() {
        return JSONObjectUtils.toJSONString(header);
    }

    public String payloadJson() {
        return JSONObjectUtils.toJSONString(claims);
    }

    public String sign() {
        return signRaw(headerJson(), payloadJson(), key, algorithm);
    }

    /** Signs arbitrary header and payload text, so that tests can send JSON no builder would write. */
    public static String signRaw(String headerJson, String payloadJson, TestKey key, JWSAlgorithm algorithm) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        byte[] signature = key.sign(algorithm, input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64URL.encode(signature);
    }

    public static String b64(String text) {
        return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
