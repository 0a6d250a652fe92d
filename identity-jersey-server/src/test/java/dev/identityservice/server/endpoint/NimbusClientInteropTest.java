package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResourceOwnerPasswordCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.user.User;
import dev.identityservice.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client library we did not write, Connect2id's OAuth 2.0 / OIDC SDK, against the running server with
 * the production default RS256: discovery, password, refresh, client credentials, introspection,
 * revocation, userinfo, and ID-token validation against the published JWKS.
 */
class NimbusClientInteropTest {

    private static TestServer server;
    private static OIDCProviderMetadata metadata;
    private static User alice;
    private static final ClientAuthentication APP = new ClientSecretBasic(new ClientID("app"), new Secret(SECRET));

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(b -> b.signingAlgorithm(SigningAlgorithm.RS256));
        server.confidentialClient("app");
        alice = server.user("alice", "user");
        metadata = OIDCProviderMetadata.resolve(new Issuer(server.server.issuer()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void discoveryWhenResolvedByNimbusThenIssuerAndEndpointsMatch() {
        assertEquals(server.server.issuer().toString(), metadata.getIssuer().getValue());
        assertNotNull(metadata.getTokenEndpointURI());
        assertNotNull(metadata.getIntrospectionEndpointURI());
        assertNotNull(metadata.getRevocationEndpointURI());
        assertTrue(metadata.getIDTokenJWSAlgs().contains(JWSAlgorithm.RS256));
    }

    @Test
    void passwordGrantWhenNimbusClientThenIdTokenValidatesAgainstJwksAndUserInfoAnswers() throws Exception {
        OIDCTokenResponse response = passwordLogin();

        IDTokenValidator validator = new IDTokenValidator(metadata.getIssuer(), new ClientID("app"), JWSAlgorithm.RS256,
                metadata.getJWKSetURI().toURL());
        IDTokenClaimsSet claims = validator.validate(response.getOIDCTokens().getIDToken(), null);
        UserInfoResponse userInfo = UserInfoResponse.parse(new UserInfoRequest(metadata.getUserInfoEndpointURI(),
                (BearerAccessToken) response.getOIDCTokens().getAccessToken()).toHTTPRequest().send());

        assertEquals(alice.id(), claims.getSubject().getValue());
        assertTrue(userInfo.indicatesSuccess(), () -> userInfo.toErrorResponse().getErrorObject().toString());
        UserInfo info = userInfo.toSuccessResponse().getUserInfo();
        assertEquals(alice.id(), info.getSubject().getValue());
        assertEquals("alice@example.com", info.getEmailAddress());
    }

    @Test
    void refreshWhenNimbusClientThenNewTokensAndOldRefreshTokenRefused() throws Exception {
        RefreshToken first = passwordLogin().getOIDCTokens().getRefreshToken();

        TokenResponse refreshed = OIDCTokenResponseParser.parse(new TokenRequest(metadata.getTokenEndpointURI(), APP,
                new RefreshTokenGrant(first)).toHTTPRequest().send());
        TokenResponse replayed = OIDCTokenResponseParser.parse(new TokenRequest(metadata.getTokenEndpointURI(), APP,
                new RefreshTokenGrant(first)).toHTTPRequest().send());

        assertTrue(refreshed.indicatesSuccess());
        assertNotEquals(first, refreshed.toSuccessResponse().getTokens().getRefreshToken());
        assertFalse(replayed.indicatesSuccess());
        assertEquals("invalid_grant", ((TokenErrorResponse) replayed).getErrorObject().getCode());
    }

    @Test
    void clientCredentialsWhenClientSecretPostThenAccessTokenActiveOnIntrospectionUntilRevoked() throws Exception {
        ClientAuthentication post = new ClientSecretPost(new ClientID("app"), new Secret(SECRET));
        AccessTokenResponse token = TokenResponse.parse(new TokenRequest(metadata.getTokenEndpointURI(), post,
                new ClientCredentialsGrant(), new Scope("api")).toHTTPRequest().send()).toSuccessResponse();
        var accessToken = token.getTokens().getAccessToken();

        TokenIntrospectionResponse before = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
                metadata.getIntrospectionEndpointURI(), APP, accessToken).toHTTPRequest().send());
        var revocation = new TokenRevocationRequest(metadata.getRevocationEndpointURI(), APP, accessToken).toHTTPRequest().send();
        TokenIntrospectionResponse after = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
                metadata.getIntrospectionEndpointURI(), APP, accessToken).toHTTPRequest().send());

        assertTrue(before.toSuccessResponse().isActive());
        assertEquals("app", before.toSuccessResponse().getClientID().getValue());
        assertEquals(200, revocation.getStatusCode());
        assertFalse(after.toSuccessResponse().isActive());
    }

    @Test
    void tokenWhenWrongSecretThenNimbusParsesInvalidClient() throws Exception {
        ClientAuthentication wrong = new ClientSecretBasic(new ClientID("app"), new Secret(SECRET + "-wrong"));

        TokenResponse response = TokenResponse.parse(new TokenRequest(metadata.getTokenEndpointURI(), wrong,
                new ClientCredentialsGrant()).toHTTPRequest().send());

        assertFalse(response.indicatesSuccess());
        assertEquals("invalid_client", response.toErrorResponse().getErrorObject().getCode());
        assertEquals(401, response.toErrorResponse().getErrorObject().getHTTPStatusCode());
    }

    private static OIDCTokenResponse passwordLogin() throws Exception {
        TokenResponse response = OIDCTokenResponseParser.parse(new TokenRequest(metadata.getTokenEndpointURI(), APP,
                new ResourceOwnerPasswordCredentialsGrant("alice", new Secret(PASSWORD)), new Scope("openid", "profile", "email"))
                .toHTTPRequest().send());
        assertTrue(response.indicatesSuccess(), () -> response.toErrorResponse().getErrorObject().toString());
        return (OIDCTokenResponse) response.toSuccessResponse();
    }
}
