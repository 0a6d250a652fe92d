package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.request.PushedRequest;
import dev.identityservice.core.request.PushedRequestStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/** {@link PushedRequestStore} on the {@code pushed_authorization_requests} table (V11). */
public final class JdbcPushedRequestStore implements PushedRequestStore {

    private static final String COLUMNS = "reference_hash, tenant_id, client_id, parameters, expires_at, consumed_at";

    private final Database database;

    public JdbcPushedRequestStore(Database database) {
        this.database = database;
    }

    @Override
    public void insert(PushedRequest request) {
        database.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO pushed_authorization_requests (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, request.referenceHash());
                insert.setString(2, request.tenantId());
                insert.setString(3, request.clientId());
                insert.setString(4, request.parameters());
                Timestamps.set(insert, 5, request.expiresAt());
                Timestamps.set(insert, 6, request.consumedAt());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<PushedRequest> find(String tenantId, String referenceHash) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM pushed_authorization_requests WHERE reference_hash = ? AND tenant_id = ?")) {
                select.setString(1, referenceHash);
                select.setString(2, tenantId);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new PushedRequest(row.getString("reference_hash"), row.getString("tenant_id"),
                            row.getString("client_id"), row.getString("parameters"), Timestamps.get(row, "expires_at"),
                            Timestamps.get(row, "consumed_at")));
                }
            }
        });
    }

    @Override
    public boolean consume(String tenantId, String referenceHash, Instant at) {
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE pushed_authorization_requests SET consumed_at = ? "
                    + "WHERE reference_hash = ? AND tenant_id = ? AND consumed_at IS NULL AND expires_at > ?")) {
                Timestamps.set(update, 1, at);
                update.setString(2, referenceHash);
                update.setString(3, tenantId);
                Timestamps.set(update, 4, at);
                return update.executeUpdate() == 1;
            }
        });
    }
}
