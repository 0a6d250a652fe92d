package dev.identityservice.server.endpoint;

import dev.identityservice.core.token.TokenRevoker;
import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.ClientAuthentication;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * Token revocation (RFC 7009 §2): 200 with an empty body when the token is revoked and also when it is
 * unknown or already invalid (§2.2), since the client's aim is reached either way.
 */
@Path(EndpointPaths.REVOKE)
public final class RevocationEndpoint {

    private final TokenRevoker revoker;
    private final ClientAuthentication clients;

    public RevocationEndpoint(TokenRevoker revoker, ClientAuthentication clients) {
        this.revoker = revoker;
        this.clients = clients;
    }

    @POST
    public Response revoke(@Context ContainerRequestContext request, InputStream body) {
        ClientAuthentication.AuthenticatedForm call = clients.read(request, body);
        revoker.revoke(call.tenant(), call.client(), call.form().optional("token"), call.form().optional("token_type_hint"));
        return Response.ok().header(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE).build();
    }
}
