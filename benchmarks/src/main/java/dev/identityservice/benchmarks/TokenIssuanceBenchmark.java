package dev.identityservice.benchmarks;

import dev.identityservice.core.grant.TokenRequest;
import dev.identityservice.core.token.IssuedTokens;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
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
 * The server's token costs against their irreducible parts, in one run: a client_credentials token
 * against one raw RS256 signature; a refresh (SHA-256, lookup, transaction, signature) against the same.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenIssuanceBenchmark {

    private EngineFixture fixture;
    private PrivateKey privateKey;
    private byte[] signingInput;
    private TokenRequest clientCredentials;
    private String refreshToken;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new EngineFixture();
        privateKey = fixture.engine.keys().keyRing("default").active().jwk().toRSAKey().toPrivateKey();
        clientCredentials = new TokenRequest(fixture.tenant, fixture.client, Map.of("grant_type", "client_credentials"));
        // A signing input of the size of a real access token.
        IssuedTokens sample = fixture.engine.tokenGrants().handle(clientCredentials);
        String token = sample.accessToken();
        signingInput = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
        refreshToken = fixture.engine.tokenGrants().handle(new TokenRequest(fixture.tenant, fixture.client,
                Map.of("grant_type", "password", "username", "alice", "password", EngineFixture.PASSWORD))).refreshToken();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    /** Reference: one RS256 signature with the JDK, nothing else. */
    @Benchmark
    public byte[] rawRs256Signature() throws Exception {
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(privateKey);
        signature.update(signingInput);
        return signature.sign();
    }

    /** A whole client_credentials grant for an authenticated client (claims, JSON, signature, serialisation). */
    @Benchmark
    public IssuedTokens clientCredentialsToken() {
        return fixture.engine.tokenGrants().handle(clientCredentials);
    }

    /** A whole refresh: SHA-256, indexed lookup, user lookup, signature, one transaction with a conditional update. */
    @Benchmark
    public IssuedTokens refreshGrant() {
        IssuedTokens tokens = fixture.engine.tokenGrants().handle(new TokenRequest(fixture.tenant, fixture.client,
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken)));
        refreshToken = tokens.refreshToken();
        return tokens;
    }
}
