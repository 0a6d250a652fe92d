package dev.identityservice.server.endpoint;

import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.UserInfoProvider;
import dev.identityservice.server.error.ChallengeException;
import dev.identityservice.server.http.BearerToken;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.http.RequestTenant;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * The UserInfo endpoint (OIDC Core §5.3), GET and POST, with the access token in the
 * {@code Authorization: Bearer} header; errors are RFC 6750 §3 challenges.
 */
@Path(EndpointPaths.USERINFO)
public final class UserInfoEndpoint {

    private final UserInfoProvider userInfo;

    public UserInfoEndpoint(UserInfoProvider userInfo) {
        this.userInfo = userInfo;
    }

    @GET
    public Response get(@Context ContainerRequestContext request) {
        return userInfo(request);
    }

    @POST
    public Response post(@Context ContainerRequestContext request) {
        return userInfo(request);
    }

    private Response userInfo(ContainerRequestContext request) {
        Tenant tenant = RequestTenant.of(request);
        String token = BearerToken.from(request.getHeaderString(HttpHeaders.AUTHORIZATION), tenant);
        try {
            return Json.noStore(userInfo.userInfo(tenant, token));
        } catch (OAuthException e) {
            throw ChallengeException.bearer(e.error(), tenant.id(), true);
        }
    }
}
