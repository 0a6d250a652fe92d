package dev.identityservice.benchmarks.peers;

import com.google.crypto.tink.subtle.Ed25519Verify;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.util.List;
import java.util.Set;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * EdDSA (Ed25519). auth0 java-jwt cannot verify EdDSA, so it has no method here. Besides the JDK floor,
 * {@link #rawTinkVerifyPlusJsonParse} is the floor of the Tink path that the guard and Nimbus take.
 */
public class EdDsaPeersBenchmark extends PeerComparisonBenchmark {

    // DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410 §4); the 32 key bytes follow.
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Ed25519Verify tink;
    private byte[] tinkSigningInput;
    private byte[] tinkSignature;
    private String tinkPayloadJson;

    @Override
    protected JWSAlgorithm algorithm() {
        return JWSAlgorithm.EdDSA;
    }

    @Override
    protected JWK generateKey() throws Exception {
        return new OctetKeyPairGenerator(Curve.Ed25519).keyID("k1").generate();
    }

    @Override
    protected JWSSigner signer(JWK privateKey) throws Exception {
        return new Ed25519Signer(privateKey.toOctetKeyPair());
    }

    @Override
    protected String jdkSignatureAlgorithm() {
        return "Ed25519";
    }

    @Override
    protected PublicKey jdkPublicKey(JWK publicJwk) throws JOSEException {
        byte[] x = publicJwk.toOctetKeyPair().getDecodedX();
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + x.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, x.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new JOSEException(e.getMessage(), e);
        }
    }

    @Override
    protected NimbusJwtDecoder springDecoder(JWK publicJwk) throws Exception {
        // Spring 6.5 has no EdDSA builder (its SignatureAlgorithm enum lacks EdDSA); its public constructor
        // takes a Nimbus processor, here with the Ed25519 wiring of configureNimbusKeys.
        return new NimbusJwtDecoder(nimbusProcessor(new JWKSet(publicJwk), false));
    }

    /**
     * Out of the box Nimbus's processor cannot verify EdDSA: its key selector converts JWKs to JDK keys, which
     * it does not do for OKP keys, and its default verifier factory knows RSA, EC and HMAC keys only. Its
     * extension points can: a selector answering the one key and a factory answering Nimbus's own
     * {@link Ed25519Verifier} (Tink), made once.
     */
    @Override
    protected void configureNimbusKeys(DefaultJWTProcessor<SecurityContext> processor, JWKSet keys)
            throws JOSEException {
        OctetKeyPair okp = keys.getKeys().get(0).toOctetKeyPair();
        PublicKey key = jdkPublicKey(okp);
        Ed25519Verifier verifier = new Ed25519Verifier(okp);
        processor.setJWSKeySelector((header, context) -> JWSAlgorithm.EdDSA.equals(header.getAlgorithm())
                && okp.getKeyID().equals(header.getKeyID()) ? List.of(key) : List.of());
        processor.setJWSVerifierFactory(new JWSVerifierFactory() {
            @Override
            public JWSVerifier createJWSVerifier(JWSHeader header, Key candidate) {
                return verifier;
            }

            @Override
            public Set<JWSAlgorithm> supportedJWSAlgorithms() {
                return verifier.supportedJWSAlgorithms();
            }

            @Override
            public JCAContext getJCAContext() {
                return verifier.getJCAContext();
            }
        });
    }

    @Override
    public void setUp() throws Exception {
        super.setUp();
        byte[] spki = publicKey.getEncoded();
        byte[] x = java.util.Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length);
        tink = new Ed25519Verify(x);
        String[] parts = token.split("\\.");
        tinkSigningInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        tinkSignature = new Base64URL(parts[2]).decode();
        tinkPayloadJson = new Base64URL(parts[1]).decodeToString();
        rawTinkVerifyPlusJsonParse();
    }

    /** Second floor: Tink's Ed25519 verify (what the guard uses when Tink is present) plus the JSON parse. */
    @Benchmark
    public Map<String, Object> rawTinkVerifyPlusJsonParse() throws Exception {
        tink.verify(tinkSignature, tinkSigningInput); // throws on a bad signature
        return JSONObjectUtils.parse(tinkPayloadJson);
    }
}
