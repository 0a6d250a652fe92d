package dev.identityservice.core.key;

import java.util.List;

/** Where signing keys live, private parts encrypted under the master key. */
public interface SigningKeyStore {

    /** Every key of the tenant (all states), private parts decrypted. */
    List<SigningKey> load(String tenantId);

    /**
     * Applies a rotation atomically: inserts {@code added}, updates the state columns of
     * {@code changed}, deletes {@code purged} kids, all in one transaction.
     */
    void apply(String tenantId, List<SigningKey> added, List<SigningKey> changed, List<String> purged);
}
