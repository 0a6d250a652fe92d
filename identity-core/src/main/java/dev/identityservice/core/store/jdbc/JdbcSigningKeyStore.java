package dev.identityservice.core.store.jdbc;

import com.nimbusds.jose.jwk.JWK;
import dev.identityservice.core.key.KeyChange;
import dev.identityservice.core.key.KeyPurpose;
import dev.identityservice.core.key.KeyState;
import dev.identityservice.core.key.PrivateKeyCipher;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.key.SigningKey;
import dev.identityservice.core.key.SigningKeyStore;
import dev.identityservice.core.tenant.Tenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link SigningKeyStore} on the {@code signing_keys} table: the public JWK in clear, the private
 * JWK sealed by {@link PrivateKeyCipher} (bound to tenant and kid).
 *
 * <p>{@link #update} serialises writers with {@code SELECT ... FOR UPDATE} on the tenant's row,
 * which H2 and PostgreSQL both honour, so it also orders rotations across server instances.
 */
public final class JdbcSigningKeyStore implements SigningKeyStore {

    private static final String COLUMNS = "tenant_id, kid, algorithm, state, public_jwk, private_key_sealed, "
            + "created_at, activated_at, rotated_at, revoked_at, purpose";

    private final Database database;
    private final PrivateKeyCipher cipher;

    public JdbcSigningKeyStore(Database database, PrivateKeyCipher cipher) {
        this.database = Objects.requireNonNull(database, "database");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
    }

    @Override
    public List<SigningKey> load(String tenantId) {
        return database.withConnection(connection -> select(connection, tenantId));
    }

    @Override
    public List<SigningKey> update(String tenantId, KeyDecision decision) {
        return database.inTransaction(connection -> {
            Tenant tenant = lockTenant(connection, tenantId);
            List<SigningKey> before = select(connection, tenantId);
            KeyChange change = decision.decide(tenant, before);
            if (change.isEmpty()) {
                return before;
            }
            apply(connection, tenantId, change);
            return change.applyTo(before);
        });
    }

    /** Locks the tenant row until the transaction ends and reads it under that lock. */
    private static Tenant lockTenant(Connection connection, String tenantId) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT " + JdbcTenantStore.COLUMNS + " FROM tenants WHERE id = ? FOR UPDATE")) {
            lock.setString(1, tenantId);
            try (ResultSet row = lock.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalArgumentException("unknown tenant '" + tenantId + "'");
                }
                return JdbcTenantStore.read(row);
            }
        }
    }

    private List<SigningKey> select(Connection connection, String tenantId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM signing_keys WHERE tenant_id = ? ORDER BY created_at, kid")) {
            select.setString(1, tenantId);
            try (ResultSet rows = select.executeQuery()) {
                List<SigningKey> keys = new ArrayList<>();
                while (rows.next()) {
                    keys.add(read(rows));
                }
                return keys;
            }
        }
    }

    private void apply(Connection connection, String tenantId, KeyChange change) throws SQLException {
        if (!change.purged().isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM signing_keys WHERE tenant_id = ? AND kid = ?")) {
                for (String kid : change.purged()) {
                    delete.setString(1, tenantId);
                    delete.setString(2, kid);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
        }
        if (!change.changed().isEmpty()) {
            try (PreparedStatement update = connection.prepareStatement("UPDATE signing_keys SET state = ?, "
                    + "activated_at = ?, rotated_at = ?, revoked_at = ? WHERE tenant_id = ? AND kid = ?")) {
                for (SigningKey key : change.changed()) {
                    requireTenant(tenantId, key);
                    update.setString(1, key.state().name());
                    Timestamps.set(update, 2, key.activatedAt());
                    Timestamps.set(update, 3, key.rotatedAt());
                    Timestamps.set(update, 4, key.revokedAt());
                    update.setString(5, tenantId);
                    update.setString(6, key.kid());
                    if (update.executeUpdate() != 1) {
                        throw new IllegalStateException("signing key " + key.kid() + " of tenant " + tenantId + " does not exist");
                    }
                }
            }
        }
        if (!change.added().isEmpty()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO signing_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (SigningKey key : change.added()) {
                    requireTenant(tenantId, key);
                    insert.setString(1, tenantId);
                    insert.setString(2, key.kid());
                    insert.setString(3, key.algorithm().name());
                    insert.setString(4, key.state().name());
                    insert.setString(5, key.publicJwk().toJSONString());
                    insert.setString(6, cipher.seal(tenantId, key.kid(), key.jwk().toJSONString()));
                    Timestamps.set(insert, 7, key.createdAt());
                    Timestamps.set(insert, 8, key.activatedAt());
                    Timestamps.set(insert, 9, key.rotatedAt());
                    Timestamps.set(insert, 10, key.revokedAt());
                    insert.setString(11, key.purpose().name());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }

    private SigningKey read(ResultSet row) throws SQLException {
        String tenantId = row.getString("tenant_id");
        String kid = row.getString("kid");
        JWK jwk;
        try {
            jwk = JWK.parse(cipher.open(tenantId, kid, row.getString("private_key_sealed")));
        } catch (ParseException e) {
            // The message of a JSON parse error could quote key material: keep only the kid.
            throw new IllegalStateException("the private key of kid " + kid + " of tenant " + tenantId + " is not a valid JWK");
        }
        if (!jwk.isPrivate()) {
            throw new IllegalStateException("the sealed key of kid " + kid + " of tenant " + tenantId + " has no private part");
        }
        return new SigningKey(tenantId, kid, SigningAlgorithm.parse(row.getString("algorithm")),
                KeyState.valueOf(row.getString("state")), jwk, Timestamps.get(row, "created_at"),
                Timestamps.get(row, "activated_at"), Timestamps.get(row, "rotated_at"), Timestamps.get(row, "revoked_at"),
                KeyPurpose.valueOf(row.getString("purpose")));
    }

    private static void requireTenant(String tenantId, SigningKey key) {
        if (!tenantId.equals(key.tenantId())) {
            throw new IllegalArgumentException("key " + key.kid() + " belongs to tenant " + key.tenantId() + ", not " + tenantId);
        }
    }
}
