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

    boolean delete(String tenantId, String clientId);
}
