package dev.identityservice.core.key;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master key: the 256-bit AES key that seals every private signing key at rest
 * (see {@link PrivateKeyCipher}).
 *
 * <p>Production passes it as base64 configuration ({@link #fromBase64}); the embedded default keeps
 * it in a file readable by the owner only ({@link #loadOrCreate}). Its {@code toString} never shows
 * the key.
 */
public record MasterKey(SecretKey secretKey) {

    /** The AES key length: 256 bits. */
    public static final int KEY_LENGTH_BYTES = 32;

    private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final SecureRandom RANDOM = new SecureRandom();

    public MasterKey {
        Objects.requireNonNull(secretKey, "secretKey");
        byte[] encoded = secretKey.getEncoded();
        if (!"AES".equals(secretKey.getAlgorithm()) || encoded == null || encoded.length != KEY_LENGTH_BYTES) {
            throw new IllegalArgumentException("the master key must be a 256-bit AES key");
        }
        Arrays.fill(encoded, (byte) 0);
    }

    /** A fresh random master key. */
    public static MasterKey generate() {
        byte[] bytes = new byte[KEY_LENGTH_BYTES];
        RANDOM.nextBytes(bytes);
        return fromBytes(bytes);
    }

    /**
     * The master key from configuration: 32 bytes in base64 (standard or URL-safe alphabet,
     * padding optional). The error never echoes the value.
     */
    public static MasterKey fromBase64(String base64) {
        Objects.requireNonNull(base64, "base64");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip().replace('-', '+').replace('_', '/'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the master key is not valid base64");
        }
        if (bytes.length != KEY_LENGTH_BYTES) {
            throw new IllegalArgumentException("the master key must be " + KEY_LENGTH_BYTES
                    + " bytes (256 bits) in base64, got " + bytes.length + " bytes");
        }
        return fromBytes(bytes);
    }

    /**
     * The master key kept in {@code file}, created with a new random key if the file does not exist.
     *
     * <p>A new file is created atomically with owner-only permissions ({@code rw-------}), so the
     * key is never readable by others, not even for an instant. An existing file that the group or
     * others may access is refused: the key in it must be presumed leaked, or about to be.
     * On a file system without POSIX permissions a loud warning is logged instead.
     *
     * @throws IllegalStateException when the file is accessible to the group or others
     */
    public static MasterKey loadOrCreate(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            if (Files.notExists(file)) {
                try {
                    return create(file);
                } catch (FileAlreadyExistsException raced) {
                    // Another process created it between our check and our create: use theirs.
                }
            }
            return load(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the master key file " + file, e);
        }
    }

    /** The raw key as base64, for writing to the owner-only file or a secret store; never log it. */
    public String toBase64() {
        byte[] encoded = secretKey.getEncoded();
        try {
            return Base64.getEncoder().encodeToString(encoded);
        } finally {
            Arrays.fill(encoded, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[AES-256, ****]";
    }

    private static MasterKey fromBytes(byte[] bytes) {
        try {
            return new MasterKey(new SecretKeySpec(bytes, "AES"));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static MasterKey create(Path file) throws IOException {
        MasterKey key = generate();
        boolean posix = isPosix(file);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && Files.notExists(parent)) {
            if (posix) {
                Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            } else {
                Files.createDirectories(parent);
            }
        }
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC), attributes)) {
            channel.write(ByteBuffer.wrap((key.toBase64() + "\n").getBytes(StandardCharsets.US_ASCII)));
        }
        if (!posix) {
            warnNoPosix(file);
        }
        LOG.info("Created a new master key in {} (owner-only). Back it up: without it the signing keys cannot be read.", file);
        return key;
    }

    private static MasterKey load(Path file) throws IOException {
        if (isPosix(file)) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> others = EnumSet.copyOf(permissions);
            others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
            if (!others.isEmpty()) {
                LOG.error("REFUSING the master key file {}: its permissions {} let the group or others access it. "
                        + "Run 'chmod 600 {}' and consider the key compromised.",
                        file, PosixFilePermissions.toString(permissions), file);
                throw new IllegalStateException("master key file " + file + " is accessible to the group or others ("
                        + PosixFilePermissions.toString(permissions) + "); run 'chmod 600 " + file + "'");
            }
        } else {
            warnNoPosix(file);
        }
        return fromBase64(Files.readString(file, StandardCharsets.US_ASCII));
    }

    private static boolean isPosix(Path file) {
        return file.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void warnNoPosix(Path file) {
        LOG.warn("!!! The master key file {} is on a file system without POSIX permissions: make sure only this "
                + "service's account can read it, or pass the master key as configuration instead. !!!", file);
    }
}
