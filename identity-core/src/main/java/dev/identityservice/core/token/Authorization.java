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
 */
public record Authorization(Tenant tenant, Client client, User user, Set<String> scopes, Instant authTime,
                            List<String> amr, String nonce, String sessionId) {

    public Authorization {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(authTime, "authTime");
        scopes = Set.copyOf(scopes);
        amr = List.copyOf(amr == null ? List.of() : amr);
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
