package dev.identityservice.core.token;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientStore;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.refresh.RefreshToken;
import dev.identityservice.core.token.refresh.RefreshTokenService;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Token introspection (RFC 7662) for every token this server issues: JWT and opaque access tokens
 * and refresh tokens. A revoked token, one issued before its user's "revoke everything", and one issued to a
 * client that has since been deleted are inactive.
 *
 * <p>What a calling client learns is limited (RFC 7662 §4): {@link #introspect(Tenant, Client, String, String)}
 * answers an access token only to its own client or to a client it is meant for ({@link Client#mayIntrospect}),
 * and a refresh token only to its own client; any other token is {@code {"active": false}}, exactly like an
 * unknown one, so that the endpoint does not tell a foreign token from a made-up one.
 */
public final class TokenIntrospector {

    /** The {@code token_type} answered for a refresh token (the RFC 7662 §2.1 hint name for the kind). */
    public static final String REFRESH_TOKEN_TYPE = "refresh_token";

    private final AccessTokenValidator validator;
    private final AccessTokenStore accessTokens;
    private final RefreshTokenService refreshTokens;
    private final UserStore users;
    private final ClientStore clients;
    private final Clock clock;

    public TokenIntrospector(AccessTokenValidator validator, AccessTokenStore accessTokens, RefreshTokenService refreshTokens,
                             UserStore users, ClientStore clients, Clock clock) {
        this.validator = validator;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.users = users;
        this.clients = clients;
        this.clock = clock;
    }

    /**
     * An access token as introspection resolved it, with the user it was issued to ({@code null} for a
     * client's own token, and for inactive tokens) and its client as read for this check ({@code null} for
     * inactive tokens), so that callers need not load either again.
     *
     * @param userinfoClaims the claims OIDC Core §5.5 asked {@code /userinfo} for when the token was issued
     */
    public record ResolvedAccessToken(Introspection introspection, User user, Client client, Set<String> userinfoClaims) {
        static final ResolvedAccessToken INACTIVE = new ResolvedAccessToken(Introspection.INACTIVE, null, null, Set.of());

        public ResolvedAccessToken {
            userinfoClaims = Set.copyOf(userinfoClaims);
        }
    }

    /** The access token behind {@code token} if it is active: JWT or opaque, revocation included. */
    public Optional<ResolvedAccessToken> activeAccessToken(Tenant tenant, String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        return accessToken(tenant, null, token).filter(resolved -> resolved.introspection().active());
    }

    /**
     * {@link #activeAccessToken(Tenant, String)} for a JWT access token whose signature and {@code typ} the
     * caller has verified already (the admin API's guard): the same issuer, time, revocation, client and user
     * checks, without verifying the signature a second time.
     *
     * @param verifiedClaims the claims of a JWT whose signature by {@code tenant}'s keys has been verified
     */
    public Optional<ResolvedAccessToken> activeAccessToken(Tenant tenant, JWTClaimsSet verifiedClaims) {
        return validator.current(tenant, verifiedClaims).map(claims -> resolveJwt(tenant, null, claims))
                .filter(resolved -> resolved.introspection().active());
    }

    /**
     * The server's own view of a token, whoever it belongs to; for internal checks, never for a client's request.
     *
     * @param tokenTypeHint {@code access_token}, {@code refresh_token} or {@code null} (RFC 7662 §2.1)
     */
    public Introspection introspect(Tenant tenant, String token, String tokenTypeHint) {
        return introspect(tenant, null, token, tokenTypeHint);
    }

    /**
     * Introspection for {@code caller} (RFC 7662 §2): the token's members if it is active and the caller may know
     * about it, {@link Introspection#INACTIVE} otherwise. {@code token_type} is {@code Bearer} for an access token
     * (RFC 7662 §2.2 takes it from RFC 6749 §5.1) and {@code refresh_token} for a refresh token, which no RFC 6749
     * token type describes; {@code aud} is the audience of the access tokens the grant yields.
     *
     * @param caller        the authenticated client asking, or {@code null} for the server's own unrestricted view
     * @param tokenTypeHint {@code access_token}, {@code refresh_token} or {@code null} (RFC 7662 §2.1)
     */
    public Introspection introspect(Tenant tenant, Client caller, String token, String tokenTypeHint) {
        if (token == null || token.isEmpty()) {
            return Introspection.INACTIVE;
        }
        if ("refresh_token".equals(tokenTypeHint)) {
            return refreshToken(tenant, caller, token).or(() -> accessIntrospection(tenant, caller, token))
                    .orElse(Introspection.INACTIVE);
        }
        return accessIntrospection(tenant, caller, token).or(() -> refreshToken(tenant, caller, token))
                .orElse(Introspection.INACTIVE);
    }

    private Optional<Introspection> accessIntrospection(Tenant tenant, Client caller, String token) {
        return accessToken(tenant, caller, token).map(ResolvedAccessToken::introspection)
                .map(found -> caller == null || !found.active() || caller.mayIntrospect(
                        (String) found.members().get("client_id"), audiences(found.members().get("aud")))
                        ? found : Introspection.INACTIVE);
    }

    private static List<String> audiences(Object aud) {
        if (aud instanceof String single) {
            return List.of(single);
        }
        if (aud instanceof List<?> many) {
            return many.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    /** @param caller the client authenticated for this request, if any: read from the store moments ago */
    private Optional<ResolvedAccessToken> accessToken(Tenant tenant, Client caller, String token) {
        return isJwt(token) ? jwtAccessToken(tenant, caller, token) : opaqueAccessToken(tenant, caller, token);
    }

    private Optional<ResolvedAccessToken> jwtAccessToken(Tenant tenant, Client caller, String token) {
        return validator.validate(tenant, token).map(claims -> resolveJwt(tenant, caller, claims));
    }

    /** What a genuine, current JWT access token's claims stand for now: live, or inactive (revoked, gone). */
    private ResolvedAccessToken resolveJwt(Tenant tenant, Client caller, JWTClaimsSet claims) {
        Instant issuedAt = claims.getIssueTime().toInstant();
        String clientId = claims.getClaim("client_id") instanceof String id ? id : null;
        if (accessTokens.isRevoked(tenant.id(), claims.getJWTID())) {
            return ResolvedAccessToken.INACTIVE;
        }
        Client client = issuingClient(tenant, caller, clientId, issuedAt).orElse(null);
        if (client == null) {
            return ResolvedAccessToken.INACTIVE;
        }
        Optional<User> user = Optional.empty();
        if (!claims.getSubject().equals(clientId) || claims.getClaim("roles") != null) {
            user = activeUser(tenant, claims.getSubject(), issuedAt);
            if (user.isEmpty()) {
                return ResolvedAccessToken.INACTIVE;
            }
        }
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("scope", claims.getClaim("scope"));
        members.put("client_id", clientId);
        members.put("username", user.map(User::username).orElse(null));
        members.put("token_type", IssuedTokens.TOKEN_TYPE);
        members.put("exp", claims.getExpirationTime().toInstant().getEpochSecond());
        members.put("iat", issuedAt.getEpochSecond());
        members.put("nbf", claims.getNotBeforeTime() == null ? null : claims.getNotBeforeTime().toInstant().getEpochSecond());
        members.put("sub", claims.getSubject());
        members.put("aud", claims.getAudience().size() == 1 ? claims.getAudience().get(0) : claims.getAudience());
        members.put("iss", claims.getIssuer());
        members.put("jti", claims.getJWTID());
        members.put("roles", claims.getClaim("roles"));
        members.put("tenant", claims.getClaim("tenant"));
        Set<String> userinfoClaims = claims.getClaim(AccessTokenIssuer.USERINFO_CLAIMS) instanceof List<?> names
                ? names.stream().map(String::valueOf).collect(Collectors.toSet()) : Set.of();
        return new ResolvedAccessToken(Introspection.active(members), user.orElse(null), client, userinfoClaims);
    }

    private Optional<ResolvedAccessToken> opaqueAccessToken(Tenant tenant, Client caller, String token) {
        if (token.length() > OpaqueTokens.MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        Optional<AccessTokenStore.OpaqueAccessToken> found = accessTokens.findOpaque(OpaqueTokens.hash(token))
                .filter(t -> t.tenantId().equals(tenant.id()));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        AccessTokenStore.OpaqueAccessToken opaque = found.get();
        if (!clock.instant().isBefore(opaque.expiresAt()) || accessTokens.isRevoked(tenant.id(), opaque.jti())) {
            return Optional.of(ResolvedAccessToken.INACTIVE);
        }
        Client client = issuingClient(tenant, caller, opaque.clientId(), opaque.issuedAt()).orElse(null);
        if (client == null) {
            return Optional.of(ResolvedAccessToken.INACTIVE);
        }
        User user = opaque.userId() == null ? null : activeUser(tenant, opaque.userId(), opaque.issuedAt()).orElse(null);
        if (opaque.userId() != null && user == null) {
            return Optional.of(ResolvedAccessToken.INACTIVE);
        }
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("scope", opaque.scope());
        members.put("client_id", opaque.clientId());
        members.put("username", opaque.username());
        members.put("token_type", IssuedTokens.TOKEN_TYPE);
        members.put("exp", opaque.expiresAt().getEpochSecond());
        members.put("iat", opaque.issuedAt().getEpochSecond());
        members.put("nbf", opaque.issuedAt().getEpochSecond());
        members.put("sub", opaque.subject());
        members.put("aud", opaque.audience());
        members.put("iss", tenant.issuer().toString());
        members.put("jti", opaque.jti());
        members.put("roles", opaque.roles().isEmpty() ? List.of() : List.of(opaque.roles().split(" ")));
        Set<String> userinfoClaims = opaque.userinfoClaims().isEmpty() ? Set.of() : Set.of(opaque.userinfoClaims().split(" "));
        return Optional.of(new ResolvedAccessToken(Introspection.active(members), user, client, userinfoClaims));
    }

    private Optional<Introspection> refreshToken(Tenant tenant, Client caller, String token) {
        Optional<RefreshToken> found = refreshTokens.find(token).filter(t -> t.tenantId().equals(tenant.id()));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RefreshToken refresh = found.get();
        if (caller != null && !caller.clientId().equals(refresh.clientId())) {
            // Only its own client may learn anything about a refresh token, however it is registered.
            return Optional.of(Introspection.INACTIVE);
        }
        if (refresh.state() != RefreshToken.State.ACTIVE || !clock.instant().isBefore(refresh.expiresAt())
                || issuingClient(tenant, caller, refresh.clientId(), refresh.createdAt()).isEmpty()) {
            return Optional.of(Introspection.INACTIVE);
        }
        Optional<User> user = activeUser(tenant, refresh.userId(), refresh.createdAt());
        if (user.isEmpty()) {
            return Optional.of(Introspection.INACTIVE);
        }
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("scope", refresh.scope());
        members.put("client_id", refresh.clientId());
        members.put("username", user.get().username());
        members.put("token_type", REFRESH_TOKEN_TYPE);
        members.put("exp", refresh.expiresAt().getEpochSecond());
        members.put("iat", refresh.createdAt().getEpochSecond());
        members.put("sub", refresh.userId());
        members.put("aud", caller == null ? null : AccessTokenIssuer.audience(caller));
        members.put("iss", tenant.issuer().toString());
        return Optional.of(Introspection.active(members));
    }

    /**
     * The client a token was issued to, if it still exists and is the one it was issued to: a client deleted
     * and registered again under the same id does not revive the old one's tokens. Compared at whole seconds,
     * the precision of a JWT's {@code iat}, so a token issued in the second its client was made stays valid.
     * When the token is the calling client's own, that client as this request authenticated it is used
     * rather than read again.
     */
    private Optional<Client> issuingClient(Tenant tenant, Client caller, String clientId, Instant issuedAt) {
        if (clientId == null) {
            return Optional.empty();
        }
        boolean callersOwn = caller != null && caller.tenantId().equals(tenant.id()) && caller.clientId().equals(clientId);
        Optional<Client> client = callersOwn ? Optional.of(caller)
                : clients.find(tenant.id(), clientId);
        return client.filter(c -> !issuedAt.isBefore(c.createdAt().truncatedTo(ChronoUnit.SECONDS)));
    }

    /** The user, if enabled and if the token was issued after their last "revoke everything". */
    private Optional<User> activeUser(Tenant tenant, String userId, Instant issuedAt) {
        return users.findById(tenant.id(), userId)
                .filter(User::enabled)
                .filter(u -> u.acceptsTokensIssuedAt(issuedAt));
    }

    static boolean isJwt(String token) {
        int first = token.indexOf('.');
        return first > 0 && token.indexOf('.', first + 1) > first;
    }
}
