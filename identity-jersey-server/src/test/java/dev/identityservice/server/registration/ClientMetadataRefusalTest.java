package dev.identityservice.server.registration;

import static dev.identityservice.server.registration.ClientRegistrationTest.CALLBACK;
import static dev.identityservice.server.registration.ClientRegistrationTest.body;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every client setting the registration endpoint refuses, with the RFC 7591 §3.2.2 error it gets
 * ({@code invalid_redirect_uri} for redirect URIs, {@code invalid_client_metadata} for the rest), over real HTTP;
 * the rules are those of the management API, so this is also a list of them as a registrant meets them.
 */
class ClientMetadataRefusalTest {

    private static TestServer server;
    private static RegistrationHttp http;

    @BeforeAll
    static void start() {
        server = TestServer.start(b -> b.registrationMode("open"));
        http = new RegistrationHttp(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> invalidMetadata() {
        String redirect = "\"redirect_uris\":[\"" + CALLBACK + "\"]";
        return Stream.of(
                Arguments.of("{\"client_name\":\"no redirect\"}", "invalid_redirect_uri"),
                Arguments.of("{\"redirect_uris\":[\"http://rp.example.com/cb\"]}", "invalid_redirect_uri"),
                Arguments.of("{\"redirect_uris\":[\"https://rp.example.com/cb#frag\"]}", "invalid_redirect_uri"),
                Arguments.of("{\"redirect_uris\":[\"javascript:alert(1)\"]}", "invalid_redirect_uri"),
                Arguments.of("{\"redirect_uris\":[\"https://*.example.com/cb\"]}", "invalid_redirect_uri"),
                Arguments.of("{\"redirect_uris\":[\"com.example.app:/cb\"]}", "invalid_redirect_uri"),
                Arguments.of("{\"redirect_uris\":[\"com.example.app:/cb\"],\"application_type\":\"web\"}", "invalid_redirect_uri"),
                Arguments.of("{\"redirect_uris\":\"" + CALLBACK + "\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"token_endpoint_auth_method\":\"client_secret_jwt\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"token_endpoint_auth_method\":\"client_secret_jwt\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"grant_types\":[\"authorization_code\",\"password\"]}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"grant_types\":[\"implicit\"]}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"response_types\":[\"id_token\"]}", "invalid_client_metadata"),
                Arguments.of("{\"grant_types\":[\"client_credentials\"],\"response_types\":[\"code\"]}", "invalid_client_metadata"),
                Arguments.of("{\"grant_types\":[\"client_credentials\"],\"token_endpoint_auth_method\":\"none\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"application_type\":\"desktop\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"scope\":\"openid admin\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"subject_type\":\"pairwise\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"id_token_signed_response_alg\":\"HS256\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"id_token_signed_response_alg\":\"none\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"userinfo_signed_response_alg\":\"HS256\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"userinfo_encrypted_response_alg\":\"RSA-OAEP-256\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"backchannel_logout_uri\":\"http://rp.example.com/logout\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"backchannel_logout_session_required\":\"yes\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"default_max_age\":60}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"sector_identifier_uri\":\"https://rp.example.com/s.json\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"request_object_signing_alg\":\"HS256\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"jwks_uri\":\"https://rp.example.com/jwks\",\"jwks\":" + TestKeysJson.PUBLIC_JWKS + "}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"jwks\":" + TestKeysJson.PRIVATE_JWKS + "}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"jwks\":{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0\"}]}}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"jwks\":{\"keys\":\"none\"}}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"jwks_uri\":\"http://rp.example.com/jwks\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"logo_uri\":\"javascript:alert(1)\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"policy_uri\":\"https://user@rp.example.com/p\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"tos_uri\":\"not a url\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"contacts\":[\"a b@example.com\"]}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"client_name\":\"" + "n".repeat(300) + "\"}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"post_logout_redirect_uris\":[\"http://rp.example.com/bye\"]}", "invalid_client_metadata"),
                Arguments.of("{" + redirect + ",\"software_statement\":\"eyJ.eyJ.sig\"}", "unapproved_software_statement"),
                Arguments.of("{" + redirect + ",\"client_name\":\"a\",\"client_name\":\"b\"}", "invalid_request"),
                Arguments.of("[\"" + CALLBACK + "\"]", "invalid_request"),
                Arguments.of("{" + redirect, "invalid_request"));
    }

    @ParameterizedTest
    @MethodSource("invalidMetadata")
    void registerWhenMetadataRefusedThenRfc7591ErrorAndNothingStored(String metadata, String error) {
        int before = server.server.engine().registrations().count(Tenant.DEFAULT_ID);

        HttpResponse<String> response = http.register(metadata);

        assertEquals(error, body(response, 400).get("error").asText(), response.body());
        assertEquals(before, server.server.engine().registrations().count(Tenant.DEFAULT_ID));
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
    }

}
