package dev.identityservice.core.client;

import dev.identityservice.core.error.OAuthError;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates a client at the token, revocation and introspection endpoints (RFC 6749 §2.3).
 *
 * <p>A confidential client must present its secret; a public client must present none, since a secret
 * it sends cannot be checked and would only give a false sense of authentication. Every failure is the
 * same {@code invalid_client} error, and an unknown client costs the same SHA-256 as a known one, so
 * neither answer nor timing tells which client ids exist.
 */
public final class ClientAuthenticator {

    /** The one error of every failed client authentication. */
    public static final OAuthError FAILED = OAuthError.invalidClient("Client authentication failed");

    /** Compared against when the client is unknown, so that the work done is the same. */
    private static final String DUMMY_HASH = ClientSecrets.hash(ClientSecrets.generate());

    private final ClientStore clients;

    public ClientAuthenticator(ClientStore clients) {
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    /**
     * The client of {@code tenantId} that {@code clientId} and {@code secret} identify.
     *
     * @param secret the presented secret, or {@code null} when none was presented
     * @throws dev.identityservice.core.error.OAuthException with {@link #FAILED}
     */
    public Client authenticate(String tenantId, String clientId, String secret) {
        Optional<Client> found = clientId == null || clientId.isEmpty() ? Optional.empty() : clients.find(tenantId, clientId);
        if (found.isEmpty()) {
            ClientSecrets.matches(secret, DUMMY_HASH);
            throw FAILED.exception();
        }
        Client client = found.get();
        if (client.tokenEndpointAuthMethod() == ClientCredentials.Method.PRIVATE_KEY_JWT) {
            throw FAILED.exception(); // only a client assertion authenticates it (ClientAssertions)
        }
        boolean authenticated = client.isPublic() ? secret == null : ClientSecrets.matches(secret, client.secretHash());
        if (!authenticated) {
            throw FAILED.exception();
        }
        return client;
    }

    /**
     * {@link #authenticate(String, String, String)} for credentials parsed at the edge; a client that registered a
     * {@link Client#tokenEndpointAuthMethod} must also have used that method (RFC 7591 §2), else {@link #FAILED}.
     */
    public Client authenticate(String tenantId, ClientCredentials credentials) {
        Client client = authenticate(tenantId, credentials.clientId(), credentials.secret());
        if (!client.accepts(credentials.method())) {
            throw FAILED.exception();
        }
        return client;
    }
}
