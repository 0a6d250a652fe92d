package dev.identityservice.server.registration;

import static dev.identityservice.server.registration.ClientRegistrationTest.PUBLIC_CLIENT;
import static dev.identityservice.server.registration.ClientRegistrationTest.body;
import static dev.identityservice.server.registration.RegistrationHttp.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Dynamic registration on PostgreSQL, in a private schema of {@code IDENTITY_TEST_POSTGRES_URL} (skipped when
 * unset): a registered client logs a user in, RFC 7592 reads and deletes it, and the per-tenant cap holds when
 * registrations race, since they are serialized on the tenant row.
 */
class ClientRegistrationPostgresTest {

    private static final String URL_VARIABLE = "IDENTITY_TEST_POSTGRES_URL";

    @Test
    void registrationWhenOnPostgresThenClientLogsInIsManagedAndTheCapHoldsUnderARace() throws Exception {
        String url = System.getenv(URL_VARIABLE);
        assumeTrue(url != null && !url.isBlank(), "set " + URL_VARIABLE + " to run the PostgreSQL registration test");
        String schema = "reg_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try (TestServer server = TestServer.start(b -> b.dbUrl(schemaUrl).dbUser(null).registrationMode("open").registrationMaxClients(4))) {
            server.user("alice");
            RegistrationHttp http = new RegistrationHttp(server);
            JsonNode registered = body(http.register(PUBLIC_CLIENT), 201);
            String clientId = registered.get("client_id").asText();
            assertTrue(body(http.codeFlow(clientId, ClientRegistrationTest.CALLBACK, "client_id", clientId), 200).has("id_token"));
            JsonNode read = body(http.manage("GET", path(registered), registered.get("registration_access_token").asText(), null), 200);
            assertEquals(401, http.manage("GET", path(registered), registered.get("registration_access_token").asText(), null).statusCode());
            assertEquals(204, http.manage("DELETE", path(read), read.get("registration_access_token").asText(), null).statusCode());

            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<Future<Integer>> results = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    results.add(pool.submit(() -> http.register(PUBLIC_CLIENT).statusCode()));
                }
                int created = 0;
                for (Future<Integer> result : results) {
                    created += result.get() == 201 ? 1 : 0;
                }
                assertEquals(4, created);
            } finally {
                pool.shutdownNow();
            }
            assertEquals(4, server.server.engine().registrations().count(Tenant.DEFAULT_ID));
        } finally {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
