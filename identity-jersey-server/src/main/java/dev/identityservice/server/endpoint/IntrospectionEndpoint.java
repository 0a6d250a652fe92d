package dev.identityservice.server.endpoint;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.TokenIntrospector;
import dev.identityservice.server.http.ClientAuthentication;
import dev.identityservice.server.http.Form;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.http.RequestTenant;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Map;

/**
 * Token introspection (RFC 7662 §2) for confidential clients: a public client cannot keep a credential,
 * so it cannot be trusted with what introspection reveals (§4: the endpoint must not become a token-scanning oracle).
 * A client learns only about its own tokens and access tokens meant for it (its client id, or one of its
 * {@code introspectionAudiences}, in {@code aud}); anything else answers {@code {"active": false}}.
 */
@Path(EndpointPaths.INTROSPECT)
public final class IntrospectionEndpoint {

    private final TokenIntrospector introspector;
    private final ClientAuthentication clients;

    public IntrospectionEndpoint(TokenIntrospector introspector, ClientAuthentication clients) {
        this.introspector = introspector;
        this.clients = clients;
    }

    @POST
    public Response introspect(@Context ContainerRequestContext request, InputStream body) {
        FrontOfJersey.rethrowRefusal(request, RequestTenant.of(request));
        ClientAuthentication.AuthenticatedForm call = clients.read(request, body);
        return Json.noStore(answer(call.tenant(), call.client(), call.form()));
    }

    /**
     * The answer's members for the form of a request to {@code tenant}'s endpoint, its client authenticated from
     * {@code authorization} (the header, or {@code null}) and the form ({@link ClientAuthentication#authenticate}).
     *
     * @throws dev.identityservice.core.error.OAuthException {@code invalid_client} (a failed authentication, a public
     *         client), {@code invalid_request} (no {@code token}): RFC 7662 §2.3 and RFC 6749 §5.2
     */
    Map<String, Object> answer(Tenant tenant, String authorization, Form form) {
        return answer(tenant, clients.authenticate(tenant, authorization, form), form);
    }

    private Map<String, Object> answer(Tenant tenant, Client client, Form form) {
        if (client.isPublic()) {
            throw OAuthError.invalidClient("Public clients may not introspect tokens").exception();
        }
        String token = form.optional("token");
        if (token == null) {
            throw OAuthError.invalidRequest("Missing parameter 'token'").exception();
        }
        return introspector.introspect(tenant, client, token, form.optional("token_type_hint")).members();
    }
}
