package dev.identityservice.core.client;

import dev.identityservice.core.Limits;
import dev.identityservice.core.Printable;
import dev.identityservice.core.user.UserSubjects;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a client may be registered with, checked the same way for the management API and the import file
 * (RFC 9700 §2.1, §4.1; RFC 8252 §7; RFC 9068 §5). Checked at registration, not when a stored client is read,
 * so that a client stored under older rules still loads and can be corrected.
 *
 * <ul>
 *   <li>Redirect and post-logout redirect URIs: {@code https} with a host; {@code http} only to a loopback
 *       host ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}, RFC 8252 §7.3); or a private-use scheme
 *       in reverse-DNS form with a dot ({@code com.example.app:/cb}, RFC 8252 §7.1), which rules out
 *       {@code javascript:}, {@code data:}, {@code file:}, {@code vbscript:} and the like. No fragment, no
 *       user-info, no wildcard.</li>
 *   <li>CORS origins: an exact serialized origin, {@code https://host[:port]} or a loopback {@code http} one;
 *       never {@code "null"} (sandboxed frames and {@code file:} pages all send it) and never a wildcard.</li>
 *   <li>Application types (OIDC Registration §2): a {@code web} client's redirect URIs are {@code https} or
 *       loopback {@code http}, never a private-use scheme (no browser page can receive one); a {@code native}
 *       client may use all three forms (RFC 8252 §7.1 to §7.3).</li>
 *   <li>Implicit grant (OIDC Registration §2): a client with the {@code implicit} grant that is not {@code native}
 *       (a client that never said is {@code web}, the §2 default) is redirected to {@code https} only, never to
 *       {@code localhost}, a {@code .localhost} name or a loopback address: its tokens travel in the redirect
 *       itself, so any local process listening on the port would receive them.</li>
 *   <li>Other URLs of a client ({@code logo_uri}, {@code client_uri}, {@code policy_uri}, {@code tos_uri}):
 *       {@code https} with a host, or loopback {@code http}; no user-info, no fragment.</li>
 *   <li>URLs the server itself requests ({@code jwks_uri}, {@code backchannel_logout_uri}): {@code https} or
 *       {@code http} with a host, no user-info, no fragment here; the server's outbound policy
 *       ({@code OutboundHttp#requireRegistrable}) then decides on {@code http} and on the host.</li>
 *   <li>Response types and grant types agree (RFC 7591 §2.1): {@code code} needs {@code authorization_code},
 *       {@code id_token} and {@code token} need {@code implicit}; and each of these two grant types needs a
 *       response type that uses it ({@link #requireConsistentResponseTypes}).</li>
 *   <li>Client ids: never in the shape of a user subject ({@link UserSubjects}); a new one only of the
 *       unreserved characters of RFC 3986 §2.3 ({@link #requireNewClientId}).</li>
 * </ul>
 */
public final class ClientRegistrationRules {

    /** RFC 3986 scheme syntax with at least one dot: the reverse-DNS private-use schemes of RFC 8252 §7.1. */
    private static final Pattern PRIVATE_USE_SCHEME = Pattern.compile("[a-z][a-z0-9+-]*(\\.[a-z0-9+-]+)+");

    /**
     * The alphabet of new client ids: RFC 3986 §2.3 unreserved characters, a subset of RFC 6749 Appendix A.1
     * VSCHAR. They are the only characters that read the same raw and percent-encoded wherever a client id
     * travels: an admin API path ({@code /admin/clients/{id}}), a query string, a form body and Basic
     * credentials (RFC 6749 §2.3.1 form-encodes the id there, and many clients skip it).
     */
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._~-]+");

    private ClientRegistrationRules() {
    }

    /**
     * Fails unless {@code clientId} may name a client created now: 1 to 255 of {@code A-Z a-z 0-9 - . _ ~}, and
     * not {@code .} or {@code ..}. Why not all of VSCHAR: {@code %}, {@code /} and {@code \} make
     * {@code /admin/clients/{id}} unreachable (Jetty refuses them encoded, raw they split the path); raw
     * {@code ?}, {@code #} and {@code ;} end the path or start a path parameter; {@code .} and {@code ..} are
     * dot segments that clients remove (RFC 3986 §5.2.4); {@code +} and {@code :} change meaning in form-encoded
     * or Basic credentials sent without the encoding; the rest must be percent-encoded everywhere. Applied only
     * to new clients, so that a client stored under older rules can still be replaced and imported.
     *
     * @throws IllegalArgumentException naming {@code clientId} and the value, escaped
     */
    public static void requireNewClientId(String clientId) {
        if (clientId == null || clientId.length() > Limits.MAX_NAME_CHARS || !CLIENT_ID.matcher(clientId).matches()
                || ".".equals(clientId) || "..".equals(clientId)) {
            throw new IllegalArgumentException("clientId must be 1 to " + Limits.MAX_NAME_CHARS + " of the characters A-Z a-z 0-9 - . _ ~ "
                    + "(RFC 3986 unreserved), and not . or .. alone: \"" + Printable.of(clientId) + "\"");
        }
    }


    /**
     * Fails unless every identifier, URI and origin of {@code client} may be registered.
     *
     * @throws IllegalArgumentException naming the field and the value
     */
    public static void requireRegistrable(Client client) {
        if (UserSubjects.isUserSubjectShaped(client.clientId())) {
            throw new IllegalArgumentException("clientId must not have the shape of a user subject (a UUID), so that "
                    + "a client's tokens can never name a user (RFC 9068 §5): " + client.clientId());
        }
        requireRedirectUris(client.applicationType(), client.allows(GrantType.IMPLICIT), client.redirectUris());
        for (String uri : client.postLogoutRedirectUris()) {
            requireRedirectUri("postLogoutRedirectUris", uri);
        }
        for (String origin : client.allowedOrigins()) {
            requireOrigin(origin);
        }
        requireRequestedUrl("jwksUri", client.keys().jwksUri());
        ClientDescription d = client.description();
        requireWebUrl("logoUri", d.logoUri());
        requireWebUrl("clientUri", d.clientUri());
        requireWebUrl("policyUri", d.policyUri());
        requireWebUrl("tosUri", d.tosUri());
        if (client.backchannelLogoutUri() != null) {
            requireBackchannelLogoutUri(client.backchannelLogoutUri());
        }
        for (String uri : client.requestUris()) {
            requireRequestUri(uri);
        }
        requireConsistentResponseTypes(client);
    }

    /**
     * Fails unless {@code client}'s response types and grant types agree (RFC 7591 §2.1): every response type has
     * the grant types it needs ({@link ResponseType#grantTypes}), and {@code authorization_code} and
     * {@code implicit} are each used by some response type, so that no registered grant is dead.
     *
     * @throws IllegalArgumentException naming {@code responseTypes} or {@code grantTypes}
     */
    public static void requireConsistentResponseTypes(Client client) {
        for (ResponseType type : client.responseTypes()) {
            for (GrantType needed : type.grantTypes()) {
                if (!client.allows(needed)) {
                    throw new IllegalArgumentException("responseTypes: '" + type.value() + "' needs grant type "
                            + needed.value() + " (RFC 7591 §2.1)");
                }
            }
        }
        if (client.allows(GrantType.AUTHORIZATION_CODE) && client.responseTypes().stream().noneMatch(ResponseType::code)) {
            throw new IllegalArgumentException("grantTypes: authorization_code needs a response type with code (RFC 7591 §2.1)");
        }
        if (client.allows(GrantType.IMPLICIT) && client.responseTypes().stream().noneMatch(ResponseType::frontChannel)) {
            throw new IllegalArgumentException("grantTypes: implicit needs a response type with id_token or token (RFC 7591 §2.1)");
        }
    }

    /**
     * A {@code request_uris} entry (OIDC Registration §2): a URL the server requests, as {@link #requireRequestedUrl}
     * says, except that a fragment is allowed (Registration §2 puts a hash of the file's contents there); the
     * fragment is not sent and not part of matching ({@link #withoutFragment}).
     *
     * @throws IllegalArgumentException naming {@code requestUris} and the value
     */
    static void requireRequestUri(String uri) {
        URI url;
        try {
            url = new URI(uri);
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("requestUris: not a URI: " + Printable.of(uri));
        }
        if (uri.length() > Limits.MAX_URI_CHARS || uri.indexOf('*') >= 0) {
            throw new IllegalArgumentException("requestUris: at most " + Limits.MAX_URI_CHARS + " characters, no wildcard: " + Printable.of(uri));
        }
        requireRequestedUrl("requestUris", withoutFragment(url));
    }

    /** {@code url} without its fragment, the part a {@code request_uri} is fetched from and matched by. */
    public static URI withoutFragment(URI url) {
        if (url.getRawFragment() == null) {
            return url;
        }
        String s = url.toString();
        return URI.create(s.substring(0, s.indexOf('#')));
    }

    /**
     * Fails unless every redirect URI may be registered for a client of {@code type} ({@code null}: not said) that
     * has the {@code implicit} grant or not (OIDC Registration §2, see the class comment). The registration
     * endpoint calls it alone to tell {@code invalid_redirect_uri} from other metadata errors.
     *
     * @param implicit whether the client has the {@code implicit} grant (a response type with {@code id_token} or
     *                 {@code token}, RFC 7591 §2.1)
     * @throws IllegalArgumentException naming {@code redirectUris} and the value
     */
    public static void requireRedirectUris(ApplicationType type, boolean implicit, List<String> uris) {
        for (String uri : uris) {
            requireRedirectUri("redirectUris", uri);
            URI parsed = URI.create(uri);
            String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
            if (type == ApplicationType.WEB && !"https".equals(scheme) && !"http".equals(scheme)) {
                throw new IllegalArgumentException("redirectUris: a web client is redirected to https (or http to a "
                        + "loopback address); private-use schemes are for native clients (OIDC Registration §2): " + uri);
            }
            // A client that never said is a web client here: web is the §2 default, and an unsaid type must not
            // be a way around the rule.
            if (implicit && type != ApplicationType.NATIVE && (!"https".equals(scheme) || namesLocalHost(parsed.getHost()))) {
                throw new IllegalArgumentException("redirectUris: a web client with the implicit grant is redirected to "
                        + "https only, never to localhost or a loopback address (OIDC Registration §2): " + uri);
            }
        }
    }

    /**
     * Whether {@code host} names this machine: a loopback literal ({@link #isLoopback}, or any spelling of the IPv6
     * loopback or of an IPv4-mapped loopback), {@code localhost} or a name under it (RFC 6761 §6.3), with or
     * without the trailing dot. Never resolved: only literals are parsed.
     */
    static boolean namesLocalHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (isLoopback(h) || "localhost".equals(h) || h.endsWith(".localhost")) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            try {
                // An IPv6 literal: parsed, never looked up (InetAddress resolves only names).
                return java.net.InetAddress.getByName(h.substring(1, h.length() - 1)).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** {@code null}, or a URL as the class comment says; {@code field} names it in the error. */
    static void requireWebUrl(String field, URI url) {
        if (url == null) {
            return;
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!("https".equals(scheme) || "http".equals(scheme)) || url.getRawFragment() != null
                || url.toString().chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException(field + ": must be an https URL without fragment: " + url);
        }
        requireWebHost(field, url, scheme, url.toString());
    }

    /**
     * A back-channel logout URI (OIDC Back-Channel Logout 1.0 §2.2): absolute {@code https} or {@code http} with a
     * host; no fragment, no user-info, no wildcard. The server POSTs to it, so a private-use scheme, which only a
     * browser could follow, is refused; whether {@code http} and which hosts are allowed is the server's outbound
     * policy ({@code dev.identityservice.core.outbound.OutboundHttp#requireRegistrable}).
     *
     * @throws IllegalArgumentException naming {@code backchannelLogoutUri} and the value
     */
    static void requireBackchannelLogoutUri(String uri) {
        String field = "backchannelLogoutUri";
        try {
            RedirectUriMatcher.requireRegistrable(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
        if (uri.indexOf('*') >= 0) {
            throw new IllegalArgumentException(field + ": wildcards are not allowed, URIs match exactly: " + uri);
        }
        requireRequestedUrl(field, URI.create(uri));
    }

    /**
     * A URL the server itself requests ({@code jwks_uri}, {@code backchannel_logout_uri}): {@code https} or
     * {@code http} with a host, no user-info, no fragment. The rest (https only, public hosts only) is the
     * server's outbound policy, which depends on its configuration.
     */
    static void requireRequestedUrl(String field, URI url) {
        if (url == null) {
            return;
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!("https".equals(scheme) || "http".equals(scheme)) || url.getRawFragment() != null
                || url.toString().chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException(field + ": must be an https URL without fragment: " + url);
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException(field + ": an " + scheme + " URI needs a host name: " + url);
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException(field + ": user-info (name@) is not allowed: " + url);
        }
    }

    /** A redirect URI as the class comment says; {@code field} names it in the error. */
    static void requireRedirectUri(String field, String uri) {
        try {
            RedirectUriMatcher.requireRegistrable(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
        if (uri.indexOf('*') >= 0) {
            throw new IllegalArgumentException(field + ": wildcards are not allowed, URIs match exactly: " + uri);
        }
        URI parsed = URI.create(uri);
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        if ("https".equals(scheme) || "http".equals(scheme)) {
            requireWebHost(field, parsed, scheme, uri);
            return;
        }
        if (!PRIVATE_USE_SCHEME.matcher(scheme).matches()) {
            throw new IllegalArgumentException(field + ": the scheme must be https, http to a loopback address, or a "
                    + "private-use scheme in reverse-DNS form such as com.example.app (RFC 8252 §7.1): " + uri);
        }
    }

    /** An exact origin (RFC 6454 §6.1 serialization) as the class comment says. */
    static void requireOrigin(String origin) {
        if (origin == null || origin.isBlank() || "null".equalsIgnoreCase(origin.strip())) {
            throw new IllegalArgumentException("allowedOrigins: \"null\" and empty origins are not allowed: \""
                    + origin + "\"");
        }
        if (origin.indexOf('*') >= 0) {
            throw new IllegalArgumentException("allowedOrigins: wildcards are not allowed, origins match exactly: " + origin);
        }
        URI parsed;
        try {
            parsed = new URI(origin);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("allowedOrigins: not an origin: " + origin);
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!("https".equals(scheme) || "http".equals(scheme)) || origin.chars().anyMatch(c -> c <= 0x20)
                || !parsed.getRawPath().isEmpty() || parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
            throw new IllegalArgumentException("allowedOrigins: an origin is scheme://host[:port] with scheme https "
                    + "(or http to a loopback address), nothing after it: " + origin);
        }
        requireWebHost("allowedOrigins", parsed, scheme, origin);
        // Browsers send the serialized origin (RFC 6454 §6.1): lower case, no default port. Any other spelling
        // would never match and fail silently, so it is refused with the spelling that would.
        int port = parsed.getPort();
        if (port == 0 || port > 65535) {
            throw new IllegalArgumentException("allowedOrigins: the port must be 1 to 65535: " + origin);
        }
        boolean defaultPort = port == ("https".equals(scheme) ? 443 : 80);
        String serialized = scheme + "://" + parsed.getHost().toLowerCase(Locale.ROOT)
                + (port == -1 || defaultPort ? "" : ":" + port);
        if (!serialized.equals(origin)) {
            throw new IllegalArgumentException("allowedOrigins: write the origin as browsers send it (RFC 6454 §6.1), "
                    + serialized + ": " + origin);
        }
    }

    /**
     * Whether {@code origin} passes {@link #requireOrigin}: for places that read origins stored before these
     * rules (the CORS filter), which must not honour {@code "null"} or a wildcard from an old row.
     */
    public static boolean isRegistrableOrigin(String origin) {
        try {
            requireOrigin(origin);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void requireWebHost(String field, URI parsed, String scheme, String value) {
        if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
            throw new IllegalArgumentException(field + ": an " + scheme + " URI needs a host name: " + value);
        }
        if (parsed.getRawUserInfo() != null) {
            throw new IllegalArgumentException(field + ": user-info (name@) is not allowed: " + value);
        }
        if ("http".equals(scheme) && !isLoopback(parsed.getHost())) {
            throw new IllegalArgumentException(field + ": plain http is allowed only to a loopback address "
                    + "(localhost, 127.0.0.1, [::1]); use https (RFC 9700 §2.1, RFC 8252 §7.3): " + value);
        }
    }

    /** Loopback by name or literal; never resolved, so that DNS cannot change the answer. */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if ("localhost".equals(h) || "[::1]".equals(h)) {
            return true;
        }
        String[] octets = h.split("\\.", -1);
        if (octets.length != 4 || !"127".equals(octets[0])) {
            return false;
        }
        for (String octet : octets) {
            if (!octet.matches("\\d{1,3}") || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }
}
