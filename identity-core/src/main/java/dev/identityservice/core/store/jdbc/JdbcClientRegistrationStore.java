package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.registration.ClientRegistrationStore;
import dev.identityservice.core.registration.InitialAccessToken;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link ClientRegistrationStore} on the {@code client_registrations} and {@code initial_access_tokens} tables. */
public final class JdbcClientRegistrationStore implements ClientRegistrationStore {

    private final Database database;

    public JdbcClientRegistrationStore(Database database) {
        this.database = database;
    }

    @Override
    public Outcome register(Client client, String accessTokenHash, String initialAccessTokenHash, int maxClients, Instant now) {
        try {
            return database.inTransaction(connection -> {
                // The tenant row is the per-tenant lock: two registrations counting at once would both see room.
                try (PreparedStatement lock = connection.prepareStatement("SELECT id FROM tenants WHERE id = ? FOR UPDATE")) {
                    lock.setString(1, client.tenantId());
                    try (ResultSet row = lock.executeQuery()) {
                        if (!row.next()) {
                            throw new IllegalArgumentException("unknown tenant '" + client.tenantId() + "'");
                        }
                    }
                }
                if (initialAccessTokenHash != null && !spendInitialAccessToken(connection, client.tenantId(), initialAccessTokenHash, now)) {
                    return Outcome.INITIAL_ACCESS_TOKEN_REFUSED;
                }
                if (count(connection, client.tenantId()) >= maxClients) {
                    connection.rollback();
                    return Outcome.LIMIT_REACHED;
                }
                JdbcClientStore.insert(connection, client);
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO client_registrations "
                        + "(tenant_id, client_id, access_token_hash, registered_at) VALUES (?, ?, ?, ?)")) {
                    insert.setString(1, client.tenantId());
                    insert.setString(2, client.clientId());
                    insert.setString(3, accessTokenHash);
                    Timestamps.set(insert, 4, now);
                    insert.executeUpdate();
                }
                return Outcome.REGISTERED;
            });
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                return Outcome.CLIENT_ID_TAKEN;
            }
            throw e;
        }
    }

    /** One use of the token, if it is the tenant's, unexpired and not used up; a conditional update, so it cannot race. */
    private static boolean spendInitialAccessToken(java.sql.Connection connection, String tenantId, String hash, Instant now)
            throws SQLException {
        try (PreparedStatement spend = connection.prepareStatement("UPDATE initial_access_tokens SET uses = uses + 1 "
                + "WHERE token_hash = ? AND tenant_id = ? AND expires_at > ? AND (max_uses IS NULL OR uses < max_uses)")) {
            spend.setString(1, hash);
            spend.setString(2, tenantId);
            Timestamps.set(spend, 3, now);
            return spend.executeUpdate() == 1;
        }
    }

    @Override
    public Optional<String> accessTokenHash(String tenantId, String clientId) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT access_token_hash FROM client_registrations WHERE tenant_id = ? AND client_id = ?")) {
                select.setString(1, tenantId);
                select.setString(2, clientId);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean replaceAccessToken(String tenantId, String clientId, String oldHash, String newHash) {
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE client_registrations SET access_token_hash = ? "
                    + "WHERE tenant_id = ? AND client_id = ? AND access_token_hash = ?")) {
                update.setString(1, newHash);
                update.setString(2, tenantId);
                update.setString(3, clientId);
                update.setString(4, oldHash);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int count(String tenantId) {
        return database.withConnection(connection -> count(connection, tenantId));
    }

    private static int count(java.sql.Connection connection, String tenantId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM client_registrations WHERE tenant_id = ?")) {
            select.setString(1, tenantId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    @Override
    public void createInitialAccessToken(InitialAccessToken token, String tokenHash) {
        database.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO initial_access_tokens "
                    + "(id, tenant_id, token_hash, max_uses, uses, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, token.id());
                insert.setString(2, token.tenantId());
                insert.setString(3, tokenHash);
                if (token.maxUses() == null) {
                    insert.setNull(4, Types.INTEGER);
                } else {
                    insert.setInt(4, token.maxUses());
                }
                insert.setInt(5, token.uses());
                Timestamps.set(insert, 6, token.createdAt());
                Timestamps.set(insert, 7, token.expiresAt());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public boolean initialAccessTokenUsable(String tenantId, String tokenHash, Instant now) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM initial_access_tokens WHERE token_hash = ? "
                    + "AND tenant_id = ? AND expires_at > ? AND (max_uses IS NULL OR uses < max_uses)")) {
                select.setString(1, tokenHash);
                select.setString(2, tenantId);
                Timestamps.set(select, 3, now);
                try (ResultSet row = select.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    @Override
    public List<InitialAccessToken> initialAccessTokens(String tenantId) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT id, tenant_id, max_uses, uses, created_at, expires_at "
                    + "FROM initial_access_tokens WHERE tenant_id = ? ORDER BY created_at DESC, id")) {
                select.setString(1, tenantId);
                List<InitialAccessToken> tokens = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        int limit = row.getInt("max_uses");
                        Integer maxUses = row.wasNull() ? null : limit;
                        tokens.add(new InitialAccessToken(row.getString("id"), row.getString("tenant_id"),
                                maxUses, row.getInt("uses"), Timestamps.get(row, "created_at"),
                                Timestamps.get(row, "expires_at")));
                    }
                }
                return tokens;
            }
        });
    }

    @Override
    public boolean deleteInitialAccessToken(String tenantId, String id) {
        return database.withConnection(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM initial_access_tokens WHERE tenant_id = ? AND id = ?")) {
                delete.setString(1, tenantId);
                delete.setString(2, id);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean markFirstToken(String tenantId, String clientId, Instant at) {
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE client_registrations SET first_token_at = ? "
                    + "WHERE tenant_id = ? AND client_id = ? AND first_token_at IS NULL")) {
                Timestamps.set(update, 1, at);
                update.setString(2, tenantId);
                update.setString(3, clientId);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<ClientKey> neverUsed(Instant registeredBy, int limit) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT tenant_id, client_id FROM client_registrations "
                    + "WHERE registered_at <= ? AND first_token_at IS NULL ORDER BY registered_at FETCH FIRST " + limit + " ROWS ONLY")) {
                Timestamps.set(select, 1, registeredBy);
                List<ClientKey> keys = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        keys.add(new ClientKey(rows.getString(1), rows.getString(2)));
                    }
                }
                return keys;
            }
        });
    }

    @Override
    public java.util.Optional<Usage> usage(String tenantId, String clientId) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT registered_at, first_token_at FROM client_registrations "
                    + "WHERE tenant_id = ? AND client_id = ?")) {
                select.setString(1, tenantId);
                select.setString(2, clientId);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? java.util.Optional.of(new Usage(Timestamps.get(row, "registered_at"),
                            Timestamps.get(row, "first_token_at"))) : java.util.Optional.<Usage>empty();
                }
            }
        });
    }
}
