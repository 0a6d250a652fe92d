package dev.identityservice.core.key;

import com.nimbusds.jose.JWSAlgorithm;

/**
 * The JWS algorithms a tenant can sign with (RFC 7518 §3.1, RFC 8037 §3.1).
 *
 * <p>RS256 is the default: OpenID Connect requires every provider to support it, every guard
 * verifies it, and on the JVM it is far cheaper to verify than ES256.
 */
public enum SigningAlgorithm {
    RS256(JWSAlgorithm.RS256),
    ES256(JWSAlgorithm.ES256),
    EdDSA(JWSAlgorithm.EdDSA);

    public static final SigningAlgorithm DEFAULT = RS256;

    private final JWSAlgorithm jwsAlgorithm;

    SigningAlgorithm(JWSAlgorithm jwsAlgorithm) {
        this.jwsAlgorithm = jwsAlgorithm;
    }

    public JWSAlgorithm jwsAlgorithm() {
        return jwsAlgorithm;
    }

    /** Parses the JOSE name ({@code RS256}, {@code ES256}, {@code EdDSA}); fails with the accepted names. */
    public static SigningAlgorithm parse(String name) {
        for (SigningAlgorithm algorithm : values()) {
            if (algorithm.name().equals(name)) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException("Unsupported signing algorithm '" + name + "'; use RS256, ES256 or EdDSA");
    }
}
