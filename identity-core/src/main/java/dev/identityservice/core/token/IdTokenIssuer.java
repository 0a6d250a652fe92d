package dev.identityservice.core.token;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.client.ClaimMapping;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.key.KeyRingProvider;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.session.LoginSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/**
 * Issues OpenID Connect ID tokens (OIDC Core §2): {@code aud} is the client, with {@code nonce},
 * {@code auth_time}, {@code at_hash} and {@code c_hash} for the access token and code issued with it, {@code amr},
 * {@code acr} when the client asked for it, and {@code sid} for tokens of a login session (Back-Channel Logout 1.0
 * §2.1). Where an access token is issued with the ID token, the claims the scopes request go to {@code /userinfo}
 * (§5.4) and the ID token carries only those the {@code claims} parameter asks for in {@code id_token} (§5.5), and
 * the client's claim mappings; an ID token issued alone by the authorization endpoint
 * ({@link #issueFrontChannel}, {@code response_type=id_token}) carries the scopes' claims too.
 *
 * <p>Signed with the client's {@code id_token_signed_response_alg}, RS256 by default (OIDC Core §15.1: a tenant
 * whose own keys are ES256 or EdDSA keeps RS256 keys for this, see {@link dev.identityservice.core.key.KeyPurpose}).
 * {@link #signUserInfo} signs UserInfo responses the same way (§5.3.2).
 *
 * <p>When the client registered an encryption key, the signed token is nested in a JWE
 * (RSA-OAEP-256 or ECDH-ES, A256GCM; OIDC Core §10.2).
 */
public final class IdTokenIssuer {

    private static final JOSEObjectType JWT = JOSEObjectType.JWT;

    private final KeyRingProvider keys;
    private final Clock clock;

