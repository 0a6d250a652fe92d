package dev.identityservice.server.ssf;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.TokenIntrospector;
import dev.identityservice.server.error.ChallengeException;
import dev.identityservice.server.http.BearerToken;
import dev.identityservice.server.http.RequestTenant;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Arrays;
import java.util.Map;

/**
 * The client calling a stream or poll endpoint: authenticated by an active access token of the request's tenant
 * (RFC 6750 §2.1, JWT or opaque) carrying the scope {@value #SCOPE}, issued to the client itself (client_credentials),
 * not to a user. A missing or bad token is 401 with a Bearer challenge (RFC 6750 §3.1), a token without the scope
 * or a user's token 403 {@code insufficient_scope}.
 *
 * @param tenant   the request's tenant, whose events the receiver sees
 * @param clientId the token's {@code client_id}: the owner of the streams it may use
 */
record Receiver(Tenant tenant, String clientId) {

    /** The scope a receiver's token must carry. */
    static final String SCOPE = "security_events";

    static Receiver authenticate(ContainerRequestContext request, TokenIntrospector introspector) {
        Tenant tenant = RequestTenant.of(request);
        String token = BearerToken.from(request.getHeaderString(HttpHeaders.AUTHORIZATION), tenant);
        TokenIntrospector.ResolvedAccessToken resolved = introspector.activeAccessToken(tenant, token)
                .orElseThrow(() -> ChallengeException.bearer(OAuthError.invalidToken("The access token is invalid, expired or revoked"),
                        tenant.id(), true));
        if (resolved.user() != null) {
            // A user's token of a receiver client (one that also signs users in) is not the receiver: it would
            // read every revocation of the tenant and hold the client's streams.
            throw ChallengeException.bearer(OAuthError.insufficientScope(
                    "A receiver's token is the client's own (client_credentials), not a user's"), tenant.id(), true);
        }
        Map<String, Object> members = resolved.introspection().members();
        Object scope = members.get("scope");
        boolean scoped = scope instanceof String scopes && Arrays.asList(scopes.split(" ")).contains(SCOPE);
        Object clientId = members.get("client_id");
        if (!scoped || !(clientId instanceof String client)) {
            throw ChallengeException.bearer(OAuthError.insufficientScope("The access token lacks the scope " + SCOPE),
                    tenant.id(), true);
        }
        return new Receiver(tenant, client);
    }
}
