package dev.identityservice.benchmarks.peers;

import com.auth0.jwt.algorithms.Algorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/** ES256 on P-256: every library. */
public class Es256PeersBenchmark extends PeerComparisonWithAuth0Benchmark {

    @Override
    protected JWSAlgorithm algorithm() {
        return JWSAlgorithm.ES256;
    }

    @Override
    protected JWK generateKey() throws Exception {
        return new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    }

    @Override
    protected JWSSigner signer(JWK privateKey) throws Exception {
        return new ECDSASigner(privateKey.toECKey());
    }

    @Override
    protected String jdkSignatureAlgorithm() {
        return "SHA256withECDSAinP1363Format"; // JWS carries R || S, not DER (RFC 7518 §3.4)
    }

    @Override
    protected PublicKey jdkPublicKey(JWK publicJwk) throws Exception {
        return publicJwk.toECKey().toPublicKey();
    }

    @Override
    protected NimbusJwtDecoder springDecoder(JWK publicJwk) throws Exception {
        // Spring 6.5's public-key builder takes RSA keys only; its public constructor takes a Nimbus processor
        // set up as its builders do (key selection and signature only; Spring's validator does the rest).
        return new NimbusJwtDecoder(nimbusProcessor(new JWKSet(publicJwk), false));
    }

    @Override
    protected Algorithm auth0Algorithm(PublicKey publicKey) {
        return Algorithm.ECDSA256((ECPublicKey) publicKey, null);
    }
}
