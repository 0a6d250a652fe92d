package dev.identityservice.core.request;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored pushed authorization request (RFC 9126 §2).
 *
 * @param referenceHash the SHA-256 (hex) of the random part of its {@code request_uri}; the reference itself is never stored
 * @param parameters    the effective authorization request, {@code application/x-www-form-urlencoded}
 * @param expiresAt     when the {@code request_uri} stops working
 * @param consumedAt    when an authorization request used it, or {@code null}
 */
public record PushedRequest(String referenceHash, String tenantId, String clientId, String parameters, Instant expiresAt,
                            Instant consumedAt) {

    public PushedRequest {
        Objects.requireNonNull(referenceHash, "referenceHash");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
