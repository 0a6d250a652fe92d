package dev.identityservice.core.session;

import java.time.Instant;
import java.util.Optional;

/**
 * Where login sessions live, by hash, with the clients that took part in each.
 *
 * <p>Ending a session also queues, in the same transaction, a back-channel logout (OIDC Back-Channel Logout
 * 1.0 §2.5) for each participating client that registered a {@code backchannel_logout_uri}: a session ends
 * once, so its logouts are queued once, whichever server instance ends it.
 */
public interface LoginSessionStore {

    void insert(LoginSession session);

    Optional<LoginSession> find(String idHash);

    /** Ends the session and queues its back-channel logouts; {@code false} when it was unknown or already ended. */
    boolean end(String idHash, Instant at);

    /** Ends every session of the user and queues their back-channel logouts; answers how many ended. */
    int endAllOfUser(String tenantId, String userId, Instant at);

    /** Records that {@code clientId} got a code through the session; recording it again changes nothing. */
    void addParticipant(String idHash, String clientId);

    /**
     * Moves the active session's {@code auth_time} to {@code at} (the same user signed in again, OIDC Core §3.1.2.1
     * {@code prompt=login} or {@code max_age}); {@code false} when it was unknown or already ended.
     */
    boolean reauthenticate(String idHash, Instant at);
}
