package dev.identityservice.core.client;

import com.nimbusds.jose.jwk.JWK;
import dev.identityservice.core.Limits;
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
 * @param backchannelLogoutUri   where logout tokens are POSTed when a session this client took part in ends
 *                               (OIDC Back-Channel Logout 1.0 §2.2), or {@code null} for none
 * @param backchannelLogoutSessionRequired whether the client needs {@code sid} in logout tokens (§2.2); ours
 *                               always carry it, the flag is kept and shown as registered
 */
public record Client(String tenantId, String clientId, String name, String secretHash,
                     List<String> redirectUris, List<String> postLogoutRedirectUris, Set<String> allowedOrigins,
                     Set<GrantType> grantTypes, Set<String> scopes, TokenSettings tokenSettings,
                     JWK idTokenEncryptionKey, List<ClaimMapping> claimMappings,
                     Set<String> introspectionAudiences, Instant createdAt, Instant updatedAt,
                     String backchannelLogoutUri, boolean backchannelLogoutSessionRequired) {

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
        Limits.joinedAtMost("redirectUris", redirectUris, Limits.MAX_URI_LIST_CHARS);
        Limits.joinedAtMost("postLogoutRedirectUris", postLogoutRedirectUris, Limits.MAX_URI_LIST_CHARS);
        Limits.joinedAtMost("allowedOrigins", allowedOrigins, Limits.MAX_URI_LIST_CHARS);
        Limits.joinedAtMost("scopes", scopes, Limits.MAX_SCOPE_LIST_CHARS);
        Limits.joinedAtMost("introspectionAudiences", introspectionAudiences, Limits.MAX_AUDIENCE_CHARS);
        for (String audience : introspectionAudiences) {
            if (audience == null || audience.isEmpty() || audience.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("introspectionAudiences: each must be non-empty and without whitespace");
            }
        }
        if (secretHash == null && grantTypes.contains(GrantType.CLIENT_CREDENTIALS)) {
            throw new IllegalArgumentException("a public client cannot use client_credentials");
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

    /** A client without a secret (a browser or native app); it must use PKCE. */
    public boolean isPublic() {
        return secretHash == null;
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
        b.backchannelLogoutUri = backchannelLogoutUri;
        b.backchannelLogoutSessionRequired = backchannelLogoutSessionRequired;
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
        private String backchannelLogoutUri;
        private boolean backchannelLogoutSessionRequired;

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
        public Builder backchannelLogoutUri(String value) { this.backchannelLogoutUri = value; return this; }
        public Builder backchannelLogoutSessionRequired(boolean value) { this.backchannelLogoutSessionRequired = value; return this; }

        public Client build() {
            return new Client(tenantId, clientId, name, secretHash, redirectUris, postLogoutRedirectUris, allowedOrigins,
                    grantTypes, scopes, tokenSettings, idTokenEncryptionKey, claimMappings, introspectionAudiences,
                    createdAt, updatedAt, backchannelLogoutUri, backchannelLogoutSessionRequired);
        }
    }
}
