package dev.identityservice.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;

/** Signs a JWT the way the token issuers do, and verifies one the way a guard does: by kid against the JWKS. */
final class TestTokens {

    private TestTokens() {
    }

    /** A JWT signed by the ring's {@link KeyRing#activeSigner()}, with the ACTIVE kid in its header. */
    static String sign(KeyRing ring) {
        SigningKey active = ring.active();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(active.algorithm().jwsAlgorithm()).keyID(active.kid()).build(),
                new JWTClaimsSet.Builder().subject("alice").issuer("https://id.example.com").build());
        try {
            jwt.sign(ring.activeSigner());
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
        return jwt.serialize();
    }

    static String kid(String token) {
        try {
            return SignedJWT.parse(token).getHeader().getKeyID();
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }

    /** Whether the JWKS has the token's kid and that key verifies its signature. */
    static boolean verifies(String token, byte[] jwksJson) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWK key = jwks(jwksJson).getKeyByKeyId(jwt.getHeader().getKeyID());
            return key != null && jwt.verify(verifierFor(key));
        } catch (ParseException | JOSEException e) {
            throw new AssertionError(e);
        }
    }

    static boolean publishes(byte[] jwksJson, String kid) {
        return jwks(jwksJson).getKeyByKeyId(kid) != null;
    }

    static JWKSet jwks(byte[] jwksJson) {
        try {
            JWKSet set = JWKSet.parse(new String(jwksJson, StandardCharsets.UTF_8));
            set.getKeys().forEach(key -> {
                if (key.isPrivate()) {
                    throw new AssertionError("the JWKS publishes a private key: " + key.getKeyID());
                }
            });
            return set;
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }

    private static JWSVerifier verifierFor(JWK key) throws JOSEException {
        if (key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (key instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        if (key instanceof OctetKeyPair okp) {
            return new Ed25519Verifier(okp);
        }
        throw new AssertionError("unexpected key type " + key.getKeyType());
    }
}
