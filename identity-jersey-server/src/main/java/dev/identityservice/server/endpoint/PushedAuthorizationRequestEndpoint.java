package dev.identityservice.server.endpoint;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.request.PushedAuthorizationRequests;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.http.ClientAuthentication;
import dev.identityservice.server.http.Json;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The pushed authorization request endpoint (RFC 9126 §2): the client authenticates as at the token endpoint and
 * posts the parameters of an authorization request, or a request object in {@code request}; they are validated
 * exactly as the authorization endpoint validates them (one path, {@link AuthorizationRequest}), stored for
 * {@link PushedAuthorizationRequests#LIFETIME}, and answered with 201 and a one-time {@code request_uri}
 * (§2.2). Errors are RFC 6749 §5.2 JSON (§2.3), never redirects: the client is on the line, not a browser.
 */
@Path(EndpointPaths.PAR)
public final class PushedAuthorizationRequestEndpoint {

    /** The authorization request's parameters, and {@code client_secret} of {@code client_secret_post}: none may repeat. */
    static final Set<String> DEFINED = union(AuthorizationRequest.DEFINED, "client_secret");

    private final IdentityEngine engine;
    private final ClientAuthentication clients;

    public PushedAuthorizationRequestEndpoint(IdentityEngine engine, ClientAuthentication clients) {
        this.engine = engine;
        this.clients = clients;
    }

    /**
     * Stores the request.
     *
     * @return 201 with {@code request_uri} and {@code expires_in} (seconds), {@code Cache-Control: no-store}
     * @throws dev.identityservice.core.error.OAuthException {@code invalid_client} (401) when the client does not
     *         authenticate; {@code invalid_request} with a {@code request_uri} (§2.1) or anything the authorization
     *         endpoint would refuse, with that endpoint's error code (e.g. {@code invalid_request_object})
     */
    @POST
    public Response push(@Context ContainerRequestContext request, InputStream body) {
        ClientAuthentication.AuthenticatedForm call = clients.read(request, body);
        Tenant tenant = call.tenant();
        Client client = call.client();
        Map<String, String> parameters = call.form().singleValued(DEFINED);
        if (call.form().optional("request_uri") != null) {
            throw OAuthError.invalidRequest("request_uri must not be sent to the pushed authorization request endpoint").exception();
        }
        AuthorizationRequest authorization;
        try {
            String requestObject = call.form().optional("request");
            authorization = AuthorizationRequest.validate(client, tenant.implicitAndHybridFlows(), requestObject == null ? parameters
                    : AuthorizationRequest.requestObject(tenant, engine, client, requestObject, parameters));
        } catch (AuthorizationFailure failure) {
            throw failure.error().exception();
        }
        PushedAuthorizationRequests.Pushed pushed = engine.pushedRequests().push(tenant.id(), client.clientId(), authorization.carried());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("request_uri", pushed.requestUri());
        answer.put("expires_in", pushed.expiresIn());
        return Response.fromResponse(Json.noStore(answer)).status(Response.Status.CREATED).build();
    }

    private static Set<String> union(Set<String> names, String more) {
        Set<String> all = new HashSet<>(names);
        all.add(more);
        return Set.copyOf(all);
    }
}
