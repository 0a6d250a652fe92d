package dev.identityservice.server.edge;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.StartFailure;
import dev.identityservice.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, start-up: on a restart (the H2 database already in the data directory) the import file is parsed while
 * the database opens. What a start does with the file must not change: a good file is applied, a bad one refuses the
 * start with its own one-line error, and that error comes first even when the database cannot be opened either.
 */
class RestartImportTest {

    @TempDir
    Path root;

    @Test
    void restartWhenImportFileValidThenApplied() throws IOException {
        Path data = root.resolve("data");
        new Started(data, null).close();
        Path file = Files.writeString(root.resolve("import.json"), """
                {"users": [{"username": "carol", "password": "carol-password-1234"}]}
                """);

        try (Started restart = new Started(data, file)) {
            assertTrue(restart.server.server.engine().users().findByUsername(Tenant.DEFAULT_ID, "carol").isPresent());
        }
    }

    @Test
    void restartWhenImportFileMalformedThenRefusedNamingTheFile() throws IOException {
        Path data = root.resolve("data");
        new Started(data, null).close();
        Path file = Files.writeString(root.resolve("malformed.json"), "{\"users\": [{\"username\": \"bob\",}]}");

        StartFailure refused = assertThrows(StartFailure.class, () -> new Started(data, file).close());

        assertTrue(refused.getMessage().contains("import file " + file + " is invalid"), refused.getMessage());
        // The database opened meanwhile was closed again: the next start gets it.
        new Started(data, null).close();
    }

    /**
     * Jersey's initialisation runs alongside the import's check and apply: a check that refuses the file still refuses
     * the start with its own error, and the start does not return before that initialisation has ended and been
     * stopped again (nothing of the failed start keeps running).
     */
    @Test
    void restartWhenImportRefusedByItsCheckThenRefusedAfterTheHandlersStartedAlongsideAreStopped() throws IOException {
        Path data = root.resolve("data");
        new Started(data, null).close();
        Path file = Files.writeString(root.resolve("weak.json"), "{\"users\": [{\"username\": \"bob\", \"password\": \"short\"}]}");

        StartFailure refused = assertThrows(StartFailure.class, () -> new Started(data, file).close());

        assertTrue(refused.getMessage().startsWith("import:") && refused.getMessage().contains("nothing was applied"),
                refused.getMessage());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("identity-start-handlers")),
                "the handlers' start is still running");
        try (Started restart = new Started(data, null)) {
            assertTrue(restart.server.server.engine().users().findByUsername(Tenant.DEFAULT_ID, "bob").isEmpty());
        }
    }

    @Test
    void restartWhenImportFileMalformedAndDatabaseUnreadableThenTheImportErrorFirst() throws IOException {
        Path data = root.resolve("data");
        new Started(data, null).close();
        Files.writeString(data.resolve("identity.mv.db"), "not an H2 database");
        Path file = Files.writeString(root.resolve("malformed.json"), "{\"users\": [");
        StartFailure database = assertThrows(StartFailure.class, () -> new Started(data, null).close());
        assertTrue(database.getMessage().startsWith("cannot open the database"), database.getMessage());

        StartFailure refused = assertThrows(StartFailure.class, () -> new Started(data, file).close());

        // As before the file was parsed alongside: the import file is named, not the database.
        assertTrue(refused.getMessage().contains("import file " + file), refused.getMessage());
    }

    /** A server on the default H2 database and master key file of {@code data}, with {@code importFile} if not null. */
    private static final class Started implements AutoCloseable {
        final TestServer server;

        Started(Path data, Path importFile) {
            Consumer<dev.identityservice.server.ServerConfig.Builder> config = b -> b.dataDir(data.toString()).dbUrl(null).masterKey(null)
                    .importFile(importFile == null ? null : importFile.toString());
            server = TestServer.start(config);
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
