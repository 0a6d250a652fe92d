package dev.identityservice.core.token;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a grant has established and tokens will state: who ({@code user}, or none for
 * client_credentials), for which client, which scopes, and how and when the user authenticated.
 *
 * @param amr       authentication methods (RFC 8176), e.g. {@code pwd}
 * @param nonce     the OIDC nonce to echo in the ID token, or {@code null}
 * @param sessionId the hash of the login session the tokens belong to, or {@code null}
 * @param claims    the claims requested individually (OIDC Core §5.5, {@code acr_values} folded in); never null
 */
public record Authorization(Tenant tenant, Client client, User user, Set<String> scopes, Instant authTime,
                            List<String> amr, String nonce, String sessionId, ClaimsRequest claims) {

    /** An authorization without individually requested claims. */
    public Authorization(Tenant tenant, Client client, User user, Set<String> scopes, Instant authTime,
                         List<String> amr, String nonce, String sessionId) {
        this(tenant, client, user, scopes, authTime, amr, nonce, sessionId, ClaimsRequest.NONE);
    }

    public Authorization {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(authTime, "authTime");
        scopes = Set.copyOf(scopes);
        amr = List.copyOf(amr == null ? List.of() : amr);
        claims = claims == null ? ClaimsRequest.NONE : claims;
    }

    /** Whether the client asked for {@code acr} (§3.1.2.1 {@code acr_values} or §5.5), in the ID token or UserInfo. */
    public boolean acrRequested() {
        return claims.idToken().containsKey("acr") || claims.userinfo().containsKey("acr");
    }

    /** The {@code sub} of the tokens: the user's id, or the client id for a client acting for itself. */
    public String subject() {
        return user == null ? client.clientId() : user.id();
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /** The space-separated scope string of RFC 6749 §3.3, in a stable order. */
    public String scopeString() {
        return String.join(" ", scopes.stream().sorted().toList());
    }
}
