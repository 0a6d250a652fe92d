package dev.identityservice.core.client;

import java.util.List;
import java.util.Optional;

/** Where clients live; one JDBC implementation serves H2 and PostgreSQL. */
public interface ClientStore {

    /** Stores a new client; {@link IllegalStateException} when the id is taken. */
    void create(Client client);

    /** Replaces every setting of an existing client. */
    void update(Client client);

    Optional<Client> find(String tenantId, String clientId);

    List<Client> list(String tenantId, int offset, int limit);

    /**
     * Clients of a tenant whose display name starts with {@code namePrefix}, compared case-insensitively by
     * {@link ClientNames#key}, in the order of those keys; clients without a name never match. Served by an index.
     *
     * @param namePrefix at least one character
     * @throws IllegalArgumentException for an empty prefix, or an offset or limit out of range
     */
    List<Client> search(String tenantId, String namePrefix, int offset, int limit);

    boolean delete(String tenantId, String clientId);
}
