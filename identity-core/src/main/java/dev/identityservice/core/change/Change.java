package dev.identityservice.core.change;

import java.util.Objects;
import java.util.Optional;

/**
 * One committed change that other instances may hold a stale copy of.
 *
 * @param kind     what changed
 * @param tenantId the tenant it changed in; {@code null} only for {@link Kind#EVERYTHING}
 */
public record Change(Kind kind, String tenantId) {

    /** What changed, and so what a listener must drop or reload. */
    public enum Kind {
        /** A tenant's signing keys: reload its key ring (signer, JWKS). */
        KEYS,
        /** A tenant was created or its settings changed. */
        TENANTS,
        /** A user was created, changed, disabled, deleted or had every token revoked. */
        USERS,
        /** A client was created, changed (secret, redirect URIs, origins) or deleted. */
        CLIENTS,
        /** Notifications may have been missed (reconnect, periodic reconcile): re-read everything. */
        EVERYTHING,
        /** A security event was raised in the tenant: wake the long polls waiting for it. */
        SECURITY_EVENTS
    }

    /** The longest tenant id a notification carries; PostgreSQL limits a payload to 8000 bytes. */
    private static final int MAX_TENANT_ID_CHARS = 200;

    public Change {
        Objects.requireNonNull(kind, "kind");
        if (kind != Kind.EVERYTHING) {
            Objects.requireNonNull(tenantId, "tenantId");
            if (tenantId.length() > MAX_TENANT_ID_CHARS || tenantId.indexOf(' ') >= 0) {
                throw new IllegalArgumentException("tenant id not publishable: " + tenantId);
            }
        }
    }

    public static Change keys(String tenantId) {
        return new Change(Kind.KEYS, tenantId);
    }

    public static Change tenants(String tenantId) {
        return new Change(Kind.TENANTS, tenantId);
    }

    public static Change users(String tenantId) {
        return new Change(Kind.USERS, tenantId);
    }

    public static Change clients(String tenantId) {
        return new Change(Kind.CLIENTS, tenantId);
    }

    public static Change securityEvents(String tenantId) {
        return new Change(Kind.SECURITY_EVENTS, tenantId);
    }

    public static Change everything() {
        return new Change(Kind.EVERYTHING, null);
    }

    /** {@code KIND tenantId}: the wire form of a notification payload. */
    String encode() {
        return tenantId == null ? kind.name() : kind.name() + " " + tenantId;
    }

    /** The change in {@code text} ({@link #encode()}'s form); empty for anything else. */
    static Optional<Change> decode(String text) {
        int space = text.indexOf(' ');
        try {
            Kind kind = Kind.valueOf(space < 0 ? text : text.substring(0, space));
            return Optional.of(new Change(kind, space < 0 ? null : text.substring(space + 1)));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
