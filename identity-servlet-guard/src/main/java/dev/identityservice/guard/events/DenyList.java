package dev.identityservice.guard.events;

import dev.identityservice.guard.VerifiedToken;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokens the issuer's security events (RFC 8417) revoked, bounded in entries: by {@code jti}, by
 * {@code kid}, and by {@code sid}, {@code sub} or {@code client_id} for tokens issued ({@code iat}) before the
 * event's cut-off. Each entry is kept until the latest {@code exp} of the tokens it names
 * ({@code tokens_expire_by}) plus the clock skew the guard allows on {@code exp}, never longer.
 *
 * <p>One writer (the receiver thread), any number of lock-free readers. Every entry added or widened bumps {@link
 * #generation()} (a redelivered event changes nothing and bumps nothing), so that the verified-token cache re-checks a cached token only when the list changed: its
 * hit path stays one volatile read more than without a deny-list. Removing expired entries does not bump it
 * (it only lets through tokens that are expired anyway).
 */
public final class DenyList {

    private final int maxEntries;
    private final Map<String, Long> jtis = new ConcurrentHashMap<>();
    private final Map<String, Long> kids = new ConcurrentHashMap<>();
    private final Map<String, Cut> sessions = new ConcurrentHashMap<>();
    private final Map<String, Cut> subjects = new ConcurrentHashMap<>();
    private final Map<String, Cut> clients = new ConcurrentHashMap<>();
    /** Written by the one writer only; read by anyone. */
    private volatile int size;
    private volatile long generation;
    private volatile boolean refusedAnEntry;

    /** A cut-off: tokens with {@code iat} (seconds) before {@code cutoffSeconds} are denied until {@code keepUntilMillis}. */
    private record Cut(long cutoffSeconds, long keepUntilMillis) {
        Cut merge(Cut other) {
            return new Cut(Math.max(cutoffSeconds, other.cutoffSeconds), Math.max(keepUntilMillis, other.keepUntilMillis));
        }
    }

    /** @param maxEntries the most entries kept at once, at least 1 */
    public DenyList(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.maxEntries = maxEntries;
    }

    /** Changes whenever an entry is added; a token checked at one generation needs no re-check at the same one. */
    public long generation() {
        return generation;
    }

    /** How many entries are kept. */
    public int size() {
        return size;
    }

    /** Whether an entry was refused because the list was full, since the last {@link #prune} that made room. */
    public boolean overflowed() {
        return refusedAnEntry;
    }

    /** Denies the token with this {@code jti} until {@code keepUntilMillis}; false if the list is full. */
    public boolean denyJti(String jti, long keepUntilMillis) {
        return putMax(jtis, jti, keepUntilMillis);
    }

    /** Denies every token with this {@code kid} header until {@code keepUntilMillis}; false if full. */
    public boolean denyKey(String kid, long keepUntilMillis) {
        return putMax(kids, kid, keepUntilMillis);
    }

    /** Denies tokens with this {@code sid} and {@code iat} before {@code cutoffSeconds}; false if full. */
    public boolean denySession(String sid, long cutoffSeconds, long keepUntilMillis) {
        return putCut(sessions, sid, new Cut(cutoffSeconds, keepUntilMillis));
    }

    /** Denies tokens with this {@code sub} and {@code iat} before {@code cutoffSeconds}; false if full. */
    public boolean denySubject(String sub, long cutoffSeconds, long keepUntilMillis) {
        return putCut(subjects, sub, new Cut(cutoffSeconds, keepUntilMillis));
    }

    /** Denies tokens with this {@code client_id} and {@code iat} before {@code cutoffSeconds}; false if full. */
    public boolean denyClient(String clientId, long cutoffSeconds, long keepUntilMillis) {
        return putCut(clients, clientId, new Cut(cutoffSeconds, keepUntilMillis));
    }

    /**
     * Whether {@code token} is denied. A token without a readable {@code iat} counts as issued before any cut-off
     * that names it: nothing shows it was issued after the event.
     *
     * @param token a token whose signature and claims verified
     * @param kid   the {@code kid} of the key that verified it, or null
     */
    public boolean denies(VerifiedToken token, String kid) {
        if (size == 0) {
            return false;
        }
        Map<String, Object> claims = token.claims();
        if (claims.get("jti") instanceof String jti && jtis.containsKey(jti)) {
            return true;
        }
        if (kid != null && kids.containsKey(kid)) {
            return true;
        }
        long iat = iatSeconds(claims.get("iat"));
        return before(sessions, claims.get("sid"), iat) || before(subjects, claims.get("sub"), iat)
                || before(clients, token.clientId().isEmpty() ? null : token.clientId(), iat);
    }

    /** Drops the entries kept until {@code nowMillis} or earlier; only the writer calls it. */
    public void prune(long nowMillis) {
        int removed = 0;
        removed += removeIf(jtis, until -> until <= nowMillis);
        removed += removeIf(kids, until -> until <= nowMillis);
        removed += removeIf(sessions, cut -> cut.keepUntilMillis() <= nowMillis);
        removed += removeIf(subjects, cut -> cut.keepUntilMillis() <= nowMillis);
        removed += removeIf(clients, cut -> cut.keepUntilMillis() <= nowMillis);
        if (removed > 0) {
            size -= removed;
            refusedAnEntry = false;
        }
    }

    private static <V> int removeIf(Map<String, V> map, java.util.function.Predicate<V> expired) {
        int before = map.size();
        map.values().removeIf(expired);
        return before - map.size();
    }

    private static boolean before(Map<String, Cut> cuts, Object key, long iatSeconds) {
        if (!(key instanceof String name) || cuts.isEmpty()) {
            return false;
        }
        Cut cut = cuts.get(name);
        return cut != null && iatSeconds < cut.cutoffSeconds();
    }

    private static long iatSeconds(Object iat) {
        if (iat instanceof Long seconds) {
            return seconds;
        }
        if (iat instanceof Double seconds && !seconds.isNaN()) {
            return (long) Math.floor(seconds);
        }
        return Long.MIN_VALUE;
    }

    private boolean putMax(Map<String, Long> map, String key, long keepUntilMillis) {
        Long old = map.get(key);
        if (old != null && old >= keepUntilMillis) {
            return true; // a redelivered event: nothing changes, so cached tokens need no re-check
        }
        if (old == null && !room()) {
            return false;
        }
        map.put(key, keepUntilMillis);
        added(old == null);
        return true;
    }

    private boolean putCut(Map<String, Cut> map, String key, Cut cut) {
        Cut old = map.get(key);
        Cut merged = old == null ? cut : old.merge(cut);
        if (merged.equals(old)) {
            return true; // a redelivered event: nothing changes, so cached tokens need no re-check
        }
        if (old == null && !room()) {
            return false;
        }
        map.put(key, merged);
        added(old == null);
        return true;
    }

    private boolean room() {
        if (size >= maxEntries) {
            refusedAnEntry = true;
            return false;
        }
        return true;
    }

    private void added(boolean isNew) {
        if (isNew) {
            size++;
        }
        generation++; // after the put: a reader that sees the new generation sees the entry
    }
}
