package dev.identityservice.core.token;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.event.SecurityEventType;
import dev.identityservice.core.event.SecurityEvents;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.session.LoginSessions;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.refresh.RefreshToken;
import dev.identityservice.core.token.refresh.RefreshTokenService;
import dev.identityservice.core.user.UserStore;
import java.time.Instant;
import java.util.Optional;

/**
 * Token revocation (RFC 7009) and "revoke everything of a user".
 *
 * <p>Revoking a refresh token revokes its whole family and the access tokens issued with it (§2.1).
 * Unknown or invalid tokens are not an error (§2.2): the client's goal is already reached.
 *
 * <p>"Revoke everything of a user" sets a cut-off rounded up to the next whole second, the grain of a JWT's
 * {@code iat}, and answers once the clock has passed it: nothing issued before it survives, and everything
 * issued after the answer is live ({@link RevocationCutOff} says why, and what a racing login or another
 * instance's clock sees).
 *
 * <p>Each revocation and its security events ({@link SecurityEvents}) are written in one transaction: every revoked
 * access token raises {@code access-token-revoked} (through the event-raising {@link AccessTokenStore}), and
 * "revoke everything" also raises a user event whose {@code event_timestamp} is the cut-off.
 */
public final class TokenRevoker {

    private final AccessTokenValidator validator;
    private final AccessTokenStore accessTokens;
    private final RefreshTokenService refreshTokens;
    private final UserStore users;
    private final LoginSessions sessions;
    private final RevocationCutOff cutOffs;
    private final Database database;
    private final SecurityEvents events;

    /**
     * @param accessTokens the store that also raises an event per revoked access token
     * @param database     for one transaction per revocation
     */
    public TokenRevoker(AccessTokenValidator validator, AccessTokenStore accessTokens, RefreshTokenService refreshTokens,
                        UserStore users, LoginSessions sessions, RevocationCutOff cutOffs, Database database, SecurityEvents events) {
        this.validator = validator;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.users = users;
        this.sessions = sessions;
        this.cutOffs = cutOffs;
        this.database = database;
        this.events = events;
    }

    /** Revokes {@code token} if it is one of {@code client}'s; a token of another client is {@code unauthorized_client}. */
    public void revoke(Tenant tenant, Client client, String token, String tokenTypeHint) {
        if (token == null || token.isEmpty()) {
            throw OAuthError.invalidRequest("Missing parameter 'token'").exception();
        }
        if (TokenIntrospector.isJwt(token)) {
            validator.validate(tenant, token).ifPresent(claims -> database.inOneTransaction(() -> {
                revokeJwt(tenant, client, claims);
                return null;
            }));
            return;
        }
        database.inOneTransaction(() -> {
            revokeOpaque(tenant, client, token);
            return null;
        });
    }

    private void revokeOpaque(Tenant tenant, Client client, String token) {
        Optional<RefreshToken> refresh = refreshTokens.find(token).filter(t -> t.tenantId().equals(tenant.id()));
        if (refresh.isPresent()) {
            requireOwner(client, refresh.get().clientId());
            refreshTokens.revokeFamily(tenant.id(), refresh.get().familyId());
            return;
        }
        if (token.length() <= OpaqueTokens.MAX_TOKEN_LENGTH) {
            accessTokens.findOpaque(OpaqueTokens.hash(token)).filter(t -> t.tenantId().equals(tenant.id())).ifPresent(opaque -> {
                requireOwner(client, opaque.clientId());
                accessTokens.revoke(tenant.id(), opaque.jti(), opaque.expiresAt());
            });
        }
    }

    /**
     * Revokes everything of a user: every refresh-token family and its access tokens, every login
     * session, and (through {@code tokensValidAfter}) every access token issued so far.
     *
     * <p>The cut-off is the next whole second ({@link RevocationCutOff}); this returns only once the clock has
     * reached it, up to a second later, so that a login after the answer gets live tokens although a JWT's
     * {@code iat} has whole seconds.
     */
    public void revokeAllOfUser(String tenantId, String userId) {
        revokeAllOfUser(tenantId, userId, SecurityEventType.SESSION_REVOKED);
    }

    /**
     * {@link #revokeAllOfUser(String, String)}, told why: the user event raised is of type {@code reason}
     * ({@link SecurityEventType#SESSION_REVOKED} for "sign out everywhere" and a password reset,
     * {@link SecurityEventType#ACCOUNT_DISABLED}, {@link SecurityEventType#ACCOUNT_PURGED}), with the cut-off as its
     * {@code event_timestamp}: a receiver denying the user's tokens with {@code iat} before it agrees with this server
     * to the second.
     */
    public void revokeAllOfUser(String tenantId, String userId, SecurityEventType reason) {
        Instant cutOff = cutOffs.next();
        database.inOneTransaction(() -> {
            users.setTokensValidAfter(tenantId, userId, cutOff);
            refreshTokens.revokeUser(tenantId, userId);
            sessions.endAllOfUser(tenantId, userId);
            // A user's sub is their id (UserSubjects).
            events.userRevoked(tenantId, reason, userId, cutOff);
            return null;
        });
        // Outside the transaction: the wait holds no connection.
        cutOffs.waitUntilPassed(cutOff);
    }

    private void revokeJwt(Tenant tenant, Client client, JWTClaimsSet claims) {
        requireOwner(client, (String) claims.getClaim("client_id"));
        accessTokens.revoke(tenant.id(), claims.getJWTID(), claims.getExpirationTime().toInstant());
    }

    private static void requireOwner(Client client, String ownerClientId) {
        if (!client.clientId().equals(ownerClientId)) {
            throw OAuthError.unauthorizedClient("The token was not issued to this client").exception();
        }
    }
}
