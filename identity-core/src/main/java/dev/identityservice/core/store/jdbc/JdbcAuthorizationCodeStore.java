package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.grant.AuthorizationCode;
import dev.identityservice.core.grant.AuthorizationCodeStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/** {@link AuthorizationCodeStore} on the {@code authorization_codes} table. */
public final class JdbcAuthorizationCodeStore implements AuthorizationCodeStore {

    private static final String COLUMNS = "code_hash, tenant_id, client_id, user_id, session_id, redirect_uri, scope, nonce, "
            + "code_challenge, code_challenge_method, auth_time, expires_at, consumed_at, issued_family_id, issued_access_jti, issued_access_expires, claims_request, "
            + "front_channel_access_jti, front_channel_access_expires";

    private final Database database;

    public JdbcAuthorizationCodeStore(Database database) {
        this.database = database;
    }

    @Override
    public void insert(AuthorizationCode code) {
        database.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO authorization_codes (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, code.codeHash());
                insert.setString(2, code.tenantId());
                insert.setString(3, code.clientId());
                insert.setString(4, code.userId());
                insert.setString(5, code.sessionId());
                insert.setString(6, code.redirectUri());
                insert.setString(7, code.scope());
                insert.setString(8, code.nonce());
                insert.setString(9, code.codeChallenge());
                insert.setString(10, code.codeChallenge() == null ? null : "S256");
                Timestamps.set(insert, 11, code.authTime());
                Timestamps.set(insert, 12, code.expiresAt());
                Timestamps.set(insert, 13, code.consumedAt());
                insert.setString(14, code.issuedFamilyId());
                insert.setString(15, code.issuedAccessJti());
                Timestamps.set(insert, 16, code.issuedAccessExpiresAt());
                insert.setString(17, code.claimsRequest());
                insert.setString(18, code.frontChannelAccessJti());
                Timestamps.set(insert, 19, code.frontChannelAccessExpiresAt());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<AuthorizationCode> find(String codeHash) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM authorization_codes WHERE code_hash = ?")) {
                select.setString(1, codeHash);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new AuthorizationCode(row.getString("code_hash"), row.getString("tenant_id"),
                            row.getString("client_id"), row.getString("user_id"), row.getString("session_id"),
                            row.getString("redirect_uri"), row.getString("scope"), row.getString("nonce"),
                            row.getString("code_challenge"), Timestamps.get(row, "auth_time"), Timestamps.get(row, "expires_at"),
                            Timestamps.get(row, "consumed_at"), row.getString("issued_family_id"),
                            row.getString("issued_access_jti"), Timestamps.get(row, "issued_access_expires"),
                            row.getString("claims_request"), row.getString("front_channel_access_jti"),
                            Timestamps.get(row, "front_channel_access_expires")));
                }
            }
        });
    }

    @Override
    public boolean consume(String codeHash, Instant at) {
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE authorization_codes SET consumed_at = ? WHERE code_hash = ? AND consumed_at IS NULL")) {
                Timestamps.set(update, 1, at);
                update.setString(2, codeHash);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void recordIssued(String codeHash, String familyId, String accessJti, Instant accessExpiresAt) {
        database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE authorization_codes SET issued_family_id = ?, issued_access_jti = ?, issued_access_expires = ? WHERE code_hash = ?")) {
                update.setString(1, familyId);
                update.setString(2, accessJti);
                Timestamps.set(update, 3, accessExpiresAt);
                update.setString(4, codeHash);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public void recordFrontChannel(String codeHash, String accessJti, Instant accessExpiresAt) {
        database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE authorization_codes SET front_channel_access_jti = ?, front_channel_access_expires = ? WHERE code_hash = ?")) {
                update.setString(1, accessJti);
                Timestamps.set(update, 2, accessExpiresAt);
                update.setString(3, codeHash);
                return update.executeUpdate();
            }
        });
    }
}
