package db.migration;

import dev.identityservice.core.user.Usernames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema version 5: re-keys every user's {@code username_normalized} by PRECIS UsernameCaseMapped (RFC 8265
 * §3.3, {@link Usernames#key}); it was {@code strip().toLowerCase()}, under which "zoë" in NFC and in NFD
 * were two accounts. Java, not SQL, because neither H2 nor PostgreSQL implements PRECIS.
 *
 * <p>Where two existing accounts now share a key (the very duplicates this fixes), the one created first
 * gets it and the other keeps its old key: it stays listed in the management API, and is reached by name
 * again once an administrator renames or deletes one of the two. Each such account is logged by id.
 * Password hashes need no migration: {@link dev.identityservice.core.user.Passwords} verifies old hashes of
 * the raw password and rehashes at the next login.
 */
public class V5__Precis_usernames extends BaseJavaMigration {

    private static final Logger LOG = LoggerFactory.getLogger(V5__Precis_usernames.class);

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        record Row(String tenantId, String id, String username, String key) {
        }
        List<Row> rows = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT tenant_id, id, username, username_normalized FROM users ORDER BY created_at, id");
             ResultSet result = select.executeQuery()) {
            while (result.next()) {
                Row row = new Row(result.getString(1), result.getString(2), result.getString(3), result.getString(4));
                rows.add(row);
                taken.add(row.tenantId + '\n' + row.key);
            }
        }
        int rekeyed = 0;
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE users SET username_normalized = ? WHERE tenant_id = ? AND id = ?")) {
            for (Row row : rows) {
                String key = Usernames.key(row.username);
                if (key.equals(row.key)) {
                    continue;
                }
                if (!taken.add(row.tenantId + '\n' + key)) {
                    LOG.warn("User {} of tenant {} keeps its pre-PRECIS username key: another account has the same "
                            + "PRECIS username; rename or delete one of them", row.id, row.tenantId);
                    continue;
                }
                taken.remove(row.tenantId + '\n' + row.key);
                update.setString(1, key);
                update.setString(2, row.tenantId);
                update.setString(3, row.id);
                update.executeUpdate();
                rekeyed++;
            }
        }
        LOG.info("Re-keyed {} of {} usernames by PRECIS UsernameCaseMapped (RFC 8265)", rekeyed, rows.size());
    }
}
