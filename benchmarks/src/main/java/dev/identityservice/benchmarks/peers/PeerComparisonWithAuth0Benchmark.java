package dev.identityservice.benchmarks.peers;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.security.PublicKey;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Adds auth0 java-jwt, which verifies RSA and ECDSA but not EdDSA. It has no check of the header's
 * {@code typ}, so the benchmark compares it after verification, as an application would have to.
 */
public abstract class PeerComparisonWithAuth0Benchmark extends PeerComparisonBenchmark {

    private JWTVerifier auth0;

    /** The java-jwt algorithm for the public key. */
    protected abstract Algorithm auth0Algorithm(PublicKey publicKey);

    @Override
    public void setUp() throws Exception {
        super.setUp();
        var verification = JWT.require(auth0Algorithm(publicKey)).withIssuer(ISSUER).withAudience(AUDIENCE)
                .acceptLeeway(SKEW_SECONDS);
        for (String claim : REQUIRED_CLAIMS) {
            verification.withClaimPresence(claim);
        }
        auth0 = verification.build();
        if (auth0JwtVerifier() == null) {
            throw new IllegalStateException("java-jwt refused the benchmark token");
        }
    }

    /** auth0 java-jwt {@code JWTVerifier}, then the {@code typ} comparison it lacks. */
    @Benchmark
    public DecodedJWT auth0JwtVerifier() {
        DecodedJWT jwt = auth0.verify(token);
        if (!TYPE.equals(jwt.getType())) {
            throw new IllegalStateException("typ");
        }
        return jwt;
    }
}
