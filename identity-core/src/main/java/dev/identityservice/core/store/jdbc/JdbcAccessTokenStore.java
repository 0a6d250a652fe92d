package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.token.AccessTokenStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/** {@link AccessTokenStore} on the {@code opaque_access_tokens} and {@code revoked_access_tokens} tables. */
public final class JdbcAccessTokenStore implements AccessTokenStore {

    private static final String COLUMNS = "token_hash, tenant_id, jti, client_id, subject, user_id, username, scope, roles, audience, issued_at, expires_at, userinfo_claims";

    private final Database database;

    public JdbcAccessTokenStore(Database database) {
        this.database = database;
    }

    @Override
    public void saveOpaque(OpaqueAccessToken token) {
        database.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO opaque_access_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, token.tokenHash());
                insert.setString(2, token.tenantId());
                insert.setString(3, token.jti());
                insert.setString(4, token.clientId());
                insert.setString(5, token.subject());
                insert.setString(6, token.userId());
                insert.setString(7, token.username());
                insert.setString(8, token.scope());
                insert.setString(9, token.roles());
                insert.setString(10, token.audience());
                Timestamps.set(insert, 11, token.issuedAt());
                Timestamps.set(insert, 12, token.expiresAt());
                insert.setString(13, token.userinfoClaims());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<OpaqueAccessToken> findOpaque(String tokenHash) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM opaque_access_tokens WHERE token_hash = ?")) {
                select.setString(1, tokenHash);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new OpaqueAccessToken(row.getString("token_hash"), row.getString("tenant_id"),
                            row.getString("jti"), row.getString("client_id"), row.getString("subject"), row.getString("user_id"),
                            row.getString("username"), row.getString("scope"), row.getString("roles"), row.getString("audience"),
                            Timestamps.get(row, "issued_at"), Timestamps.get(row, "expires_at"),
                            row.getString("userinfo_claims") == null ? "" : row.getString("userinfo_claims")));
                }
            }
        });
    }

    @Override
    public void revoke(String tenantId, String jti, Instant expiresAt) {
        database.withConnection(connection -> {
            // Insert-if-absent that works the same on H2 and PostgreSQL.
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO revoked_access_tokens (tenant_id, jti, expires_at) SELECT ?, ?, ? "
                            + "WHERE NOT EXISTS (SELECT 1 FROM revoked_access_tokens WHERE tenant_id = ? AND jti = ?)")) {
                insert.setString(1, tenantId);
                insert.setString(2, jti);
                Timestamps.set(insert, 3, expiresAt);
                insert.setString(4, tenantId);
                insert.setString(5, jti);
                return insert.executeUpdate();
            } catch (java.sql.SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    return 0; // revoked concurrently: the outcome is the same
                }
                throw e;
            }
        });
    }

    @Override
    public boolean isRevoked(String tenantId, String jti) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM revoked_access_tokens WHERE tenant_id = ? AND jti = ?")) {
                select.setString(1, tenantId);
                select.setString(2, jti);
                try (ResultSet row = select.executeQuery()) {
                    return row.next();
                }
            }
        });
    }
}
