package dev.identityservice.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.client.ClaimMapping;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientSecrets;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.client.TestClients;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcClientStore;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.ReadsDuringWrites;
import dev.identityservice.core.testing.TestDatabases;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.core.user.TestUsers;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcClientStoreTest {

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void createWhenEveryFieldSetThenReadBackEqual(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcClientStore store = new JdbcClientStore(database);
            Client client = TestClients.complete("complete-app").build();
            store.create(client);

            Client found = store.find(TestClients.TENANT, "complete-app").orElseThrow();
            assertEquals(client, found);
            assertEquals(client.idTokenEncryptionKey().toJSONObject(), found.idTokenEncryptionKey().toJSONObject());
            assertNotNull(found.tokenSettings().refreshPolicy());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void createWhenPublicClientWithDefaultsThenReadBackEqual(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcClientStore store = new JdbcClientStore(database);
            Client spa = TestClients.publicClient("spa").build();
            store.create(spa);

            Client found = store.find(TestClients.TENANT, "spa").orElseThrow();
            assertEquals(spa, found);
            assertTrue(found.isPublic());
            assertEquals(TokenSettings.DEFAULTS, found.tokenSettings());
            assertTrue(store.find(TestClients.TENANT, "SPA").isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void createWhenStoredThenNoColumnHoldsTheSecret(DatabaseKind kind) {
        try (Database database = open(kind)) {
            String secret = ClientSecrets.generate();
            new JdbcClientStore(database).create(TestClients.complete("backend").secretHash(ClientSecrets.hash(secret)).build());

            List<String> values = allValues(database, "clients");
            assertTrue(values.contains(ClientSecrets.hash(secret)), "the hash is stored");
            for (String value : values) {
                assertFalse(value.contains(secret), "plaintext secret in a column");
                assertFalse(value.contains(secret.substring(0, 16)), "part of the secret in a column");
            }
            allValues(database, "client_claim_mappings").forEach(value -> assertFalse(value.contains(secret)));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void createWhenClientIdTakenThenRefusedAndOriginalKept(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcClientStore store = new JdbcClientStore(database);
            Client original = TestClients.complete("app").build();
            store.create(original);

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> store.create(TestClients.confidential("app").name("Impostor").build()));
            assertEquals("client 'app' already exists", e.getMessage());
            assertEquals(original, store.find(TestClients.TENANT, "app").orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void updateWhenSettingsChangedThenEverythingReplaced(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcClientStore store = new JdbcClientStore(database);
            Client client = TestClients.complete("app").build();
            store.create(client);
            Client changed = client.toBuilder()
                    .name(null)
                    .redirectUris(List.of("https://new.example.com/cb"))
                    .grantTypes(Set.of(GrantType.CLIENT_CREDENTIALS))
                    .tokenSettings(TokenSettings.DEFAULTS.withAccessTokenTtl(Duration.ofSeconds(90)))
                    .idTokenEncryptionKey(null)
                    .claimMappings(List.of(new ClaimMapping(ClaimMapping.TokenType.ID, "department", "dept")))
                    .updatedAt(TestClients.CREATED.plusSeconds(3600))
                    .build();
            store.update(changed);

            assertEquals(changed, store.find(TestClients.TENANT, "app").orElseThrow());
            assertEquals(1, JdbcUserStoreTest.count(database, "client_claim_mappings"));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void updateWhenClaimMappedTwiceThenRefusedAndStoredClientKept(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcClientStore store = new JdbcClientStore(database);
            Client client = TestClients.complete("app").build();
            store.create(client);
            Client duplicate = client.toBuilder()
                    .claimMapping(new ClaimMapping(ClaimMapping.TokenType.ACCESS, "other", "dept"))
                    .name("changed").build();

            assertThrows(IllegalArgumentException.class, () -> store.update(duplicate));
            assertThrows(IllegalStateException.class, () -> store.update(TestClients.confidential("ghost").build()));
            assertEquals(client, store.find(TestClients.TENANT, "app").orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void createWhenScopeContainsSpaceOrTtlHasFractionThenRefused(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcClientStore store = new JdbcClientStore(database);

            assertThrows(IllegalArgumentException.class, () -> store.create(TestClients.confidential("a").scope("read write").build()));
            assertThrows(IllegalArgumentException.class, () -> store.create(TestClients.confidential("b")
                    .tokenSettings(TokenSettings.DEFAULTS.withAccessTokenTtl(Duration.ofMillis(60_500))).build()));
            assertEquals(0, JdbcUserStoreTest.count(database, "clients"));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void listWhenPagedThenOrderedByClientIdWithClaimMappings(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcClientStore store = new JdbcClientStore(database);
            Client complete = TestClients.complete("c-app").build();
            store.create(TestClients.confidential("b-app").build());
            store.create(complete);
            store.create(TestClients.publicClient("a-app").build());

            List<Client> first = store.list(TestClients.TENANT, 0, 2);
            assertEquals(List.of("a-app", "b-app"), first.stream().map(Client::clientId).toList());
            assertEquals(List.of(complete), store.list(TestClients.TENANT, 2, 2));
            assertTrue(store.delete(TestClients.TENANT, "c-app"));
            assertFalse(store.delete(TestClients.TENANT, "c-app"));
            assertEquals(0, JdbcUserStoreTest.count(database, "client_claim_mappings"));
        }
    }

    /**
     * A client read while it is being changed comes back as one version: its name and its claim mappings from the
     * same update (read by two statements, a reader saw the row of one update and the mappings of another).
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void findWhenUpdatedConcurrentlyThenRowAndClaimMappingsOfOneVersion(DatabaseKind kind) throws Exception {
        try (Database database = open(kind)) {
            JdbcClientStore store = new JdbcClientStore(database);
            Client app = version(TestClients.complete("app").build(), "red");
            store.create(app);
            List<String> mixed = ReadsDuringWrites.mixedReads(() -> {
                for (int i = 0; i < 400; i++) {
                    store.update(version(app, i % 2 == 0 ? "blue" : "red"));
                }
            }, () -> {
                Client read = store.find(TestClients.TENANT, "app").orElseThrow();
                return read.claimMappings().size() == 1 && read.claimMappings().get(0).claim().equals(read.name())
                        ? null : read.name() + " " + read.claimMappings();
            });
            assertTrue(mixed.isEmpty(), () -> mixed.size() + " mixed reads, e.g. " + mixed.get(0));
        }
    }

    /** {@code client} named {@code colour}, with one claim mapping to a claim of that name. */
    /**
     * The joined read gives what the list gives: no mapping, one, and many of both token types (stored in another order
     * than they come back), for client ids with quote, LIKE wildcards and backslash; a client with no mapping is not
     * repeated, one with many is one client.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void findWhenZeroOneOrManyMappingsThenAsListedInTokenTypeAndClaimOrder(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcClientStore store = new JdbcClientStore(database);
            List<ClaimMapping> many = new ArrayList<>();
            for (int i = 9; i >= 0; i--) {
                many.add(new ClaimMapping(ClaimMapping.TokenType.ID, "attr" + i, "id-" + i));
                many.add(new ClaimMapping(ClaimMapping.TokenType.ACCESS, "attr" + i, "ac-" + i));
            }
            store.create(TestClients.confidential("a'b%_\\none").claimMappings(List.of()).build());
            store.create(TestClients.confidential("a'b%_\\one").claimMappings(List.of(new ClaimMapping(ClaimMapping.TokenType.ID, "x", "y"))).build());
            store.create(TestClients.confidential("a'b%_\\many").claimMappings(many).build());

            List<Client> listed = store.list(TestClients.TENANT, 0, 10);
            assertEquals(3, listed.size());
            for (Client client : listed) {
                assertEquals(client, store.find(TestClients.TENANT, client.clientId()).orElseThrow(), client.clientId());
            }
            List<ClaimMapping> found = store.find(TestClients.TENANT, "a'b%_\\many").orElseThrow().claimMappings();
            assertEquals(20, found.size());
            assertEquals(ClaimMapping.TokenType.ACCESS, found.get(0).tokenType());
            assertEquals("ac-0", found.get(0).claim());
            assertEquals("id-9", found.get(19).claim());
            assertTrue(store.find(TestClients.TENANT, "a'b%_\\none").orElseThrow().claimMappings().isEmpty());
            assertTrue(store.find(TestClients.TENANT, "a'b%_%").isEmpty());
            assertTrue(store.find("other-tenant", "a'b%_\\many").isEmpty());
        }
    }

    private static Client version(Client client, String colour) {
        return client.toBuilder().name(colour)
                .claimMappings(List.of(new ClaimMapping(ClaimMapping.TokenType.ACCESS, "department", colour))).build();
    }

    private static Database open(DatabaseKind kind) {
        Database database = TestDatabases.open(kind);
        TestUsers.createTenant(database, TestClients.TENANT);
        return database;
    }

    /** Every non-null value of every column of {@code table}, as text. */
    private static List<String> allValues(Database database, String table) {
        return database.withConnection(connection -> {
            List<String> values = new ArrayList<>();
            try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
                ResultSetMetaData meta = rows.getMetaData();
                while (rows.next()) {
                    for (int column = 1; column <= meta.getColumnCount(); column++) {
                        String value = rows.getString(column);
                        if (value != null) {
                            values.add(value);
                        }
                    }
                }
            }
            return values;
        });
    }
}
