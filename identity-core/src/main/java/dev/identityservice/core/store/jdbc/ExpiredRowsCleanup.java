package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.event.SecurityEventSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
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
 *   <li>Opaque access tokens, revoked-token entries, login sessions, initial access tokens, pushed authorization
 *       requests and used JWT identifiers go at their expiry. A session that expires without having been ended, and that clients took part
 *       in, is first ended as a logout would end it, which queues its back-channel logouts (OIDC Back-Channel
 *       Logout 1.0 §2.5: the session ended).</li>
 *   <li>Authorization codes go {@link #CODE_RETENTION_AFTER_EXPIRY} past expiry, and not before the access
 *       token their redemption issued (and the one issued with them in a hybrid response) has expired and the refresh
 *       family it started is gone, so that a late replay still revokes them (RFC 6749 §4.1.2).</li>
 *   <li>Audit events go once they are older than the audit retention.</li>
 *   <li>Security events go once they are older than {@code security-events.retention}, and receivers' streams once
 *       they were not polled for {@code security-events.stream-idle-expiry}; acknowledgements go with either.</li>
 *   <li>Dynamically registered clients that never obtained a token go once the unused-client TTL has passed
 *       since their registration (through the {@code alsoDelete} task).</li>
 * </ul>
 */
public final class ExpiredRowsCleanup implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ExpiredRowsCleanup.class);

    /** How long past its expiry a code is kept so that a late replay is still recognised. */
    public static final Duration CODE_RETENTION_AFTER_EXPIRY = Duration.ofHours(1);

    /** How often the server runs the cleanup by default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);

    /** How long audit events are kept by default: 90 days. */
    public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(90);

    /** The most rows (refresh tokens: families) one statement deletes. */
    public static final int BATCH_SIZE = 1_000;

    /** A family member still matters: usable itself, or paired with an unexpired access token. */
    private static final String NO_LIVE_MEMBER = "NOT EXISTS (SELECT 1 FROM refresh_tokens l WHERE l.tenant_id = ? "
            + "AND l.family_id = ? AND (l.access_token_expires_at > ? OR (l.state = 'ACTIVE' AND l.expires_at > ?)))";

    /**
     * The next candidates in (access_token_expires_at, token_hash) order after a cursor, so that each run reads
     * every candidate row once however many live families' old members sit among them. A candidate is a row
     * that is itself of no use any more; whether its whole family is, {@link #DELETE_FAMILY} checks.
     */
    private static final String NEXT_CANDIDATES = "SELECT tenant_id, family_id, access_token_expires_at, token_hash "
            + "FROM refresh_tokens WHERE access_token_expires_at <= ? AND (state <> 'ACTIVE' OR expires_at <= ?) "
            + "AND (access_token_expires_at > ? OR (access_token_expires_at = ? AND token_hash > ?)) "
            + "ORDER BY access_token_expires_at, token_hash FETCH FIRST " + BATCH_SIZE + " ROWS ONLY";

    private static final String DELETE_FAMILY = "DELETE FROM refresh_tokens WHERE tenant_id = ? AND family_id = ? AND " + NO_LIVE_MEMBER;

    /** A table whose rows go when {@code condition} holds; {@code keys} is its primary key. */
    private record Rule(String table, List<String> keys, String condition, int instants) {

        String select() {
            return "SELECT " + String.join(", ", keys) + " FROM " + table + " WHERE " + condition
                    + " FETCH FIRST " + BATCH_SIZE + " ROWS ONLY";
        }

        /** Deletes one row by key, the condition checked again: a row renewed meanwhile stays. */
        String delete() {
            return "DELETE FROM " + table + " WHERE " + keys.stream().map(k -> k + " = ?").collect(Collectors.joining(" AND "))
                    + " AND " + condition;
        }
    }

    private static final List<Rule> BY_EXPIRY = List.of(
            new Rule("opaque_access_tokens", List.of("token_hash"), "expires_at <= ?", 1),
            new Rule("revoked_access_tokens", List.of("tenant_id", "jti"), "expires_at <= ?", 1),
            new Rule("sessions", List.of("id_hash"), "expires_at <= ?", 1),
            // The second and third instants are now: what the redemption issued and what left with the code in a
            // hybrid response must have expired too, and the refresh family it started must be gone (the
            // dead-family pass runs first), since a replay of the code revokes them.
            new Rule("authorization_codes", List.of("code_hash"),
                    "expires_at <= ? AND (issued_access_expires IS NULL OR issued_access_expires <= ?) "
                            + "AND (front_channel_access_expires IS NULL OR front_channel_access_expires <= ?) "
                            + "AND (issued_family_id IS NULL OR NOT EXISTS (SELECT 1 FROM refresh_tokens f "
                            + "WHERE f.tenant_id = authorization_codes.tenant_id AND f.family_id = authorization_codes.issued_family_id))", 3),
            new Rule("login_attempts", List.of("bucket"), "expires_at <= ?", 1),
            new Rule("initial_access_tokens", List.of("id"), "expires_at <= ?", 1),
            new Rule("pushed_authorization_requests", List.of("reference_hash"), "expires_at <= ?", 1),
            new Rule("used_jtis", List.of("tenant_id", "client_id", "purpose", "jti_hash"), "expires_at <= ?", 1));

    /** Audit events past the retention; the instant is now minus the retention. */
    private static final Rule AUDIT_EVENTS = new Rule("audit_events", List.of("id"), "occurred_at <= ?", 1);

    /** Security events past their retention; the instant is now minus the retention. */
    private static final Rule SECURITY_EVENTS = new Rule("security_events", List.of("id"), "created_at <= ?", 1);
    /** Streams not polled for the idle expiry; the instant is now minus the expiry. */
    private static final Rule IDLE_STREAMS = new Rule("security_event_streams", List.of("id"), "last_polled_at <= ?", 1);

    private final Database database;
    private final Clock clock;
    private final Duration auditRetention;
    private final SecurityEventSettings securityEvents;
    private final ToIntFunction<Instant> alsoDelete;

    /** A cleanup keeping audit events for {@link #DEFAULT_AUDIT_RETENTION}. */
    public ExpiredRowsCleanup(Database database, Clock clock) {
        this(database, clock, DEFAULT_AUDIT_RETENTION);
    }

    /**
     * @param auditRetention how long an audit event is kept (positive)
     * @throws IllegalArgumentException when the retention is not positive
     */
    public ExpiredRowsCleanup(Database database, Clock clock, Duration auditRetention) {
        this(database, clock, auditRetention, SecurityEventSettings.DEFAULTS, now -> 0);
    }

    /**
     * @param auditRetention how long an audit event is kept (positive)
     * @param securityEvents how long security events and idle streams are kept
     * @param alsoDelete     run last in every {@link #deleteExpired} with its instant, answering how many rows it
     *                       deleted: deletions that need more than a table's own columns (dynamically registered
     *                       clients never used, {@code ClientRegistrations#deleteUnused})
     * @throws IllegalArgumentException when the audit retention is not positive
     */
    public ExpiredRowsCleanup(Database database, Clock clock, Duration auditRetention, SecurityEventSettings securityEvents,
                              ToIntFunction<Instant> alsoDelete) {
        this.alsoDelete = java.util.Objects.requireNonNull(alsoDelete, "alsoDelete");
        if (auditRetention.isNegative() || auditRetention.isZero()) {
            throw new IllegalArgumentException("audit retention must be positive: " + auditRetention);
        }
        this.database = database;
        this.clock = clock;
        this.auditRetention = auditRetention;
        this.securityEvents = java.util.Objects.requireNonNull(securityEvents, "securityEvents");
    }

    /**
     * Deletes every row that can no longer be used, batch after batch until none is left. Each batch selects at
     * most {@value #BATCH_SIZE} rows through an expiry index and deletes them by key in one short transaction.
     *
     * @return how many rows were deleted, all tables together
     * @throws DataAccessException when the database fails; batches already deleted stay deleted
     */
    public int deleteExpired() {
        Instant now = clock.instant();
        int removed = deleteDeadFamilies(now);
        endExpiredSessions(now);
        for (Rule rule : BY_EXPIRY) {
            Instant cutOff = rule.table().equals("authorization_codes") ? now.minus(CODE_RETENTION_AFTER_EXPIRY) : now;
            // The first instant is the cut-off, any further ones are now.
            List<Instant> instants = new ArrayList<>(List.of(cutOff));
            while (instants.size() < rule.instants()) {
                instants.add(now);
            }
            removed += deleteWhere(rule, instants);
        }
        removed += deleteWhere(AUDIT_EVENTS, List.of(now.minus(auditRetention)));
        removed += deleteWhere(IDLE_STREAMS, List.of(now.minus(securityEvents.streamIdleExpiry())));
        removed += deleteWhere(SECURITY_EVENTS, List.of(now.minus(securityEvents.retention())));
        removed += alsoDelete.applyAsInt(now);
        return removed;
    }

    /**
     * Ends, batch after batch, the expired sessions that are not ended yet and had participating clients, each
     * in a transaction that also queues its back-channel logouts; answers how many ended here (another instance
     * ending one first is harmless: the conditional update lets one of them queue).
     */
    int endExpiredSessions(Instant now) {
        int ended = 0;
        List<String> expired;
        do {
            expired = database.withConnection(connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT id_hash FROM sessions WHERE expires_at <= ? "
                        + "AND ended_at IS NULL AND EXISTS (SELECT 1 FROM session_clients p WHERE p.session_id = sessions.id_hash) "
                        + "FETCH FIRST " + BATCH_SIZE + " ROWS ONLY")) {
                    Timestamps.set(select, 1, now);
                    List<String> ids = new ArrayList<>();
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            ids.add(rows.getString(1));
                        }
                    }
                    return ids;
                }
            });
            for (String idHash : expired) {
                ended += database.inTransaction(connection -> JdbcLoginSessionStore.endInTransaction(connection, idHash, now)) ? 1 : 0;
            }
        } while (expired.size() == BATCH_SIZE);
        return ended;
    }

    private int deleteDeadFamilies(Instant now) {
        int removed = 0;
        Instant afterExpiry = Instant.EPOCH;
        String afterHash = "";
        while (true) {
            Instant cursorExpiry = afterExpiry;
            String cursorHash = afterHash;
            List<String[]> candidates = new ArrayList<>();
            database.withConnection(connection -> {
                try (PreparedStatement select = connection.prepareStatement(NEXT_CANDIDATES)) {
                    Timestamps.set(select, 1, now);
                    Timestamps.set(select, 2, now);
                    Timestamps.set(select, 3, cursorExpiry);
                    Timestamps.set(select, 4, cursorExpiry);
                    select.setString(5, cursorHash);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            candidates.add(new String[] {rows.getString(1), rows.getString(2),
                                    Timestamps.get(rows, "access_token_expires_at").toString(), rows.getString(4)});
                        }
                    }
                }
                return null;
            });
            if (candidates.isEmpty()) {
                return removed;
            }
            String[] last = candidates.get(candidates.size() - 1);
            afterExpiry = Instant.parse(last[2]);
            afterHash = last[3];
            Set<List<String>> families = new LinkedHashSet<>();
            candidates.forEach(c -> families.add(List.of(c[0], c[1])));
            removed += database.inTransaction(connection -> deleteFamilies(connection, families, now));
        }
    }

    private static int deleteFamilies(Connection connection, Set<List<String>> families, Instant now) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(DELETE_FAMILY)) {
            for (List<String> family : families) {
                delete.setString(1, family.get(0));
                delete.setString(2, family.get(1));
                delete.setString(3, family.get(0));
                delete.setString(4, family.get(1));
                Timestamps.set(delete, 5, now);
                Timestamps.set(delete, 6, now);
                delete.addBatch();
            }
            return sum(delete.executeBatch());
        }
    }

    /** Selects a batch of keys, deletes them; again until a batch comes back short. */
    private int deleteWhere(Rule rule, List<Instant> instants) {
        int removed = 0;
        int found;
        do {
            List<List<String>> keys = new ArrayList<>();
            database.withConnection(connection -> {
                try (PreparedStatement select = connection.prepareStatement(rule.select())) {
                    bindInstants(select, 1, instants);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            List<String> key = new ArrayList<>();
                            for (int i = 1; i <= rule.keys().size(); i++) {
                                key.add(rows.getString(i));
                            }
                            keys.add(key);
                        }
                    }
                }
                return null;
            });
            found = keys.size();
            if (found > 0) {
                removed += database.inTransaction(connection -> {
                    try (PreparedStatement delete = connection.prepareStatement(rule.delete())) {
                        for (List<String> key : keys) {
                            for (int i = 0; i < key.size(); i++) {
                                delete.setString(i + 1, key.get(i));
                            }
                            bindInstants(delete, key.size() + 1, instants);
                            delete.addBatch();
                        }
                        return sum(delete.executeBatch());
                    }
                });
            }
        } while (found == BATCH_SIZE);
        return removed;
    }

    private static void bindInstants(PreparedStatement statement, int first, List<Instant> instants) throws SQLException {
        for (int i = 0; i < instants.size(); i++) {
            Timestamps.set(statement, first + i, instants.get(i));
        }
    }

    /** Rows a batch deleted; a driver that cannot tell ({@link Statement#SUCCESS_NO_INFO}) counts as none. */
    private static int sum(int[] counts) {
        int total = 0;
        for (int count : counts) {
            total += Math.max(count, 0);
        }
        return total;
    }

    @Override
    public void run() {
        try {
            int removed = deleteExpired();
            if (removed > 0) {
                LOG.info("Removed {} expired token, code, session, login-attempt and audit-event rows", removed);
            }
        } catch (RuntimeException e) {
            LOG.warn("Cleanup of expired rows failed; it will run again", e);
        }
    }
}
