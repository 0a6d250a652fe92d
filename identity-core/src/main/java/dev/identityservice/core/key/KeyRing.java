package dev.identityservice.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable snapshot of one tenant's signing keys, swapped atomically on rotation.
 *
 * <p>It holds everything a request needs, computed once: the ready-to-use signer of the
 * {@code ACTIVE} key, a verifier per published key, and the JWKS bytes (keys {@code NEXT},
 * {@code ACTIVE} and {@code ROTATED}).
 *
 * <p>A tenant whose own ({@link KeyPurpose#MAIN main}) chain is not RS256 also holds an RS256
 * {@link KeyPurpose#ID_TOKEN} chain: {@link #signer(SigningAlgorithm)} then signs ID tokens with either
 * algorithm, and {@link #idTokenAlgorithms()} is exactly what discovery may advertise for them.
 */
public final class KeyRing {

    private final String tenantId;
    private final List<SigningKey> keys;
    private final SigningKey active;
    private final JWSSigner activeSigner;
    /** The signer per algorithm an ACTIVE key has: the main chain's first, then the ID-token chain's. */
    private final Map<SigningAlgorithm, Signer> signers;
    private final Map<String, SigningKey> publishedByKid;
    private final Map<String, JWSVerifier> verifiersByKid;
    private final Map<String, PublicKey> rsaKeysByKid;
    private final byte[] jwksJson;
    private final SignatureProvider provider;

    private KeyRing(String tenantId, List<SigningKey> keys, SignatureProvider provider) {
        this.tenantId = tenantId;
        this.provider = provider;
        // Newest first; kid breaks ties so a reloaded ring lists the keys in the same order.
        this.keys = keys.stream()
                .sorted(Comparator.comparing(SigningKey::createdAt).reversed().thenComparing(SigningKey::kid))
                .toList();
        this.active = keys.stream().filter(k -> k.state() == KeyState.ACTIVE && k.purpose() == KeyPurpose.MAIN)
                .findFirst().orElse(null);
        this.activeSigner = active == null ? null : provider.signer(active.jwk());
        Map<SigningAlgorithm, Signer> byAlgorithm = new LinkedHashMap<>();
        if (active != null) {
            byAlgorithm.put(active.algorithm(), new Signer(active, activeSigner));
        }
        keys.stream().filter(k -> k.state() == KeyState.ACTIVE && k.purpose() == KeyPurpose.ID_TOKEN)
                .forEach(k -> byAlgorithm.putIfAbsent(k.algorithm(), new Signer(k, provider.signer(k.jwk()))));
        this.signers = Map.copyOf(byAlgorithm);
        Map<String, SigningKey> published = new LinkedHashMap<>();
        for (SigningKey key : this.keys) {
            if (key.state().published()) {
                published.put(key.kid(), key);
            }
        }
        this.publishedByKid = Map.copyOf(published);
        Map<String, JWSVerifier> verifiers = new LinkedHashMap<>();
        published.values().stream().filter(key -> key.algorithm() != SigningAlgorithm.RS256)
                .forEach(key -> verifiers.put(key.kid(), provider.verifier(key.publicJwk())));
        this.verifiersByKid = Map.copyOf(verifiers);
        Map<String, PublicKey> rsaKeys = new LinkedHashMap<>();
        published.values().stream().filter(key -> key.algorithm() == SigningAlgorithm.RS256)
                .forEach(key -> rsaKeys.put(key.kid(), provider.rsaPublicKey(key.publicJwk())));
        this.rsaKeysByKid = Map.copyOf(rsaKeys);
        List<JWK> jwks = published.values().stream().map(SigningKey::publicJwk).toList();
        this.jwksJson = new JWKSet(jwks).toString(true).getBytes(StandardCharsets.UTF_8);
    }

    /** A snapshot of {@code keys} signing with the JDK's providers; see {@link #of(String, List, SignatureProvider)}. */
    public static KeyRing of(String tenantId, List<SigningKey> keys) {
        return of(tenantId, keys, SignatureProvider.JDK);
    }

    /**
     * A snapshot of {@code keys} whose signers and verifiers use {@code provider}.
     *
     * @throws IllegalArgumentException if more than one key per {@link KeyPurpose} is {@code ACTIVE}
     * @throws IllegalStateException    if a key cannot be turned into a signer or verifier
     */
    public static KeyRing of(String tenantId, List<SigningKey> keys, SignatureProvider provider) {
        Objects.requireNonNull(provider, "provider");
        for (KeyPurpose purpose : KeyPurpose.values()) {
            if (keys.stream().filter(k -> k.state() == KeyState.ACTIVE && k.purpose() == purpose).count() > 1) {
                throw new IllegalArgumentException("a key ring has at most one ACTIVE key per purpose");
            }
        }
        return new KeyRing(tenantId, keys, provider);
    }

    /** An ACTIVE key with its ready signer. */
    public record Signer(SigningKey key, JWSSigner signer) {
    }

    /**
     * The signer of ID tokens (and signed UserInfo) with {@code algorithm}: the main ACTIVE key when it has that
     * algorithm, else the ACTIVE key of the ID-token chain that has; empty when the tenant cannot sign with it.
     */
    public Optional<Signer> signer(SigningAlgorithm algorithm) {
        return Optional.ofNullable(signers.get(algorithm));
    }

    /** The algorithms {@link #signer(SigningAlgorithm)} can sign with now: the main chain's and RS256 (OIDC Core §15.1). */
    public Set<SigningAlgorithm> idTokenAlgorithms() {
        Set<SigningAlgorithm> algorithms = EnumSet.noneOf(SigningAlgorithm.class);
        algorithms.addAll(signers.keySet());
        return Collections.unmodifiableSet(algorithms);
    }

    public String tenantId() {
        return tenantId;
    }

    /** Every key of the tenant, revoked ones included, newest first. */
    public List<SigningKey> keys() {
        return keys;
    }

    /** The key that signs now; {@link IllegalStateException} if the ring has none (never after initialisation). */
    public SigningKey active() {
        if (active == null) {
            throw new IllegalStateException("tenant " + tenantId + " has no ACTIVE signing key");
        }
        return active;
    }

    /** The signer of {@link #active()}, built once per snapshot. */
    public JWSSigner activeSigner() {
        active();
        return activeSigner;
    }

    /** A key that verifies tokens of this tenant: published ({@code NEXT}, {@code ACTIVE}, {@code ROTATED}). */
    public Optional<SigningKey> publishedKey(String kid) {
        return kid == null ? Optional.empty() : Optional.ofNullable(publishedByKid.get(kid));
    }

    /**
     * Whether {@code jws} carries a valid signature by a published key of this ring: the header's {@code kid}
     * names the key and its {@code alg} must be that key's algorithm (RFC 8725 §3.1); a header with {@code crit}
     * is refused, since this server sets none and understands no extension (RFC 7515 §4.1.11).
     */
    public boolean verifies(CompactJws jws) {
        JWSHeader header = jws.header();
        String kid = header.getKeyID();
        SigningKey key = kid == null ? null : publishedByKid.get(kid);
        if (key == null || !key.algorithm().jwsAlgorithm().equals(header.getAlgorithm()) || header.getCriticalParams() != null) {
            return false;
        }
        try {
            if (key.algorithm() == SigningAlgorithm.RS256) {
                // The JCA directly: Nimbus's verifier would decode the signature once more, slowly (see CompactJws).
                Signature rsa = provider.rs256();
                rsa.initVerify(rsaKeysByKid.get(kid));
                rsa.update(jws.signingInput());
                return rsa.verify(jws.signature());
            }
            return verifiersByKid.get(kid).verify(header, jws.signingInput(), Base64URL.encode(jws.signature()));
        } catch (GeneralSecurityException | JOSEException e) {
            return false;
        }
    }

    /** The RFC 7517 JWK Set of the published keys, public parts only, as UTF-8 bytes. */
    public byte[] jwksJson() {
        return jwksJson.clone();
    }
}
