package dev.identityservice.core.grant;

import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.token.Authorization;
import dev.identityservice.core.token.IssuedTokens;
import dev.identityservice.core.token.TokenSetIssuer;
import dev.identityservice.core.user.UserSubjects;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The client credentials grant (RFC 6749 §4.4): a confidential client acting for itself. No refresh
 * token (§4.4.3) and no ID token: there is no user. The token's {@code sub} is the client id, which
 * therefore must lie outside the user subjects' namespace ({@link UserSubjects}, RFC 9068 §5).
 */
public final class ClientCredentialsGrant implements GrantHandler {

    private final TokenSetIssuer issuer;
    private final Clock clock;

    public ClientCredentialsGrant(TokenSetIssuer issuer, Clock clock) {
        this.issuer = issuer;
        this.clock = clock;
    }

    @Override
    public GrantType grantType() {
        return GrantType.CLIENT_CREDENTIALS;
    }

    @Override
    public IssuedTokens handle(TokenRequest request) {
        if (UserSubjects.isUserSubjectShaped(request.client().clientId())) {
            // A client stored before the namespace rule: its sub would be read as a user's (RFC 9068 §5).
            throw OAuthError.unauthorizedClient("This client's id has the shape of a user subject; "
                    + "it cannot get tokens of its own. Register it under another id").exception();
        }
        var scopes = Scopes.grantable(request.client(), request.optional("scope"));
        Authorization authorization = new Authorization(request.tenant(), request.client(), null,
                withoutOpenId(scopes), clock.instant(), List.of(), null, null);
        return issuer.issue(authorization).tokens();
    }

    /** {@code openid} asks for an ID token about a user; a client alone has none to give. */
    private static Set<String> withoutOpenId(Set<String> scopes) {
        Set<String> result = new LinkedHashSet<>(scopes);
        result.remove("openid");
        return result;
    }
}
