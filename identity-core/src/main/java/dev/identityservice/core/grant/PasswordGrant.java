package dev.identityservice.core.grant;

import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.token.AuthenticationContext;
import dev.identityservice.core.token.Authorization;
import dev.identityservice.core.token.IssuedTokens;
import dev.identityservice.core.token.TokenSetIssuer;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserAuthenticator;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * The resource owner password credentials grant (RFC 6749 §4.3): the core story of seed 000.
 * One Argon2id verification, then the tokens.
 */
public final class PasswordGrant implements GrantHandler {

    private final UserAuthenticator users;
    private final TokenSetIssuer issuer;
    private final Clock clock;

    public PasswordGrant(UserAuthenticator users, TokenSetIssuer issuer, Clock clock) {
        this.users = users;
        this.issuer = issuer;
        this.clock = clock;
    }

    @Override
    public GrantType grantType() {
        return GrantType.PASSWORD;
    }

    @Override
    public IssuedTokens handle(TokenRequest request) {
        String username = request.required("username");
        char[] password = request.required("password").toCharArray();
        var scopes = Scopes.grantable(request.client(), request.optional("scope"));
        User user;
        try {
            user = users.authenticate(request.tenant().id(), username, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        Authorization authorization = new Authorization(request.tenant(), request.client(), user, scopes,
                clock.instant(), List.of(AuthenticationContext.AMR_PASSWORD), null, null);
        return issuer.issue(authorization).tokens();
    }
}
