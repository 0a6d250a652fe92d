package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connect2id's OIDC SDK as a relying party drives the whole browser flow over real HTTP: authorization
 * request with PKCE, login form, code, token exchange, ID-token validation, RP-initiated logout.
 */
class AuthorizationCodeFlowInteropTest {

    static final String REDIRECT = "https://spa.example.com/callback";
    static final String SIGNED_OUT = "https://spa.example.com/signed-out";

    private static TestServer server;
    private static OIDCProviderMetadata metadata;
    private static User alice;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(b -> b.signingAlgorithm(SigningAlgorithm.RS256));
        Instant now = Instant.now();
        server.save(Client.builder(Tenant.DEFAULT_ID, "spa")
                .redirectUri(REDIRECT)
                .postLogoutRedirectUris(List.of(SIGNED_OUT))
                .allowedOrigins(Set.of("https://spa.example.com"))
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN))
                .scopes(Set.of("openid", "profile", "email"))
                .createdAt(now).updatedAt(now));
        alice = server.user("alice", "user");
        metadata = OIDCProviderMetadata.resolve(new Issuer(server.server.issuer()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void codeFlowWhenNimbusRelyingPartyWithPkceThenTokensValidateAndLogoutEndsTheSession() throws Exception {
        Browser browser = new Browser();
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        Nonce nonce = new Nonce();

        HttpResponse<String> loginPage = browser.get(authenticationRequest(verifier, state, nonce).toURI());
        assertEquals(200, loginPage.statusCode(), loginPage.body());
        Browser.LoginForm form = Browser.loginForm(loginPage.body());
        HttpResponse<String> redirect = browser.post(form.action(), form.withCredentials("alice", PASSWORD));
        assertEquals(302, redirect.statusCode(), redirect.body());

        AuthenticationResponse response = AuthenticationResponseParser.parse(URI.create(redirect.headers().firstValue("Location").orElseThrow()));
        assertTrue(response.indicatesSuccess(), () -> response.toErrorResponse().getErrorObject().toString());
        AuthenticationSuccessResponse success = response.toSuccessResponse();
        assertEquals(state, success.getState());
        assertTrue(metadata.supportsAuthorizationResponseIssuerParam());
        assertEquals(metadata.getIssuer(), success.getIssuer());
        assertEquals(URI.create(REDIRECT), success.getRedirectionURI());

        TokenResponse tokenResponse = OIDCTokenResponseParser.parse(new TokenRequest(metadata.getTokenEndpointURI(),
                new ClientID("spa"), new AuthorizationCodeGrant(success.getAuthorizationCode(), URI.create(REDIRECT), verifier))
                .toHTTPRequest().send());
        assertTrue(tokenResponse.indicatesSuccess(), () -> tokenResponse.toErrorResponse().getErrorObject().toString());
        OIDCTokenResponse tokens = (OIDCTokenResponse) tokenResponse.toSuccessResponse();
        JWT idToken = tokens.getOIDCTokens().getIDToken();
        IDTokenClaimsSet claims = new IDTokenValidator(metadata.getIssuer(), new ClientID("spa"), JWSAlgorithm.RS256,
                metadata.getJWKSetURI().toURL()).validate(idToken, nonce);
        assertEquals(alice.id(), claims.getSubject().getValue());
        assertNotNull(claims.getAuthenticationTime());
        RefreshToken refreshToken = tokens.getOIDCTokens().getRefreshToken();
        assertNotNull(refreshToken);

        State logoutState = new State();
        HttpResponse<String> logout = browser.get(new LogoutRequest(metadata.getEndSessionEndpointURI(), idToken,
                URI.create(SIGNED_OUT), logoutState).toURI());
        assertEquals(302, logout.statusCode(), logout.body());
        assertEquals(SIGNED_OUT + "?state=" + logoutState.getValue(), logout.headers().firstValue("Location").orElseThrow());

        TokenResponse refreshed = TokenResponse.parse(new TokenRequest(metadata.getTokenEndpointURI(), new ClientID("spa"),
                new RefreshTokenGrant(refreshToken)).toHTTPRequest().send());
        assertFalse(refreshed.indicatesSuccess());
        assertEquals("invalid_grant", refreshed.toErrorResponse().getErrorObject().getCode());

        HttpResponse<String> again = browser.get(authenticationRequest(new CodeVerifier(), new State(), new Nonce()).toURI());
        assertEquals(200, again.statusCode());
        assertNotNull(Browser.loginForm(again.body()));
    }

    @Test
    void authorizeWhenSessionExistsThenCodeWithoutLoginPage() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> loginPage = browser.get(authenticationRequest(new CodeVerifier(), new State(), new Nonce()).toURI());
        Browser.LoginForm form = Browser.loginForm(loginPage.body());
        assertEquals(302, browser.post(form.action(), form.withCredentials("alice", PASSWORD)).statusCode());

        State state = new State();
        HttpResponse<String> second = browser.get(authenticationRequest(new CodeVerifier(), state, new Nonce()).toURI());

        assertEquals(302, second.statusCode(), second.body());
        AuthenticationResponse response = AuthenticationResponseParser.parse(URI.create(second.headers().firstValue("Location").orElseThrow()));
        assertTrue(response.indicatesSuccess());
        assertEquals(state, response.getState());
    }

    private static AuthenticationRequest authenticationRequest(CodeVerifier verifier, State state, Nonce nonce) {
        return new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid", "profile"), new ClientID("spa"),
                URI.create(REDIRECT))
                .state(state).nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .build();
    }
}
