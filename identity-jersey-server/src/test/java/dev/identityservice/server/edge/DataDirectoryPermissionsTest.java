package dev.identityservice.server.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.identityservice.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, kind 13: the data directory (H2 file database and master key) is owner-only: created
 * {@code rwx------} before anything is written into it, its files {@code rw-------}, and an existing wider
 * directory narrowed at start. A real server with the default H2 file database and master key file.
 */
class DataDirectoryPermissionsTest {

    @TempDir
    Path root;

    @BeforeEach
    void posixOnly() {
        assumeTrue(root.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions are not available here");
    }

    @Test
    void startWhenDataDirectoryMissingThenCreatedOwnerOnlyWithOwnerOnlyH2AndKeyFiles() throws IOException {
        Path data = root.resolve("fresh").resolve("data");

        try (TestServer server = TestServer.start(b -> b.dataDir(data.toString()).dbUrl(null).masterKey(null))) {
            server.confidentialClient("web");

            assertEquals("rwx------", permissions(data));
            List<Path> files = files(data);
            assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().endsWith(".mv.db")), files.toString());
            assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("master.key")), files.toString());
            for (Path file : files) {
                assertEquals("rw-------", permissions(file), file.toString());
            }
        }
    }

    @Test
    void startWhenDataDirectoryAndFilesWorldReadableThenNarrowed() throws IOException {
        Path data = Files.createDirectory(root.resolve("old"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path stray = Files.writeString(data.resolve("identity.trace.db"), "left by an older version");
        Files.setPosixFilePermissions(stray, PosixFilePermissions.fromString("rw-r--r--"));

        try (TestServer server = TestServer.start(b -> b.dataDir(data.toString()).dbUrl(null).masterKey(null))) {
            assertEquals("rwx------", permissions(data));
            for (Path file : files(data)) {
                assertEquals("rw-------", permissions(file), file.toString());
            }
        }
    }

    @Test
    void startWhenMasterKeyFileWorldReadableThenRefusedNotQuietlyNarrowed() throws IOException {
        Path data = root.resolve("leaky");
        try (TestServer first = TestServer.start(b -> b.dataDir(data.toString()).dbUrl(null).masterKey(null))) {
            assertEquals("rw-------", permissions(data.resolve("master.key")));
        }
        Files.setPosixFilePermissions(data.resolve("master.key"), PosixFilePermissions.fromString("rw-r--r--"));

        // A StartFailure: main prints its one line, no stack trace (issue 14).
        dev.identityservice.server.StartFailure e = org.junit.jupiter.api.Assertions.assertThrows(dev.identityservice.server.StartFailure.class,
                () -> TestServer.start(b -> b.dataDir(data.toString()).dbUrl(null).masterKey(null)).close());
        assertTrue(e.getMessage().contains("master key file"), e.getMessage());
        assertEquals("rw-r--r--", permissions(data.resolve("master.key")));
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
