package dev.identityservice.core.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * Which events of a tenant to read; every filter is optional ({@code null}: any) and they combine with AND.
 *
 * @param tenantId the tenant
 * @param type     exact event type
 * @param actor    exact actor
 * @param subject  exact subject
 * @param from     events at or after this instant
 * @param to       events before this instant (exclusive)
 */
public record AuditEventQuery(String tenantId, String type, String actor, String subject, Instant from, Instant to) {

    public AuditEventQuery {
        Objects.requireNonNull(tenantId, "tenantId");
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
    }

    /** Every event of {@code tenantId}. */
    public static AuditEventQuery all(String tenantId) {
        return new AuditEventQuery(tenantId, null, null, null, null, null);
    }
}
