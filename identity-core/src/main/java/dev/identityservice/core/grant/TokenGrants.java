package dev.identityservice.core.grant;

import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.token.IssuedTokens;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The token endpoint's logic without HTTP: picks the handler for {@code grant_type} after checking
 * that the (already authenticated) client may use it.
 */
public final class TokenGrants {

    private final Map<GrantType, GrantHandler> handlers = new EnumMap<>(GrantType.class);
    private final BiConsumer<String, String> issued;

    public TokenGrants(List<GrantHandler> handlers) {
        this(handlers, (tenantId, clientId) -> { });
    }

    /**
     * @param issued told (tenant id, client id) after every grant that issued tokens, e.g. to note that a
     *               dynamically registered client is in use; must be cheap and must not throw
     */
    public TokenGrants(List<GrantHandler> handlers, BiConsumer<String, String> issued) {
        for (GrantHandler handler : handlers) {
            this.handlers.put(handler.grantType(), handler);
        }
        this.issued = issued;
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
        IssuedTokens tokens = handler.handle(request);
        issued.accept(request.client().tenantId(), request.client().clientId());
        return tokens;
    }
}
