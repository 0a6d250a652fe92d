package dev.identityservice.server.endpoint;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientAssertions;
import dev.identityservice.core.client.ClientCredentials;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.client.ResponseType;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.AuthenticationContext;
import dev.identityservice.core.token.ProfileClaims;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tenant's provider metadata: OpenID Connect Discovery 1.0 §3, which RFC 8414 §2 extends, so one
 * document serves both well-known paths. It advertises only what the server does: every value here is
 * backed by code, and what is not offered (request objects by URL) is said to be absent.
 */
public final class DiscoveryDocument {

    /**
     * The scopes with a meaning of their own here ({@code ProfileClaims}, OIDC Core §5.4); clients may register
     * others (e.g. {@code api}). Not {@code offline_access}: refresh tokens follow the client's grant types.
     */
    public static final List<String> SCOPES = List.of("openid", "profile", "email", "address", "phone");
    /**
     * The claims ID tokens and UserInfo carry ({@code IdTokenIssuer}, {@code ProfileClaims}). Not {@code sid}
     * (no session id is issued, no front- or back-channel logout is offered) and not {@code roles} (an access
     * token claim, RFC 9068 §7.2.1.1, not one about the user for the client).
     */
    public static final List<String> CLAIMS = claims();
    /** What {@code IdTokenIssuer} encrypts with: RSA-OAEP-256 for RSA keys, ECDH-ES for EC keys, A256GCM content. */
    public static final List<String> ID_TOKEN_ENCRYPTION_ALGS = List.of("RSA-OAEP-256", "ECDH-ES");
    public static final List<String> ID_TOKEN_ENCRYPTION_ENCS = List.of("A256GCM");
    /** {@code none} and the asymmetric algorithms a client may register ({@code Client.REQUEST_OBJECT_SIGNING_ALGS}), sorted. */
    public static final List<String> REQUEST_OBJECT_SIGNING_ALGS = List.copyOf(new java.util.TreeSet<>(Client.REQUEST_OBJECT_SIGNING_ALGS));

    private DiscoveryDocument() {
    }

    private static List<String> claims() {
        List<String> claims = new ArrayList<>(List.of("iss", "sub", "aud", "exp", "iat", "auth_time", "nonce",
                "at_hash", "acr", "amr", "azp", "sid"));
        claims.addAll(ProfileClaims.PROFILE);
        claims.addAll(ProfileClaims.EMAIL);
        claims.addAll(ProfileClaims.ADDRESS);
        claims.addAll(ProfileClaims.PHONE);
        return List.copyOf(claims);
    }

    /**
     * The document of {@code tenant}, whose keys can sign ID tokens and UserInfo responses with exactly
     * {@code idTokenAlgorithms} ({@code KeyRing#idTokenAlgorithms}: RS256 always, and the tenant's own).
     */
    public static Map<String, Object> of(Tenant tenant, Set<SigningAlgorithm> idTokenAlgorithms) {
        return of(tenant, idTokenAlgorithms, false);
    }

