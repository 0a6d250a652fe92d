package dev.identityservice.core.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes rows as soon as they can no longer be used, in batches of at most {@value #BATCH_SIZE} rows per
 * statement, each statement its own short transaction, so that a large backlog never holds long locks.
 *
 * <ul>
 *   <li>Refresh tokens go by family: a family is deleted whole once none of its tokens is usable (ACTIVE and
 *       unexpired: under the bound policy that ends when its access token expires, under the sliding one at
 *       its own expiry) and none of the access tokens issued with it is unexpired. Until then a rotated token
 *       coming back is still recognised as a replay and revokes the family; afterwards there is nothing left
 *       to revoke and an unknown token is refused just the same.</li>
 *   <li>Opaque access tokens, revoked-token entries and login sessions go at their expiry.</li>
 *   <li>Authorization codes go {@link #CODE_RETENTION_AFTER_EXPIRY} past expiry, and not before the access
 *       token their redemption issued has expired, so that a late replay still revokes it (RFC 6749 §4.1.2).</li>
 * </ul>
 */
public final class ExpiredRowsCleanup implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ExpiredRowsCleanup.class);

    /** How long past its expiry a code is kept so that a late replay is still recognised. */
    public static final Duration CODE_RETENTION_AFTER_EXPIRY = Duration.ofHours(1);

    /** How often the server runs the cleanup by default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);

    /** The most rows (refresh tokens: families) one statement deletes. */
    public static final int BATCH_SIZE = 1_000;

    /** A family member still matters: usable itself, or paired with an unexpired access token. */
    private static final String LIVE_MEMBER = "SELECT 1 FROM refresh_tokens l WHERE l.tenant_id = r.tenant_id "
            + "AND l.family_id = r.family_id AND (l.access_token_expires_at > ? OR (l.state = 'ACTIVE' AND l.expires_at > ?))";

    private static final String DELETE_DEAD_FAMILIES = "DELETE FROM refresh_tokens WHERE (tenant_id, family_id) IN ("
            + "SELECT DISTINCT r.tenant_id, r.family_id FROM refresh_tokens r WHERE r.access_token_expires_at <= ? "
            + "AND (r.state <> 'ACTIVE' OR r.expires_at <= ?) AND NOT EXISTS (" + LIVE_MEMBER + ") "
            + "FETCH FIRST " + BATCH_SIZE + " ROWS ONLY)";

    /** Table → batched delete, each taking the cut-off instant as its only parameter. */
    private static final Map<String, String> BY_EXPIRY = byExpiry();

    private static Map<String, String> byExpiry() {
        Map<String, String> statements = new LinkedHashMap<>();
        statements.put("opaque_access_tokens", "DELETE FROM opaque_access_tokens WHERE token_hash IN (SELECT token_hash "
                + "FROM opaque_access_tokens WHERE expires_at <= ? FETCH FIRST " + BATCH_SIZE + " ROWS ONLY)");
        statements.put("revoked_access_tokens", "DELETE FROM revoked_access_tokens WHERE jti IN (SELECT jti "
                + "FROM revoked_access_tokens WHERE expires_at <= ? FETCH FIRST " + BATCH_SIZE + " ROWS ONLY) AND expires_at <= ?");
        statements.put("sessions", "DELETE FROM sessions WHERE id_hash IN (SELECT id_hash "
                + "FROM sessions WHERE expires_at <= ? FETCH FIRST " + BATCH_SIZE + " ROWS ONLY)");
        return statements;
    }

    private static final String DELETE_CODES = "DELETE FROM authorization_codes WHERE code_hash IN (SELECT code_hash "
            + "FROM authorization_codes WHERE expires_at <= ? AND (issued_access_expires IS NULL OR issued_access_expires <= ?) "
            + "FETCH FIRST " + BATCH_SIZE + " ROWS ONLY)";

    private final Database database;
    private final Clock clock;

    public ExpiredRowsCleanup(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Deletes every row that can no longer be used, batch after batch until none is left.
     *
     * @return how many rows were deleted, all tables together
     * @throws DataAccessException when the database fails; batches already deleted stay deleted
     */
    public int deleteExpired() {
        Instant now = clock.instant();
        int removed = repeat(DELETE_DEAD_FAMILIES, now, now, now, now);
        removed += repeat(BY_EXPIRY.get("opaque_access_tokens"), now);
        removed += repeat(BY_EXPIRY.get("revoked_access_tokens"), now, now);
        removed += repeat(BY_EXPIRY.get("sessions"), now);
        removed += repeat(DELETE_CODES, now.minus(CODE_RETENTION_AFTER_EXPIRY), now);
        return removed;
    }

    /** Runs one batched delete until it deletes nothing; each batch commits on its own. */
    private int repeat(String sql, Instant... parameters) {
        int total = 0;
        int deleted;
        do {
            deleted = database.withConnection(connection -> deleteBatch(connection, sql, List.of(parameters)));
            total += deleted;
        } while (deleted > 0);
        return total;
    }

    private static int deleteBatch(Connection connection, String sql, List<Instant> parameters) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                Timestamps.set(delete, i + 1, parameters.get(i));
            }
            return delete.executeUpdate();
        }
    }

    @Override
    public void run() {
        try {
            int removed = deleteExpired();
            if (removed > 0) {
                LOG.info("Removed {} expired token, code and session rows", removed);
            }
        } catch (RuntimeException e) {
            LOG.warn("Cleanup of expired rows failed; it will run again", e);
        }
    }
}
