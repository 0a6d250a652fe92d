package dev.identityservice.core.key;

import dev.identityservice.core.tenant.Tenant;
import java.util.List;

/**
 * Where signing keys live, private parts sealed under the master key by {@link PrivateKeyCipher}.
 *
 * <p>Every change goes through {@link #update}: a read-modify-write under a lock on the tenant,
 * so that rotations by several server instances sharing one database happen one after another.
 */
public interface SigningKeyStore {

    /** Every key of the tenant (all states), private parts opened; empty for a tenant without keys. */
    List<SigningKey> load(String tenantId);

    /**
     * Locks the tenant, reads it and its keys, asks {@code decision} what to change, applies that
     * change, and commits, all in one transaction. Concurrent updates of the same tenant, from this
     * process or another, wait for each other.
     *
     * @return the tenant's keys after the change
     * @throws IllegalArgumentException when the tenant does not exist
     */
    List<SigningKey> update(String tenantId, KeyDecision decision);

    /** Decides a change from the locked, current state; runs inside the transaction, so it does no I/O of its own. */
    @FunctionalInterface
    interface KeyDecision {
        KeyChange decide(Tenant tenant, List<SigningKey> keys);
    }
}