    /**
     * As {@link #of(Tenant, Set)}, saying {@code require_pushed_authorization_requests} = {@code parRequired}
     * (RFC 9126 §5: whether the server takes authorization requests only through pushed requests).
     */
    public static Map<String, Object> of(Tenant tenant, Set<SigningAlgorithm> idTokenAlgorithms, boolean parRequired) {
        var issuer = tenant.issuer();
        List<String> authMethods = Arrays.stream(ClientCredentials.Method.values()).map(ClientCredentials.Method::value).toList();
        List<String> secretMethods = authMethods.stream().filter(m -> !"none".equals(m)).toList();
        Set<String> signingAlgs = new LinkedHashSet<>();
        idTokenAlgorithms.forEach(algorithm -> signingAlgs.add(algorithm.name()));

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer.toString());
        m.put("authorization_endpoint", EndpointPaths.url(issuer, EndpointPaths.AUTHORIZE));
        m.put("token_endpoint", EndpointPaths.url(issuer, EndpointPaths.TOKEN));
        m.put("userinfo_endpoint", EndpointPaths.url(issuer, EndpointPaths.USERINFO));
        m.put("jwks_uri", EndpointPaths.url(issuer, EndpointPaths.JWKS));
        m.put("introspection_endpoint", EndpointPaths.url(issuer, EndpointPaths.INTROSPECT));
        m.put("revocation_endpoint", EndpointPaths.url(issuer, EndpointPaths.REVOKE));
        m.put("end_session_endpoint", EndpointPaths.url(issuer, EndpointPaths.LOGOUT));
        m.put("scopes_supported", SCOPES);
        // The implicit and hybrid flows (OIDC Core §3.2, §3.3) only where the tenant enables them (RFC 9700 §2.1.2).
        boolean frontChannel = tenant.implicitAndHybridFlows();
        m.put("response_types_supported", (frontChannel ? ResponseType.SUPPORTED : List.of(ResponseType.CODE)).stream()
                .map(ResponseType::value).toList());
        m.put("response_modes_supported", ResponseMode.supported(frontChannel).stream().map(ResponseMode::value).toList());
        m.put("grant_types_supported", Arrays.stream(GrantType.values())
                .filter(g -> frontChannel || g != GrantType.IMPLICIT).map(GrantType::value).toList());
        m.put("subject_types_supported", List.of("public"));
        m.put("id_token_signing_alg_values_supported", List.copyOf(signingAlgs));
        m.put("userinfo_signing_alg_values_supported", List.copyOf(signingAlgs));
        m.put("acr_values_supported", AuthenticationContext.ACR_VALUES_SUPPORTED);
        m.put("id_token_encryption_alg_values_supported", ID_TOKEN_ENCRYPTION_ALGS);
        m.put("id_token_encryption_enc_values_supported", ID_TOKEN_ENCRYPTION_ENCS);
        m.put("token_endpoint_auth_methods_supported", authMethods);
        // private_key_jwt (RFC 7523 §2.2): the algorithms a client assertion may be signed with (RFC 8414 §2).
        m.put("token_endpoint_auth_signing_alg_values_supported", List.copyOf(ClientAssertions.signingAlgorithms()));
        m.put("introspection_endpoint_auth_methods_supported", secretMethods);
        m.put("revocation_endpoint_auth_methods_supported", authMethods);
        m.put("code_challenge_methods_supported", List.of("S256"));
        // RFC 9207 §3: every authorization response carries iss.
        m.put("authorization_response_iss_parameter_supported", true);
        m.put("claims_supported", CLAIMS);
        m.put("claims_parameter_supported", true);
        // Request objects by value (RFC 9101, OIDC Core §6.1), unsigned or signed with these (RequestObjectVerifier).
        m.put("request_parameter_supported", true);
        m.put("request_object_signing_alg_values_supported", REQUEST_OBJECT_SIGNING_ALGS);
        // By reference too (OIDC Core §6.2), but only from URLs the client registered (RFC 9101 §10.4.1): a URL any
        // request could name would let anyone make this server send requests (SSRF).
        m.put("request_uri_parameter_supported", true);
        m.put("require_request_uri_registration", true);
        m.put("pushed_authorization_request_endpoint", EndpointPaths.url(issuer, EndpointPaths.PAR));
        // RFC 9126 §5: clients may still send authorization requests in the query.
        m.put("require_pushed_authorization_requests", parRequired);
        // OIDC Discovery §3, RFC 8414 §2: only where the tenant lets clients register.
        if (tenant.registrationMode().enabled()) {
            m.put("registration_endpoint", EndpointPaths.url(issuer, EndpointPaths.REGISTER));
        }
        // Back-Channel Logout 1.0 §2.1: logout tokens are sent, and carry sid, as ID tokens do.
        m.put("backchannel_logout_supported", true);
        m.put("backchannel_logout_session_supported", true);
        return m;
    }
}
