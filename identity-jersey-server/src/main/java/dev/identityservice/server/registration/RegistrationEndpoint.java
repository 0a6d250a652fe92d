package dev.identityservice.server.registration;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.ApplicationType;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientRegistrationRules;
import dev.identityservice.core.client.ClientSecrets;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.registration.ClientRegistrations.RegistrationRefused;
import dev.identityservice.core.registration.RegistrationMode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.OpaqueTokens;
import dev.identityservice.server.endpoint.EndpointPaths;
import dev.identityservice.server.error.ChallengeException;
import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.BearerToken;
import dev.identityservice.server.http.BoundedBody;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.http.RequestTenant;
import dev.identityservice.server.http.Utf8;
import dev.identityservice.server.setup.SetupFile.ClientEntry;
import dev.identityservice.server.setup.SetupImporter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The client registration endpoint (RFC 7591 §3, OpenID Connect Registration 1.0 §3) and the client
 * configuration endpoint of each registered client (RFC 7592 §2: read, update, delete).
 *
 * <ul>
 *   <li>Only where the tenant's {@link RegistrationMode} is enabled; otherwise every path here is 404, as if
 *       it did not exist, and discovery names no {@code registration_endpoint}.</li>
 *   <li>{@link RegistrationMode#INITIAL_ACCESS_TOKEN}: {@code Authorization: Bearer} with an unexpired initial
 *       access token that has a use left; none is 401 with a bare challenge, a wrong one 401 {@code invalid_token}.</li>
 *   <li>Bounds: a body of at most {@value BoundedBody#MAX_BYTES} bytes (else 413), and at most the configured number
 *       of registered clients per tenant (else 403 {@code access_denied}), counted under a per-tenant lock.</li>
 *   <li>A confidential client's secret is returned once, here, and stored as a hash; it does not expire
 *       ({@code client_secret_expires_at} 0).</li>
 *   <li>RFC 7592: the registration access token is 256 random bits stored as SHA-256 and compared in constant
 *       time. A read or an update returns a new one and the old one stops working at once (§3 requires the token
 *       in each answer, and only its hash is kept). A wrong token, an unknown client and a client created by the
 *       management API are the same 401 {@code invalid_token}.</li>
 * </ul>
 */
@Path(EndpointPaths.REGISTER)
public final class RegistrationEndpoint {

    private final IdentityEngine engine;
    private final Duration defaultAccessTokenTtl;
    private final int maxClients;
    private final RegistrationThrottle throttle;

    /**
     * @param defaultAccessTokenTtl the access token lifetime of registered clients
     * @param maxClients            the most registered clients per tenant
     * @param throttle              the budget of registrations per client network
     */
    public RegistrationEndpoint(IdentityEngine engine, Duration defaultAccessTokenTtl, int maxClients, RegistrationThrottle throttle) {
        this.engine = engine;
        this.defaultAccessTokenTtl = defaultAccessTokenTtl;
        this.maxClients = maxClients;
        this.throttle = throttle;
    }

    /**
     * Registers a client: 201 with its client information response (RFC 7591 §3.2.1, RFC 7592 §3); 429 with
     * {@code Retry-After} when the client's network has used up its registrations ({@link RegistrationThrottle}).
     */
    @POST
    public Response register(@Context ContainerRequestContext request, @Context HttpServletRequest servletRequest, InputStream body) {
        Tenant tenant = enabledTenant(request);
        Runnable giveBack = throttle.acquire(tenant.id(), servletRequest.getRemoteAddr());
        Client client;
        String secret;
        String registrationAccessToken;
        try {
            String initialAccessToken = null;
            if (tenant.registrationMode() == RegistrationMode.INITIAL_ACCESS_TOKEN) {
                initialAccessToken = BearerToken.from(request.getHeaderString(HttpHeaders.AUTHORIZATION), tenant);
                if (!engine.registrations().acceptsInitialAccessToken(tenant.id(), initialAccessToken)) {
                    throw invalidToken(tenant, "The initial access token is unknown, expired or used up");
                }
            }
            ClientMetadata.Request parsed = ClientMetadata.parse(json(request, body), idTokenSigningAlgs(tenant), tenant.implicitAndHybridFlows());
            secret = parsed.needsSecret() ? ClientSecrets.generate() : null;
            Instant now = engine.clock().instant();
            client = build(tenant, parsed.entry().withClientId(OpaqueTokens.newJti()),
                    secret == null ? null : ClientSecrets.hash(secret), now, now);
            try {
                registrationAccessToken = engine.registrations().register(client, initialAccessToken, maxClients);
            } catch (RegistrationRefused e) {
                throw switch (e.outcome()) {
                    case INITIAL_ACCESS_TOKEN_REFUSED -> invalidToken(tenant, "The initial access token is unknown, expired or used up");
                    case LIMIT_REACHED -> OAuthError.accessDenied("This issuer has its maximum of " + maxClients
                            + " registered clients").exception();
                    default -> new IllegalStateException("a generated client id was taken: " + e.outcome());
                };
            }
        } catch (RuntimeException e) {
            giveBack.run(); // refused: only clients actually created count against the network's budget
            throw e;
        }
        URI location = configurationUri(tenant, client);
        return json(Response.created(location), information(tenant, client, secret, registrationAccessToken));
    }

    /** Reads a registered client (RFC 7592 §2.1); the answer carries a new registration access token. */
    @GET
    @Path("{clientId}")
    public Response read(@Context ContainerRequestContext request, @PathParam("clientId") String clientId) {
        Tenant tenant = enabledTenant(request);
        String token = BearerToken.from(request.getHeaderString(HttpHeaders.AUTHORIZATION), tenant);
        Client client = authorized(tenant, clientId, token);
        return json(Response.ok(), information(tenant, client, null, rotate(tenant, clientId, token)));
    }

    /**
     * Replaces a registered client's metadata (RFC 7592 §2.2). {@code client_id} must be this client's; a
     * {@code client_secret} given must be the current one (a client never chooses its secret). A public client
     * made confidential gets a generated secret in this answer; the answer carries a new registration access token.
     */
    @PUT
    @Path("{clientId}")
    public Response update(@Context ContainerRequestContext request, @PathParam("clientId") String clientId, InputStream body) {
        Tenant tenant = enabledTenant(request);
        String token = BearerToken.from(request.getHeaderString(HttpHeaders.AUTHORIZATION), tenant);
        Client existing = authorized(tenant, clientId, token);
        ClientMetadata.Request parsed = ClientMetadata.parse(json(request, body), idTokenSigningAlgs(tenant), tenant.implicitAndHybridFlows());
        if (!clientId.equals(parsed.clientId())) {
            throw ClientMetadata.invalid("client_id must be given and be this client's id (RFC 7592 §2.2)");
        }
        if (parsed.clientSecret() != null && !ClientSecrets.matches(parsed.clientSecret(), existing.secretHash())) {
            throw ClientMetadata.invalid("client_secret must be the current secret; a client cannot choose its secret");
        }
        String secret = parsed.needsSecret() && existing.secretHash() == null ? ClientSecrets.generate() : null;
        String secretHash = !parsed.needsSecret() ? null : secret != null ? ClientSecrets.hash(secret) : existing.secretHash();
        Client client = build(tenant, parsed.entry().withClientId(clientId), secretHash, existing.createdAt(), engine.clock().instant());
        String next = rotate(tenant, clientId, token);
        try {
            engine.clients().update(client);
        } catch (IllegalStateException deletedMeanwhile) {
            throw invalidToken(tenant, "The registration access token is invalid");
        }
        return json(Response.ok(), information(tenant, client, secret, next));
    }

    /** Deletes a registered client (RFC 7592 §2.3): 204; its tokens stop working with it. */
    @DELETE
    @Path("{clientId}")
    public Response delete(@Context ContainerRequestContext request, @PathParam("clientId") String clientId) {
        Tenant tenant = enabledTenant(request);
        String token = BearerToken.from(request.getHeaderString(HttpHeaders.AUTHORIZATION), tenant);
        authorized(tenant, clientId, token);
        engine.clients().delete(tenant.id(), clientId);
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE).build();
    }

    private static Tenant enabledTenant(ContainerRequestContext request) {
        Tenant tenant = RequestTenant.of(request);
        if (!tenant.registrationMode().enabled()) {
            throw new NotFoundException();
        }
        return tenant;
    }

    private Client authorized(Tenant tenant, String clientId, String token) {
        return engine.registrations().authorize(tenant.id(), clientId, token)
                .orElseThrow(() -> invalidToken(tenant, "The registration access token is invalid"));
    }

    private String rotate(Tenant tenant, String clientId, String token) {
        return engine.registrations().rotate(tenant.id(), clientId, token)
                .orElseThrow(() -> invalidToken(tenant, "The registration access token is invalid"));
    }

    /**
     * The client of {@code entry}, checked by the management API's rules: a bad redirect URI is
     * {@code invalid_redirect_uri}, anything else {@code invalid_client_metadata} (RFC 7591 §3.2.2).
     */
    private Client build(Tenant tenant, ClientEntry entry, String secretHash, Instant createdAt, Instant updatedAt) {
        ApplicationType type;
        try {
            type = ApplicationType.parse(entry.applicationType());
        } catch (IllegalArgumentException e) {
            throw ClientMetadata.invalid(e.getMessage());
        }
        try {
            ClientRegistrationRules.requireRedirectUris(type,
                    entry.grantTypes() != null && entry.grantTypes().contains(GrantType.IMPLICIT.value()),
                    entry.redirectUris() == null ? List.of() : entry.redirectUris());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new OAuthError(ClientMetadata.INVALID_REDIRECT_URI, e.getMessage() == null ? "redirect_uris: a value is null"
                    : e.getMessage(), 400).exception();
        }
        try {
            return SetupImporter.registrableClient(tenant.id(), entry, defaultAccessTokenTtl, secretHash, createdAt, updatedAt,
                    engine.outbound());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ClientMetadata.invalid(e.getMessage() == null ? "A value is missing or null" : e.getMessage());
        }
    }

    private Map<String, Object> information(Tenant tenant, Client client, String secret, String registrationAccessToken) {
        Map<String, Object> info = ClientMetadata.of(client);
        if (client.secretHash() != null) {
            // RFC 7591 §3.2.1: a client that never obtains a token is deleted at this time, its secret with it.
            info.put("client_secret_expires_at", engine.registrations().expiresAt(tenant.id(), client.clientId())
                    .map(Instant::getEpochSecond).orElse(0L));
        }
        if (secret != null) {
            info.put("client_secret", secret);
        }
        info.put("registration_access_token", registrationAccessToken);
        info.put("registration_client_uri", configurationUri(tenant, client).toString());
        return info;
    }

    /** The algorithms this tenant can sign ID tokens with now (RS256 always, OIDC Core §15.1). */
    private java.util.Set<String> idTokenSigningAlgs(Tenant tenant) {
        return engine.keys().keyRing(tenant.id()).idTokenAlgorithms().stream().map(Enum::name)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    private static URI configurationUri(Tenant tenant, Client client) {
        // Generated ids are base64url: nothing to encode.
        return URI.create(EndpointPaths.url(tenant.issuer(), EndpointPaths.REGISTER) + "/" + client.clientId());
    }

    private static ChallengeException invalidToken(Tenant tenant, String description) {
        return ChallengeException.bearer(OAuthError.invalidToken(description), tenant.id(), true);
    }

    /** The body as JSON text: {@code application/json}, UTF-8, at most {@value BoundedBody#MAX_BYTES} bytes. */
    private static String json(ContainerRequestContext request, InputStream body) {
        MediaType type = request.getMediaType();
        if (type == null || !"application".equals(type.getType()) || !"json".equals(type.getSubtype())) {
            throw new OAuthError("invalid_request", "Content-Type must be application/json (RFC 7591 §3.1)", 415).exception();
        }
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !Utf8.isUtf8(charset)) {
            throw OAuthError.invalidRequest("The body must be UTF-8").exception();
        }
        return Utf8.decode(BoundedBody.read(body, request.getLength()))
                .orElseThrow(() -> OAuthError.invalidRequest("The body is not valid UTF-8").exception());
    }

    /** RFC 7591 §3.2.1: {@code Cache-Control: no-store} and {@code Pragma: no-cache} on every answer with credentials. */
    private static Response json(Response.ResponseBuilder response, Map<String, Object> body) {
        return response.entity(Json.bytes(body)).type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE).header("Pragma", "no-cache").build();
    }
}
