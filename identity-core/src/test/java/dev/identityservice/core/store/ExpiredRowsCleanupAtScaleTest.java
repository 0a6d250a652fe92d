package dev.identityservice.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.store.jdbc.Timestamps;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.TestEngine;
import dev.identityservice.core.token.IssuedTokens;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 100,000 issued-and-expired rows beside live ones: the cleanup leaves exactly the live ones, and a live
 * family still refreshes and still recognises a replay afterwards. Rows are written with JDBC batches,
 * dated from the engine's settable clock; the figures printed feed RELIABILITY.md ("Storage").
 */
class ExpiredRowsCleanupAtScaleTest {

    private static final int EXPIRED_FAMILIES = 30_000;      // two rows each: 60,000 refresh-token rows
    private static final int EXPIRED_OPAQUE = 15_000;
    private static final int EXPIRED_REVOKED = 15_000;
    private static final int EXPIRED_CODES = 5_000;
    private static final int EXPIRED_SESSIONS = 5_000;
    private static final int EXPIRED_TOTAL = 2 * EXPIRED_FAMILIES + EXPIRED_OPAQUE + EXPIRED_REVOKED + EXPIRED_CODES + EXPIRED_SESSIONS;
    private static final int LIVE = 100;
    private static final int BATCH = 1_000;

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void deleteExpiredWhen100000ExpiredRowsBesideLiveOnesThenOnlyLiveRowsRemain(DatabaseKind kind) throws Exception {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens first = t.passwordLogin(tenant, client, "alice");
            IssuedTokens current = t.refresh(tenant, client, first.refreshToken());
            Instant now = t.clock.instant();
            Map<String, Integer> live = new LinkedHashMap<>(counts(t));   // the real family above

            long insertStarted = System.nanoTime();
            try (Connection c = t.database.dataSource().getConnection()) {
                c.setAutoCommit(false);
                insertRefreshTokens(c, now);
                insertOpaque(c, now);
                insertRevoked(c, now);
                insertCodes(c, now);
                insertSessions(c, now);
                c.commit();
            }
            long insertMillis = (System.nanoTime() - insertStarted) / 1_000_000;
            live.merge("refresh_tokens", 2 * LIVE + LIVE + 2 * LIVE, Integer::sum);
            live.merge("opaque_access_tokens", LIVE, Integer::sum);
            live.merge("revoked_access_tokens", LIVE, Integer::sum);
            live.merge("authorization_codes", 2 * LIVE, Integer::sum);
            live.merge("sessions", LIVE, Integer::sum);
            Map<String, Integer> before = counts(t);
            int totalBefore = before.values().stream().mapToInt(Integer::intValue).sum();
            int totalLive = live.values().stream().mapToInt(Integer::intValue).sum();
            assertEquals(EXPIRED_TOTAL + totalLive, totalBefore, "fixture: " + before);
            if (kind == DatabaseKind.POSTGRESQL) {
                assertRefreshLookupUsesIndex(t);
            }

            long started = System.nanoTime();
            int removed = t.engine.cleanup().deleteExpired();
            long millis = (System.nanoTime() - started) / 1_000_000;
            Map<String, Integer> after = counts(t);
            System.out.printf("cleanup on %s: %d rows before %s (inserted in %d ms), %d deleted in %d ms, after %s%n",
                    kind, totalBefore, before, insertMillis, removed, millis, after);

            assertEquals(EXPIRED_TOTAL, removed);
            assertEquals(live, after, "only live rows remain");
            assertNotNull(t.refresh(tenant, client, current.refreshToken()).accessToken(), "the live family still refreshes");
            t.clock.advance(Duration.ofSeconds(1));
            assertThrows(OAuthException.class, () -> t.refresh(tenant, client, first.refreshToken()));
            assertEquals(1, t.reuseDetected.get(), "its rotated token is still recognised as a replay");
        }
    }

    /** EXPLAIN of the refresh grant's lookup (by token hash) on a table of 60,000 rows. */
    private static void assertRefreshLookupUsesIndex(TestEngine t) throws SQLException {
        try (Connection c = t.database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("ANALYZE refresh_tokens");
            StringBuilder plan = new StringBuilder();
            try (PreparedStatement explain = c.prepareStatement("EXPLAIN SELECT * FROM refresh_tokens WHERE token_hash = ?")) {
                explain.setString(1, hash("r", 12_345));
                try (ResultSet rows = explain.executeQuery()) {
                    while (rows.next()) {
                        plan.append(rows.getString(1)).append('\n');
                    }
                }
            }
            System.out.println("refresh lookup plan:\n" + plan);
            assertTrue(plan.toString().contains("Index Scan using refresh_tokens_pkey")
                    || plan.toString().contains("Index Only Scan using refresh_tokens_pkey"), plan.toString());
        }
    }

    private static void insertRefreshTokens(Connection c, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO refresh_tokens (token_hash, tenant_id, family_id, "
                + "client_id, user_id, session_id, scope, auth_time, amr, access_token_jti, access_token_expires_at, expires_at, "
                + "family_expires_at, state, created_at, used_at) VALUES (?, 'acme', ?, 'web', 'u', NULL, 'api', ?, 'pwd', ?, ?, ?, ?, ?, ?, ?)")) {
            Instant past = now.minus(Duration.ofHours(2));
            Instant expired = now.minus(Duration.ofHours(1));
            Instant future = now.plus(Duration.ofHours(1));
            Instant familyEnd = now.plus(Duration.ofDays(30));
            int row = 0;
            // Dead families, bound policy: a rotated member and an unused one whose access token expired
            // (one in thirty revoked instead): nothing usable, nothing left to revoke.
            for (int f = 0; f < EXPIRED_FAMILIES; f++) {
                String state = f % 30 == 0 ? "REVOKED" : "ROTATED";
                row = refreshRow(insert, row, "dead-" + f, state, expired, expired, familyEnd, past);
                row = refreshRow(insert, row, "dead-" + f, f % 30 == 0 ? "REVOKED" : "ACTIVE", expired, expired, familyEnd, past);
            }
            for (int f = 0; f < LIVE; f++) {
                // Bound: its older member is rotated and expired, its newest is usable: the family stays whole.
                row = refreshRow(insert, row, "bound-" + f, "ROTATED", expired, expired, familyEnd, past);
                row = refreshRow(insert, row, "bound-" + f, "ACTIVE", future, future, familyEnd, past);
                // Revoked, but its access token is unexpired (and on the revoked list): kept until it expires.
                row = refreshRow(insert, row, "revoked-" + f, "REVOKED", future, future, familyEnd, past);
                // Sliding: access tokens long expired, the refresh tokens not.
                row = refreshRow(insert, row, "sliding-" + f, "ROTATED", expired, future, familyEnd, past);
                row = refreshRow(insert, row, "sliding-" + f, "ACTIVE", expired, future.plusSeconds(60), familyEnd, past);
            }
            insert.executeBatch();
        }
    }

    private static int refreshRow(PreparedStatement insert, int row, String family, String state, Instant accessExpires,
                                  Instant expires, Instant familyEnd, Instant created) throws SQLException {
        insert.setString(1, hash("r", row));
        insert.setString(2, family);
        Timestamps.set(insert, 3, created);
        insert.setString(4, "jti-r-" + row);
        Timestamps.set(insert, 5, accessExpires);
        Timestamps.set(insert, 6, expires);
        Timestamps.set(insert, 7, familyEnd);
        insert.setString(8, state);
        Timestamps.set(insert, 9, created);
        Timestamps.set(insert, 10, "ACTIVE".equals(state) ? null : created);
        add(insert, row);
        return row + 1;
    }

    private static void insertOpaque(Connection c, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO opaque_access_tokens (token_hash, tenant_id, jti, client_id, "
                + "subject, user_id, username, scope, roles, audience, issued_at, expires_at) "
                + "VALUES (?, 'acme', ?, 'web', 'u', 'u', 'alice', 'api', '', 'web', ?, ?)")) {
            for (int i = 0; i < EXPIRED_OPAQUE + LIVE; i++) {
                insert.setString(1, hash("o", i));
                insert.setString(2, "jti-o-" + i);
                Timestamps.set(insert, 3, now.minus(Duration.ofHours(2)));
                Timestamps.set(insert, 4, i < EXPIRED_OPAQUE ? now.minusSeconds(1) : now.plusSeconds(600));
                add(insert, i);
            }
            insert.executeBatch();
        }
    }

    private static void insertRevoked(Connection c, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO revoked_access_tokens (tenant_id, jti, expires_at) VALUES ('acme', ?, ?)")) {
            for (int i = 0; i < EXPIRED_REVOKED + LIVE; i++) {
                insert.setString(1, "jti-x-" + i);
                Timestamps.set(insert, 2, i < EXPIRED_REVOKED ? now.minusSeconds(1) : now.plusSeconds(600));
                add(insert, i);
            }
            insert.executeBatch();
        }
    }

    private static void insertCodes(Connection c, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO authorization_codes (code_hash, tenant_id, client_id, user_id, "
                + "redirect_uri, scope, auth_time, expires_at, consumed_at, issued_access_expires) "
                + "VALUES (?, 'acme', 'web', 'u', 'https://app.example.com/callback', 'api', ?, ?, ?, ?)")) {
            Instant longAgo = now.minus(Duration.ofHours(3));
            for (int i = 0; i < EXPIRED_CODES + 2 * LIVE; i++) {
                boolean expired = i < EXPIRED_CODES;
                boolean unconsumed = i >= EXPIRED_CODES + LIVE;
                insert.setString(1, hash("c", i));
                Timestamps.set(insert, 2, longAgo);
                // Live: redeemed long ago but what it issued is unexpired (a replay must revoke it), or still unused.
                Timestamps.set(insert, 3, unconsumed ? now.plusSeconds(60) : longAgo.plusSeconds(60));
                Timestamps.set(insert, 4, unconsumed ? null : longAgo);
                Timestamps.set(insert, 5, unconsumed ? null : expired ? now.minus(Duration.ofHours(2)) : now.plusSeconds(300));
                add(insert, i);
            }
            insert.executeBatch();
        }
    }

    private static void insertSessions(Connection c, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO sessions (id_hash, tenant_id, user_id, auth_time, expires_at) VALUES (?, 'acme', 'u', ?, ?)")) {
            for (int i = 0; i < EXPIRED_SESSIONS + LIVE; i++) {
                insert.setString(1, hash("s", i));
                Timestamps.set(insert, 2, now.minus(Duration.ofDays(2)));
                Timestamps.set(insert, 3, i < EXPIRED_SESSIONS ? now.minusSeconds(1) : now.plus(Duration.ofHours(8)));
                add(insert, i);
            }
            insert.executeBatch();
        }
    }

    private static void add(PreparedStatement insert, int row) throws SQLException {
        insert.addBatch();
        if (row % BATCH == BATCH - 1) {
            insert.executeBatch();
        }
    }

    /** A 64-character stand-in for a SHA-256 hex digest, distinct per kind and row. */
    private static String hash(String kind, int row) {
        return kind + String.format("%063x", row);
    }

    private static Map<String, Integer> counts(TestEngine t) throws SQLException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (Connection c = t.database.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String table : new String[] {"refresh_tokens", "opaque_access_tokens", "revoked_access_tokens",
                    "authorization_codes", "sessions"}) {
                try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    r.next();
                    counts.put(table, r.getInt(1));
                }
            }
        }
        return counts;
    }
}
