package dev.identityservice.server.endpoint;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.UserInfoProvider;
import dev.identityservice.server.error.ChallengeException;
import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.BearerToken;
import dev.identityservice.server.http.Form;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.http.RequestTenant;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * The UserInfo endpoint (OIDC Core §5.3), GET and POST (§5.3.1). The access token comes in the
 * {@code Authorization: Bearer} header (RFC 6750 §2.1) or, on a POST, as {@code access_token} in an
 * {@code application/x-www-form-urlencoded} body (RFC 6750 §2.2); a request that uses both is
 * {@code invalid_request} (RFC 6750 §2: exactly one method). Errors are RFC 6750 §3 challenges. The answer is
 * JSON, or a signed JWT ({@code application/jwt}) for a client that registered {@code userinfo_signed_response_alg}.
 */
@Path(EndpointPaths.USERINFO)
public final class UserInfoEndpoint {

    /** RFC 7519 §10.3.1 / OIDC Core §5.3.2: the media type of a signed UserInfo response. */
    public static final String APPLICATION_JWT = "application/jwt";

    private final UserInfoProvider userInfo;

    public UserInfoEndpoint(UserInfoProvider userInfo) {
        this.userInfo = userInfo;
    }

    @GET
    public Response get(@Context ContainerRequestContext request) {
        Tenant tenant = RequestTenant.of(request);
        return userInfo(request, tenant, BearerToken.from(request.getHeaderString(HttpHeaders.AUTHORIZATION), tenant));
    }

    @POST
    public Response post(@Context ContainerRequestContext request, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String inBody = bodyToken(request, body, tenant);
        if (inBody == null) {
            return userInfo(request, tenant, BearerToken.from(header, tenant));
        }
        if (header != null) {
            throw ChallengeException.bearer(OAuthError.invalidRequest("The access token was sent in more than one way"),
                    tenant.id(), true);
        }
        return userInfo(request, tenant, BearerToken.fromFormValue(inBody, tenant));
    }

    /** The {@code access_token} of a form body (RFC 6750 §2.2), or {@code null} when the body is no form or has none. */
    private static String bodyToken(ContainerRequestContext request, InputStream body, Tenant tenant) {
        MediaType type = request.getMediaType();
        if (type == null || !MediaType.APPLICATION_FORM_URLENCODED_TYPE.isCompatible(type) || type.isWildcardSubtype()) {
            return null;
        }
        try {
            return Form.read(type, request.getLength(), body).optional("access_token");
        } catch (OAuthException e) {
            throw ChallengeException.bearer(e.error(), tenant.id(), true);
        }
    }

    /** The answer for {@code token}: {@link UserInfoFilter}'s refusal if it tried this request, else the provider's. */
    private Response userInfo(ContainerRequestContext request, Tenant tenant, String token) {
        UserInfoProvider.UserInfo answer;
        try {
            FrontOfJersey.rethrowRefusal(request, tenant);
            answer = userInfo.userInfo(tenant, token);
        } catch (OAuthException e) {
            throw ChallengeException.bearer(e.error(), tenant.id(), true);
        }
        if (answer.signedJwt() == null) {
            return Json.noStore(answer.claims());
        }
        return Response.ok(answer.signedJwt(), APPLICATION_JWT)
                .header(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE)
                .header("Pragma", "no-cache")
                .build();
    }
}
