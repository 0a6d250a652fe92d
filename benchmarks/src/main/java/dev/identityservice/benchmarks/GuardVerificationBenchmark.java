package dev.identityservice.benchmarks;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.events.DenyList;
import dev.identityservice.guard.jwks.FetchedJwks;
import dev.identityservice.guard.verify.GuardTokenVerifier;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The guard's cost per request against its irreducible part, in one run: a new RS256 token against a
 * raw {@link Signature} verify plus JSON parsing of the payload; a repeated token (verified-token cache);
 * a repeated token with a deny-list of {@value #DENY_ENTRIES} entries (issue 15: the cache honours the
 * deny-list by its generation, so a hit re-checks only after the list changed).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GuardVerificationBenchmark {

    private static final String ISSUER = "https://id.example.com";
    /** Deny-list entries present while the repeated token is verified. */
    static final int DENY_ENTRIES = 10_000;

    private PublicKey publicKey;
    private byte[] signingInput;
    private byte[] signature;
    private String payloadJson;
    private char[] tokenChars;
    private String token;
    private GuardTokenVerifier uncached;
    private GuardTokenVerifier cached;
    private GuardTokenVerifier cachedWithDenyList;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        publicKey = key.toPublicKey();
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("5f8c2d7e-0b9a-4a51-9d3e-6b1f0c2a7e44")
                .audience("orders-api").issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600))).jwtID("Jt6PbtqG0iA8TiUXrfKOvQ")
                .claim("client_id", "web").claim("scope", "openid profile api").claim("roles", List.of("admin", "user"))
                .claim("auth_time", now.getEpochSecond()).claim("amr", List.of("pwd")).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(new JOSEObjectType("at+jwt")).keyID("k1").build(), claims);
        jwt.sign(new RSASSASigner(key));
        token = jwt.serialize();
        tokenChars = token.toCharArray();
        String[] parts = token.split("\\.");
        signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        signature = new Base64URL(parts[2]).decode();
        payloadJson = new Base64URL(parts[1]).decodeToString();

        JWKSet keys = new JWKSet(key.toPublicJWK());
        uncached = verifier(keys, 0);
        cached = verifier(keys, 10_000);
        DenyList deny = new DenyList(100_000);
        long keepUntil = now.plusSeconds(7200).toEpochMilli();
        for (int i = 0; i < DENY_ENTRIES; i++) {
            switch (i % 4) {
                case 0 -> deny.denyJti("revoked-" + i, keepUntil);
                case 1 -> deny.denySubject("user-" + i, now.getEpochSecond(), keepUntil);
                case 2 -> deny.denySession("session-" + i, now.getEpochSecond(), keepUntil);
                default -> deny.denyClient("client-" + i, now.getEpochSecond(), keepUntil);
            }
        }
        cachedWithDenyList = GuardTokenVerifier.withDenyList(GuardConfig.builder().issuer(ISSUER).audience("orders-api")
                .tokenCacheMaxEntries(10_000).jwksFetcher(() -> FetchedJwks.of(keys)).build(), deny);
        cachedWithDenyList.verify(token); // checked once against the list, at its generation
    }

    private static GuardTokenVerifier verifier(JWKSet keys, int cacheEntries) throws InterruptedException {
        GuardConfig config = GuardConfig.builder().issuer(ISSUER).audience("orders-api")
                .tokenCacheMaxEntries(cacheEntries).jwksFetcher(() -> FetchedJwks.of(keys)).build();
        return GuardTokenVerifier.create(config);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        uncached.close();
        cached.close();
        cachedWithDenyList.close();
    }

    /** Reference: the JDK's RS256 verify of the signing input plus parsing the payload JSON. */
    @Benchmark
    public Map<String, Object> rawVerifyPlusJsonParse() throws Exception {
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey);
        verifier.update(signingInput);
        if (!verifier.verify(signature)) {
            throw new IllegalStateException("reference signature does not verify");
        }
        return JSONObjectUtils.parse(payloadJson);
    }

    /** A token the guard has not seen: header, JSON, signature, claims, roles. */
    @Benchmark
    public VerifiedToken newToken() throws Exception {
        return uncached.verify(token);
    }

    /** Reference for the cache hit: what any map keyed by the token pays, a fresh String and its hash. */
    @Benchmark
    public int freshStringHash() {
        return new String(tokenChars).hashCode();
    }

    /** A token seen before, arriving as a fresh String as it would in a new request. */
    @Benchmark
    public VerifiedToken repeatedToken() throws Exception {
        return cached.verify(new String(tokenChars));
    }

    /** As {@link #repeatedToken()}, with {@value #DENY_ENTRIES} deny-list entries that do not name the token. */
    @Benchmark
    public VerifiedToken repeatedTokenWithDenyList() throws Exception {
        return cachedWithDenyList.verify(new String(tokenChars));
    }
}
