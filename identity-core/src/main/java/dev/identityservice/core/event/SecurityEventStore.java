package dev.identityservice.core.event;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The durable event log of every tenant, its streams and their acknowledgements. */
public interface SecurityEventStore {

    /** Stores {@code event}; joins the caller's transaction ({@code Database#inOneTransaction}) when there is one. */
    void append(SecurityEvent event);

    /**
     * Up to {@code limit} events of the stream's tenant not acknowledged on it, oldest first.
     *
     * @param limit at least 1
     */
    List<SecurityEvent> pending(EventStream stream, int limit);

    /** Acknowledges the events among {@code eventIds} that belong to the stream's tenant; others are ignored. */
    void acknowledge(EventStream stream, Collection<String> eventIds);

    /** Stores a new stream. */
    void createStream(EventStream stream);

    Optional<EventStream> findStream(String tenantId, String streamId);

    /** How many streams {@code clientId} holds. */
    int countStreams(String tenantId, String clientId);

    /** Deletes the stream and its acknowledgements; whether there was one. */
    boolean deleteStream(String tenantId, String streamId);

    /** Records a poll of the stream at {@code now}, which keeps it from expiring. */
    void touchStream(String streamId, Instant now);

    /**
     * Deletes {@code clientId}'s least recently polled stream if it was last polled before {@code polledBefore};
     * whether one was deleted.
     */
    boolean deleteLeastRecentlyPolledStream(String tenantId, String clientId, Instant polledBefore);
}
