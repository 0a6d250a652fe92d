package dev.identityservice.core.client;

import com.nimbusds.jose.jwk.JWK;
import dev.identityservice.core.Limits;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.token.TokenSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An OAuth 2.0 client of one tenant.
 *
 * @param secretHash             the stored hash of the client secret, or {@code null} for a public client
 * @param redirectUris           registered redirect URIs, matched exactly (RFC 6749 §3.1.2, OAuth 2.1)
 * @param postLogoutRedirectUris where RP-initiated logout may send the browser, matched exactly
 * @param allowedOrigins         browser origins allowed to call the token endpoints (CORS)
 * @param idTokenEncryptionKey   the client's public key for ID-token encryption (JWE), or {@code null}
 * @param introspectionAudiences audiences this client serves as a resource server: besides its own tokens and
 *                               those whose {@code aud} is its client id, it may introspect access tokens whose
 *                               {@code aud} names one of these (RFC 7662 §4); empty by default
 * @param keys                   the client's public keys, by value or by URL (RFC 7591 §2); {@link ClientKeys#NONE} by default
 * @param tokenEndpointAuthMethod the one way the client authenticates (RFC 7591 §2 {@code token_endpoint_auth_method}),
 *                               or {@code null} for any that fits it: {@code none} for a public client, a secret
 *                               method for a confidential one
 * @param requestObjectSigningAlg the JWS algorithm its request objects must be signed with (OIDC Registration §2),
 *                               one of {@link #REQUEST_OBJECT_SIGNING_ALGS}, or {@code null} when not registered
 * @param applicationType        {@code web} or {@code native} (OIDC Registration §2), or {@code null} when not said
 * @param description            contacts and informational URLs (RFC 7591 §2); {@link ClientDescription#NONE} by default
 * @param idTokenSignedResponseAlg  the JWS algorithm of this client's ID tokens (OIDC Registration §2
 *                                  {@code id_token_signed_response_alg}), or {@code null} for RS256
 * @param userinfoSignedResponseAlg the JWS algorithm of signed UserInfo responses ({@code application/jwt},
 *                                  {@code userinfo_signed_response_alg}), or {@code null} for plain JSON
 * @param backchannelLogoutUri   where logout tokens are POSTed when a session this client took part in ends
 *                               (OIDC Back-Channel Logout 1.0 §2.2), or {@code null} for none
 * @param backchannelLogoutSessionRequired whether the client needs {@code sid} in logout tokens (§2.2); ours
 *                               always carry it, the flag is kept and shown as registered
 * @param requirePushedAuthorizationRequests whether the authorization endpoint takes this client's requests only
 *                               through a pushed request's {@code request_uri} (RFC 9126 §6
 *                               {@code require_pushed_authorization_requests}); {@code false} by default
 * @param requestUris            the URLs from which the server may fetch this client's request objects by
 *                               reference (OIDC Registration §2 {@code request_uris}, RFC 9101 §5.2); empty by
 *                               default, and then no {@code request_uri} other than a pushed request's is accepted
 * @param responseTypes          the {@code response_type} values the client may use at the authorization endpoint
 *                               (RFC 7591 §2 {@code response_types}); when none are given, {@code code} for a client
 *                               with the {@code authorization_code} grant and none otherwise, as RFC 7591 §2 defaults
 *                               them. That they agree with the grant types (§2.1) is checked at registration
 *                               ({@link ClientRegistrationRules}); a type beyond {@code code} also needs the tenant's
 *                               consent at the authorization endpoint ({@code Tenant#implicitAndHybridFlows})
 */
public record Client(String tenantId, String clientId, String name, String secretHash,
                     List<String> redirectUris, List<String> postLogoutRedirectUris, Set<String> allowedOrigins,
                     Set<GrantType> grantTypes, Set<String> scopes, TokenSettings tokenSettings,
                     JWK idTokenEncryptionKey, List<ClaimMapping> claimMappings,
                     Set<String> introspectionAudiences, Instant createdAt, Instant updatedAt, ClientKeys keys,
                     ClientCredentials.Method tokenEndpointAuthMethod, String requestObjectSigningAlg,
                     ApplicationType applicationType, ClientDescription description,
                     SigningAlgorithm idTokenSignedResponseAlg, SigningAlgorithm userinfoSignedResponseAlg,
                     String backchannelLogoutUri, boolean backchannelLogoutSessionRequired,
                     boolean requirePushedAuthorizationRequests, List<String> requestUris,
                     Set<ResponseType> responseTypes) {

    /**
     * The algorithms a client may register for its request objects: {@code none} (unsigned, OIDC Core §6.1) and
     * the asymmetric JWS algorithms of RFC 7518 §3.1 and RFC 8037 §3.1 (a symmetric one would need the client
     * secret in clear, which is stored only as a hash).
     */
    public static final Set<String> REQUEST_OBJECT_SIGNING_ALGS = Set.of("none", "RS256", "RS384", "RS512", "PS256",
            "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

    public Client {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(tokenSettings, "tokenSettings");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (clientId.isBlank() || clientId.length() > Limits.MAX_NAME_CHARS || !clientId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("clientId must be 1 to " + Limits.MAX_NAME_CHARS + " visible ASCII characters");
        }
        Limits.atMost("name", name, Limits.MAX_NAME_CHARS);
        Limits.atMost("audience", tokenSettings.audience(), Limits.MAX_AUDIENCE_CHARS);
        redirectUris = List.copyOf(redirectUris == null ? List.of() : redirectUris);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris == null ? List.of() : postLogoutRedirectUris);
        allowedOrigins = Set.copyOf(allowedOrigins == null ? Set.of() : allowedOrigins);
        grantTypes = Set.copyOf(grantTypes == null ? Set.of() : grantTypes);
        responseTypes = responseTypes == null || responseTypes.isEmpty()
                ? (grantTypes.contains(GrantType.AUTHORIZATION_CODE) ? Set.of(ResponseType.CODE) : Set.of())
                : Set.copyOf(responseTypes);
        scopes = Set.copyOf(scopes == null ? Set.of() : scopes);
        claimMappings = List.copyOf(claimMappings == null ? List.of() : claimMappings);
        introspectionAudiences = Set.copyOf(introspectionAudiences == null ? Set.of() : introspectionAudiences);
        if (idTokenEncryptionKey != null && idTokenEncryptionKey.isPrivate()) {
            throw new IllegalArgumentException("idTokenEncryptionKey must be a public key");
        }
        requireRegistrable("redirectUris", redirectUris);
        requireRegistrable("postLogoutRedirectUris", postLogoutRedirectUris);
        if (backchannelLogoutUri != null) {
            requireRegistrable("backchannelLogoutUri", List.of(backchannelLogoutUri));
        }
        requestUris = List.copyOf(requestUris == null ? List.of() : requestUris);
        Limits.joinedAtMost("redirectUris", redirectUris, Limits.MAX_URI_LIST_CHARS);
        Limits.joinedAtMost("requestUris", requestUris, Limits.MAX_URI_LIST_CHARS);
        Limits.joinedAtMost("postLogoutRedirectUris", postLogoutRedirectUris, Limits.MAX_URI_LIST_CHARS);
        Limits.joinedAtMost("allowedOrigins", allowedOrigins, Limits.MAX_URI_LIST_CHARS);
        Limits.joinedAtMost("scopes", scopes, Limits.MAX_SCOPE_LIST_CHARS);
        Limits.joinedAtMost("introspectionAudiences", introspectionAudiences, Limits.MAX_AUDIENCE_CHARS);
        for (String audience : introspectionAudiences) {
            if (audience == null || audience.isEmpty() || audience.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("introspectionAudiences: each must be non-empty and without whitespace");
            }
        }
        if (secretHash == null && tokenEndpointAuthMethod != ClientCredentials.Method.PRIVATE_KEY_JWT
                && grantTypes.contains(GrantType.CLIENT_CREDENTIALS)) {
            throw new IllegalArgumentException("a public client cannot use client_credentials");
        }
        keys = keys == null ? ClientKeys.NONE : keys;
        description = description == null ? ClientDescription.NONE : description;
        if (tokenEndpointAuthMethod == ClientCredentials.Method.PRIVATE_KEY_JWT) {
            // RFC 7523 §2.2: it proves itself with its keys; a secret would be a second, weaker way in.
            if (secretHash != null) {
                throw new IllegalArgumentException("tokenEndpointAuthMethod: a private_key_jwt client has no secret");
            }
            if (!keys.present()) {
                throw new IllegalArgumentException("tokenEndpointAuthMethod: a private_key_jwt client needs jwks or jwksUri");
            }
        } else if (tokenEndpointAuthMethod != null && (tokenEndpointAuthMethod == ClientCredentials.Method.NONE) != (secretHash == null)) {
            throw new IllegalArgumentException(secretHash == null
                    ? "tokenEndpointAuthMethod: a public client authenticates with none"
                    : "tokenEndpointAuthMethod: a confidential client authenticates with client_secret_basic or client_secret_post");
        }
        if (requestObjectSigningAlg != null && !REQUEST_OBJECT_SIGNING_ALGS.contains(requestObjectSigningAlg)) {
            throw new IllegalArgumentException("requestObjectSigningAlg must be one of " + new java.util.TreeSet<>(REQUEST_OBJECT_SIGNING_ALGS)
                    + ": " + requestObjectSigningAlg);
        }
    }

    /** The form checks every stored URI must pass; {@link ClientRegistrationRules} adds those for new registrations. */
    private static void requireRegistrable(String field, List<String> uris) {
        for (String uri : uris) {
            try {
                RedirectUriMatcher.requireRegistrable(uri);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ": " + e.getMessage());
            }
        }
    }

    /** The algorithm of this client's ID tokens: the registered one, RS256 by default (OIDC Registration §2). */
    public SigningAlgorithm idTokenAlgorithm() {
        return idTokenSignedResponseAlg == null ? SigningAlgorithm.RS256 : idTokenSignedResponseAlg;
    }

    /** A client that cannot authenticate (a browser or native app): no secret, no private_key_jwt; it must use PKCE. */
    public boolean isPublic() {
        return secretHash == null && tokenEndpointAuthMethod != ClientCredentials.Method.PRIVATE_KEY_JWT;
    }

    /**
     * Whether this client may learn about an access token issued to {@code tokenClientId} for {@code audiences}
     * at introspection: its own tokens, and tokens meant for it (their {@code aud} names its client id or one
     * of its {@link #introspectionAudiences}).
     */
    public boolean mayIntrospect(String tokenClientId, Collection<String> audiences) {
        if (clientId.equals(tokenClientId)) {
            return true;
        }
        for (String audience : audiences) {
            if (clientId.equals(audience) || introspectionAudiences.contains(audience)) {
                return true;
            }
        }
        return false;
    }

    public boolean allows(GrantType grantType) {
        return grantTypes.contains(grantType);
    }

    /**
     * Whether the client may use {@code responseType}: it registered it, and the grant types it needs (RFC 7591
     * §2.1), so that taking a grant type away also takes away its response types.
     */
    public boolean allows(ResponseType responseType) {
        return responseTypes.contains(responseType) && grantTypes.containsAll(responseType.grantTypes());
    }

    /** Whether the client may authenticate with {@code method}: the registered one, or any when none is registered. */
    public boolean accepts(ClientCredentials.Method method) {
        return tokenEndpointAuthMethod == null || tokenEndpointAuthMethod == method;
    }

    public static Builder builder(String tenantId, String clientId) {
        return new Builder(tenantId, clientId);
    }

    public Builder toBuilder() {
        Builder b = new Builder(tenantId, clientId);
        b.name = name;
        b.secretHash = secretHash;
        b.redirectUris.addAll(redirectUris);
        b.postLogoutRedirectUris.addAll(postLogoutRedirectUris);
        b.allowedOrigins.addAll(allowedOrigins);
        b.grantTypes.addAll(grantTypes);
        b.scopes.addAll(scopes);
        b.tokenSettings = tokenSettings;
        b.idTokenEncryptionKey = idTokenEncryptionKey;
        b.claimMappings.addAll(claimMappings);
        b.introspectionAudiences.addAll(introspectionAudiences);
        b.createdAt = createdAt;
        b.updatedAt = updatedAt;
        b.keys = keys;
        b.tokenEndpointAuthMethod = tokenEndpointAuthMethod;
        b.requestObjectSigningAlg = requestObjectSigningAlg;
        b.applicationType = applicationType;
        b.description = description;
        b.idTokenSignedResponseAlg = idTokenSignedResponseAlg;
        b.userinfoSignedResponseAlg = userinfoSignedResponseAlg;
        b.backchannelLogoutUri = backchannelLogoutUri;
        b.backchannelLogoutSessionRequired = backchannelLogoutSessionRequired;
        b.requirePushedAuthorizationRequests = requirePushedAuthorizationRequests;
        b.requestUris = requestUris;
        b.responseTypes.addAll(responseTypes);
        return b;
    }

    /** Builds a {@link Client}; {@code createdAt} and {@code updatedAt} must be set from the caller's clock. */
    public static final class Builder {
        private final String tenantId;
        private final String clientId;
        private String name;
        private String secretHash;
        private final List<String> redirectUris = new ArrayList<>();
        private final List<String> postLogoutRedirectUris = new ArrayList<>();
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private final Set<GrantType> grantTypes = new LinkedHashSet<>();
        private final Set<String> scopes = new LinkedHashSet<>();
        private TokenSettings tokenSettings = TokenSettings.DEFAULTS;
        private JWK idTokenEncryptionKey;
        private final List<ClaimMapping> claimMappings = new ArrayList<>();
        private final Set<String> introspectionAudiences = new LinkedHashSet<>();
        private Instant createdAt;
        private Instant updatedAt;
        private ClientKeys keys = ClientKeys.NONE;
        private ClientCredentials.Method tokenEndpointAuthMethod;
        private String requestObjectSigningAlg;
        private ApplicationType applicationType;
        private ClientDescription description = ClientDescription.NONE;
        private SigningAlgorithm idTokenSignedResponseAlg;
        private SigningAlgorithm userinfoSignedResponseAlg;
        private String backchannelLogoutUri;
        private boolean backchannelLogoutSessionRequired;
        private boolean requirePushedAuthorizationRequests;
        private List<String> requestUris;
        private final Set<ResponseType> responseTypes = new LinkedHashSet<>();

        private Builder(String tenantId, String clientId) {
            this.tenantId = tenantId;
            this.clientId = clientId;
        }

        public Builder name(String value) { this.name = value; return this; }
        public Builder secretHash(String value) { this.secretHash = value; return this; }
        public Builder redirectUris(List<String> value) { redirectUris.clear(); redirectUris.addAll(value); return this; }
        public Builder redirectUri(String value) { redirectUris.add(value); return this; }
        public Builder postLogoutRedirectUris(List<String> value) { postLogoutRedirectUris.clear(); postLogoutRedirectUris.addAll(value); return this; }
        public Builder allowedOrigins(Set<String> value) { allowedOrigins.clear(); allowedOrigins.addAll(value); return this; }
        public Builder grantTypes(Set<GrantType> value) { grantTypes.clear(); grantTypes.addAll(value); return this; }
        public Builder grantType(GrantType value) { grantTypes.add(value); return this; }
        public Builder scopes(Set<String> value) { scopes.clear(); scopes.addAll(value); return this; }
        public Builder scope(String value) { scopes.add(value); return this; }
        public Builder tokenSettings(TokenSettings value) { this.tokenSettings = value; return this; }
        public Builder idTokenEncryptionKey(JWK value) { this.idTokenEncryptionKey = value; return this; }
        public Builder claimMappings(List<ClaimMapping> value) { claimMappings.clear(); claimMappings.addAll(value); return this; }
        public Builder claimMapping(ClaimMapping value) { claimMappings.add(value); return this; }
        public Builder introspectionAudiences(Set<String> value) { introspectionAudiences.clear(); introspectionAudiences.addAll(value); return this; }
        public Builder createdAt(Instant value) { this.createdAt = value; return this; }
        public Builder updatedAt(Instant value) { this.updatedAt = value; return this; }
        public Builder keys(ClientKeys value) { this.keys = value; return this; }
        public Builder tokenEndpointAuthMethod(ClientCredentials.Method value) { this.tokenEndpointAuthMethod = value; return this; }
        public Builder requestObjectSigningAlg(String value) { this.requestObjectSigningAlg = value; return this; }
        public Builder applicationType(ApplicationType value) { this.applicationType = value; return this; }
        public Builder description(ClientDescription value) { this.description = value; return this; }
        public Builder idTokenSignedResponseAlg(SigningAlgorithm value) { this.idTokenSignedResponseAlg = value; return this; }
        public Builder userinfoSignedResponseAlg(SigningAlgorithm value) { this.userinfoSignedResponseAlg = value; return this; }
        public Builder backchannelLogoutUri(String value) { this.backchannelLogoutUri = value; return this; }
        public Builder backchannelLogoutSessionRequired(boolean value) { this.backchannelLogoutSessionRequired = value; return this; }
        public Builder requirePushedAuthorizationRequests(boolean value) { this.requirePushedAuthorizationRequests = value; return this; }
        public Builder requestUris(List<String> value) { this.requestUris = value; return this; }
        /** Replaces the response types; none means the default (see {@link Client#responseTypes}). */
        public Builder responseTypes(Set<ResponseType> value) { responseTypes.clear(); responseTypes.addAll(value); return this; }

        public Client build() {
            return new Client(tenantId, clientId, name, secretHash, redirectUris, postLogoutRedirectUris, allowedOrigins,
                    grantTypes, scopes, tokenSettings, idTokenEncryptionKey, claimMappings, introspectionAudiences,
                    createdAt, updatedAt, keys, tokenEndpointAuthMethod, requestObjectSigningAlg, applicationType, description,
                    idTokenSignedResponseAlg, userinfoSignedResponseAlg,
                    backchannelLogoutUri, backchannelLogoutSessionRequired, requirePushedAuthorizationRequests,
                    requestUris, responseTypes);
        }
    }
}
