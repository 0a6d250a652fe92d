package dev.identityservice.core.registration;

import dev.identityservice.core.change.Change;
import dev.identityservice.core.change.ChangeNotifier;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientStore;
import dev.identityservice.core.token.OpaqueTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dynamic client registration's tokens and bookkeeping (RFC 7591 §3, RFC 7592): initial access tokens an
 * administrator issues, registration of a client with its registration access token, and the check and
 * rotation of that token. Every token is 256 random bits, handed out once and stored as its SHA-256; the
 * registration access token is compared in constant time. What a client may be registered with is decided
 * before, by the same rules as the management API ({@link dev.identityservice.core.client.ClientRegistrationRules}).
 */
public final class ClientRegistrations {

    /** How long an initial access token is valid when the administrator says nothing: 1 day. */
    public static final Duration DEFAULT_INITIAL_ACCESS_TOKEN_TTL = Duration.ofDays(1);
    /** The longest an initial access token may be valid: 365 days. */
    public static final Duration MAX_INITIAL_ACCESS_TOKEN_TTL = Duration.ofDays(365);
    /**
     * The most dynamically registered clients one tenant keeps, by default: 1000. Registration is refused
     * beyond it until some are deleted, so that open registration cannot fill the database.
     */
    public static final int DEFAULT_MAX_CLIENTS_PER_TENANT = 1000;

    /** Why {@link #register} refused; nothing was stored. */
    public static final class RegistrationRefused extends RuntimeException {
        private final ClientRegistrationStore.Outcome outcome;

        RegistrationRefused(ClientRegistrationStore.Outcome outcome) {
            super(outcome.name(), null, false, false);
            this.outcome = outcome;
        }

        public ClientRegistrationStore.Outcome outcome() {
            return outcome;
        }
    }

    /** A newly issued initial access token: {@code value} is shown once and never stored. */
    public record IssuedInitialAccessToken(InitialAccessToken token, String value) {
        @Override
        public String toString() {
            return "IssuedInitialAccessToken[" + token.id() + "]";
        }
    }

    /**
     * How long a dynamically registered client that never obtains a token is kept, by default: 7 days. Open
     * registration costs nothing, so rows nobody uses would otherwise pile up until the per-tenant cap refuses
     * everyone; a client that obtained a token once is kept until it is deleted.
     */
    public static final Duration DEFAULT_UNUSED_CLIENT_TTL = Duration.ofDays(7);
    /** The most client ids {@link #tokenIssued} remembers as already recorded; past it the memory starts over. */
    static final int MAX_REMEMBERED_IN_USE = 100_000;

    private final ClientRegistrationStore store;
    private final ClientStore clients;
    private final ChangeNotifier changes;
    private final Clock clock;
    private final Duration unusedClientTtl;
    /** Clients whose first token is recorded (or that are not registered): no write per token for them. */
    private final Set<String> recorded = ConcurrentHashMap.newKeySet();

    public ClientRegistrations(ClientRegistrationStore store, ClientStore clients, ChangeNotifier changes, Clock clock) {
        this(store, clients, changes, clock, DEFAULT_UNUSED_CLIENT_TTL);
    }

    /** @param unusedClientTtl how long a registered client that never obtains a token is kept (positive) */
    public ClientRegistrations(ClientRegistrationStore store, ClientStore clients, ChangeNotifier changes, Clock clock,
                               Duration unusedClientTtl) {
        this.store = Objects.requireNonNull(store, "store");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.unusedClientTtl = Objects.requireNonNull(unusedClientTtl, "unusedClientTtl");
        if (unusedClientTtl.isNegative() || unusedClientTtl.isZero()) {
            throw new IllegalArgumentException("unusedClientTtl must be positive: " + unusedClientTtl);
        }
    }

    /**
     * Notes that {@code clientId} obtained tokens, so that a dynamically registered client is no longer deleted as
     * unused. One conditional write per client and instance at most; later calls cost a set lookup.
     */
    public void tokenIssued(String tenantId, String clientId) {
        String key = tenantId + '\n' + clientId;
        if (recorded.contains(key)) {
            return;
        }
        store.markFirstToken(tenantId, clientId, clock.instant());
        if (recorded.size() >= MAX_REMEMBERED_IN_USE) {
            recorded.clear();
        }
        recorded.add(key);
    }

    /**
     * When a dynamically registered client will be deleted unless it obtains a token first (RFC 7591 §3.2.1
     * {@code client_secret_expires_at}); empty when it never will (it obtained one, or it was not registered).
     */
    public Optional<Instant> expiresAt(String tenantId, String clientId) {
        return store.usage(tenantId, clientId).filter(u -> u.firstTokenAt() == null).map(u -> u.registeredAt().plus(unusedClientTtl));
    }

