package dev.identityservice.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory ({@code data.dir}: the H2 database and the master key) kept owner-only: the directory
 * {@code rwx------}, created so before the first file is written into it, and the files in it
 * {@code rw-------}. H2 creates its files with the process umask (typically 0644); the owner-only directory
 * keeps them from other accounts from the first byte, and {@link #tightenFiles} narrows the files themselves
 * once they exist. A directory or file found wider (an older installation, a copy) is narrowed, with a warning.
 * On a file system without POSIX permissions the operator is warned instead.
 */
final class DataDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private DataDirectory() {
    }

    /** The file of the H2 database the server keeps in the data directory (the URL {@code jdbc:h2:file:DIR/identity}). */
    static final String H2_DATABASE_FILE = "identity.mv.db";

    /** Whether {@code directory} holds the server's H2 database already: a restart, which opening it creates nothing for. */
    static boolean holdsDatabase(Path directory) {
        return Files.isRegularFile(directory.resolve(H2_DATABASE_FILE));
    }

    /** Creates {@code directory} owner-only, or narrows an existing one to owner-only, with its files. */
    static void prepare(Path directory) {
        Path dir = directory.toAbsolutePath();
        try {
            if (!posix(dir)) {
                Files.createDirectories(dir);
                LOG.warn("The data directory {} is on a file system without POSIX permissions: make sure only this "
                        + "service's account can read it.", dir);
                return;
            }
            if (Files.notExists(dir, LinkOption.NOFOLLOW_LINKS)) {
                // The attribute is set at creation (narrowed further by the umask, never widened): no window.
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
                LOG.info("Created the data directory {} (owner-only)", dir);
            } else {
                narrow(dir, OWNER_ONLY_DIRECTORY);
            }
            tightenFiles(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the data directory " + dir, e);
        }
    }

    /**
     * Narrows every regular file directly in {@code directory} to owner-only (the H2 files once H2 made them),
     * except the master key file: one found wider is refused by {@code MasterKey}, since it may have been read.
     */
    static void tightenFiles(Path directory) {
        Path dir = directory.toAbsolutePath();
        if (!Files.isDirectory(dir) || !posix(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        && !file.getFileName().toString().equals(ServerConfig.MASTER_KEY_FILE_NAME)) {
                    narrow(file, OWNER_ONLY_FILE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set owner-only permissions in " + dir, e);
        }
    }

    private static void narrow(Path path, Set<PosixFilePermission> ownerOnly) throws IOException {
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (current.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            Files.setPosixFilePermissions(path, ownerOnly);
            LOG.warn("{} was accessible to the group or others ({}); narrowed to {}", path,
                    PosixFilePermissions.toString(current), PosixFilePermissions.toString(ownerOnly));
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
