package dev.identityservice.core.store.jdbc;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes rows that can no longer matter: every table of tokens, codes and sessions has an expiry
 * column with an index, and this job removes what lies past it.
 *
 * <p>Rotated refresh tokens stay until their family ends, because a replay must still be recognised;
 * consumed codes stay a while past expiry for the same reason.
 */
public final class ExpiredRowsCleanup implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ExpiredRowsCleanup.class);

    /** How long past its expiry a code is kept so that a late replay still revokes what it issued. */
    public static final Duration CODE_RETENTION_AFTER_EXPIRY = Duration.ofHours(1);

    /** How often the server runs the cleanup by default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);

    private record Rule(String table, String expiryColumn, Duration retention) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule("refresh_tokens", "family_expires_at", Duration.ZERO),
            new Rule("opaque_access_tokens", "expires_at", Duration.ZERO),
            new Rule("revoked_access_tokens", "expires_at", Duration.ZERO),
            new Rule("authorization_codes", "expires_at", CODE_RETENTION_AFTER_EXPIRY),
            new Rule("sessions", "expires_at", Duration.ZERO),
            new Rule("login_attempts", "expires_at", Duration.ZERO));

    private final Database database;
    private final Clock clock;

    public ExpiredRowsCleanup(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Deletes expired rows of every table; returns how many. */
    public int deleteExpired() {
        Instant now = clock.instant();
        return database.withConnection(connection -> {
            int removed = 0;
            for (Rule rule : RULES) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM " + rule.table() + " WHERE " + rule.expiryColumn() + " < ?")) {
                    Timestamps.set(delete, 1, now.minus(rule.retention()));
                    removed += delete.executeUpdate();
                }
            }
            return removed;
        });
    }

    @Override
    public void run() {
        try {
            int removed = deleteExpired();
            if (removed > 0) {
                LOG.info("Removed {} expired token, code, session and login-attempt rows", removed);
            }
        } catch (RuntimeException e) {
            LOG.warn("Cleanup of expired rows failed; it will run again", e);
        }
    }
}