    /**
     * Deletes the dynamically registered clients that never obtained a token within the unused-client TTL of their
     * registration, in batches (the cleanup job calls it).
     *
     * @return how many were deleted
     */
    public int deleteUnused(Instant now) {
        int deleted = 0;
        List<ClientRegistrationStore.ClientKey> batch;
        do {
            batch = store.neverUsed(now.minus(unusedClientTtl), 1_000);
            for (ClientRegistrationStore.ClientKey key : batch) {
                if (clients.delete(key.tenantId(), key.clientId())) {
                    deleted++;
                    changes.publish(Change.clients(key.tenantId()));
                }
            }
        } while (batch.size() == 1_000 && deleted > 0);
        return deleted;
    }

    /**
     * Issues an initial access token of {@code tenantId}.
     *
     * @param ttl     how long it is valid: more than 0, at most {@link #MAX_INITIAL_ACCESS_TOKEN_TTL}
     * @param maxUses how many registrations it may authorize (at least 1), or {@code null} for any number
     * @throws IllegalArgumentException for a TTL or use count out of range
     */
    public IssuedInitialAccessToken issueInitialAccessToken(String tenantId, Duration ttl, Integer maxUses) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_INITIAL_ACCESS_TOKEN_TTL) > 0) {
            throw new IllegalArgumentException("expiresIn must be more than 0s and at most 365d");
        }
        Instant now = clock.instant();
        InitialAccessToken token = new InitialAccessToken(UUID.randomUUID().toString(), tenantId, maxUses, 0, now, now.plus(ttl));
        String value = OpaqueTokens.generate();
        store.createInitialAccessToken(token, OpaqueTokens.hash(value));
        return new IssuedInitialAccessToken(token, value);
    }

    /** Whether {@code token} is an unexpired initial access token of {@code tenantId} with a use left. */
    public boolean acceptsInitialAccessToken(String tenantId, String token) {
        return token != null && token.length() <= OpaqueTokens.MAX_TOKEN_LENGTH
                && store.initialAccessTokenUsable(tenantId, OpaqueTokens.hash(token), clock.instant());
    }

    public List<InitialAccessToken> initialAccessTokens(String tenantId) {
        return store.initialAccessTokens(tenantId);
    }

    public boolean revokeInitialAccessToken(String tenantId, String id) {
        return store.deleteInitialAccessToken(tenantId, id);
    }

    /**
     * Stores a dynamically registered client and answers its new registration access token.
     *
     * @param initialAccessToken the token the request carried, or {@code null} in open registration
     * @param maxClients         the most dynamically registered clients the tenant may have
     * @throws RegistrationRefused when the initial access token is no longer usable, the tenant is full, or the id is taken
     */
    public String register(Client client, String initialAccessToken, int maxClients) {
        String token = OpaqueTokens.generate();
        ClientRegistrationStore.Outcome outcome = store.register(client, OpaqueTokens.hash(token),
                initialAccessToken == null ? null : OpaqueTokens.hash(initialAccessToken), maxClients, clock.instant());
        if (outcome != ClientRegistrationStore.Outcome.REGISTERED) {
            throw new RegistrationRefused(outcome);
        }
        changes.publish(Change.clients(client.tenantId()));
        return token;
    }

    /**
     * The dynamically registered client that {@code registrationAccessToken} gives access to (RFC 7592 §1):
     * empty for an unknown client, a client of the management API, or a wrong token, alike.
     */
    public Optional<Client> authorize(String tenantId, String clientId, String registrationAccessToken) {
        Optional<String> stored = store.accessTokenHash(tenantId, clientId);
        String presented = OpaqueTokens.hash(registrationAccessToken == null ? "" : registrationAccessToken);
        // Hashed first, so the comparison takes the same time whatever the presented token is.
        boolean matches = MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII),
                stored.orElse("").getBytes(StandardCharsets.US_ASCII));
        return matches ? clients.find(tenantId, clientId) : Optional.empty();
    }

    /**
     * Replaces the registration access token {@code current} of a client with a new one (RFC 7592 §3: a read
     * or update may return a new token, and the old one stops working at once).
     *
     * @return the new token, or empty when {@code current} was replaced meanwhile (a concurrent read or update won)
     */
    public Optional<String> rotate(String tenantId, String clientId, String current) {
        String token = OpaqueTokens.generate();
        return store.replaceAccessToken(tenantId, clientId, OpaqueTokens.hash(current), OpaqueTokens.hash(token))
                ? Optional.of(token) : Optional.empty();
    }

    /** How many dynamically registered clients the tenant has. */
    public int count(String tenantId) {
        return store.count(tenantId);
    }
}