    public IdTokenIssuer(KeyRingProvider keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The ID token of a token endpoint response for {@code authorization}, bound to {@code accessToken} by {@code at_hash}. */
    public String issue(Authorization authorization, String accessToken) {
        return issue(authorization, accessToken, null, false);
    }

    /**
     * The ID token of an authorization endpoint response (OIDC Core §3.2.2.10 implicit, §3.3.2.11 hybrid):
     * {@code at_hash} when an access token is issued with it, {@code c_hash} when a code is. When neither is
     * ({@code response_type=id_token}), no access token is ever issued and the client has nothing to call
     * {@code /userinfo} with, so the claims its scopes request go in the ID token itself (§5.4).
     *
     * @param accessToken the access token issued in the same response, or {@code null}
     * @param code        the authorization code issued in the same response, or {@code null}
     */
    public String issueFrontChannel(Authorization authorization, String accessToken, String code) {
        return issue(authorization, accessToken, code, accessToken == null && code == null);
    }

    private String issue(Authorization authorization, String accessToken, String code, boolean scopeClaims) {
        Instant now = clock.instant();
        String tenantId = authorization.tenant().id();
        // One snapshot for the hashes and signature: a rotation in between must not pair them wrongly.
        KeyRing.Signer signer = signer(tenantId, authorization.client().idTokenAlgorithm(), "id_token_signed_response_alg");
        SigningAlgorithm algorithm = signer.key().algorithm();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(authorization.tenant().issuer().toString())
                .subject(authorization.subject())
                .audience(authorization.client().clientId())
                .expirationTime(Date.from(now.plus(authorization.client().tokenSettings().idTokenTtl())))
                .issueTime(Date.from(now))
                .claim("auth_time", authorization.authTime().getEpochSecond())
                .claim("azp", authorization.client().clientId());
        if (accessToken != null) {
            claims.claim("at_hash", leftHalfHash(accessToken, algorithm));
        }
        if (code != null) {
            claims.claim("c_hash", leftHalfHash(code, algorithm));
        }
        if (authorization.nonce() != null) {
            claims.claim("nonce", authorization.nonce());
        }
        if (authorization.sessionId() != null) {
            // OIDC Back-Channel Logout 1.0 §2.1: the session a later logout token names.
            claims.claim("sid", LoginSession.sidOf(authorization.sessionId()));
        }
        if (!authorization.amr().isEmpty()) {
            claims.claim("amr", authorization.amr());
        }
        if (authorization.acrRequested()) {
            claims.claim("acr", AuthenticationContext.ACR_PASSWORD);
        }
        if (authorization.user() != null) {
            java.util.Set<String> names = new java.util.LinkedHashSet<>(authorization.claims().idToken().keySet());
            if (scopeClaims) {
                names.addAll(ProfileClaims.requestedBy(authorization.scopes()));
            }
            ProfileClaims.of(authorization.user(), names).forEach(claims::claim);
        }
        ClaimsCustomizer.apply(authorization, ClaimMapping.TokenType.ID, claims);
        String signed = AccessTokenIssuer.sign(signer, JWT, claims.build());
        JWK encryptionKey = authorization.client().idTokenEncryptionKey();
        return encryptionKey == null ? signed : encrypt(signed, encryptionKey);
    }

    /**
     * The UserInfo response as a JWT (OIDC Core §5.3.2, media type {@code application/jwt}): {@code claims} with
     * {@code iss} and {@code aud} (the client), signed with the client's {@code userinfo_signed_response_alg}.
     *
     * @throws dev.identityservice.core.error.OAuthException {@code unauthorized_client} when the client registered
     *         none, or one the tenant cannot sign with now
     */
    public String signUserInfo(Tenant tenant, Client client, Map<String, Object> claims) {
        if (client.userinfoSignedResponseAlg() == null) {
            throw OAuthError.unauthorizedClient("The client registered no userinfo_signed_response_alg").exception();
        }
        KeyRing.Signer signer = signer(tenant.id(), client.userinfoSignedResponseAlg(), "userinfo_signed_response_alg");
        JWTClaimsSet.Builder jwt = new JWTClaimsSet.Builder()
                .issuer(tenant.issuer().toString())
                .audience(client.clientId())
                .issueTime(Date.from(clock.instant()));
        claims.forEach(jwt::claim);
        return AccessTokenIssuer.sign(signer, JWT, jwt.build());
    }

    private KeyRing.Signer signer(String tenantId, SigningAlgorithm algorithm, String setting) {
        return keys.keyRing(tenantId).signer(algorithm).orElseThrow(() -> OAuthError.unauthorizedClient(
                "The client's " + setting + " " + algorithm + " cannot be signed by this tenant's keys").exception());
    }

    /**
     * {@code at_hash} (OIDC Core §3.1.3.6, §3.2.2.9) and {@code c_hash} (§3.3.2.11): base64url of the left half of
     * the hash of the token or code's ASCII octets, with the hash of the signing algorithm (SHA-256 for RS256 and
     * ES256; SHA-512 for EdDSA with Ed25519, as the OpenID Foundation's conformance suite expects).
     */
    static String leftHalfHash(String value, SigningAlgorithm algorithm) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm == SigningAlgorithm.EdDSA ? "SHA-512" : "SHA-256");
            byte[] hash = digest.digest(value.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, hash.length / 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encrypt(String signedJwt, JWK key) {
        try {
            JWEAlgorithm algorithm;
            JWEEncrypter encrypter;
            if (key instanceof RSAKey rsa) {
                algorithm = JWEAlgorithm.RSA_OAEP_256;
                encrypter = new RSAEncrypter(rsa);
            } else if (key instanceof ECKey ec) {
                algorithm = JWEAlgorithm.ECDH_ES;
                encrypter = new ECDHEncrypter(ec);
            } else {
                throw new IllegalStateException("ID-token encryption needs an RSA or EC key, got " + key.getKeyType());
            }
            JWEHeader header = new JWEHeader.Builder(algorithm, EncryptionMethod.A256GCM)
                    .contentType("JWT").keyID(key.getKeyID()).build();
            JWEObject jwe = new JWEObject(header, new Payload(signedJwt));
            jwe.encrypt(encrypter);
            return jwe.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("ID-token encryption failed", e);
        }
    }
}
