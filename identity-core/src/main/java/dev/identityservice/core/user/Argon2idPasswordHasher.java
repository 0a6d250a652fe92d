package dev.identityservice.core.user;

import dev.identityservice.core.AdmissionGate;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>Hashes run under {@link PasswordHashingLimits}: at most {@code concurrency} at once, the next
 * {@code queue} waiting in arrival order, the rest refused with {@link PasswordHashingBusyException}. Each running
 * slot owns a pool of Argon2 blocks that it reuses, so the heap this hasher holds is bounded by
 * {@code concurrency × memoryKiB} KiB however many logins arrive, and a hash at the configured parameters
 * allocates almost nothing (a verify of an older, larger hash allocates the difference).
 *
 * <p>The hashes run on threads of their own at {@link Thread#MIN_PRIORITY}, the login's thread waiting for the
 * result. Why: a login storm otherwise takes every core in time slices equal to those of the short requests
 * (key sets, refreshes), whose latency then grows with the storm. Where the JVM maps Java priorities to the
 * operating system's ({@code -XX:ThreadPriorityPolicy=1} on Linux, which the launcher sets when run by root at
 * niceness 0: {@code nice} 4; lowering needs no privilege), the scheduler runs a short request before a hash's next slice; a hash still gets every
 * core nothing else wants. A request thread could not lower its own priority for the hash and raise it again
 * afterwards: raising needs {@code CAP_SYS_NICE}.
 */
public final class Argon2idPasswordHasher implements PasswordHasher {

    /** Argon2 version 1.3 (0x13), the only one RFC 9106 specifies. */
    static final int VERSION = Argon2Parameters.ARGON2_VERSION_13;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=(\\d{1,3})\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder BASE64_DECODER = Base64.getDecoder();

    /** Hashes running at once by default: one per core ({@link PasswordHashingLimits#DEFAULT_CONCURRENCY}). */
    public static final int MAX_CONCURRENT_HASHES_DEFAULT = PasswordHashingLimits.DEFAULT_CONCURRENCY;

    private final Argon2idParameters parameters;
    private final SecureRandom random;
    private final PasswordHashingLimits limits;
    /** The running slots. Fair: waiters get them in arrival order, and a newcomer never overtakes a waiter. */
    private final Semaphore slots;
    /** One block pool per slot: a thread holding a permit always finds one. */
    private final ConcurrentLinkedQueue<Argon2BytesGenerator.BlockPool> pools = new ConcurrentLinkedQueue<>();
    /** Argon2 blocks of one hash at {@link #parameters}: the most a pool keeps. */
    private final int blocksPerHash;
    /** Hashes running or waiting; at most {@code concurrency + queue}. */
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    /** One thread per slot, at the lowest priority; daemon threads that end after a minute idle. */
    private final ThreadPoolExecutor hashing;

