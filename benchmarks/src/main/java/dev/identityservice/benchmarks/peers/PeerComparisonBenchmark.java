package dev.identityservice.benchmarks.peers;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.jwks.FetchedJwks;
import dev.identityservice.guard.verify.GuardTokenVerifier;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
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
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * The guard against the raw JDK floor and the common Java JWT libraries, all in one fork so that ratios
 * against the floor survive a noisy machine. Every library is set up for the same checks as the guard: the
 * one accepted algorithm, signature, {@code iss}, {@code aud}, {@code exp}/{@code nbf} with 60 s of skew,
 * header {@code typ} {@code at+jwt} and the RFC 9068 required claims ({@code sub}, {@code iat}, {@code jti},
 * {@code client_id}). One subclass per algorithm; a library that cannot verify an algorithm has no
 * benchmark method for it rather than a stand-in.
 *
 * <p>Sampled per call rather than averaged: on a shared machine a preempted call inflates the mean by
 * whole scheduler slices, while the median call stays close to the work itself, so ratios are read on
 * medians.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class PeerComparisonBenchmark {

    static final String ISSUER = "https://id.example.com";
    static final String AUDIENCE = "orders-api";
    static final String TYPE = "at+jwt";
    static final int SKEW_SECONDS = 60;
    static final List<String> REQUIRED_CLAIMS = List.of("sub", "iat", "jti", "client_id", "exp");

    /** The token, signed once; every library verifies the same string. */
    protected String token;
    /** The verification key as a JDK key, for the floor and the libraries that take one. */
    protected PublicKey publicKey;

    private char[] tokenChars;
    private byte[] signingInput;
    private byte[] signature;
    private String payloadJson;
    private GuardTokenVerifier guardUncached;
    private GuardTokenVerifier guardCached;
    private DefaultJWTProcessor<SecurityContext> nimbus;
    private JwtConsumer jose4j;
    private NimbusJwtDecoder spring;

    /** The JWS algorithm under test. */
    protected abstract JWSAlgorithm algorithm();

    /** A fresh private key (with its public half) with {@code kid} "k1". */
    protected abstract JWK generateKey() throws Exception;

    /** A Nimbus signer for that key; signing is set-up only. */
    protected abstract JWSSigner signer(JWK privateKey) throws Exception;

    /** The JDK {@link Signature} algorithm taking the JWS signature bytes as they are. */
    protected abstract String jdkSignatureAlgorithm();

    /** The public half as a JDK key. */
    protected abstract PublicKey jdkPublicKey(JWK publicJwk) throws Exception;

    /** Spring Security's decoder configured for this algorithm (its builders cover RSA only). */
    protected abstract NimbusJwtDecoder springDecoder(JWK publicJwk) throws Exception;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        JWK key = generateKey();
        JWK publicJwk = key.toPublicJWK();
        publicKey = jdkPublicKey(publicJwk);
        Instant now = Instant.now();
        // The same realistic at+jwt as GuardVerificationBenchmark: 9 claims plus the header's typ and kid.
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("5f8c2d7e-0b9a-4a51-9d3e-6b1f0c2a7e44")
                .audience(AUDIENCE).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600))).jwtID("Jt6PbtqG0iA8TiUXrfKOvQ")
                .claim("client_id", "web").claim("scope", "openid profile api").claim("roles", List.of("admin", "user"))
                .claim("auth_time", now.getEpochSecond()).claim("amr", List.of("pwd")).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm())
                .type(new JOSEObjectType(TYPE)).keyID("k1").build(), claims);
        jwt.sign(signer(key));
        token = jwt.serialize();
        tokenChars = token.toCharArray();
        String[] parts = token.split("\\.");
        signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        signature = new Base64URL(parts[2]).decode();
        payloadJson = new Base64URL(parts[1]).decodeToString();

        JWKSet keys = new JWKSet(publicJwk);
        guardUncached = guard(keys, 0);
        guardCached = guard(keys, 10_000);
        nimbus = nimbusProcessor(keys, true);
        jose4j = new JwtConsumerBuilder()
                .setVerificationKey(publicKey)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, algorithm().getName())
                .setExpectedType(true, TYPE)
                .setExpectedIssuer(ISSUER)
                .setExpectedAudience(AUDIENCE)
                .setRequireExpirationTime().setRequireSubject().setRequireIssuedAt().setRequireJwtId()
                .registerValidator((ErrorCodeValidator) ctx -> ctx.getJwtClaims().hasClaim("client_id") ? null
                        : new ErrorCodeValidator.Error(ErrorCodes.MISCELLANEOUS, "no client_id"))
                .setAllowedClockSkewInSeconds(SKEW_SECONDS)
                .build();
        spring = springDecoder(publicJwk);
        // RFC 9068 profile: typ at+jwt, iss, aud, exp/nbf with 60 s skew, sub, iat, jti, client_id.
        spring.setJwtValidator(JwtValidators.createAtJwtValidator().issuer(ISSUER).audience(AUDIENCE).clientId("web").build());
        checkEveryPathAccepts();
    }

    private GuardTokenVerifier guard(JWKSet keys, int cacheEntries) throws InterruptedException {
        GuardConfig config = GuardConfig.builder().issuer(ISSUER).audience(AUDIENCE).algorithms(algorithm().getName())
                .clockSkew(Duration.ofSeconds(SKEW_SECONDS))
                .tokenCacheMaxEntries(cacheEntries).jwksFetcher(() -> FetchedJwks.of(keys)).build();
        return GuardTokenVerifier.create(config);
    }

    /**
     * Nimbus's processor: with {@code checkClaims} the full profile; without, only key selection and signature,
     * as Spring's own builder configures it (Spring then validates type and claims itself).
     */
    DefaultJWTProcessor<SecurityContext> nimbusProcessor(JWKSet keys, boolean checkClaims) throws JOSEException {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithm(), new ImmutableJWKSet<>(keys)));
        configureNimbusKeys(processor, keys);
        if (checkClaims) {
            processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType(TYPE)));
            DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier = new DefaultJWTClaimsVerifier<>(AUDIENCE,
                    new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.copyOf(REQUIRED_CLAIMS));
            claimsVerifier.setMaxClockSkew(SKEW_SECONDS);
            processor.setJWTClaimsSetVerifier(claimsVerifier);
        } else {
            processor.setJWSTypeVerifier((header, context) -> { });
            processor.setJWTClaimsSetVerifier((claims, context) -> { });
        }
        return processor;
    }

    /** Replaces Nimbus's key selection or verifier factory where its defaults cannot do the algorithm. */
    protected void configureNimbusKeys(DefaultJWTProcessor<SecurityContext> processor, JWKSet keys) throws JOSEException {
    }

    /** Fails the trial if any path refuses the token: a benchmark of an error path would be meaningless. */
    protected void checkEveryPathAccepts() throws Exception {
        if (!rawVerifyPlusJsonParse().containsKey("client_id") || guardNewToken() == null || guardRepeatedToken() == null
                || nimbusDefaultJwtProcessor() == null || jose4jJwtConsumer() == null || springNimbusJwtDecoder() == null) {
            throw new IllegalStateException("a verifier refused the benchmark token");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        guardUncached.close();
        guardCached.close();
    }

    /** Floor: the JDK's signature verify of the signing input plus parsing the payload JSON. */
    @Benchmark
    public Map<String, Object> rawVerifyPlusJsonParse() throws Exception {
        Signature verifier = Signature.getInstance(jdkSignatureAlgorithm());
        verifier.initVerify(publicKey);
        verifier.update(signingInput);
        if (!verifier.verify(signature)) {
            throw new IllegalStateException("reference signature does not verify");
        }
        return JSONObjectUtils.parse(payloadJson);
    }

    /** The guard, a token it has not seen (no verified-token cache). */
    @Benchmark
    public VerifiedToken guardNewToken() throws Exception {
        return guardUncached.verify(token);
    }

    /** The guard, a token seen before arriving as a fresh String, as in a new request. */
    @Benchmark
    public VerifiedToken guardRepeatedToken() throws Exception {
        return guardCached.verify(new String(tokenChars));
    }

    /** Nimbus {@code DefaultJWTProcessor} with type, key selector and claims verifier. */
    @Benchmark
    public JWTClaimsSet nimbusDefaultJwtProcessor() throws Exception {
        return nimbus.process(token, null);
    }

    /** jose4j {@code JwtConsumer}. */
    @Benchmark
    public JwtClaims jose4jJwtConsumer() throws Exception {
        return jose4j.processToClaims(token);
    }

    /** Spring Security {@code NimbusJwtDecoder} with the RFC 9068 validator. */
    @Benchmark
    public Jwt springNimbusJwtDecoder() {
        return spring.decode(token);
    }
}
