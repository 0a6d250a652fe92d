package dev.identityservice.core.change;

import dev.identityservice.core.store.jdbc.Database;
import java.util.function.Consumer;

/**
 * A {@link ChangeNotifier} that publishes a change made inside {@link Database#inOneTransaction} only once that
 * transaction has committed (and never if it rolls back), so that no subscriber of any instance re-reads before the
 * change is readable; outside such a transaction it publishes at once, as the notifier it wraps does.
 */
public final class AfterCommitChangeNotifier implements ChangeNotifier {

    private final ChangeNotifier notifier;
    private final Database database;

    public AfterCommitChangeNotifier(ChangeNotifier notifier, Database database) {
        this.notifier = notifier;
        this.database = database;
    }

    @Override
    public void publish(Change change) {
        database.afterCommit(() -> notifier.publish(change));
    }

    @Override
    public void subscribe(Consumer<Change> listener) {
        notifier.subscribe(listener);
    }

    @Override
    public void start() {
        notifier.start();
    }

    @Override
    public void close() {
        notifier.close();
    }
}
