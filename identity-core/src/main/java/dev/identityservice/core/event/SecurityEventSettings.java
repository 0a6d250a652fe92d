package dev.identityservice.core.event;

import dev.identityservice.core.token.TokenSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * How security events are kept and delivered.
 *
 * @param retention           how long an event is kept after it was raised; at least {@link TokenSettings#MAX_TOKEN_TTL},
 *                            the longest access-token lifetime a client can have, so that a receiver that starts (or
 *                            restarts) learns every revocation of a token that is still alive
 * @param pollMaxWait         how long a long poll (RFC 8936 §2.4, {@code returnImmediately} false) is held when nothing
 *                            is pending
 * @param streamIdleExpiry    a stream not polled for this long is deleted by the cleanup job
 * @param maxStreamsPerClient the most streams one receiver client may hold
 */
public record SecurityEventSettings(Duration retention, Duration pollMaxWait, Duration streamIdleExpiry, int maxStreamsPerClient) {

    /** Default retention: 2 days, twice the longest access-token lifetime. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(2);
    /** Default long-poll hold: 10 seconds. */
    public static final Duration DEFAULT_POLL_MAX_WAIT = Duration.ofSeconds(10);
    /** The shortest long-poll hold: 100 ms. */
    public static final Duration MIN_POLL_MAX_WAIT = Duration.ofMillis(100);
    /** The longest long-poll hold: 5 minutes (the server also requires less than its connection idle timeout). */
    public static final Duration MAX_POLL_MAX_WAIT = Duration.ofMinutes(5);
    /** Default idle expiry of a stream: 7 days. */
    public static final Duration DEFAULT_STREAM_IDLE_EXPIRY = Duration.ofDays(7);
    /** The shortest idle expiry: 1 minute, longer than any poll is held. */
    public static final Duration MIN_STREAM_IDLE_EXPIRY = Duration.ofMinutes(1);
    /** Default most streams per client: 10 (a guard holds one per process; restarts create new ones). */
    public static final int DEFAULT_MAX_STREAMS_PER_CLIENT = 10;
    /** The most streams per client that can be configured. */
    public static final int MAX_MAX_STREAMS_PER_CLIENT = 10_000;

    public static final SecurityEventSettings DEFAULTS = new SecurityEventSettings(DEFAULT_RETENTION, DEFAULT_POLL_MAX_WAIT,
            DEFAULT_STREAM_IDLE_EXPIRY, DEFAULT_MAX_STREAMS_PER_CLIENT);

    /** @throws IllegalArgumentException naming the setting that is out of range */
    public SecurityEventSettings {
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(pollMaxWait, "pollMaxWait");
        Objects.requireNonNull(streamIdleExpiry, "streamIdleExpiry");
        if (retention.compareTo(TokenSettings.MAX_TOKEN_TTL) < 0) {
            throw new IllegalArgumentException("security-events.retention must be at least " + TokenSettings.MAX_TOKEN_TTL.toHours()
                    + "h, the longest access-token lifetime the server can issue: " + retention);
        }
        if (pollMaxWait.compareTo(MIN_POLL_MAX_WAIT) < 0 || pollMaxWait.compareTo(MAX_POLL_MAX_WAIT) > 0) {
            throw new IllegalArgumentException("security-events.poll.max-wait must be from 100ms to 5m: " + pollMaxWait);
        }
        if (streamIdleExpiry.compareTo(MIN_STREAM_IDLE_EXPIRY) < 0) {
            throw new IllegalArgumentException("security-events.stream-idle-expiry must be at least 1m: " + streamIdleExpiry);
        }
        if (maxStreamsPerClient < 1 || maxStreamsPerClient > MAX_MAX_STREAMS_PER_CLIENT) {
            throw new IllegalArgumentException("security-events.max-streams-per-client must be from 1 to "
                    + MAX_MAX_STREAMS_PER_CLIENT + ": " + maxStreamsPerClient);
        }
    }
}
