package dev.identityservice.core.change;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.tenant.TenantStore;
import java.util.List;
import java.util.Optional;

/** A {@link TenantStore} that publishes {@link Change.Kind#TENANTS} after each committed write. */
public final class NotifyingTenantStore implements TenantStore {

    private final TenantStore store;
    private final ChangeNotifier changes;

    public NotifyingTenantStore(TenantStore store, ChangeNotifier changes) {
        this.store = store;
        this.changes = changes;
    }

    @Override
    public void create(Tenant tenant) {
        store.create(tenant);
        changes.publish(Change.tenants(tenant.id()));
    }

    @Override
    public void update(Tenant tenant) {
        store.update(tenant);
        changes.publish(Change.tenants(tenant.id()));
    }

    @Override
    public Optional<Tenant> find(String id) {
        return store.find(id);
    }

    @Override
    public List<Tenant> list() {
        return store.list();
    }
}
