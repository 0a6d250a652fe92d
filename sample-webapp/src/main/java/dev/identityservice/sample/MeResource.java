package dev.identityservice.sample;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.identityservice.guard.VerifiedToken;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/** {@code GET /api/me}: role {@code user}; who the access token says the caller is. */
@Path("me")
public final class MeResource {

    private final ApiStats stats;

    MeResource(ApiStats stats) {
        this.stats = stats;
    }

    @GET
    @RolesAllowed("user")
    @Produces(MediaType.APPLICATION_JSON)
    public String me(@Context SecurityContext security) {
        VerifiedToken token = (VerifiedToken) security.getUserPrincipal();
        stats.countMeRequest();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("subject", token.subject());
        answer.put("name", displayName(token));
        answer.put("roles", new TreeSet<>(token.roles()));
        answer.put("scopes", new TreeSet<>(token.scopes()));
        answer.put("clientId", token.clientId());
        answer.put("expiresAt", token.expiresAt().toString());
        answer.put("greeting", "Hello, " + displayName(token) + "!");
        return JSONObjectUtils.toJSONString(answer);
    }

    /**
     * The most human name the token carries: {@code preferred_username}, then {@code name}, then
     * {@code sub}. RFC 9068 access tokens need carry no profile claims, so {@code sub} is the usual answer.
     */
    static String displayName(VerifiedToken token) {
        for (String claim : new String[] {"preferred_username", "name"}) {
            if (token.claim(claim) instanceof String value && !value.isBlank()) {
                return value;
            }
        }
        return token.subject();
    }
}
