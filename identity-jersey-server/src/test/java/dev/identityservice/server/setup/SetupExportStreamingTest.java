package dev.identityservice.server.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserProfile;
import dev.identityservice.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant of 20,000 users exports completely and as well-formed JSON that the importer reads, and is written
 * while it is read: every page of users is read only after the previous pages' users have gone to the output,
 * so the export holds one page in memory, not the tenant.
 */
class SetupExportStreamingTest {

    private static final int USERS = 20_000;

    private static TestServer server;
    private static IdentityEngine engine;
    private static String rootToken;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        engine = server.server.engine();
        server.confidentialClient("demo");
        server.user("root", "admin");
        Instant now = Instant.now();
        engine.inOneTransaction(() -> {
            for (int i = 0; i < USERS; i++) {
                engine.users().create(new User(Tenant.DEFAULT_ID, UUID.randomUUID().toString(), "bulk-" + i, null, i % 7 != 0,
                        i % 2 == 0 ? UserProfile.EMPTY : new UserProfile("Bulk " + i, null, null, null, false, null, null),
                        Set.of("user"), i % 3 == 0 ? Map.of("n", String.valueOf(i)) : Map.of(), null, now, now));
            }
            return null;
        });
        rootToken = TestServer.json(server.post("/oauth2/token", TestServer.form("grant_type", "password", "username",
                "root", "password", TestServer.PASSWORD), "Authorization", TestServer.basic("demo", TestServer.SECRET)).body())
                .get("access_token").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void writeWhenTwentyThousandUsersThenEveryPageReadAfterThePreviousWasWritten() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> writtenBeforeRead = new ArrayList<>();
        List<Integer> rowsPerRead = new ArrayList<>();
        SetupExport.Pages<User> users = (offset, limit) -> {
            writtenBeforeRead.add(out.size());
            List<User> page = engine.users().list(Tenant.DEFAULT_ID, offset, limit);
            rowsPerRead.add(page.size());
            return page;
        };
        SetupExport.Pages<Client> clients = (offset, limit) -> engine.clients().list(Tenant.DEFAULT_ID, offset, limit);

        SetupExport.write(server.defaultTenant(), server.defaultTenant().issuer(), users, clients, out);

        // 20,001 users (with root) in pages of BATCH: 21 reads, each at most a page, the last one short.
        assertEquals(USERS / SetupExport.BATCH + 1, rowsPerRead.size(), rowsPerRead.toString());
        assertTrue(rowsPerRead.stream().allMatch(rows -> rows <= SetupExport.BATCH), rowsPerRead.toString());
        // Streamed: before each read, the users of all earlier pages but the JSON generator's small buffer are out.
        for (int read = 1; read < writtenBeforeRead.size(); read++) {
            int minimum = read * SetupExport.BATCH * "{\"tenant\":\"default\",\"username\":\"bulk-0\"}".length() - 16 * 1024;
            assertTrue(writtenBeforeRead.get(read) > minimum, "before read " + read + " only " + writtenBeforeRead.get(read)
                    + " bytes were written: " + writtenBeforeRead);
        }
        SetupFile file = read(out.toByteArray());
        assertEquals(USERS + 1, file.users().size());
        assertEquals(USERS + 1, new TreeSet<>(file.users().stream().map(SetupFile.UserEntry::username).toList()).size());
        assertEquals(List.of("demo"), file.clients().stream().map(SetupFile.ClientEntry::clientId).toList());
    }

    @Test
    void writeWhenDatabaseFailsMidwayThenExceptionAndNoWellFormedFile() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SetupExport.Pages<User> users = (offset, limit) -> {
            if (offset >= 2 * SetupExport.BATCH) {
                throw new IllegalStateException("database gone");
            }
            return engine.users().list(Tenant.DEFAULT_ID, offset, limit);
        };
        SetupExport.Pages<Client> clients = (offset, limit) -> engine.clients().list(Tenant.DEFAULT_ID, offset, limit);

        assertThrows(IllegalStateException.class,
                () -> SetupExport.write(server.defaultTenant(), server.defaultTenant().issuer(), users, clients, out));
        // Never closed off to look like a smaller, complete tenant.
        assertThrows(IllegalArgumentException.class, () -> read(out.toByteArray()));
    }

    @Test
    void exportEndpointWhenTwentyThousandUsersThenCompleteFileTheImporterReads() throws Exception {
        HttpResponse<byte[]> exported = server.http.send(HttpRequest.newBuilder(server.uri("/admin/tenants/default/export"))
                .header("Authorization", "Bearer " + rootToken).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, exported.statusCode());
        assertEquals("no-store", exported.headers().firstValue("Cache-Control").orElse(null));
        assertTrue(exported.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));

        SetupFile file = read(exported.body());
        assertEquals(USERS + 1, file.users().size());
        SetupFile.UserEntry seventh = file.users().stream().filter(u -> u.username().equals("bulk-7")).findFirst().orElseThrow();
        assertEquals(Boolean.FALSE, seventh.enabled());
        assertEquals(Map.of(), seventh.attributes() == null ? Map.of() : seventh.attributes());
        assertTrue(file.users().stream().allMatch(u -> u.password() == null && u.passwordHash() == null), "no secret");
        assertEquals(1, file.clients().size());
    }

    private SetupFile read(byte[] json) throws Exception {
        Path path = dir.resolve("export-" + UUID.randomUUID() + ".json");
        Files.write(path, json);
        return SetupFile.read(path);
    }
}
