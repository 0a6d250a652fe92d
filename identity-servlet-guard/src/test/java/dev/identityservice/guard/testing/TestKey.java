package dev.identityservice.guard.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;

/** A real signing key for tests: its public JWK to publish and a way to sign with it. */
public final class TestKey {
    private final JWK privateJwk;
    private final JWK publicJwk;
    private final KeyPair edKeys;
    private final JWSAlgorithm algorithm;

    private TestKey(JWK privateJwk, JWK publicJwk, KeyPair edKeys, JWSAlgorithm algorithm) {
        this.privateJwk = privateJwk;
        this.publicJwk = publicJwk;
        this.edKeys = edKeys;
        this.algorithm = algorithm;
    }

    public static TestKey rsa(String kid) {
        try {
            RSAKey key = new RSAKeyGenerator(2048).keyID(kid).generate();
            return new TestKey(key, key.toPublicJWK(), null, JWSAlgorithm.RS256);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A test key around an existing RSA key pair. */
    public static TestKey of(RSAKey key) {
        return new TestKey(key, key.toPublicJWK(), null, JWSAlgorithm.RS256);
    }

    public static TestKey ec(String kid) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
            return new TestKey(key, key.toPublicJWK(), null, JWSAlgorithm.ES256);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ed25519 through the JDK: Nimbus's own Ed25519 signer needs Tink, which the guard does not use. */
    public static TestKey ed25519(String kid) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] spki = pair.getPublic().getEncoded();
            byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID(kid).build();
            return new TestKey(null, jwk, pair, JWSAlgorithm.EdDSA);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String kid() {
        return publicJwk.getKeyID();
    }

    public JWK publicJwk() {
        return publicJwk;
    }

    public JWK privateJwk() {
        return privateJwk;
    }

    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    /** Signs {@code input} with {@code alg} (RS*, PS* for RSA keys; ES256; EdDSA). */
    public byte[] sign(JWSAlgorithm alg, byte[] input) {
        try {
            if (edKeys != null) {
                Signature signature = Signature.getInstance("Ed25519");
                signature.initSign(edKeys.getPrivate());
                signature.update(input);
                return signature.sign();
            }
            JWSHeader header = new JWSHeader(alg);
            if (privateJwk instanceof RSAKey rsa) {
                return new RSASSASigner(rsa).sign(header, input).decode();
            }
            return new ECDSASigner((ECKey) privateJwk).sign(header, input).decode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
