package dev.identityservice.guard.testing;

import dev.identityservice.guard.GuardListener;
import dev.identityservice.guard.error.BearerError;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts every event, as an application would. */
public final class CountingListener implements GuardListener {
    public final AtomicInteger refreshed = new AtomicInteger();
    public final AtomicInteger fetchFailed = new AtomicInteger();
    public final AtomicInteger rateLimited = new AtomicInteger();
    public final AtomicInteger servedStale = new AtomicInteger();
    public final ConcurrentLinkedQueue<BearerError> rejected = new ConcurrentLinkedQueue<>();

    @Override
    public void jwksRefreshed(FetchCause cause, int usableKeys) {
        refreshed.incrementAndGet();
    }

    @Override
    public void jwksFetchFailed(FetchCause cause, String reason) {
        fetchFailed.incrementAndGet();
    }

    @Override
    public void unknownKidRefetchRateLimited() {
        rateLimited.incrementAndGet();
    }

    @Override
    public void servedStale(Duration pastLifetime) {
        servedStale.incrementAndGet();
    }

    @Override
    public void tokenRejected(BearerError error) {
        rejected.add(error);
    }
}
