package dev.identityservice.guard.events;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.identityservice.guard.GuardConfig.EventsSettings;
import dev.identityservice.guard.http.BoundedHttpClient;
import dev.identityservice.guard.http.HttpDocument;
import dev.identityservice.guard.jwks.IssuerDiscovery;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP side of the receiver: the transmitter's metadata (OpenID SSF 1.0 §7.1), a client_credentials token
 * with scope {@code security_events} (RFC 6749 §4.4, {@code client_secret_basic}), stream creation and deletion
 * (SSF 1.0 §8.1.1) and RFC 8936 §2.4 polls. Called on the receiver thread only.
 */
final class TransmitterClient {

    /** The RFC 8936 delivery method URN. */
    static final String POLL_METHOD = "urn:ietf:rfc:8936";
    static final String SCOPE = "security_events";
    private static final String WELL_KNOWN = "/.well-known/ssf-configuration";

    private final String issuer;
    private final URI configurationUri;
    private final BoundedHttpClient http;
    private final IssuerDiscovery discovery;
    private final String basic;

    /** The transmitter's endpoints. */
    record Transmitter(URI configurationEndpoint, URI tokenEndpoint) {
    }

    /** A bearer token and when it should be renewed (epoch millis). */
    record AccessToken(String value, long renewAtMillis) {
    }

    /** A stream: its id and its poll endpoint. */
    record Stream(String id, URI pollEndpoint, URI configurationEndpoint) {
    }

    /** A poll's answer: SETs by {@code jti} in the transmitter's order, and whether more are waiting. */
    record Poll(Map<String, String> sets, boolean moreAvailable) {
    }

    /** The transmitter no longer has the stream (404): create a new one. */
    static final class StreamGoneException extends IOException {
        StreamGoneException(String message) {
            super(message);
        }
    }

    /** The bearer token was refused (401): get a new one. */
    static final class UnauthorizedException extends IOException {
        UnauthorizedException(String message) {
            super(message);
        }
    }

