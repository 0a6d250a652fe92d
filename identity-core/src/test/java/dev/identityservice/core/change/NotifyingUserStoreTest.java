package dev.identityservice.core.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcUserStore;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.TestDatabases;
import dev.identityservice.core.user.TestUsers;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserChangedConcurrentlyException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The decorator publishes every user write, also those made by {@code modify}, and passes conflicts through. */
class NotifyingUserStoreTest {

    private static final Instant LATER = TestUsers.CREATED.plusSeconds(60);

    @Test
    void modifyWhenThroughDecoratorThenWritePublishedAndStaleUpdateRefused() {
        try (Database database = TestDatabases.open(DatabaseKind.H2)) {
            TestUsers.createTenant(database, TestUsers.TENANT);
            InProcessChangeNotifier changes = new InProcessChangeNotifier();
            List<Change> published = new CopyOnWriteArrayList<>();
            changes.subscribe(published::add);
            NotifyingUserStore store = new NotifyingUserStore(new JdbcUserStore(database), changes);
            User bob = TestUsers.minimal("bob", null);
            store.create(bob);
            published.clear();

            User disabled = store.modify(TestUsers.TENANT, bob.id(), u -> u.withEnabled(false, LATER)).orElseThrow();

            assertFalse(disabled.enabled());
            assertEquals(List.of(Change.users(TestUsers.TENANT)), published);
            assertThrows(UserChangedConcurrentlyException.class, () -> store.update(bob.withEnabled(true, LATER)));
            assertEquals(1, published.size(), "a refused update publishes nothing");
            assertFalse(store.findById(TestUsers.TENANT, bob.id()).orElseThrow().enabled());
        }
    }
}
