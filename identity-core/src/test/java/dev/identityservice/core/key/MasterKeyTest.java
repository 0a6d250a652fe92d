package dev.identityservice.core.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {

    @TempDir
    Path directory;

    @Test
    void fromBase64WhenStandardOrUrlSafeThenSameKey() {
        byte[] raw = new byte[32];
        raw[0] = (byte) 0xfb; // encodes to '+' / '-' in the first character
        raw[31] = (byte) 0xff;
        MasterKey standard = MasterKey.fromBase64(Base64.getEncoder().encodeToString(raw));
        MasterKey urlSafe = MasterKey.fromBase64(Base64.getUrlEncoder().withoutPadding().encodeToString(raw));

        assertEquals(standard, urlSafe);
        assertEquals(Base64.getEncoder().encodeToString(raw), standard.toBase64());
    }

    @Test
    void fromBase64WhenNot256BitsThenRejectedWithoutEchoingTheValue() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> MasterKey.fromBase64(shortKey));
        assertFalse(error.getMessage().contains(shortKey), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MasterKey.fromBase64("not base64 at all!"));
    }

    @Test
    void toStringWhenPrintedThenKeyHidden() {
        MasterKey key = MasterKey.generate();

        assertFalse(key.toString().contains(key.toBase64()));
        assertFalse(key.toString().contains(key.toBase64().substring(0, 8)));
    }

    @Test
    void generateWhenCalledTwiceThenDifferentKeys() {
        assertNotEquals(MasterKey.generate(), MasterKey.generate());
    }

    @Test
    void loadOrCreateWhenFileMissingThenCreatesOwnerOnlyFileAndLoadsSameKeyLater() throws Exception {
        assumePosix();
        Path file = directory.resolve("secrets/master.key");

        MasterKey created = MasterKey.loadOrCreate(file);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(created, MasterKey.loadOrCreate(file));
        assertEquals(created, MasterKey.fromBase64(Files.readString(file)));
    }

    @Test
    void loadOrCreateWhenFileGroupOrWorldReadableThenRefused() throws Exception {
        assumePosix();
        Path file = directory.resolve("master.key");
        MasterKey.loadOrCreate(file);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        IllegalStateException group = assertThrows(IllegalStateException.class, () -> MasterKey.loadOrCreate(file));
        assertTrue(group.getMessage().contains("chmod 600"), group.getMessage());

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----r--"));
        assertThrows(IllegalStateException.class, () -> MasterKey.loadOrCreate(file));
    }

    private void assumePosix() {
        assumeTrue(directory.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
    }
}