    /**
     * @param parameters the parameters of new hashes
     * @param random     the source of salts
     * @param limits     how many hashes run and wait at once
     */
    public Argon2idPasswordHasher(Argon2idParameters parameters, SecureRandom random, PasswordHashingLimits limits) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.random = Objects.requireNonNull(random, "random");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.slots = new Semaphore(limits.concurrency(), true);
        this.blocksPerHash = Argon2BytesGenerator.getBlockCount(parameters.memoryKiB(), parameters.parallelism());
        for (int i = 0; i < limits.concurrency(); i++) {
            pools.add(emptyPool());
        }
        AtomicInteger threads = new AtomicInteger();
        this.hashing = new ThreadPoolExecutor(limits.concurrency(), limits.concurrency(), 1, TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "password-hash-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    thread.setPriority(Thread.MIN_PRIORITY);
                    return thread;
                });
        hashing.allowCoreThreadTimeOut(true);
    }

    /** Blocks are created on first use and kept; a pool never keeps more than one hash at our parameters needs. */
    private Argon2BytesGenerator.BlockPool emptyPool() {
        return new Argon2BytesGenerator.FixedBlockPool(blocksPerHash);
    }

    /** {@code maxConcurrentHashes} at once, with the default queue per slot and wait ({@link PasswordHashingLimits#of}). */
    public Argon2idPasswordHasher(Argon2idParameters parameters, SecureRandom random, int maxConcurrentHashes) {
        this(parameters, random, PasswordHashingLimits.of(maxConcurrentHashes));
    }

    public Argon2idPasswordHasher(Argon2idParameters parameters, SecureRandom random) {
        this(parameters, random, PasswordHashingLimits.DEFAULTS);
    }

    /** A hasher with {@link Argon2idParameters#OWASP}. */
    public Argon2idPasswordHasher() {
        this(Argon2idParameters.OWASP, new SecureRandom());
    }

    /** Hashes running now, at most {@link PasswordHashingLimits#concurrency()}; for metrics and diagnostics. */
    public int hashesRunning() {
        return inFlight.get();
    }

    /** Hashes waiting for a slot now, at most {@link PasswordHashingLimits#queue()}; for metrics and diagnostics. */
    public int hashesWaiting() {
        return slots.getQueueLength();
    }

    /** The most hashes that ever ran at once in this hasher; for tests and diagnostics. */
    int peakConcurrentHashes() {
        return peakInFlight.get();
    }

    public Argon2idParameters parameters() {
        return parameters;
    }

    public PasswordHashingLimits limits() {
        return limits;
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

    /**
     * Replaces every slot's block pool with an empty one when no hash runs, so that the blocks (up to
     * {@code concurrency × memoryKiB} KiB) become garbage; each slot's next hash allocates its blocks again, once.
     * Takes every slot without waiting, so no hash can start meanwhile; a login that arrives then waits for the
     * microseconds this holds them, in its place in line.
     *
     * @return {@code false}, doing nothing, when a hash is running or a slot is otherwise taken
     */
    @Override
    public boolean releasePooledMemory() {
        int all = limits.concurrency();
        if (!slots.tryAcquire(all)) {
            return false;
        }
        try {
            // With every permit held, every pool is in the queue: a hash returns its pool before its permit.
            for (int i = 0; i < all; i++) {
                pools.poll();
                pools.add(emptyPool());
            }
            return true;
        } finally {
            slots.release(all);
        }
    }

    /** Refuses when {@code concurrency + queue} hashes are already running or waiting: the next would be refused at once. */
    @Override
    public void requireCapacity() {
        if (admitted.get() >= limits.concurrency() + limits.queue()) {
            throw new PasswordHashingBusyException(limits.retryAfterSeconds());
        }
    }

    /**
     * Derives under the limits: admitted while fewer than {@code concurrency + queue} are running or waiting, then
     * waits at most {@code maxWait} for a slot, in arrival order.
     *
     * The wait and the hash run outside the request's {@link AdmissionGate}: the hash slots are their own limit, and
     * a login waiting for one must not hold a permit that short requests queue for.
     *
     * @throws PasswordHashingBusyException when the queue is full or the wait ran out (or the thread was interrupted)
     */
    private byte[] derive(char[] password, byte[] salt, Argon2idParameters p, int hashLength) {
        return AdmissionGate.outside(() -> deriveInQueue(password, salt, p, hashLength));
    }

    private byte[] deriveInQueue(char[] password, byte[] salt, Argon2idParameters p, int hashLength) {
        if (admitted.incrementAndGet() > limits.concurrency() + limits.queue()) {
            admitted.decrementAndGet();
            throw new PasswordHashingBusyException(limits.retryAfterSeconds());
        }
        boolean acquired;
        try {
            acquired = slots.tryAcquire(limits.maxWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            admitted.decrementAndGet();
            throw new PasswordHashingBusyException(limits.retryAfterSeconds());
        }
        Future<byte[]> hash;
        try {
            // Never queued in the executor: the slot just taken is one of its threads.
            hash = hashing.submit(() -> {
                Argon2BytesGenerator.BlockPool pool = pools.poll();
                try {
                    peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    return deriveNow(password, salt, p, hashLength, pool);
                } finally {
                    inFlight.decrementAndGet();
                    pools.add(pool);
                    slots.release();
                    admitted.decrementAndGet();
                }
            });
        } catch (RuntimeException | Error notStarted) {
            // E.g. no native thread could be started (OutOfMemoryError): the slot must not be lost with it.
            slots.release();
            admitted.decrementAndGet();
            throw notStarted;
        }
        return await(hash);
    }

    /** The hash's result; an interrupted wait leaves the hash to finish (it frees its slot) and refuses the login. */
    private byte[] await(Future<byte[]> hash) {
        try {
            return hash.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PasswordHashingBusyException(limits.retryAfterSeconds());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static byte[] deriveNow(char[] password, byte[] salt, Argon2idParameters p, int hashLength,
                                    Argon2BytesGenerator.BlockPool pool) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(VERSION)
                .withMemoryAsKB(p.memoryKiB())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .withSalt(salt)
                // The generator clears every block before it returns it to the pool.
                .withBlockPool(pool)
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
