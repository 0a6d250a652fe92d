package dev.identityservice.guard;

import dev.identityservice.guard.error.BearerError;
import java.time.Duration;

/**
 * Receives what the guard does, so that an application can count or log it without the guard
 * depending on a metrics library. Every method has an empty default; implementations must be
 * thread-safe and fast, as some are called on request threads. An exception thrown here is logged
 * and otherwise ignored.
 */
public interface GuardListener {

    /** A listener that ignores everything. */
    GuardListener NONE = new GuardListener() {
    };

    /** Why the guard fetched the issuer's JWKS. */
    enum FetchCause {
        /** No key set yet. */
        INITIAL,
        /** The cached set is near or past its lifetime. */
        REFRESH,
        /** A token named a key id that the cached set does not have. */
        UNKNOWN_KID
    }

    /** A JWKS fetch succeeded; {@code usableKeys} keys can verify tokens. */
    default void jwksRefreshed(FetchCause cause, int usableKeys) {
    }

    /** A JWKS fetch failed; the last good set, if any, keeps serving. */
    default void jwksFetchFailed(FetchCause cause, String reason) {
    }

    /** An unknown {@code kid} did not cause a fetch because one happened less than an interval ago. */
    default void unknownKidRefetchRateLimited() {
    }

    /** A key set past its lifetime verified a token because no fresh one could be fetched. */
    default void servedStale(Duration pastLifetime) {
    }

    /** A token was rejected; {@code error} says why, in words safe to log. */
    default void tokenRejected(BearerError error) {
    }

    /** A security event (RFC 8417) from the issuer's stream was verified and applied to the deny-list. */
    default void securityEventApplied(String eventType) {
    }

    /** A security event was refused (reported back in {@code setErrs}, RFC 8936 §2.4); {@code err} per RFC 8935 §2.3. */
    default void securityEventRefused(String err, String description) {
    }

    /** A request was served while the guard had not heard from its security-event stream for {@code sinceContact}. */
    default void eventStreamStale(Duration sinceContact) {
    }
}
