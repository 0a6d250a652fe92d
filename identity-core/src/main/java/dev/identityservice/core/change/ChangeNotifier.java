package dev.identityservice.core.change;

import java.util.function.Consumer;

/**
 * Carries committed changes to every instance that shares the database: {@link #publish} after a commit,
 * and every subscriber of every instance (this one included) is told. Delivery is at most once and may be
 * late or lost (a dropped connection), which is why the PostgreSQL implementation also tells its
 * subscribers {@link Change#everything()} periodically and after every reconnect.
 */
public interface ChangeNotifier extends AutoCloseable {

    /** Tells every instance about a change that is already committed. Never throws: a lost notification is reconciled. */
    void publish(Change change);

    /** Adds a listener; it is called on the notifier's thread (or the publisher's) and must be quick and not throw. */
    void subscribe(Consumer<Change> listener);

    /** Starts receiving other instances' changes; idempotent. */
    void start();

    /** Stops receiving; publishing after it is a no-op for other instances. */
    @Override
    void close();
}
