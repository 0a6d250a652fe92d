package dev.identityservice.core.token;

import dev.identityservice.core.client.ResponseType;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Issues the tokens the authorization endpoint itself returns in the implicit and hybrid flows (OIDC Core §3.2.2.5,
 * §3.3.2.5; RFC 6749 §4.2.2): an access token when the response type has {@code token}, an ID token when it has
 * {@code id_token}, bound to the access token by {@code at_hash} and to the code by {@code c_hash}. Never a refresh
 * token: one in the browser would outlive everything the front channel exposes it to (RFC 6749 §4.2.2).
 *
 * <p>The access token is made by the same {@link AccessTokenIssuer} as the token endpoint's, so it has the same
 * format, lifetime, key and claims, and revocation, introspection and {@code /userinfo} treat it alike.
 */
public final class FrontChannelTokens {

    /**
     * What one authorization response carries besides the code.
     *
     * @param accessToken the access token, or {@code null} when the response type has no {@code token}
     * @param idToken     the ID token, or {@code null} when the response type has no {@code id_token}
     */
    public record Issued(IssuedAccessToken accessToken, String idToken) {
    }

    private final AccessTokenIssuer accessTokens;
    private final IdTokenIssuer idTokens;
    private final BiConsumer<String, String> issued;

    /**
     * @param issued told (tenant id, client id) after tokens were issued, as the token endpoint's grants tell it
     *               (e.g. that a dynamically registered client is in use)
     */
    public FrontChannelTokens(AccessTokenIssuer accessTokens, IdTokenIssuer idTokens, BiConsumer<String, String> issued) {
        this.accessTokens = Objects.requireNonNull(accessTokens, "accessTokens");
        this.idTokens = Objects.requireNonNull(idTokens, "idTokens");
        this.issued = Objects.requireNonNull(issued, "issued");
    }

    /**
     * The tokens {@code responseType} asks of the authorization endpoint for {@code authorization}.
     *
     * @param code the code issued in the same response (hybrid flow), or {@code null}
     */
    public Issued issue(Authorization authorization, ResponseType responseType, String code) {
        IssuedAccessToken access = responseType.token() ? accessTokens.issue(authorization) : null;
        String idToken = responseType.idToken()
                ? idTokens.issueFrontChannel(authorization, access == null ? null : access.value(), code) : null;
        if (access != null || idToken != null) {
            issued.accept(authorization.tenant().id(), authorization.client().clientId());
        }
        return new Issued(access, idToken);
    }
}
