package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.session.LoginSession;
import dev.identityservice.core.session.LoginSessionStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/** {@link LoginSessionStore} on the {@code sessions} table. */
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
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL")) {
                Timestamps.set(update, 1, at);
                update.setString(2, idHash);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int endAllOfUser(String tenantId, String userId, Instant at) {
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE sessions SET ended_at = ? WHERE tenant_id = ? AND user_id = ? AND ended_at IS NULL")) {
                Timestamps.set(update, 1, at);
                update.setString(2, tenantId);
                update.setString(3, userId);
                return update.executeUpdate();
            }
        });
    }
}
