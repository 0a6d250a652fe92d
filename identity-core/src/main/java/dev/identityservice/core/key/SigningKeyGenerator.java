package dev.identityservice.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.JWKGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Creates new signing key pairs: RS256 as RSA (2048 bits by default, or 3072), ES256 on P-256,
 * EdDSA on Ed25519 (RFC 8037).
 *
 * <p>Every JWK carries {@code kid} = its RFC 7638 SHA-256 thumbprint, {@code alg} and {@code use=sig}.
 * A new key starts as {@link KeyState#NEXT}: published before it signs.
 *
 * @param rsaKeySizeBits the RSA modulus length for RS256 keys: 2048 (default) or 3072
 */
public record SigningKeyGenerator(int rsaKeySizeBits) {

    /** RSA modulus length of RS256 keys by default, in bits. */
    public static final int DEFAULT_RSA_KEY_SIZE_BITS = 2048;

    private static final Set<Integer> RSA_KEY_SIZES_BITS = Set.of(2048, 3072);

    public SigningKeyGenerator {
        if (!RSA_KEY_SIZES_BITS.contains(rsaKeySizeBits)) {
            throw new IllegalArgumentException("rsaKeySizeBits must be 2048 or 3072: " + rsaKeySizeBits);
        }
    }

    /** A generator with the default RSA key size. */
    public static SigningKeyGenerator withDefaults() {
        return new SigningKeyGenerator(DEFAULT_RSA_KEY_SIZE_BITS);
    }

    /** A new {@code NEXT} key of {@code tenantId} for {@code algorithm}, created at {@code createdAt}. */
    public SigningKey generate(String tenantId, SigningAlgorithm algorithm, Instant createdAt) {
        Objects.requireNonNull(algorithm, "algorithm");
        JWKGenerator<? extends JWK> generator = switch (algorithm) {
            case RS256 -> new RSAKeyGenerator(rsaKeySizeBits);
            case ES256 -> new ECKeyGenerator(Curve.P_256);
            case EdDSA -> new OctetKeyPairGenerator(Curve.Ed25519);
        };
        try {
            JWK jwk = generator.keyUse(KeyUse.SIGNATURE).algorithm(algorithm.jwsAlgorithm())
                    .keyIDFromThumbprint(true).generate();
            return new SigningKey(tenantId, jwk.getKeyID(), algorithm, KeyState.NEXT, jwk, createdAt, null, null, null);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
        }
    }
}
