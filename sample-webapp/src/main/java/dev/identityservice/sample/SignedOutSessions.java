package dev.identityservice.sample;

import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions the issuer told this app had ended (OpenID Connect Back-Channel Logout 1.0 §2.7), kept in
 * memory for {@link #RETENTION}: by {@code sid}, and by subject with the instant of the logout (a logout token
 * without {@code sid} ends every session of its subject, §2.4).
 *
 * <p>Why this is the app's session: the sample keeps no server-side session; the page holds the tokens, and the
 * API is reached with them. Ending the app's session therefore means refusing them: access tokens carrying an
 * ended {@code sid}, and a subject's tokens issued before a subject-wide logout ({@link SessionEndedFilter});
 * the issuer has already revoked the session's refresh tokens, so the page cannot get new ones.
 */
final class SignedOutSessions {

    /** How long an ended session is remembered: longer than any access token the issuer hands out lives. */
    static final Duration RETENTION = Duration.ofHours(24);
    /** The most entries kept (each map); past it the oldest go first, as at expiry. */
    static final int MAX_ENTRIES = 100_000;

    private static final String ATTRIBUTE = SignedOutSessions.class.getName();

    private final Map<String, Instant> sids = new ConcurrentHashMap<>();
    private final Map<String, Instant> subjects = new ConcurrentHashMap<>();
    private final Clock clock;

    SignedOutSessions(Clock clock) {
        this.clock = clock;
    }

    /** The one registry of {@code context}, created on first use. */
    static SignedOutSessions of(ServletContext context) {
        synchronized (context) {
            Object existing = context.getAttribute(ATTRIBUTE);
            if (existing instanceof SignedOutSessions sessions) {
                return sessions;
            }
            SignedOutSessions created = new SignedOutSessions(Clock.systemUTC());
            context.setAttribute(ATTRIBUTE, created);
            return created;
        }
    }

    /** Records the end of session {@code sid}, or, with {@code sid} null, of every session of {@code subject}. */
    void ended(String sid, String subject) {
        Instant now = clock.instant();
        forgetOld(now);
        if (sid != null) {
            sids.put(sid, now);
        } else {
            subjects.merge(subject, now, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    /** Whether a token of {@code sid} (may be null) and {@code subject}, issued at {@code issuedAt}, lost its session. */
    boolean isEnded(String sid, String subject, Instant issuedAt) {
        if (sid != null && sids.containsKey(sid)) {
            return true;
        }
        Instant subjectEnded = subject == null ? null : subjects.get(subject);
        return subjectEnded != null && (issuedAt == null || !issuedAt.isAfter(subjectEnded));
    }

    private void forgetOld(Instant now) {
        Instant cutOff = now.minus(RETENTION);
        for (Map<String, Instant> map : java.util.List.of(sids, subjects)) {
            map.values().removeIf(at -> at.isBefore(cutOff));
            if (map.size() >= MAX_ENTRIES) {
                map.entrySet().stream().min(Map.Entry.comparingByValue()).ifPresent(e -> map.remove(e.getKey()));
            }
        }
    }
}
