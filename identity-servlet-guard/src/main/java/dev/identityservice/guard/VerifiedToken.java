package dev.identityservice.guard;

import dev.identityservice.guard.verify.JsonObject;
import java.security.Principal;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An access token whose signature, issuer, audience and lifetime have been verified (RFC 9068 §4),
 * or an active token reported by introspection (RFC 7662 §2.2); it is also the request's
 * {@link Principal}, named by its subject.
 *
 * @param subject   {@code sub}, or {@code client_id} for a token without a subject; never null
 * @param issuer    {@code iss}
 * @param audience  {@code aud}, as a list
 * @param clientId  {@code client_id}, else {@code azp}; empty if neither is present
 * @param expiresAt {@code exp}
 * @param roles     the roles read from the configured claim paths, with the configured prefix
 * @param scopes    the scopes from {@code scope} or {@code scp}
 * @param claims    every claim of the token, unmodifiable
 */
public record VerifiedToken(
        String subject,
        String issuer,
        List<String> audience,
        String clientId,
        Instant expiresAt,
        Set<String> roles,
        Set<String> scopes,
        Map<String, Object> claims) implements Principal {

    /**
     * The servlet request attribute under which {@code servlet.BearerTokenFilter} leaves the token it
     * verified for code behind it; in a servlet container it is also a JAX-RS request property (see
     * {@code ContainerRequestContext#getProperty}).
     */
    public static final String REQUEST_ATTRIBUTE = VerifiedToken.class.getName();

    public VerifiedToken {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(expiresAt, "expiresAt");
        issuer = issuer == null ? "" : issuer;
        clientId = clientId == null ? "" : clientId;
        audience = List.copyOf(audience);
        roles = Set.copyOf(roles);
        scopes = Set.copyOf(scopes);
        // Not Map.copyOf: JSON null is a legitimate claim value. The parser's own objects are immutable already.
        claims = claims instanceof JsonObject parsed ? parsed : Collections.unmodifiableMap(new HashMap<>(claims));
    }

    /** The subject, so that {@code getUserPrincipal().getName()} and {@code getRemoteUser()} name the user. */
    @Override
    public String getName() {
        return subject;
    }

    /** Whether the token grants {@code role} (already prefixed, as configured). */
    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** Whether the token carries {@code scope}. */
    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /** One claim by name, or null. */
    public Object claim(String name) {
        return claims.get(name);
    }

    /** Deliberately omits the claims, which may be personal data, from logs. */
    @Override
    public String toString() {
        return "VerifiedToken[subject=" + subject + ", issuer=" + issuer + ", clientId=" + clientId
                + ", expiresAt=" + expiresAt + ", roles=" + roles + ", scopes=" + scopes + "]";
    }
}
