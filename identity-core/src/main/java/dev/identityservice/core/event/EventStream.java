package dev.identityservice.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A receiver's poll stream (SSF 1.0 §8.1.1, RFC 8936): owned by one client of one tenant, it delivers every event
 * of the tenant still retained and not yet acknowledged on it.
 *
 * @param description  what the receiver said the stream is for, or {@code null}
 * @param lastPolledAt the last poll, or the creation; a stream idle for longer than the idle expiry is deleted
 */
public record EventStream(String id, String tenantId, String clientId, String description, Instant createdAt, Instant lastPolledAt) {

    /** The longest description kept (the column's width). */
    public static final int MAX_DESCRIPTION_CHARS = 255;

    public EventStream {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastPolledAt, "lastPolledAt");
        if (description != null && description.length() > MAX_DESCRIPTION_CHARS) {
            throw new IllegalArgumentException("description must be at most " + MAX_DESCRIPTION_CHARS + " characters");
        }
    }
}
