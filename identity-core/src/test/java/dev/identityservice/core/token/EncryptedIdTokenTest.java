package dev.identityservice.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.Jwts;
import dev.identityservice.core.testing.TestEngine;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncryptedIdTokenTest {

    @Test
    void idTokenWhenClientRegisteredRsaKeyThenJweDecryptsWithItsPrivateKeyAndVerifies() throws Exception {
        RSAKey clientKey = new RSAKeyGenerator(2048).keyID("client-enc").generate();
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            var alice = t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web").idTokenEncryptionKey(clientKey.toPublicJWK()));

            String idToken = t.token(tenant, client, "grant_type", "password", "username", "alice",
                    "password", TestEngine.PASSWORD, "scope", "openid").idToken();

            JWEObject jwe = JWEObject.parse(idToken);
            assertEquals(JWEAlgorithm.RSA_OAEP_256, jwe.getHeader().getAlgorithm());
            assertEquals(EncryptionMethod.A256GCM, jwe.getHeader().getEncryptionMethod());
            assertEquals("JWT", jwe.getHeader().getContentType());
            jwe.decrypt(new RSADecrypter(clientKey));
            JWTClaimsSet claims = Jwts.verify(t.engine.keys().keyRing("acme").jwksJson(), jwe.getPayload().toString());
            assertEquals(alice.id(), claims.getSubject());
            assertEquals(List.of("web"), claims.getAudience());

            RSAKey otherKey = new RSAKeyGenerator(2048).generate();
            JWEObject again = JWEObject.parse(idToken);
            assertThrows(Exception.class, () -> again.decrypt(new RSADecrypter(otherKey)), "only the client can read it");
        }
    }

    @Test
    void idTokenWhenClientRegisteredEcKeyThenEcdhEsJweDecrypts() throws Exception {
        ECKey clientKey = new ECKeyGenerator(Curve.P_256).keyID("client-ec").generate();
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web").idTokenEncryptionKey(clientKey.toPublicJWK()));

            String idToken = t.token(tenant, client, "grant_type", "password", "username", "alice",
                    "password", TestEngine.PASSWORD, "scope", "openid").idToken();

            JWEObject jwe = JWEObject.parse(idToken);
            assertEquals(JWEAlgorithm.ECDH_ES, jwe.getHeader().getAlgorithm());
            jwe.decrypt(new ECDHDecrypter(clientKey));
            assertEquals("https://id.example.com/t/acme",
                    Jwts.verify(t.engine.keys().keyRing("acme").jwksJson(), jwe.getPayload().toString()).getIssuer());
        }
    }
}
