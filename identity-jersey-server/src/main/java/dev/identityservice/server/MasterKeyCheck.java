package dev.identityservice.server;

import dev.identityservice.core.key.KeyState;
import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.key.PrivateKeyCipher;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.tenant.Tenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * The master key checked against the database before the server serves anything: a server with another
 * master key than the one that sealed the stored signing keys could sign nothing and would answer 500 to
 * every token and JWKS request, so it must not start.
 */
final class MasterKeyCheck {

    private static final String SETTING = "master.key / IDENTITY_MASTER_KEY";

    private MasterKeyCheck() {
    }

    /**
     * The configured master key ({@code master.key}), or the one in {@code keyFile}, created there only when
     * the database holds no sealed key yet.
     *
     * @throws StartFailure when the file is missing although the database holds keys sealed by some master key
     */
    static MasterKey load(String configured, Path keyFile, Database database) {
        if (configured != null) {
            return MasterKey.fromBase64(configured);
        }
        if (!Files.exists(keyFile) && sealedKeyCount(database) > 0) {
            throw new StartFailure("the database holds signing keys sealed by a master key, but the master key file "
                    + keyFile.toAbsolutePath() + " does not exist: set " + SETTING + " to that key or restore its file "
                    + "(a new key would not open them)");
        }
        return MasterKey.loadOrCreate(keyFile);
    }

    /**
     * Opens one {@code ACTIVE} key of the default tenant with {@code masterKey}.
     *
     * @throws StartFailure naming the setting when it does not open
     */
    static void verify(MasterKey masterKey, Database database, String source) {
        String[] row = database.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT kid, private_key_sealed FROM signing_keys WHERE tenant_id = ? AND state = ? ORDER BY kid")) {
                query.setString(1, Tenant.DEFAULT_ID);
                query.setString(2, KeyState.ACTIVE.name());
                query.setMaxRows(1);
                try (ResultSet result = query.executeQuery()) {
                    return result.next() ? new String[] {result.getString(1), result.getString(2)} : null;
                }
            }
        });
        if (row == null) {
            return;
        }
        try {
            new PrivateKeyCipher(masterKey).open(Tenant.DEFAULT_ID, row[0], row[1]);
        } catch (IllegalStateException e) {
            throw new StartFailure("the master key (" + source + ") does not open the signing keys stored in the "
                    + "database: it is not the key they were sealed with; set " + SETTING
                    + " to the master key of the instances that created this database");
        }
    }

    private static long sealedKeyCount(Database database) {
        return database.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM signing_keys");
                 ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        });
    }
}
