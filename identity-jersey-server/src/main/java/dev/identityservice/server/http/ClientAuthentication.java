package dev.identityservice.server.http;

import dev.identityservice.core.client.BasicCredentials;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientAssertions;
import dev.identityservice.core.client.ClientAuthenticator;
import dev.identityservice.core.client.ClientCredentials;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.endpoint.EndpointPaths;
import dev.identityservice.server.error.ChallengeException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.InputStream;
import java.util.Objects;
import java.util.Set;

/**
 * Client authentication from a request (RFC 6749 §2.3): {@code client_secret_basic} (the
 * {@code Authorization: Basic} header), {@code client_secret_post} ({@code client_id} and
 * {@code client_secret} in the form), {@code private_key_jwt} ({@code client_assertion_type} and a signed
 * {@code client_assertion}, RFC 7523 §2.2, verified by {@link ClientAssertions}) or {@code none} ({@code client_id}
 * only, public clients).
 *
 * <p>Using two methods at once is {@code invalid_request} (§2.3: "MUST NOT use more than one
 * authentication method in each request"). A failure after Basic is 401 with a {@code WWW-Authenticate:
 * Basic} challenge (§5.2); after the form methods it is 401 without one, since a browser seeing the
 * challenge would prompt for credentials the client never sent that way.
 */
public final class ClientAuthentication {

    private static final String BASIC = "basic ";

    private final ClientAuthenticator authenticator;
    private final ClientAssertions assertions;

    public ClientAuthentication(ClientAuthenticator authenticator, ClientAssertions assertions) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.assertions = Objects.requireNonNull(assertions, "assertions");
    }

    /** A form request of an authenticated client, to the token, introspection or revocation endpoint. */
    public record AuthenticatedForm(Tenant tenant, Client client, Form form) {
    }

    /** Reads the form of {@code request} and authenticates its client against the request's tenant. */
    public AuthenticatedForm read(ContainerRequestContext request, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        Form form = Form.read(request.getMediaType(), request.getLength(), body);
        return new AuthenticatedForm(tenant, authenticate(tenant, request.getHeaderString(HttpHeaders.AUTHORIZATION), form), form);
    }

    /**
     * The authenticated client of {@code tenant}.
     *
     * @param authorization the {@code Authorization} header, or {@code null}
     */
    public Client authenticate(Tenant tenant, String authorization, Form form) {
        boolean basic = authorization != null && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length());
        String formId = form.optional("client_id");
        String formSecret = form.optional("client_secret");
        String assertionType = form.optional("client_assertion_type");
        String assertion = form.optional("client_assertion");
        if (assertionType != null || assertion != null) {
            if (basic || formSecret != null) {
                throw OAuthError.invalidRequest("Use one client authentication method, not a client assertion and a secret").exception();
            }
            if (!ClientAssertions.JWT_BEARER.equals(assertionType) || assertion == null) {
                throw OAuthError.invalidRequest("client_assertion_type must be " + ClientAssertions.JWT_BEARER
                        + ", with a client_assertion").exception();
            }
            Set<String> audiences = audiences(tenant);
            return assertions.authenticate(tenant.id(), assertion, formId, audiences);
        }
        ClientCredentials credentials;
        if (basic) {
            if (formSecret != null) {
                throw OAuthError.invalidRequest("Use one client authentication method, not Basic and client_secret").exception();
            }
            credentials = basicChallengeOnFailure(tenant, () -> BasicCredentials.parse(authorization));
            if (formId != null && !formId.equals(credentials.clientId())) {
                throw OAuthError.invalidRequest("client_id does not match the Basic credentials").exception();
            }
            ClientCredentials parsed = credentials;
            return basicChallengeOnFailure(tenant, () -> authenticator.authenticate(tenant.id(), parsed));
        }
        if (formSecret != null) {
            if (formId == null) {
                throw ClientAuthenticator.FAILED.exception();
            }
            credentials = new ClientCredentials(formId, formSecret, ClientCredentials.Method.POST);
        } else if (formId != null) {
            credentials = ClientCredentials.none(formId);
        } else {
            throw ChallengeException.basic(OAuthError.invalidClient("Client authentication is required"), tenant.id());
        }
        return authenticator.authenticate(tenant.id(), credentials);
    }

    /**
     * The {@code aud} values that name this server in a client assertion, the same at every endpoint that
     * authenticates clients: the token endpoint's URL (RFC 7523 §3 item 3), the issuer (OIDC Core §9), and the
     * pushed authorization request endpoint's URL, which RFC 9126 §2 says the server MUST accept as well.
     */
    static Set<String> audiences(Tenant tenant) {
        return Set.of(tenant.issuer().toString(), EndpointPaths.url(tenant.issuer(), EndpointPaths.TOKEN),
                EndpointPaths.url(tenant.issuer(), EndpointPaths.PAR));
    }

    private static <T> T basicChallengeOnFailure(Tenant tenant, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (OAuthException e) {
            throw ChallengeException.basic(e.error(), tenant.id());
        }
    }
}
