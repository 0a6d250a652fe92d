package dev.identityservice.server.endpoint;

import java.net.URI;

/**
 * The endpoint paths relative to a tenant's issuer; the discovery document advertises exactly these.
 * Shared with the browser-flow endpoints (authorize, logout) that are served at the same places.
 */
public final class EndpointPaths {

    /** OpenID Connect Discovery 1.0 §4. */
    public static final String OPENID_CONFIGURATION = ".well-known/openid-configuration";
    /** RFC 8414 §3. */
    public static final String OAUTH_AUTHORIZATION_SERVER = ".well-known/oauth-authorization-server";
    public static final String AUTHORIZE = "oauth2/authorize";
    /** Where the login page posts; not advertised, only the login form uses it. */
    public static final String AUTHORIZE_LOGIN = "oauth2/authorize/login";
    public static final String TOKEN = "oauth2/token";
    public static final String USERINFO = "oauth2/userinfo";
    public static final String JWKS = "oauth2/jwks";
    public static final String INTROSPECT = "oauth2/introspect";
    public static final String REVOKE = "oauth2/revoke";
    public static final String LOGOUT = "oauth2/logout";
    /** RFC 7591 §3; each registered client's configuration endpoint (RFC 7592) is under it. */
    public static final String REGISTER = "oauth2/register";
    /** RFC 9126 §2: the pushed authorization request endpoint. */
    public static final String PAR = "oauth2/par";
    /** OpenID Shared Signals Framework 1.0 §7.1: the transmitter configuration metadata. */
    public static final String SSF_CONFIGURATION = ".well-known/ssf-configuration";
    /** SSF 1.0 §8.1.1: the stream configuration endpoint. */
    public static final String SSF_STREAMS = "ssf/streams";
    /** RFC 8936 §2: where a stream's events are polled, followed by {@code /{stream_id}}. */
    public static final String SSF_POLL = "ssf/poll";

    private EndpointPaths() {
    }

    /** The absolute URL of {@code path} under {@code issuer} (which has no trailing slash). */
    public static String url(URI issuer, String path) {
        return issuer + "/" + path;
    }
}
