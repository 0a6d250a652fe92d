package dev.identityservice.guard.jwks;

import dev.identityservice.guard.http.BoundedHttpClient;
import dev.identityservice.guard.http.HttpDocument;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;

/**
 * Fetches the JWKS (RFC 7517 §5) over HTTP from an explicit URI or from the {@code jwks_uri} of the
 * issuer's discovery metadata, with the timeouts and size cap of a {@link BoundedHttpClient}.
 */
public final class HttpJwksFetcher implements JwksFetcher {

    private final BoundedHttpClient http;
    private final URI explicitJwksUri;
    private final IssuerDiscovery discovery;

    /**
     * @param http            the bounded client
     * @param explicitJwksUri the JWKS location, or null to use {@code discovery}
     * @param discovery       the issuer's metadata, used when no explicit URI is given
     */
    public HttpJwksFetcher(BoundedHttpClient http, URI explicitJwksUri, IssuerDiscovery discovery) {
        this.http = http;
        this.explicitJwksUri = explicitJwksUri;
        this.discovery = discovery;
    }

    @Override
    public FetchedJwks fetch() throws IOException {
        URI location = explicitJwksUri != null ? explicitJwksUri : discovery.metadata().jwksUri();
        HttpDocument document = http.get(location);
        if (!document.isSuccess()) {
            throw new IOException("JWKS at " + location + " answered HTTP " + document.status());
        }
        try {
            return new FetchedJwks(JwkSetParser.parse(document.body()), document.maxAge());
        } catch (ParseException e) {
            throw new IOException("JWKS at " + location + " is not a JWK set: " + e.getMessage(), e);
        }
    }
}
