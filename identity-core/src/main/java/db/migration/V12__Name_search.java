package db.migration;

import dev.identityservice.core.client.ClientNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 12: indexes for the management API's prefix searches (users by username, clients by name).
 *
 * <p>Clients get {@code name_key}, the search key of their name ({@link ClientNames#key}), filled here for the
 * clients that exist, and written with every client from now on. Java, not SQL, because the key is Java's
 * NFKC and locale-free lower case, which neither database's {@code LOWER} reproduces, and because the index
 * definitions differ: on PostgreSQL the searches compare in {@code COLLATE "C"} (a prefix is one range only in
 * code point order, not in a language collation), so the indexes are declared in that collation; H2 compares
 * strings in binary order anyway, and its existing unique index on {@code (tenant_id, username_normalized)}
 * serves the user search.
 */
public class V12__Name_search extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE clients ADD COLUMN name_key VARCHAR(" + ClientNames.MAX_KEY_CHARS + ")");
        }
        Map<String[], String> keys = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT tenant_id, client_id, name FROM clients WHERE name IS NOT NULL");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                keys.put(new String[] {rows.getString(1), rows.getString(2)}, ClientNames.key(rows.getString(3)));
            }
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE clients SET name_key = ? WHERE tenant_id = ? AND client_id = ?")) {
            for (Map.Entry<String[], String> key : keys.entrySet()) {
                update.setString(1, key.getValue());
                update.setString(2, key.getKey()[0]);
                update.setString(3, key.getKey()[1]);
                update.addBatch();
            }
            update.executeBatch();
        }
        try (Statement statement = connection.createStatement()) {
            if (postgres) {
                statement.execute("CREATE INDEX users_username_prefix ON users (tenant_id, username_normalized COLLATE \"C\", id)");
                statement.execute("CREATE INDEX clients_name_prefix ON clients (tenant_id, name_key COLLATE \"C\", client_id)");
            } else {
                statement.execute("CREATE INDEX clients_name_prefix ON clients (tenant_id, name_key, client_id)");
            }
        }
    }
}
