package dev.identityservice.guard.events;

import java.time.Duration;
import java.time.Instant;

/**
 * How current the guard's view of the issuer's revocations is.
 *
 * @param lastContact     when the stream last answered a poll with everything applied; null if never
 * @param maxStaleness    how long after that the guard still counts itself fresh
 * @param stale           whether it is stale now (also when the deny-list is full)
 * @param denyListEntries how many deny-list entries are kept
 * @param denyListFull    whether an event could not be applied because the deny-list was full
 * @param streamId        the stream being polled, or null
 * @param lastProblem     the last failure of the receiver in words safe to log, or null
 */
public record EventFreshness(Instant lastContact, Duration maxStaleness, boolean stale, int denyListEntries,
        boolean denyListFull, String streamId, String lastProblem) {
}
