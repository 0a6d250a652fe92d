package dev.identityservice.core.logout;

import java.time.Instant;

/**
 * A back-channel logout still to deliver: session {@code sessionId} (its stored hash) of {@code userId} ended,
 * and {@code clientId} took part in it.
 *
 * @param createdAt when the session ended (the queue entry was written)
 * @param attempts  delivery attempts made before the current one
 */
public record PendingLogout(String sessionId, String clientId, String tenantId, String userId, Instant createdAt, int attempts) {
}
