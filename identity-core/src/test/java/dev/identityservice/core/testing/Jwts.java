package dev.identityservice.core.testing;

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

/** Verifies tokens the way a resource server would: with nothing but the published JWKS. */
public final class Jwts {

    private Jwts() {
    }

    /** The claims of {@code token} if its signature verifies with a key of {@code jwksJson}; throws otherwise. */
    public static JWTClaimsSet verify(byte[] jwksJson, String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWK key = JWKSet.parse(new String(jwksJson, StandardCharsets.UTF_8)).getKeyByKeyId(jwt.getHeader().getKeyID());
            if (key == null) {
                throw new AssertionError("kid " + jwt.getHeader().getKeyID() + " is not in the JWKS");
            }
            if (key.isPrivate()) {
                throw new AssertionError("the JWKS publishes a private key");
            }
            JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa)
                    : key instanceof ECKey ec ? new ECDSAVerifier(ec) : new Ed25519Verifier((OctetKeyPair) key);
            if (!jwt.verify(verifier)) {
                throw new AssertionError("signature does not verify");
            }
            return jwt.getJWTClaimsSet();
        } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
            throw new AssertionError("token does not parse or verify: " + e.getMessage(), e);
        }
    }

    public static boolean verifies(byte[] jwksJson, String token) {
        try {
            verify(jwksJson, token);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }
}
