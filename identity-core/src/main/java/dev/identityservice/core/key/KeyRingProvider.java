package dev.identityservice.core.key;

/** Gives the current {@link KeyRing} of a tenant without I/O on the request path. */
public interface KeyRingProvider {

    /** The current snapshot; creates the tenant's first keys if it has none. */
    KeyRing keyRing(String tenantId);
}
