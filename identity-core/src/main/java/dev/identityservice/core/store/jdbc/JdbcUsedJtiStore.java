package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.replay.UsedJtiStore;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/** {@link UsedJtiStore} on the {@code used_jtis} table (V14); the primary key makes a racing second use lose. */
public final class JdbcUsedJtiStore implements UsedJtiStore {

    private final Database database;

    public JdbcUsedJtiStore(Database database) {
        this.database = database;
    }

    @Override
    public boolean recordIfAbsent(String tenantId, String clientId, String purpose, String jtiHash, Instant expiresAt) {
        return database.withConnection(connection -> {
            // Insert-if-absent that works the same on H2 and PostgreSQL; the key violation covers the race.
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO used_jtis (tenant_id, client_id, purpose, jti_hash, expires_at) SELECT ?, ?, ?, ?, ? "
                            + "WHERE NOT EXISTS (SELECT 1 FROM used_jtis WHERE tenant_id = ? AND client_id = ? AND purpose = ? AND jti_hash = ?)")) {
                insert.setString(1, tenantId);
                insert.setString(2, clientId);
                insert.setString(3, purpose);
                insert.setString(4, jtiHash);
                Timestamps.set(insert, 5, expiresAt);
                insert.setString(6, tenantId);
                insert.setString(7, clientId);
                insert.setString(8, purpose);
                insert.setString(9, jtiHash);
                return insert.executeUpdate() == 1;
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        });
    }
}
