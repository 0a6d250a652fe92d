package dev.identityservice.core.logout;

import java.time.Instant;
import java.util.List;

/**
 * The queue of back-channel logouts still to deliver, shared by every server instance. Entries are written by
 * {@link dev.identityservice.core.session.LoginSessionStore} when a session ends; this interface takes them.
 */
public interface PendingLogoutStore {

    /** Up to {@code limit} entries due at {@code now} and not leased to anyone, oldest due first. */
    List<PendingLogout> due(Instant now, int limit);

    /**
     * Leases {@code entry} until {@code until} and counts an attempt, if it is still due and not leased: of
     * several instances that read the same entry, exactly one gets {@code true}.
     */
    boolean claim(PendingLogout entry, Instant now, Instant until);

    /** Schedules the next attempt and lifts the lease. */
    void retryAt(PendingLogout entry, Instant next);

    /** Removes the entry: delivered, given up, or pointless (the client is gone). */
    void remove(PendingLogout entry);
}
