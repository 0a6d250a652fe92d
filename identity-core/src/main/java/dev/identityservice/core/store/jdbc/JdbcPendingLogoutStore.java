package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.logout.PendingLogout;
import dev.identityservice.core.logout.PendingLogoutStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link PendingLogoutStore} on the {@code backchannel_logouts} table (an outbox): rows are written in the
 * transaction that ends a session ({@link #enqueue}), so a restart loses none, and taken by a conditional
 * update of {@code claimed_until} (a lease), so that with several instances one sends each at a time. A lease
 * that runs out (the instance died mid-delivery) makes the row due again: delivery is at least once.
 */
public final class JdbcPendingLogoutStore implements PendingLogoutStore {

    private static final String COLUMNS = "session_id, client_id, tenant_id, user_id, created_at, attempts";
    private static final String FREE = "next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)";

    private final Database database;

    public JdbcPendingLogoutStore(Database database) {
        this.database = database;
    }

    /**
     * Queues a logout for every client that took part in session {@code idHash} and registered a back-channel
     * logout URI, due at once; on the caller's connection, inside the transaction that ends the session.
     */
    static int enqueue(Connection connection, String idHash, Instant at) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO backchannel_logouts "
                + "(session_id, client_id, tenant_id, user_id, created_at, next_attempt_at, attempts) "
                + "SELECT s.id_hash, p.client_id, s.tenant_id, s.user_id, ?, ?, 0 FROM sessions s "
                + "JOIN session_clients p ON p.session_id = s.id_hash "
                + "JOIN clients c ON c.tenant_id = s.tenant_id AND c.client_id = p.client_id "
                + "WHERE s.id_hash = ? AND c.backchannel_logout_uri IS NOT NULL")) {
            Timestamps.set(insert, 1, at);
            Timestamps.set(insert, 2, at);
            insert.setString(3, idHash);
            return insert.executeUpdate();
        }
    }

    @Override
    public List<PendingLogout> due(Instant now, int limit) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM backchannel_logouts WHERE "
                    + FREE + " ORDER BY next_attempt_at FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")) {
                Timestamps.set(select, 1, now);
                Timestamps.set(select, 2, now);
                List<PendingLogout> due = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        due.add(new PendingLogout(row.getString("session_id"), row.getString("client_id"), row.getString("tenant_id"),
                                row.getString("user_id"), Timestamps.get(row, "created_at"), row.getInt("attempts")));
                    }
                }
                return due;
            }
        });
    }

    @Override
    public boolean claim(PendingLogout entry, Instant now, Instant until) {
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE backchannel_logouts "
                    + "SET claimed_until = ?, attempts = attempts + 1 WHERE session_id = ? AND client_id = ? AND attempts = ? AND " + FREE)) {
                Timestamps.set(update, 1, until);
                update.setString(2, entry.sessionId());
                update.setString(3, entry.clientId());
                update.setInt(4, entry.attempts());
                Timestamps.set(update, 5, now);
                Timestamps.set(update, 6, now);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void retryAt(PendingLogout entry, Instant next) {
        database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE backchannel_logouts "
                    + "SET next_attempt_at = ?, claimed_until = NULL WHERE session_id = ? AND client_id = ?")) {
                Timestamps.set(update, 1, next);
                update.setString(2, entry.sessionId());
                update.setString(3, entry.clientId());
                return update.executeUpdate();
            }
        });
    }

    @Override
    public void remove(PendingLogout entry) {
        database.withConnection(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM backchannel_logouts WHERE session_id = ? AND client_id = ?")) {
                delete.setString(1, entry.sessionId());
                delete.setString(2, entry.clientId());
                return delete.executeUpdate();
            }
        });
    }
}
