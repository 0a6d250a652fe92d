package dev.identityservice.core.change;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listeners of one notifier; a listener that throws is logged and the others are still told. */
final class Subscribers {

    private static final Logger LOG = LoggerFactory.getLogger(Subscribers.class);

    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

    void add(Consumer<Change> listener) {
        listeners.add(listener);
    }

    void tell(Change change) {
        for (Consumer<Change> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                LOG.warn("A change listener failed on {}; the periodic reconcile will retry", change, e);
            }
        }
    }
}
