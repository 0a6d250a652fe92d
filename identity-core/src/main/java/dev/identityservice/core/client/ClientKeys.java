package dev.identityservice.core.client;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import dev.identityservice.core.Limits;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;

/**
 * A client's public keys (RFC 7591 §2 {@code jwks} and {@code jwks_uri}): by value, by reference, or none, never
 * both. They verify what the client signs (request objects, RFC 9101; {@code private_key_jwt}, RFC 7523) and
 * encrypt what is sent to it.
 *
 * @param jwks    the keys by value, or {@code null}: public asymmetric keys only, at most {@value #MAX_KEYS},
 *                {@code kid}s distinct, at most {@link Limits#MAX_JWKS_CHARS} characters as JSON
 * @param jwksUri where the client publishes its JWK Set, or {@code null}; its form is checked by
 *                {@link ClientRegistrationRules} like every other URL of a client
 */
public record ClientKeys(JWKSet jwks, URI jwksUri) {

    /** A client without registered keys. */
    public static final ClientKeys NONE = new ClientKeys(null, null);

    /** The most keys a client may register by value. */
    public static final int MAX_KEYS = 16;

    public ClientKeys {
        if (jwks != null && jwksUri != null) {
            throw new IllegalArgumentException("jwks and jwks_uri must not both be given (RFC 7591 §2)");
        }
        if (jwks != null) {
            requirePublic(jwks);
        }
        if (jwksUri != null) {
            if (!jwksUri.isAbsolute()) {
                throw new IllegalArgumentException("jwks_uri must be an absolute URL: " + jwksUri);
            }
            Limits.atMost("jwks_uri", jwksUri.toString(), Limits.MAX_URI_CHARS);
        }
    }

    /** Equal when the same public keys (as JSON) or the same URL: a JWK Set has no value equality of its own. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ClientKeys that && java.util.Objects.equals(jwksUri, that.jwksUri)
                && java.util.Objects.equals(jwks == null ? null : jwks.toString(true), that.jwks == null ? null : that.jwks.toString(true));
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(jwks == null ? null : jwks.toString(true), jwksUri);
    }

    /** Whether the client registered keys either way. */
    public boolean present() {
        return jwks != null || jwksUri != null;
    }

    private static void requirePublic(JWKSet jwks) {
        if (jwks.getKeys().isEmpty()) {
            throw new IllegalArgumentException("jwks must hold at least one key");
        }
        if (jwks.getKeys().size() > MAX_KEYS) {
            throw new IllegalArgumentException("jwks must hold at most " + MAX_KEYS + " keys");
        }
        Set<String> kids = new HashSet<>();
        for (JWK key : jwks.getKeys()) {
            // A shared secret is never a client's "public" key, and a private key must never be sent or stored.
            if (key instanceof OctetSequenceKey || key.isPrivate()) {
                throw new IllegalArgumentException("jwks must hold public keys only (RSA, EC or OKP), no private or symmetric key");
            }
            if (key.getKeyID() != null && !kids.add(key.getKeyID())) {
                throw new IllegalArgumentException("jwks: kid '" + key.getKeyID() + "' is given twice");
            }
        }
        Limits.atMost("jwks", jwks.toString(true), Limits.MAX_JWKS_CHARS);
    }
}
