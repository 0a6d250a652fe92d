package dev.identityservice.sample;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A stand-in for the identity server on a real Jetty (127.0.0.1, port 0): it serves discovery and a
 * JWKS with one fresh RSA key, and mints RS256 access tokens shaped like the server's (RFC 9068).
 */
final class FakeIssuer implements AutoCloseable {

    private final Server server = new Server();
    private final RSAKey key;

    private FakeIssuer(RSAKey key) {
        this.key = key;
    }

    static FakeIssuer start() throws Exception {
        FakeIssuer issuer = new FakeIssuer(new RSAKeyGenerator(2048).keyID("sample-test-1").generate());
        ServerConnector connector = new ServerConnector(issuer.server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        issuer.server.addConnector(connector);
        issuer.server.setHandler(issuer.new Endpoints());
        issuer.server.start();
        return issuer;
    }

    String url() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** An access token for {@code audience} naming {@code subject}, with these roles, valid five minutes. */
    String accessToken(String subject, String audience, String... roles) throws Exception {
        return accessToken(new JWTClaimsSet.Builder().subject(subject).audience(audience)
                .claim("roles", List.of(roles)).claim("preferred_username", subject + ".name"));
    }

    /** Signs {@code claims} after adding the claims every token of the server has. */
    String accessToken(JWTClaimsSet.Builder claims) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet complete = claims.issuer(url()).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300))).jwtID(UUID.randomUUID().toString())
                .claim("client_id", "demo-client").claim("scope", "openid profile")
                .claim("auth_time", now.getEpochSecond()).claim("amr", List.of("pwd")).build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt"))
                .keyID(key.getKeyID()).build();
        SignedJWT jwt = new SignedJWT(header, complete);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /**
     * A logout token (OIDC Back-Channel Logout 1.0 §2.4) shaped like the server's, for {@code audience}, naming
     * {@code sid} and {@code subject} (either may be null), signed with this issuer's key.
     */
    String logoutToken(String audience, String sid, String subject) throws Exception {
        JWTClaimsSet.Builder claims = logoutClaims(audience);
        if (sid != null) {
            claims.claim("sid", sid);
        }
        return sign(claims.subject(subject).build(), "logout+jwt", key);
    }

    /** The claims of a valid logout token for {@code audience}, without sid and sub. */
    JWTClaimsSet.Builder logoutClaims(String audience) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(url()).audience(audience).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(120))).jwtID(UUID.randomUUID().toString())
                .claim("events", java.util.Map.of("http://schemas.openid.net/event/backchannel-logout", java.util.Map.of()));
    }

    /** Signs {@code claims} as RS256 with {@code typ} and {@code signingKey} (this issuer's, or a forger's). */
    String sign(JWTClaimsSet claims, String typ, RSAKey signingKey) throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType(typ)).keyID(key.getKeyID()).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new RSASSASigner(signingKey));
        return jwt.serialize();
    }

    RSAKey key() {
        return key;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private final class Endpoints extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            switch (path) {
                case "/.well-known/openid-configuration" -> json(response, callback, 200, "{\"issuer\":\"" + url()
                        + "\",\"jwks_uri\":\"" + url() + "/oauth2/jwks\",\"authorization_endpoint\":\"" + url()
                        + "/oauth2/authorize\",\"token_endpoint\":\"" + url() + "/oauth2/token\",\"end_session_endpoint\":\""
                        + url() + "/oauth2/logout\"}");
                case "/oauth2/jwks" -> json(response, callback, 200, new JWKSet(key.toPublicJWK()).toString(true));
                default -> json(response, callback, 404, "{}");
            }
            return true;
        }

        private void json(Response response, Callback callback, int status, String body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, body, callback);
        }
    }
}
