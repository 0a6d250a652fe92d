package dev.identityservice.core.grant;

import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.token.IssuedTokens;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The token endpoint's logic without HTTP: picks the handler for {@code grant_type} after checking
 * that the (already authenticated) client may use it.
 */
public final class TokenGrants {

    private final Map<GrantType, GrantHandler> handlers = new EnumMap<>(GrantType.class);

    public TokenGrants(List<GrantHandler> handlers) {
        for (GrantHandler handler : handlers) {
            this.handlers.put(handler.grantType(), handler);
        }
    }

    public IssuedTokens handle(TokenRequest request) {
        String value = request.required("grant_type");
        GrantType grantType = GrantType.fromValue(value);
        GrantHandler handler = grantType == null ? null : handlers.get(grantType);
        if (handler == null) {
            throw OAuthError.unsupportedGrantType("Grant type is not supported").exception();
        }
        if (!request.client().allows(grantType)) {
            throw OAuthError.unauthorizedClient("The client may not use grant type " + grantType.value()).exception();
        }
        return handler.handle(request);
    }
}