    TransmitterClient(String issuer, EventsSettings settings, BoundedHttpClient http, IssuerDiscovery discovery) {
        this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        this.configurationUri = settings.configurationUri() != null ? settings.configurationUri()
                : URI.create(this.issuer + WELL_KNOWN);
        this.http = http;
        this.discovery = discovery;
        this.basic = "Basic " + Base64.getEncoder().encodeToString((form(settings.clientId()) + ":"
                + form(settings.clientSecret())).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the transmitter metadata; its {@code issuer} must be ours and it must offer poll delivery. */
    Transmitter discover() throws IOException {
        HttpDocument document = http.get(configurationUri);
        if (!document.isSuccess()) {
            throw new IOException("SSF configuration at " + configurationUri + " answered HTTP " + document.status());
        }
        try {
            Map<String, Object> json = JSONObjectUtils.parse(document.body());
            String advertised = JSONObjectUtils.getString(json, "issuer");
            if (!issuer.equals(advertised) && !(issuer + "/").equals(advertised)) {
                throw new IOException("SSF configuration names issuer " + advertised + ", not " + issuer);
            }
            List<String> methods = JSONObjectUtils.getStringList(json, "delivery_methods_supported");
            if (methods == null || !methods.contains(POLL_METHOD)) {
                throw new IOException("the transmitter does not offer poll delivery (" + POLL_METHOD + ")");
            }
            URI streams = JSONObjectUtils.getURI(json, "configuration_endpoint");
            if (streams == null) {
                throw new IOException("SSF configuration has no configuration_endpoint");
            }
            requireSameOrigin(streams, "configuration_endpoint");
            URI token = discovery.metadata().tokenEndpoint();
            if (token == null) {
                throw new IOException("the issuer's discovery document has no token_endpoint");
            }
            return new Transmitter(streams, token);
        } catch (ParseException e) {
            throw new IOException("SSF configuration is not valid JSON metadata: " + e.getMessage(), e);
        }
    }

    /** A client_credentials token with scope {@code security_events}, to be renewed at three quarters of its life. */
    AccessToken token(Transmitter transmitter, long nowMillis) throws IOException {
        HttpDocument document = http.postForm(transmitter.tokenEndpoint(),
                "grant_type=client_credentials&scope=" + SCOPE, basic);
        if (document.status() != 200) {
            throw new IOException("token endpoint answered HTTP " + document.status() + errorOf(document));
        }
        try {
            Map<String, Object> json = JSONObjectUtils.parse(document.body());
            String token = JSONObjectUtils.getString(json, "access_token");
            if (token == null || token.isEmpty()) {
                throw new IOException("token response has no access_token");
            }
            Object expiresIn = json.get("expires_in");
            long lifetimeMillis = expiresIn instanceof Number n ? n.longValue() * 1000 : Duration.ofMinutes(5).toMillis();
            return new AccessToken(token, nowMillis + Math.max(1000, lifetimeMillis * 3 / 4));
        } catch (ParseException e) {
            throw new IOException("token response is not JSON: " + e.getMessage(), e);
        }
    }

    /** Creates a poll stream (SSF 1.0 §8.1.1.1); the new stream holds every event the transmitter retains. */
    Stream createStream(Transmitter transmitter, AccessToken token) throws IOException {
        HttpDocument document = http.postJson(transmitter.configurationEndpoint(),
                "{\"delivery\":{\"method\":\"" + POLL_METHOD + "\"},\"description\":\"identity-servlet-guard\"}",
                bearer(token), http.readTimeout());
        if (document.status() == 401) {
            throw new UnauthorizedException("stream creation answered 401");
        }
        if (document.status() != 201 && document.status() != 200) {
            throw new IOException("stream creation answered HTTP " + document.status() + errorOf(document));
        }
        try {
            Map<String, Object> json = JSONObjectUtils.parse(document.body());
            String id = JSONObjectUtils.getString(json, "stream_id");
            Map<String, Object> delivery = JSONObjectUtils.getJSONObject(json, "delivery");
            URI endpoint = delivery == null ? null : JSONObjectUtils.getURI(delivery, "endpoint_url");
            if (id == null || endpoint == null || !POLL_METHOD.equals(JSONObjectUtils.getString(delivery, "method"))) {
                throw new IOException("stream configuration lacks stream_id or a poll endpoint_url");
            }
            requireSameOrigin(endpoint, "endpoint_url");
            return new Stream(id, endpoint, transmitter.configurationEndpoint());
        } catch (ParseException e) {
            throw new IOException("stream configuration is not JSON: " + e.getMessage(), e);
        }
    }

    /** One RFC 8936 §2.4 poll; the body carries the acknowledgements and errors of the last. */
    Poll poll(Stream stream, AccessToken token, String body, Duration timeout) throws IOException {
        HttpDocument document = http.postJson(stream.pollEndpoint(), body, bearer(token), timeout);
        if (document.status() == 404) {
            throw new StreamGoneException("the transmitter no longer knows stream " + stream.id());
        }
        if (document.status() == 401) {
            throw new UnauthorizedException("poll answered 401");
        }
        if (document.status() != 200) {
            throw new IOException("poll answered HTTP " + document.status() + errorOf(document));
        }
        try {
            Map<String, Object> json = JSONObjectUtils.parse(document.body());
            Map<String, Object> sets = JSONObjectUtils.getJSONObject(json, "sets");
            Map<String, String> ordered = new LinkedHashMap<>();
            if (sets != null) {
                for (Map.Entry<String, Object> set : sets.entrySet()) {
                    ordered.put(set.getKey(), set.getValue() instanceof String jws ? jws : null);
                }
            }
            return new Poll(ordered, Boolean.TRUE.equals(json.get("moreAvailable")));
        } catch (ParseException e) {
            throw new IOException("poll answer is not JSON: " + e.getMessage(), e);
        }
    }

    /** Deletes the stream, so that the transmitter keeps no events for a receiver that is gone. */
    void delete(Stream stream, AccessToken token) throws IOException {
        http.delete(URI.create(stream.configurationEndpoint() + "?stream_id="
                + URLEncoder.encode(stream.id(), StandardCharsets.UTF_8)), bearer(token));
    }

    /** The poll request body (RFC 8936 §2.4). */
    static String pollBody(int maxEvents, boolean returnImmediately, List<String> acks, Map<String, String[]> errs) {
        StringBuilder body = new StringBuilder("{\"maxEvents\":").append(maxEvents)
                .append(",\"returnImmediately\":").append(returnImmediately).append(",\"ack\":[");
        for (int i = 0; i < acks.size(); i++) {
            body.append(i == 0 ? "" : ",").append(quote(acks.get(i)));
        }
        body.append("]");
        if (!errs.isEmpty()) {
            body.append(",\"setErrs\":{");
            boolean first = true;
            for (Map.Entry<String, String[]> err : errs.entrySet()) {
                body.append(first ? "" : ",").append(quote(err.getKey())).append(":{\"err\":")
                        .append(quote(err.getValue()[0])).append(",\"description\":").append(quote(err.getValue()[1]))
                        .append("}");
                first = false;
            }
            body.append("}");
        }
        return body.append("}").toString();
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /**
     * Our bearer token goes only to the issuer's origin or that of the configured {@code events.configuration-uri},
     * whatever a document says.
     */
    private void requireSameOrigin(URI uri, String name) throws IOException {
        if (!sameOrigin(URI.create(issuer), uri) && !sameOrigin(configurationUri, uri)) {
            throw new IOException(name + " " + uri + " is neither on the issuer's origin nor on events.configuration-uri's");
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String bearer(AccessToken token) {
        return "Bearer " + token.value();
    }

    private static String errorOf(HttpDocument document) {
        String body = document.body();
        return body == null || body.isBlank() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) : body);
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
