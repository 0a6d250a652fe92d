package dev.identityservice.core.change;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientStore;
import java.util.List;
import java.util.Optional;

/** A {@link ClientStore} that publishes {@link Change.Kind#CLIENTS} after each committed write. */
public final class NotifyingClientStore implements ClientStore {

    private final ClientStore store;
    private final ChangeNotifier changes;

    public NotifyingClientStore(ClientStore store, ChangeNotifier changes) {
        this.store = store;
        this.changes = changes;
    }

    @Override
    public void create(Client client) {
        store.create(client);
        changes.publish(Change.clients(client.tenantId()));
    }

    @Override
    public void update(Client client) {
        store.update(client);
        changes.publish(Change.clients(client.tenantId()));
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
    public List<Client> search(String tenantId, String prefix, int offset, int limit) {
        return store.search(tenantId, prefix, offset, limit);
    }

    @Override
    public boolean delete(String tenantId, String clientId) {
        boolean deleted = store.delete(tenantId, clientId);
        if (deleted) {
            changes.publish(Change.clients(tenantId));
        }
        return deleted;
    }
}
