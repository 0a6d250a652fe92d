package dev.identityservice.core.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.TestClients;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.TestDatabases;
import dev.identityservice.core.user.TestUsers;
import dev.identityservice.core.user.User;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Prefix search of users by username and clients by name: case-insensitive in the stores' key forms, wildcard
 * characters taken literally, paged, and served by an index on H2 and PostgreSQL (the planner's own word).
 */
class PrefixSearchTest {

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void searchUsersWhenPrefixInAnyCaseOrWidthThenMatchingUsersInKeyOrder(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            for (String name : List.of("alice", "Alfred", "al_x", "alpha%", "bob", "zoë", "ZOE", "a")) {
                store.create(TestUsers.minimal(name, null));
            }

            assertEquals(List.of("al_x", "Alfred", "alice", "alpha%"), usernames(store.search(TestUsers.TENANT, "AL", 0, 10)));
            assertEquals(List.of("al_x"), usernames(store.search(TestUsers.TENANT, "al_", 0, 10)), "_ is no wildcard");
            assertEquals(List.of("alpha%"), usernames(store.search(TestUsers.TENANT, "alpha%", 0, 10)), "% is no wildcard");
            assertEquals(List.of("zoë"), usernames(store.search(TestUsers.TENANT, "ＺＯË", 0, 10)), "fullwidth and upper case");
            assertEquals(List.of("zoë"), usernames(store.search(TestUsers.TENANT, "zoe\u0308", 0, 10)), "NFD");
            assertEquals(List.of("Alfred", "alice"), usernames(store.search(TestUsers.TENANT, "al", 1, 2)), "paged");
            assertEquals(List.of(), store.search("other", "al", 0, 10));
            assertThrows(IllegalArgumentException.class, () -> store.search(TestUsers.TENANT, "", 0, 10));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void searchClientsWhenNamePrefixInAnyCaseThenMatchingNamedClients(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcClientStore store = new JdbcClientStore(database);
            store.create(TestClients.confidential("billing").name("Billing Portal").build());
            store.create(TestClients.confidential("bi-reports").name("BI reports").build());
            store.create(TestClients.confidential("backend").name("Ｂackend").build());
            store.create(TestClients.confidential("unnamed").build());
            store.create(TestClients.confidential("crm").name("CRM").build());

            assertEquals(List.of("bi-reports", "billing"), clientIds(store.search(TestClients.TENANT, "BI", 0, 10)));
            assertEquals(List.of("billing"), clientIds(store.search(TestClients.TENANT, "billing p", 0, 10)));
            assertEquals(List.of("backend"), clientIds(store.search(TestClients.TENANT, "back", 0, 10)), "NFKC");
            assertEquals(List.of(), clientIds(store.search(TestClients.TENANT, "unn", 0, 10)), "no name, no match");

            // A rename moves the key with it.
            store.update(store.find(TestClients.TENANT, "crm").orElseThrow().toBuilder().name("Bistro").build());
            assertEquals(List.of("bi-reports", "billing", "crm"), clientIds(store.search(TestClients.TENANT, "bi", 0, 10)));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void searchWhenPlannedThenAnIndexServesTheRange(DatabaseKind kind) {
        try (Database database = open(kind)) {
            // Rows of many names, so that a planner counting rows prefers the narrow range to the whole tenant.
            JdbcUserStore userStore = new JdbcUserStore(database);
            JdbcClientStore clientStore = new JdbcClientStore(database);
            for (int i = 0; i < 200; i++) {
                userStore.create(TestUsers.minimal("user" + i, null));
                clientStore.create(TestClients.publicClient("client" + i).name("Client " + i).build());
            }
            database.withConnection(connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("ANALYZE");
                }
                return null;
            });
            String users = plan(database, JdbcUserStore.searchSql(database));
            String clients = plan(database, JdbcClientStore.searchSql(database));
            if (kind == DatabaseKind.POSTGRESQL) {
                assertTrue(users.contains("Index") && users.contains("users_username_prefix"), users);
                assertTrue(clients.contains("Index") && clients.contains("clients_name_prefix"), clients);
            } else {
                // H2 names the index it reads and the range it scans (/* PUBLIC.<index>: ... >= ?2 ... */).
                assertTrue(users.toUpperCase(Locale.ROOT).matches("(?s).*USERS_USERNAME_UNIQUE.*USERNAME_NORMALIZED >= \\?2.*"), users);
                assertTrue(clients.toUpperCase(Locale.ROOT).matches("(?s).*CLIENTS_NAME_PREFIX.*NAME_KEY >= \\?2.*"), clients);
            }
        }
    }

    @Test
    void successorWhenLastCharacterIsHighestThenDroppedAndPreviousIncremented() {
        assertEquals("ab", PrefixSearch.codePointSuccessor("aa"));
        assertEquals("b", PrefixSearch.codePointSuccessor("a" + new String(Character.toChars(Character.MAX_CODE_POINT))));
        assertEquals("\uE000", PrefixSearch.codePointSuccessor("\uD7FF"));
        assertEquals("b", PrefixSearch.charSuccessor("a\uFFFF"));
        assertNull(PrefixSearch.charSuccessor("\uFFFF"));
    }

    /** The plan of {@code sql} with its parameters bound; on PostgreSQL with sequential scans priced out. */
    private static String plan(Database database, String sql) {
        return database.withConnection(connection -> {
            boolean postgres = database.isPostgres();
            if (postgres) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET enable_seqscan = off");
                }
            }
            try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
                explain.setString(1, TestUsers.TENANT);
                explain.setString(2, "al");
                explain.setString(3, "am");
                explain.setString(4, "al%");
                explain.setInt(5, 0);
                explain.setInt(6, 10);
                StringBuilder plan = new StringBuilder();
                try (ResultSet rows = explain.executeQuery()) {
                    while (rows.next()) {
                        plan.append(rows.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            } finally {
                if (postgres) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("RESET enable_seqscan");
                    }
                }
            }
        });
    }

    private static Database open(DatabaseKind kind) {
        Database database = TestDatabases.open(kind);
        TestUsers.createTenant(database, TestUsers.TENANT);
        return database;
    }

    private static List<String> usernames(List<User> users) {
        return new ArrayList<>(users.stream().map(User::username).toList());
    }

    private static List<String> clientIds(List<Client> clients) {
        return clients.stream().map(Client::clientId).toList();
    }
}
