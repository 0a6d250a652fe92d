package dev.identityservice.core.change;

import java.util.function.Consumer;

/**
 * The notifier of a database only one process uses (embedded H2): a published change is handed to this
 * process's subscribers on the publishing thread, before {@link #publish} returns. The subscribers are the
 * same as on PostgreSQL, so the code that drops stale state runs on H2 too.
 */
public final class InProcessChangeNotifier implements ChangeNotifier {

    private final Subscribers subscribers = new Subscribers();

    @Override
    public void publish(Change change) {
        subscribers.tell(change);
    }

    @Override
    public void subscribe(Consumer<Change> listener) {
        subscribers.add(listener);
    }

    @Override
    public void start() {
        // Nothing to listen to: every change is made in this process.
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
