package dev.identityservice.core.tenant;

import java.util.List;
import java.util.Optional;

/** Where tenants live. */
public interface TenantStore {

    /** Stores a new tenant; fails with {@link IllegalStateException} when the id is taken. */
    void create(Tenant tenant);

    /** Replaces issuer, algorithm, rotation period and registration mode of an existing tenant. */
    void update(Tenant tenant);

    Optional<Tenant> find(String id);

    List<Tenant> list();
}
