package dev.identityservice.guard.verify;

import dev.identityservice.guard.GuardListener;
import dev.identityservice.guard.error.BearerError;
import java.time.Duration;

/**
 * Passes events to the application's {@link GuardListener} and keeps its exceptions out of token
 * verification: a broken counter must not turn into a rejected request.
 */
final class SafeListener implements GuardListener {

    private static final System.Logger LOG = System.getLogger(SafeListener.class.getName());

    private final GuardListener delegate;

    SafeListener(GuardListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void jwksRefreshed(FetchCause cause, int usableKeys) {
        run(() -> delegate.jwksRefreshed(cause, usableKeys));
    }

    @Override
    public void jwksFetchFailed(FetchCause cause, String reason) {
        run(() -> delegate.jwksFetchFailed(cause, reason));
    }

    @Override
    public void unknownKidRefetchRateLimited() {
        run(delegate::unknownKidRefetchRateLimited);
    }

    @Override
    public void servedStale(Duration pastLifetime) {
        run(() -> delegate.servedStale(pastLifetime));
    }

    @Override
    public void tokenRejected(BearerError error) {
        run(() -> delegate.tokenRejected(error));
    }

    @Override
    public void securityEventApplied(String eventType) {
        run(() -> delegate.securityEventApplied(eventType));
    }

    @Override
    public void securityEventRefused(String err, String description) {
        run(() -> delegate.securityEventRefused(err, description));
    }

    @Override
    public void eventStreamStale(Duration sinceContact) {
        run(() -> delegate.eventStreamStale(sinceContact));
    }

    private static void run(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "GuardListener threw; ignored", e);
        }
    }
}
