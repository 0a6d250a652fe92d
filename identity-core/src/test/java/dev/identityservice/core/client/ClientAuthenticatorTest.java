package dev.identityservice.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcClientStore;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.TestDatabases;
import dev.identityservice.core.user.TestUsers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClientAuthenticatorTest {

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void authenticateWhenConfidentialClientAndCorrectSecretThenClient(DatabaseKind kind) {
        try (Database database = open(kind)) {
            Client client = store(database, TestClients.confidential("backend").build());
            ClientAuthenticator authenticator = new ClientAuthenticator(new JdbcClientStore(database));

            assertEquals(client, authenticator.authenticate(TestClients.TENANT, "backend", TestClients.SECRET));
            assertEquals(client, authenticator.authenticate(TestClients.TENANT,
                    new ClientCredentials("backend", TestClients.SECRET, ClientCredentials.Method.POST)));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void authenticateWhenUnknownClientOrWrongOrMissingSecretThenSameInvalidClient(DatabaseKind kind) {
        try (Database database = open(kind)) {
            store(database, TestClients.confidential("backend").build());
            ClientAuthenticator authenticator = new ClientAuthenticator(new JdbcClientStore(database));

            OAuthError wrongSecret = failure(authenticator, "backend", TestClients.SECRET + "x");
            assertEquals(new OAuthError("invalid_client", "Client authentication failed", 401), wrongSecret);
            assertEquals(wrongSecret, failure(authenticator, "nobody", TestClients.SECRET));
            assertEquals(wrongSecret, failure(authenticator, "backend", null));
            assertEquals(wrongSecret, failure(authenticator, "BACKEND", TestClients.SECRET));
            assertEquals(wrongSecret, failure(authenticator, "", TestClients.SECRET));
            assertEquals(wrongSecret, failure(authenticator, null, null));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void authenticateWhenPublicClientPresentsASecretThenInvalidClient(DatabaseKind kind) {
        try (Database database = open(kind)) {
            Client spa = store(database, TestClients.publicClient("spa").build());
            ClientAuthenticator authenticator = new ClientAuthenticator(new JdbcClientStore(database));

            assertEquals(ClientAuthenticator.FAILED, failure(authenticator, "spa", TestClients.SECRET));
            assertEquals(ClientAuthenticator.FAILED, failure(authenticator, "spa", ""));
            assertEquals(spa, authenticator.authenticate(TestClients.TENANT, ClientCredentials.none("spa")));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void authenticateWhenClientOfAnotherTenantThenInvalidClient(DatabaseKind kind) {
        try (Database database = open(kind)) {
            store(database, TestClients.confidential("backend").build());
            TestUsers.createTenant(database, "other");
            ClientAuthenticator authenticator = new ClientAuthenticator(new JdbcClientStore(database));

            assertEquals(ClientAuthenticator.FAILED, assertThrows(OAuthException.class,
                    () -> authenticator.authenticate("other", "backend", TestClients.SECRET)).error());
        }
    }

    private static Database open(DatabaseKind kind) {
        Database database = TestDatabases.open(kind);
        TestUsers.createTenant(database, TestClients.TENANT);
        return database;
    }

    private static Client store(Database database, Client client) {
        new JdbcClientStore(database).create(client);
        return client;
    }

    private static OAuthError failure(ClientAuthenticator authenticator, String clientId, String secret) {
        return assertThrows(OAuthException.class, () -> authenticator.authenticate(TestClients.TENANT, clientId, secret)).error();
    }
}
