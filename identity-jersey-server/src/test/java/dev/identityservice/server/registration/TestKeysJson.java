package dev.identityservice.server.registration;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

/** A client's EC P-256 key as JWK Set JSON: public, and (wrongly) private. */
final class TestKeysJson {

    static final ECKey KEY = generate();
    static final String PUBLIC_JWKS = "{\"keys\":[" + KEY.toPublicJWK().toJSONString() + "]}";
    static final String PRIVATE_JWKS = "{\"keys\":[" + KEY.toJSONString() + "]}";

    private TestKeysJson() {
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
