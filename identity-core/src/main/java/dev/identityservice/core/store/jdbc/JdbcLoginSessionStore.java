package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.session.LoginSession;
import dev.identityservice.core.session.LoginSessionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link LoginSessionStore} on the {@code sessions} and {@code session_clients} tables. */
public final class JdbcLoginSessionStore implements LoginSessionStore {

    private final Database database;

    public JdbcLoginSessionStore(Database database) {
        this.database = database;
    }

    @Override
    public void insert(LoginSession session) {
        database.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO sessions (id_hash, tenant_id, user_id, auth_time, expires_at, ended_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, session.idHash());
                insert.setString(2, session.tenantId());
                insert.setString(3, session.userId());
                Timestamps.set(insert, 4, session.authTime());
                Timestamps.set(insert, 5, session.expiresAt());
                Timestamps.set(insert, 6, session.endedAt());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<LoginSession> find(String idHash) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id_hash, tenant_id, user_id, auth_time, expires_at, ended_at FROM sessions WHERE id_hash = ?")) {
                select.setString(1, idHash);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new LoginSession(row.getString("id_hash"), row.getString("tenant_id"), row.getString("user_id"),
                            Timestamps.get(row, "auth_time"), Timestamps.get(row, "expires_at"), Timestamps.get(row, "ended_at")));
                }
            }
        });
    }

    @Override
    public boolean end(String idHash, Instant at) {
        return database.inTransaction(connection -> endInTransaction(connection, idHash, at));
    }

    @Override
    public int endAllOfUser(String tenantId, String userId, Instant at) {
        return database.inTransaction(connection -> {
            List<String> open = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id_hash FROM sessions WHERE tenant_id = ? AND user_id = ? AND ended_at IS NULL")) {
                select.setString(1, tenantId);
                select.setString(2, userId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        open.add(rows.getString(1));
                    }
                }
            }
            int ended = 0;
            for (String idHash : open) {
                ended += endInTransaction(connection, idHash, at) ? 1 : 0;
            }
            return ended;
        });
    }

    /**
     * Ends the session on {@code connection} (inside the caller's transaction) and, if this call is the one that
     * ended it, queues its back-channel logouts. The conditional update locks the row, so of two racing enders
     * (threads, instances, the cleanup job) exactly one queues them.
     */
    static boolean endInTransaction(Connection connection, String idHash, Instant at) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL")) {
            Timestamps.set(update, 1, at);
            update.setString(2, idHash);
            if (update.executeUpdate() != 1) {
                return false;
            }
        }
        JdbcPendingLogoutStore.enqueue(connection, idHash, at);
        return true;
    }

    @Override
    public void addParticipant(String idHash, String clientId) {
        try {
            database.withConnection(connection -> {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO session_clients (session_id, client_id) "
                        + "SELECT id_hash, ? FROM sessions WHERE id_hash = ? AND NOT EXISTS "
                        + "(SELECT 1 FROM session_clients WHERE session_id = ? AND client_id = ?)")) {
                    insert.setString(1, clientId);
                    insert.setString(2, idHash);
                    insert.setString(3, idHash);
                    insert.setString(4, clientId);
                    return insert.executeUpdate();
                }
            });
        } catch (DataAccessException e) {
            if (!e.isUniqueViolation()) { // a concurrent code for the same client recorded it first
                throw e;
            }
        }
    }

    @Override
    public boolean reauthenticate(String idHash, Instant at) {
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE sessions SET auth_time = ? WHERE id_hash = ? AND ended_at IS NULL")) {
                Timestamps.set(update, 1, at);
                update.setString(2, idHash);
                return update.executeUpdate() == 1;
            }
        });
    }
}
