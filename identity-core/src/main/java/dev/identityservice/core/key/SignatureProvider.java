package dev.identityservice.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;

/**
 * The JCA provider that makes this server's own signatures (RS256 and ES256 tokens, RFC 7518 §3.3 and §3.4) and
 * checks them again at introspection and userinfo; the JDK's by default.
 *
 * <p>It exists because the signature is most of a token's cost (RS256 with the JDK's providers: about 1.2-1.6 ms of a
 * {@code client_credentials} grant's 1.7-2.5 ms of CPU) and a provider on a native library signs the same bytes
 * faster: the server picks one at start ({@code signature.provider}). RSASSA-PKCS1-v1_5 is deterministic, so every provider yields the same RS256
 * signature for the same key and input; ECDSA is randomised, and any conforming provider's signature verifies
 * with any other. Ed25519 goes through Nimbus's own implementation whatever the provider. Tokens signed by
 * others (clients' assertions, request objects) are not checked here.
 *
 * <p>Immutable; safe to share between threads and key rings.
 */
public final class SignatureProvider {

    /** The JCA's own choice (the JDK's providers, in the order of {@code java.security}). */
    public static final SignatureProvider JDK = new SignatureProvider(null);

    private final Provider provider;

    private SignatureProvider(Provider provider) {
        this.provider = provider;
    }

    /**
     * Signatures by {@code provider}, which must offer {@code SHA256withRSA} and the ECDSA signatures.
     *
     * @throws NullPointerException if {@code provider} is null
     */
    public static SignatureProvider of(Provider provider) {
        return new SignatureProvider(Objects.requireNonNull(provider, "provider"));
    }

    /** The provider's name as the JCA knows it ({@code "SunRsaSign"}-style), or {@code "JDK"} for {@link #JDK}. */
    public String name() {
        return provider == null ? "JDK" : provider.getName();
    }

    /**
     * A {@code SHA256withRSA} signature object (RS256), new for each use: JCA signature objects are not
     * thread-safe.
     *
     * @throws NoSuchAlgorithmException if the provider has none
     */
    Signature rs256() throws NoSuchAlgorithmException {
        return provider == null ? Signature.getInstance("SHA256withRSA") : Signature.getInstance("SHA256withRSA", provider);
    }

    /** A thread-safe signer for the private {@code jwk}; {@link IllegalStateException} if the key cannot sign. */
    JWSSigner signer(JWK jwk) {
        try {
            if (jwk instanceof OctetKeyPair) {
                return new DefaultJWSSignerFactory().createJWSSigner(jwk);
            }
            JWSSigner signer = jwk instanceof RSAKey rsa ? new RSASSASigner(translated(rsa.toPrivateKey()))
                    : new ECDSASigner((ECPrivateKey) translated(jwk.toECKey().toPrivateKey()));
            signer.getJCAContext().setProvider(provider); // null: the JCA's own choice
            return signer;
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a signer for key " + jwk.getKeyID(), e);
        }
    }

    /** The public RSA key of {@code publicKey} for {@link #rs256()}; {@link IllegalStateException} if it has none. */
    PublicKey rsaPublicKey(JWK publicKey) {
        try {
            return translated(publicKey.toRSAKey().toPublicKey());
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the RSA public key " + publicKey.getKeyID(), e);
        }
    }

    /** A verifier for the public EC or OKP {@code jwk} (RS256 goes through {@link #rs256()}). */
    JWSVerifier verifier(JWK publicKey) {
        try {
            if (publicKey instanceof ECKey ec) {
                ECDSAVerifier verifier = new ECDSAVerifier((ECPublicKey) translated(ec.toPublicKey()));
                verifier.getJCAContext().setProvider(provider); // null: the JCA's own choice
                return verifier;
            }
            if (publicKey instanceof OctetKeyPair okp) {
                return new Ed25519Verifier(okp);
            }
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a verifier for key " + publicKey.getKeyID(), e);
        }
        throw new IllegalStateException("unsupported key type " + publicKey.getKeyType());
    }

    /**
     * {@code key} as the provider's own key object, made once per key ring: a provider handed the JDK's key
     * objects converts them at every signature (with AWS-LC that doubled an RS256 signature's time).
     */
    private <K extends Key> K translated(K key) throws GeneralSecurityException {
        if (provider == null) {
            return key;
        }
        @SuppressWarnings("unchecked")
        K own = (K) KeyFactory.getInstance(key.getAlgorithm(), provider).translateKey(key);
        return own;
    }

    @Override
    public String toString() {
        return name();
    }
}
