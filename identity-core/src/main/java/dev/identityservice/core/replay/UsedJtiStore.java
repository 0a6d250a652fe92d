package dev.identityservice.core.replay;

import java.time.Instant;

/** Where accepted JWT identifiers are remembered until their JWT expires (table {@code used_jtis}, V14). */
public interface UsedJtiStore {

    /**
     * Records {@code jtiHash} for the client and purpose unless it is recorded already.
     *
     * @param expiresAt when the record may go (the cleanup deletes it then)
     * @return {@code true} when recorded now, {@code false} when it was already there (a replay)
     */
    boolean recordIfAbsent(String tenantId, String clientId, String purpose, String jtiHash, Instant expiresAt);
}
