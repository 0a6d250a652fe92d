package dev.identityservice.core.event;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientStore;
import dev.identityservice.core.store.jdbc.Database;
import java.util.List;
import java.util.Optional;

/**
 * A {@link ClientStore} that raises {@code client-disabled} when a client is deleted (the management API or RFC 7592),
 * in the same transaction as the delete: every token issued to it is dead from then on, and receivers learn it.
 */
public final class EventRaisingClientStore implements ClientStore {

    private final ClientStore store;
    private final Database database;
    private final SecurityEvents events;

    public EventRaisingClientStore(ClientStore store, Database database, SecurityEvents events) {
        this.store = store;
        this.database = database;
        this.events = events;
    }

    @Override
    public void create(Client client) {
        store.create(client);
    }

    @Override
    public void update(Client client) {
        store.update(client);
    }

    @Override
    public Optional<Client> find(String tenantId, String clientId) {
        return store.find(tenantId, clientId);
    }

    @Override
    public List<Client> list(String tenantId, int offset, int limit) {
        return store.list(tenantId, offset, limit);
    }

    @Override
    public List<Client> search(String tenantId, String namePrefix, int offset, int limit) {
        return store.search(tenantId, namePrefix, offset, limit);
    }

    @Override
    public boolean delete(String tenantId, String clientId) {
        return database.inOneTransaction(() -> {
            boolean deleted = store.delete(tenantId, clientId);
            if (deleted) {
                events.clientDisabled(tenantId, clientId);
            }
            return deleted;
        });
    }
}
