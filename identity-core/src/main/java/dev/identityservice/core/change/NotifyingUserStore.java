package dev.identityservice.core.change;

import dev.identityservice.core.user.StoredCredentials;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A {@link UserStore} that publishes {@link Change.Kind#USERS} after each committed write that other
 * instances must see (create, update, revoke-all, delete). A password rehash at login is not published:
 * it changes nothing another instance decides on. {@link #modify} is the interface's: it reads and updates
 * through this decorator, so every attempt that writes is published.
 */
public final class NotifyingUserStore implements UserStore {

    private final UserStore store;
    private final ChangeNotifier changes;

    public NotifyingUserStore(UserStore store, ChangeNotifier changes) {
        this.store = store;
        this.changes = changes;
    }

    @Override
    public void create(User user) {
        store.create(user);
        changes.publish(Change.users(user.tenantId()));
    }

    @Override
    public User update(User user) {
        User stored = store.update(user);
        changes.publish(Change.users(user.tenantId()));
        return stored;
    }

    @Override
    public Optional<User> findById(String tenantId, String id) {
        return store.findById(tenantId, id);
    }

    @Override
    public Optional<User> findByUsername(String tenantId, String username) {
        return store.findByUsername(tenantId, username);
    }

    @Override
    public Optional<StoredCredentials> findCredentials(String tenantId, String username) {
        return store.findCredentials(tenantId, username);
    }

    @Override
    public List<User> list(String tenantId, int offset, int limit) {
        return store.list(tenantId, offset, limit);
    }

    @Override
    public List<User> search(String tenantId, String prefix, int offset, int limit) {
        return store.search(tenantId, prefix, offset, limit);
    }

    @Override
    public boolean replacePasswordHash(String tenantId, String userId, String expectedHash, String newHash, Instant now) {
        return store.replacePasswordHash(tenantId, userId, expectedHash, newHash, now);
    }

    @Override
    public void setTokensValidAfter(String tenantId, String userId, Instant instant) {
        store.setTokensValidAfter(tenantId, userId, instant);
        changes.publish(Change.users(tenantId));
    }

    @Override
    public boolean delete(String tenantId, String id) {
        boolean deleted = store.delete(tenantId, id);
        if (deleted) {
            changes.publish(Change.users(tenantId));
        }
        return deleted;
    }
}
