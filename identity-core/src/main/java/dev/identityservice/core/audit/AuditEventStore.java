package dev.identityservice.core.audit;

import java.util.List;

/** Where audit events are kept: appended in batches, read newest first; old ones go by the cleanup's retention. */
public interface AuditEventStore {

    /**
     * Appends {@code events} in one transaction.
     *
     * @throws dev.identityservice.core.store.jdbc.DataAccessException when the database fails (none is kept)
     */
    void append(List<AuditEvent> events);

    /**
     * The events {@code query} selects, newest first (by time, then id), {@code limit} of them from {@code offset}.
     *
     * @throws dev.identityservice.core.store.jdbc.DataAccessException when the database fails
     */
    List<AuditEvent> find(AuditEventQuery query, int offset, int limit);
}
