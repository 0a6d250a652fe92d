package dev.identityservice.guard.jwks;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.identityservice.guard.http.BoundedHttpClient;
import dev.identityservice.guard.http.HttpDocument;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.util.Map;

/**
 * The issuer's OpenID Provider Metadata (OpenID Connect Discovery 1.0 §4), fetched once from
 * {@code <issuer>/.well-known/openid-configuration} and kept; a failed fetch is retried by the next
 * caller. Its {@code issuer} must equal the configured one exactly (§4.3).
 */
public final class IssuerDiscovery {

    private static final String WELL_KNOWN = "/.well-known/openid-configuration";

    private final URI issuer;
    private final BoundedHttpClient http;
    private volatile Metadata metadata;

    /**
     * The endpoints the guard needs.
     *
     * @param jwksUri               {@code jwks_uri}
     * @param introspectionEndpoint {@code introspection_endpoint}, or null
     * @param tokenEndpoint         {@code token_endpoint}, or null (the security-event receiver needs it)
     */
    public record Metadata(URI jwksUri, URI introspectionEndpoint, URI tokenEndpoint) {
    }

    public IssuerDiscovery(URI issuer, BoundedHttpClient http) {
        this.issuer = issuer;
        this.http = http;
    }

    /** The metadata, fetching it if it has not been fetched successfully yet. */
    public Metadata metadata() throws IOException {
        Metadata known = metadata;
        if (known != null) {
            return known;
        }
        synchronized (this) { // only until the first success; never on a request once resolved
            if (metadata == null) {
                metadata = fetch();
            }
            return metadata;
        }
    }

    private Metadata fetch() throws IOException {
        String base = issuer.toString();
        URI location = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + WELL_KNOWN);
        HttpDocument document = http.get(location);
        if (!document.isSuccess()) {
            throw new IOException("discovery at " + location + " answered HTTP " + document.status());
        }
        try {
            Map<String, Object> json = JSONObjectUtils.parse(document.body());
            String advertisedIssuer = JSONObjectUtils.getString(json, "issuer");
            if (!base.equals(advertisedIssuer)) {
                throw new IOException("discovery at " + location + " names issuer " + advertisedIssuer
                        + ", not " + base);
            }
            URI jwksUri = JSONObjectUtils.getURI(json, "jwks_uri");
            if (jwksUri == null) {
                throw new IOException("discovery at " + location + " has no jwks_uri");
            }
            return new Metadata(jwksUri, JSONObjectUtils.getURI(json, "introspection_endpoint"),
                    JSONObjectUtils.getURI(json, "token_endpoint"));
        } catch (ParseException e) {
            throw new IOException("discovery at " + location + " is not valid metadata: " + e.getMessage(), e);
        }
    }
}
