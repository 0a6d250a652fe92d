package db.migration;

import dev.identityservice.core.user.Usernames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema version 5: re-keys every user's {@code username_normalized} by PRECIS UsernameCaseMapped (RFC 8265
 * §3.3, {@link Usernames#key}); it was {@code strip().toLowerCase()}, under which "zoë" in NFC and in NFD
 * were two accounts. Java, not SQL, because neither H2 nor PostgreSQL implements PRECIS.
 *
 * <p>Where existing accounts of a tenant now share a key (the very duplicates this fixes), the one created
 * first (then the smallest id) gets it, whichever of them held it before and in whatever order the rows come.
 * Every other one gets {@link Usernames#unreachableKey}, which no lookup computes: it can no longer sign in or
 * shadow the first, and stays listed in the management API for an administrator to delete (there is no
 * rename). Each such account is logged by id with the id of the account that kept the name.
 *
 * <p>The updates go in two passes so that the unique key constraint holds after every statement: first every
 * row whose key changes moves to its unreachable key (unique by id, and no old key starts with a space), then
 * the first-created rows take their PRECIS keys, which are distinct by construction. Password hashes need no
 * migration: {@link dev.identityservice.core.user.Passwords} verifies old hashes of the raw password and
 * rehashes at the next login.
 */
public class V5__Precis_usernames extends BaseJavaMigration {

    private static final Logger LOG = LoggerFactory.getLogger(V5__Precis_usernames.class);

    /** An account as read: its old key, and its PRECIS key. */
    private record Row(String tenantId, String id, String oldKey, String newKey, Instant createdAt) {
    }

    private static final Comparator<Row> FIRST_CREATED = Comparator.comparing(Row::createdAt).thenComparing(Row::id);

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        Map<String, List<Row>> byNewKey = new LinkedHashMap<>();
        int total = 0;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT tenant_id, id, username, username_normalized, created_at FROM users");
             ResultSet result = select.executeQuery()) {
            while (result.next()) {
                Timestamp created = result.getTimestamp(5);
                Row row = new Row(result.getString(1), result.getString(2), result.getString(4),
                        Usernames.key(result.getString(3)), created.toInstant());
                byNewKey.computeIfAbsent(row.tenantId + '\n' + row.newKey, k -> new ArrayList<>()).add(row);
                total++;
            }
        }
        List<Row> winners = new ArrayList<>();
        List<Row> moved = new ArrayList<>();
        for (List<Row> sharing : byNewKey.values()) {
            sharing.sort(FIRST_CREATED);
            Row winner = sharing.get(0);
            if (!winner.newKey.equals(winner.oldKey)) {
                winners.add(winner);
                moved.add(winner);
            }
            for (Row loser : sharing.subList(1, sharing.size())) {
                LOG.warn("User {} of tenant {} lost its username to the older account {}: both are one PRECIS "
                        + "username (RFC 8265). It can no longer sign in; an administrator should delete it, or "
                        + "delete and re-create one of them", loser.id, loser.tenantId, winner.id);
                moved.add(loser);
            }
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE users SET username_normalized = ? WHERE tenant_id = ? AND id = ?")) {
            for (Row row : moved) {
                set(update, row, Usernames.unreachableKey(row.id));
            }
            for (Row row : winners) {
                set(update, row, row.newKey);
            }
        }
        LOG.info("Re-keyed {} of {} usernames by PRECIS UsernameCaseMapped (RFC 8265); {} duplicates set aside",
                winners.size(), total, moved.size() - winners.size());
    }

    private static void set(PreparedStatement update, Row row, String key) throws SQLException {
        update.setString(1, key);
        update.setString(2, row.tenantId);
        update.setString(3, row.id);
        update.executeUpdate();
    }
}
