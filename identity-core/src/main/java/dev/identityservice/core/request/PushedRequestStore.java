package dev.identityservice.core.request;

import java.time.Instant;
import java.util.Optional;

/** Where pushed authorization requests live, by the hash of their reference. */
public interface PushedRequestStore {

    void insert(PushedRequest request);

    /** The request under {@code referenceHash} in {@code tenantId}, used or not, expired or not. */
    Optional<PushedRequest> find(String tenantId, String referenceHash);

    /**
     * Marks the request used if it was not yet and is unexpired at {@code at} (one conditional update);
     * {@code false} when another use won, or it expired.
     */
    boolean consume(String tenantId, String referenceHash, Instant at);
}
