package dev.identityservice.core.registration;

import dev.identityservice.core.client.Client;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where dynamically registered clients keep their registration access token (RFC 7592), and where initial
 * access tokens (RFC 7591 §3) live; every token as its SHA-256 in hex. One JDBC implementation.
 */
public interface ClientRegistrationStore {

    /** What {@link #register} did. */
    enum Outcome {
        REGISTERED,
        /** The initial access token is unknown, of another tenant, expired or used up: nothing was stored. */
        INITIAL_ACCESS_TOKEN_REFUSED,
        /** The tenant has its maximum of registered clients: nothing was stored. */
        LIMIT_REACHED,
        /** The client id is taken: nothing was stored. */
        CLIENT_ID_TAKEN
    }

    /**
     * Stores {@code client} and its registration in one transaction, serialized per tenant so that the cap
     * holds under concurrent registrations (also across instances on PostgreSQL): spends one use of the
     * initial access token when one is given, counts the tenant's registered clients, inserts.
     *
     * @param initialAccessTokenHash the SHA-256 of the initial access token, or {@code null} for open registration
     * @param maxClients             the most registered clients the tenant may have
     */
    Outcome register(Client client, String accessTokenHash, String initialAccessTokenHash, int maxClients, Instant now);

    /** The hash of the registration access token of a dynamically registered client; empty for any other client. */
    Optional<String> accessTokenHash(String tenantId, String clientId);

    /** Replaces the registration access token hash if it is still {@code oldHash}; whether it was. */
    boolean replaceAccessToken(String tenantId, String clientId, String oldHash, String newHash);

    /** How many clients of the tenant were registered dynamically and still exist. */
    int count(String tenantId);

    void createInitialAccessToken(InitialAccessToken token, String tokenHash);

    /** Whether the token with this hash belongs to the tenant, is unexpired at {@code now} and has a use left. */
    boolean initialAccessTokenUsable(String tenantId, String tokenHash, Instant now);

    /** The tenant's initial access tokens, newest first. */
    List<InitialAccessToken> initialAccessTokens(String tenantId);

    /** Revokes an initial access token; whether it existed. */
    boolean deleteInitialAccessToken(String tenantId, String id);

    /**
     * Records that a registered client obtained its first token.
     *
     * @return {@code true} when recorded now; {@code false} when the client is not dynamically registered or had one before
     */
    boolean markFirstToken(String tenantId, String clientId, Instant at);

    /** Up to {@code limit} registered clients that never obtained a token, registered at or before {@code registeredBy}. */
    List<ClientKey> neverUsed(Instant registeredBy, int limit);

    /** When the client was registered and first obtained a token; empty when it was not dynamically registered. */
    Optional<Usage> usage(String tenantId, String clientId);

    /** A client's key. */
    record ClientKey(String tenantId, String clientId) {
    }

    /** @param firstTokenAt when it first obtained a token, or {@code null} for never */
    record Usage(Instant registeredAt, Instant firstTokenAt) {
    }
}
