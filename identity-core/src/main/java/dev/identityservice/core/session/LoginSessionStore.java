package dev.identityservice.core.session;

import java.time.Instant;
import java.util.Optional;

/** Where login sessions live, by hash. */
public interface LoginSessionStore {

    void insert(LoginSession session);

    Optional<LoginSession> find(String idHash);

    /** Ends the session; {@code false} when it was unknown or already ended. */
    boolean end(String idHash, Instant at);

    /** Ends every session of the user. */
    int endAllOfUser(String tenantId, String userId, Instant at);
}
