package dev.identityservice.core.grant;

import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.token.IssuedTokens;

/** Turns one kind of grant (RFC 6749 §4) into tokens; one implementation per grant type. */
public interface GrantHandler {

    GrantType grantType();

    /** Issues tokens or throws {@link dev.identityservice.core.error.OAuthException}. */
    IssuedTokens handle(TokenRequest request);
}
