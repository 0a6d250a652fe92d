package dev.identityservice.benchmarks.peers;

import com.auth0.jwt.algorithms.Algorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/** RS256 with a 2048-bit key: every library. */
public class Rs256PeersBenchmark extends PeerComparisonWithAuth0Benchmark {

    @Override
    protected JWSAlgorithm algorithm() {
        return JWSAlgorithm.RS256;
    }

    @Override
    protected JWK generateKey() throws Exception {
        return new RSAKeyGenerator(2048).keyID("k1").generate();
    }

    @Override
    protected JWSSigner signer(JWK privateKey) throws Exception {
        return new RSASSASigner(privateKey.toRSAKey());
    }

    @Override
    protected String jdkSignatureAlgorithm() {
        return "SHA256withRSA";
    }

    @Override
    protected PublicKey jdkPublicKey(JWK publicJwk) throws Exception {
        return publicJwk.toRSAKey().toPublicKey();
    }

    @Override
    protected NimbusJwtDecoder springDecoder(JWK publicJwk) throws Exception {
        // Spring's own builder; its type check is left to the RFC 9068 validator set in setUp.
        return NimbusJwtDecoder.withPublicKey((RSAPublicKey) jdkPublicKey(publicJwk))
                .signatureAlgorithm(SignatureAlgorithm.RS256).validateType(false).build();
    }

    @Override
    protected Algorithm auth0Algorithm(PublicKey publicKey) {
        return Algorithm.RSA256((RSAPublicKey) publicKey, null);
    }
}
