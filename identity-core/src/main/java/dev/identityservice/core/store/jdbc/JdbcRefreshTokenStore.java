package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.token.refresh.RefreshToken;
import dev.identityservice.core.token.refresh.RefreshTokenStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@link RefreshTokenStore} on the {@code refresh_tokens} table. */
public final class JdbcRefreshTokenStore implements RefreshTokenStore {

    private static final String COLUMNS = "token_hash, tenant_id, family_id, client_id, user_id, session_id, scope, auth_time, amr, "
            + "access_token_jti, access_token_expires_at, expires_at, family_expires_at, state, created_at, used_at, claims_request";

    private final Database database;

    public JdbcRefreshTokenStore(Database database) {
        this.database = database;
    }

    @Override
    public void insert(RefreshToken token) {
        database.withConnection(connection -> insert(connection, token));
    }

    @Override
    public Optional<RefreshToken> find(String tokenHash) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM refresh_tokens WHERE token_hash = ?")) {
                select.setString(1, tokenHash);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(read(row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean rotate(String usedHash, Instant usedAt, RefreshToken replacement) {
        return database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE refresh_tokens SET state = 'ROTATED', used_at = ? WHERE token_hash = ? AND state = 'ACTIVE'")) {
                Timestamps.set(update, 1, usedAt);
                update.setString(2, usedHash);
                if (update.executeUpdate() != 1) {
                    return false;
                }
            }
            insert(connection, replacement);
            return true;
        });
    }

    @Override
    public List<RefreshToken.PairedAccessToken> revokeFamily(String tenantId, String familyId, Instant now) {
        return revokeWhere("tenant_id = ? AND family_id = ?", tenantId, familyId, now);
    }

    @Override
    public List<RefreshToken.PairedAccessToken> revokeSession(String tenantId, String sessionId, Instant now) {
        return revokeWhere("tenant_id = ? AND family_id IN (SELECT family_id FROM refresh_tokens WHERE tenant_id = ? AND session_id = ?)",
                tenantId, sessionId, now, true);
    }

    @Override
    public List<RefreshToken.PairedAccessToken> revokeUser(String tenantId, String userId, Instant now) {
        return revokeWhere("tenant_id = ? AND user_id = ?", tenantId, userId, now);
    }

    private List<RefreshToken.PairedAccessToken> revokeWhere(String condition, String tenantId, String value, Instant now) {
        return revokeWhere(condition, tenantId, value, now, false);
    }

    /** Revokes the matching rows and returns their still-unexpired access tokens, in one transaction. */
    private List<RefreshToken.PairedAccessToken> revokeWhere(String condition, String tenantId, String value, Instant now,
                                                             boolean tenantTwice) {
        return database.inTransaction(connection -> {
            List<RefreshToken.PairedAccessToken> paired = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT access_token_jti, access_token_expires_at FROM refresh_tokens WHERE " + condition
                            + " AND access_token_expires_at > ?")) {
                int index = bind(select, tenantId, value, tenantTwice);
                Timestamps.set(select, index, now);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        paired.add(new RefreshToken.PairedAccessToken(rows.getString(1), Timestamps.get(rows, "access_token_expires_at")));
                    }
                }
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE refresh_tokens SET state = 'REVOKED' WHERE " + condition + " AND state <> 'REVOKED'")) {
                bind(update, tenantId, value, tenantTwice);
                update.executeUpdate();
            }
            return paired;
        });
    }

    private static int bind(PreparedStatement statement, String tenantId, String value, boolean tenantTwice) throws SQLException {
        int index = 1;
        statement.setString(index++, tenantId);
        if (tenantTwice) {
            statement.setString(index++, tenantId);
        }
        statement.setString(index++, value);
        return index;
    }

    private static int insert(Connection connection, RefreshToken token) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO refresh_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, token.tokenHash());
            insert.setString(2, token.tenantId());
            insert.setString(3, token.familyId());
            insert.setString(4, token.clientId());
            insert.setString(5, token.userId());
            insert.setString(6, token.sessionId());
            insert.setString(7, token.scope());
            Timestamps.set(insert, 8, token.authTime());
            insert.setString(9, String.join(" ", token.amr()));
            insert.setString(10, token.accessTokenJti());
            Timestamps.set(insert, 11, token.accessTokenExpiresAt());
            Timestamps.set(insert, 12, token.expiresAt());
            Timestamps.set(insert, 13, token.familyExpiresAt());
            insert.setString(14, token.state().name());
            Timestamps.set(insert, 15, token.createdAt());
            Timestamps.set(insert, 16, token.usedAt());
            insert.setString(17, token.claimsRequest());
            return insert.executeUpdate();
        }
    }

    private static RefreshToken read(ResultSet row) throws SQLException {
        String amr = row.getString("amr");
        return new RefreshToken(row.getString("token_hash"), row.getString("tenant_id"), row.getString("family_id"),
                row.getString("client_id"), row.getString("user_id"), row.getString("session_id"), row.getString("scope"),
                Timestamps.get(row, "auth_time"), amr.isEmpty() ? List.of() : Arrays.asList(amr.split(" ")),
                row.getString("access_token_jti"), Timestamps.get(row, "access_token_expires_at"),
                Timestamps.get(row, "expires_at"), Timestamps.get(row, "family_expires_at"),
                RefreshToken.State.valueOf(row.getString("state")), Timestamps.get(row, "created_at"), Timestamps.get(row, "used_at"),
                row.getString("claims_request"));
    }
}
