package dev.identityservice.server.registration;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identityservice.core.client.ApplicationType;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientCredentials;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.client.ResponseType;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.server.endpoint.DiscoveryDocument;
import dev.identityservice.server.setup.SetupFile.ClientEntry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Client metadata as RFC 7591 §2 and OpenID Connect Registration 1.0 §2 write it, mapped to and from the
 * management API's client shape ({@link ClientEntry}), so that a registered client is built and checked by the
 * same code as any other ({@code SetupImporter.registrableClient}). This class adds only what is particular to
 * self-registration:
 *
 * <ul>
 *   <li>Defaults of RFC 7591 §2: {@code response_types} {@code code}; {@code grant_types} what the response types
 *       need (RFC 7591 §2.1: {@code authorization_code} for {@code code}, {@code implicit} for {@code id_token} and
 *       {@code token}); that the two agree when both are given is checked with the management API's rules
 *       ({@code ClientRegistrationRules#requireConsistentResponseTypes}); {@code token_endpoint_auth_method} {@code client_secret_basic}; OIDC Registration §2:
 *       {@code application_type} {@code web}; {@code scope}: {@link DiscoveryDocument#SCOPES}.</li>
 *   <li>What a client may not give itself: the {@code password} grant (it hands users' passwords to the
 *       client), the {@code implicit} grant and response types beyond {@code code} unless the tenant enables the
 *       implicit and hybrid flows ({@code Tenant#implicitAndHybridFlows}, off by default, RFC 9700 §2.1.2), scopes beyond {@link DiscoveryDocument#SCOPES} (a resource server may grant by scope), and any
 *       metadata this server cannot honour ({@link #UNSUPPORTED}): each is {@code invalid_client_metadata}.</li>
 *   <li>Unknown metadata is ignored (RFC 7591 §2), language-tagged names such as {@code client_name#fr} too.</li>
 * </ul>
 */
final class ClientMetadata {

    static final String INVALID_METADATA = "invalid_client_metadata";
    static final String INVALID_REDIRECT_URI = "invalid_redirect_uri";

    /** Grant types a client may register for itself; {@code implicit} only where the tenant enables it. */
    static final Set<GrantType> SELF_SERVICE_GRANTS = Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN,
            GrantType.CLIENT_CREDENTIALS, GrantType.IMPLICIT);

    /**
     * Metadata this server knows but cannot honour: refused when given with a value other than the one that asks
     * for nothing ({@code false} for the booleans), rather than silently registered and then not done.
     */
    static final List<String> UNSUPPORTED = List.of("userinfo_encrypted_response_alg",
            "userinfo_encrypted_response_enc", "id_token_encrypted_response_alg", "id_token_encrypted_response_enc",
            "request_object_encryption_alg", "request_object_encryption_enc", "token_endpoint_auth_signing_alg",
            "default_max_age", "default_acr_values", "initiate_login_uri", "sector_identifier_uri",
            "frontchannel_logout_uri",
            "frontchannel_logout_session_required", "tls_client_certificate_bound_access_tokens",
            "authorization_signed_response_alg", "authorization_encrypted_response_alg",
            "authorization_encrypted_response_enc");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** A registration or update request, parsed. */
    record Request(ClientEntry entry, ObjectNode json) {

        /** {@code client_id} of an update request (RFC 7592 §2.2), or {@code null}. */
        String clientId() {
            return text(json, "client_id");
        }

        /** {@code client_secret} of an update request (RFC 7592 §2.2), or {@code null}. */
        String clientSecret() {
            return text(json, "client_secret");
        }

        boolean isPublic() {
            return Boolean.TRUE.equals(entry.publicClient());
        }

        /** Whether the client authenticates with a secret: not a public one, not a private_key_jwt one (RFC 7523). */
        boolean needsSecret() {
            return !isPublic() && !ClientCredentials.Method.PRIVATE_KEY_JWT.value().equals(entry.tokenEndpointAuthMethod());
        }
    }

    private ClientMetadata() {
    }

    /**
     * Parses a JSON object of client metadata.
     *
     * @param idTokenSigningAlgs the algorithms this tenant can sign ID tokens with now
     * @param implicitAndHybridFlows whether the tenant enables the implicit and hybrid flows, without which only
     *                     {@code code} may be registered as a response type and {@code implicit} is no grant type
     * @throws OAuthException {@code invalid_client_metadata} naming the field, or {@code invalid_request} for malformed JSON
     */
    static Request parse(String body, java.util.Set<String> idTokenSigningAlgs, boolean implicitAndHybridFlows) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw OAuthError.invalidRequest("The body must be one JSON object of client metadata (RFC 7591 §3.1)").exception();
        }
        if (!(node instanceof ObjectNode json)) {
            throw OAuthError.invalidRequest("The body must be one JSON object of client metadata (RFC 7591 §3.1)").exception();
        }
        refuseUnsupported(json);
        if (json.hasNonNull("software_statement")) {
            throw new OAuthError("unapproved_software_statement", "Software statements are not accepted here", 400).exception();
        }
        String subjectType = text(json, "subject_type");
        if (subjectType != null && !"public".equals(subjectType)) {
            throw invalid("subject_type: only public is supported");
        }
        String idTokenAlg = text(json, "id_token_signed_response_alg");
        if (idTokenAlg != null && !idTokenSigningAlgs.contains(idTokenAlg)) {
            throw invalid("id_token_signed_response_alg: ID tokens of this issuer are signed with one of " + idTokenSigningAlgs);
        }
        String userinfoAlg = text(json, "userinfo_signed_response_alg");
        if (userinfoAlg != null && !idTokenSigningAlgs.contains(userinfoAlg)) {
            throw invalid("userinfo_signed_response_alg: this issuer signs with one of " + idTokenSigningAlgs);
        }
        JsonNode sessionRequired = json.get("backchannel_logout_session_required");
        if (sessionRequired != null && !sessionRequired.isNull() && !sessionRequired.isBoolean()) {
            throw invalid("backchannel_logout_session_required must be a boolean");
        }
        JsonNode requirePar = json.get("require_pushed_authorization_requests");
        if (requirePar != null && !requirePar.isNull() && !requirePar.isBoolean()) {
            throw invalid("require_pushed_authorization_requests must be a boolean");
        }
        if (json.has("require_auth_time") && !json.get("require_auth_time").isBoolean() && !json.get("require_auth_time").isNull()) {
            throw invalid("require_auth_time must be a boolean"); // auth_time is in every ID token anyway
        }
        String method = text(json, "token_endpoint_auth_method");
        ClientCredentials.Method authMethod;
        try {
            authMethod = method == null ? ClientCredentials.Method.BASIC : ClientCredentials.Method.parse(method);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        List<String> responseTypeValues = strings(json, "response_types");
        Set<ResponseType> responseTypes = new LinkedHashSet<>();
        for (String value : responseTypeValues == null ? List.of(ResponseType.CODE.value()) : responseTypeValues) {
            ResponseType type;
            try {
                type = ResponseType.parse(value);
            } catch (IllegalArgumentException e) {
                type = null;
            }
            if (type == null || (type.frontChannel() && !implicitAndHybridFlows)) {
                throw invalid("response_types: '" + value + "' is not supported here; use "
                        + (implicitAndHybridFlows ? ResponseType.SUPPORTED.stream().map(ResponseType::value).toList() : "code"));
            }
            responseTypes.add(type);
        }
        List<String> grantTypes = strings(json, "grant_types");
        if (grantTypes == null) {
            // RFC 7591 §2.1: what the response types need (authorization_code for the default code).
            grantTypes = responseTypes.stream().flatMap(t -> t.grantTypes().stream()).distinct().map(GrantType::value).toList();
            if (grantTypes.isEmpty()) {
                grantTypes = List.of(GrantType.AUTHORIZATION_CODE.value());
            }
        }
        for (String grant : grantTypes) {
            GrantType type = GrantType.fromValue(grant);
            if (type == null || !SELF_SERVICE_GRANTS.contains(type) || (type == GrantType.IMPLICIT && !implicitAndHybridFlows)) {
                throw invalid("grant_types: '" + grant + "' is not available to registered clients; use authorization_code, "
                        + "refresh_token or client_credentials" + (implicitAndHybridFlows ? " or implicit" : ""));
            }
        }
        boolean redirects = grantTypes.contains(GrantType.AUTHORIZATION_CODE.value()) || grantTypes.contains(GrantType.IMPLICIT.value());
        if (responseTypeValues == null && !grantTypes.contains(GrantType.AUTHORIZATION_CODE.value())) {
            // The default code only where it can be used: a client_credentials client has no response type.
            responseTypes.clear();
        }
        List<String> redirectUris = strings(json, "redirect_uris");
        if (redirects && (redirectUris == null || redirectUris.isEmpty())) {
            throw new OAuthError(INVALID_REDIRECT_URI, "redirect_uris is required for the authorization_code and implicit grants", 400).exception();
        }
        String scope = text(json, "scope");
        List<String> scopes = scope == null ? DiscoveryDocument.SCOPES : List.of(scope.strip().split(" +"));
        for (String s : scopes) {
            if (!DiscoveryDocument.SCOPES.contains(s)) {
                throw invalid("scope: '" + s + "' cannot be registered here; registered clients may ask for " + DiscoveryDocument.SCOPES);
            }
        }
        String applicationType = text(json, "application_type");
        ClientEntry entry = new ClientEntry(null, null, text(json, "client_name"), null, null,
                authMethod == ClientCredentials.Method.NONE, redirectUris, strings(json, "post_logout_redirect_uris"), null,
                grantTypes, scopes, null, null, null, null, null, null, null, null, null,
                object(json, "jwks"), text(json, "jwks_uri"), authMethod.value(), text(json, "request_object_signing_alg"),
                applicationType == null ? ApplicationType.WEB.value() : applicationType, strings(json, "contacts"),
                text(json, "logo_uri"), text(json, "client_uri"), text(json, "policy_uri"), text(json, "tos_uri"),
                idTokenAlg, userinfoAlg, text(json, "backchannel_logout_uri"),
                sessionRequired == null || sessionRequired.isNull() ? null : sessionRequired.booleanValue(),
                requirePar == null || requirePar.isNull() ? null : requirePar.booleanValue(),
                strings(json, "request_uris"),
                responseTypes.stream().map(ResponseType::value).toList());
        return new Request(entry, json);
    }

    /** The metadata of a stored client, as registered (RFC 7591 §3.2.1), without any credential. */
    static Map<String, Object> of(Client client) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_id", client.clientId());
        m.put("client_id_issued_at", client.createdAt().getEpochSecond());
        if (client.secretHash() != null) {
            m.put("client_secret_expires_at", 0);
        }
        putIfPresent(m, "client_name", client.name());
        m.put("redirect_uris", client.redirectUris());
        if (!client.postLogoutRedirectUris().isEmpty()) {
            m.put("post_logout_redirect_uris", client.postLogoutRedirectUris());
        }
        if (client.userinfoSignedResponseAlg() != null) {
            m.put("userinfo_signed_response_alg", client.userinfoSignedResponseAlg().name());
        }
        if (client.backchannelLogoutUri() != null) {
            m.put("backchannel_logout_uri", client.backchannelLogoutUri());
            m.put("backchannel_logout_session_required", client.backchannelLogoutSessionRequired());
        }
        m.put("grant_types", client.grantTypes().stream().map(GrantType::value).sorted().toList());
        m.put("response_types", client.responseTypes().stream().map(ResponseType::value).sorted().toList());
        m.put("token_endpoint_auth_method", client.tokenEndpointAuthMethod() != null ? client.tokenEndpointAuthMethod().value()
                : client.isPublic() ? ClientCredentials.Method.NONE.value() : ClientCredentials.Method.BASIC.value());
        m.put("scope", String.join(" ", client.scopes().stream().sorted().toList()));
        if (client.applicationType() != null) {
            m.put("application_type", client.applicationType().value());
        }
        if (!client.description().contacts().isEmpty()) {
            m.put("contacts", client.description().contacts());
        }
        putIfPresent(m, "logo_uri", client.description().logoUri());
        putIfPresent(m, "client_uri", client.description().clientUri());
        putIfPresent(m, "policy_uri", client.description().policyUri());
        putIfPresent(m, "tos_uri", client.description().tosUri());
        if (client.keys().jwks() != null) {
            m.put("jwks", client.keys().jwks().toJSONObject(true));
        }
        putIfPresent(m, "jwks_uri", client.keys().jwksUri());
        putIfPresent(m, "request_object_signing_alg", client.requestObjectSigningAlg());
        m.put("id_token_signed_response_alg", client.idTokenSignedResponseAlg() == null ? "RS256"
                : client.idTokenSignedResponseAlg().name());
        m.put("subject_type", "public");
        m.put("require_pushed_authorization_requests", client.requirePushedAuthorizationRequests());
        if (!client.requestUris().isEmpty()) {
            m.put("request_uris", client.requestUris());
        }
        return m;
    }

    static OAuthException invalid(String description) {
        return new OAuthError(INVALID_METADATA, description, 400).exception();
    }

    private static void refuseUnsupported(ObjectNode json) {
        for (String name : UNSUPPORTED) {
            JsonNode value = json.get(name);
            if (value != null && !value.isNull() && !(value.isBoolean() && !value.booleanValue())) {
                throw invalid(name + " is not supported by this server");
            }
        }
    }

    private static void putIfPresent(Map<String, Object> m, String name, Object value) {
        if (value != null) {
            m.put(name, value.toString());
        }
    }

    static String text(ObjectNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(name + " must be a string");
        }
        return value.textValue();
    }

    private static List<String> strings(ObjectNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw invalid(name + " must be an array of strings");
        }
        List<String> values = new ArrayList<>();
        for (Iterator<JsonNode> it = value.elements(); it.hasNext(); ) {
            JsonNode element = it.next();
            if (!element.isTextual()) {
                throw invalid(name + " must be an array of strings");
            }
            values.add(element.textValue());
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(ObjectNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw invalid(name + " must be a JSON object");
        }
        return MAPPER.convertValue(value, Map.class);
    }
}
