package dev.identityservice.core.user;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing (RFC 9106) written as PHC strings,
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} with unpadded standard base64, the format of the
 * reference implementation, so hashes move to and from other tools.
 *
 * <p>The parameters are part of every string: hashes made with older parameters still verify, and
 * {@link #needsRehash} tells the login to upgrade them. Thread-safe.
 */
public final class Argon2idPasswordHasher implements PasswordHasher {

    /** Argon2 version 1.3 (0x13), the only one RFC 9106 specifies. */
    static final int VERSION = Argon2Parameters.ARGON2_VERSION_13;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=(\\d{1,3})\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder BASE64_DECODER = Base64.getDecoder();

    /**
     * Hashes running at once, by default one per core. Each holds {@code memoryKiB} of heap (19 MiB at OWASP
     * parameters) and is CPU-bound, so more in parallel only queue for the cores while the heap fills: a login
     * storm of 200 requests would otherwise ask for 3.8 GiB. Waiting requests queue here instead.
     */
    public static final int MAX_CONCURRENT_HASHES_DEFAULT = Runtime.getRuntime().availableProcessors();

    private final Argon2idParameters parameters;
    private final SecureRandom random;
    private final Semaphore slots;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();

    public Argon2idPasswordHasher(Argon2idParameters parameters, SecureRandom random, int maxConcurrentHashes) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.random = Objects.requireNonNull(random, "random");
        if (maxConcurrentHashes < 1) {
            throw new IllegalArgumentException("maxConcurrentHashes must be at least 1: " + maxConcurrentHashes);
        }
        this.slots = new Semaphore(maxConcurrentHashes, true);
    }

    public Argon2idPasswordHasher(Argon2idParameters parameters, SecureRandom random) {
        this(parameters, random, MAX_CONCURRENT_HASHES_DEFAULT);
    }

    /** A hasher with {@link Argon2idParameters#OWASP}. */
    public Argon2idPasswordHasher() {
        this(Argon2idParameters.OWASP, new SecureRandom());
    }

    /** The most hashes that ever ran at once in this hasher; for tests and diagnostics. */
    int peakConcurrentHashes() {
        return peakInFlight.get();
    }

    public Argon2idParameters parameters() {
        return parameters;
    }

    @Override
    public String hash(char[] password) {
        Objects.requireNonNull(password, "password");
        byte[] salt = new byte[parameters.saltLengthBytes()];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, parameters, parameters.hashLengthBytes());
        try {
            return "$argon2id$v=" + VERSION + "$m=" + parameters.memoryKiB() + ",t=" + parameters.iterations()
                    + ",p=" + parameters.parallelism() + "$" + BASE64.encodeToString(salt) + "$" + BASE64.encodeToString(hash);
        } finally {
            Arrays.fill(hash, (byte) 0);
        }
    }

    @Override
    public boolean verify(char[] password, String phcHash) {
        if (password == null) {
            return false;
        }
        Stored stored = Stored.parse(phcHash);
        if (stored == null) {
            return false;
        }
        byte[] candidate = derive(password, stored.salt, stored.parameters, stored.hash.length);
        try {
            return MessageDigest.isEqual(candidate, stored.hash);
        } finally {
            Arrays.fill(candidate, (byte) 0);
        }
    }

    @Override
    public boolean needsRehash(String phcHash) {
        Stored stored = Stored.parse(phcHash);
        return stored == null || !stored.parameters.equals(parameters);
    }

    /** Argon2id, version 0x13, and m, t, p, salt and tag length each at least the configured value. */
    @Override
    public void requireAtLeastCurrentStrength(String phcHash) {
        Stored stored = Stored.parse(phcHash);
        if (stored == null) {
            throw new IllegalArgumentException("passwordHash must be an Argon2id (v=19) PHC string");
        }
        Argon2idParameters given = stored.parameters;
        if (given.memoryKiB() < parameters.memoryKiB() || given.iterations() < parameters.iterations()
                || given.parallelism() < parameters.parallelism() || given.saltLengthBytes() < parameters.saltLengthBytes()
                || given.hashLengthBytes() < parameters.hashLengthBytes()) {
            throw new IllegalArgumentException("passwordHash is weaker than the configured Argon2id parameters (m="
                    + parameters.memoryKiB() + ", t=" + parameters.iterations() + ", p=" + parameters.parallelism()
                    + ", salt " + parameters.saltLengthBytes() + " bytes, tag " + parameters.hashLengthBytes() + " bytes): m="
                    + given.memoryKiB() + ", t=" + given.iterations() + ", p=" + given.parallelism());
        }
    }

    private byte[] derive(char[] password, byte[] salt, Argon2idParameters p, int hashLength) {
        slots.acquireUninterruptibly();
        try {
            peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return deriveNow(password, salt, p, hashLength);
        } finally {
            inFlight.decrementAndGet();
            slots.release();
        }
    }

    private static byte[] deriveNow(char[] password, byte[] salt, Argon2idParameters p, int hashLength) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(VERSION)
                .withMemoryAsKB(p.memoryKiB())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .withSalt(salt)
                .build());
        // Encode without an intermediate String, so that the password bytes can be wiped afterwards.
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] passwordBytes = Arrays.copyOfRange(encoded.array(), encoded.position(), encoded.limit());
        Arrays.fill(encoded.array(), (byte) 0);
        byte[] out = new byte[hashLength];
        try {
            generator.generateBytes(passwordBytes, out);
            return out;
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
    }

    /** A parsed PHC string; {@link #parse} answers {@code null} for anything malformed, foreign or out of bounds. */
    private record Stored(Argon2idParameters parameters, byte[] salt, byte[] hash) {

        static Stored parse(String phc) {
            if (phc == null) {
                return null;
            }
            Matcher m = PHC.matcher(phc);
            if (!m.matches() || Integer.parseInt(m.group(1)) != VERSION) {
                return null;
            }
            try {
                byte[] salt = BASE64_DECODER.decode(m.group(5));
                byte[] hash = BASE64_DECODER.decode(m.group(6));
                Argon2idParameters parameters = new Argon2idParameters(Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), salt.length, hash.length);
                return new Stored(parameters, salt, hash);
            } catch (IllegalArgumentException e) {
                // Bad base64 or parameters out of bounds: stored data we cannot verify against.
                return null;
            }
        }
    }
}
