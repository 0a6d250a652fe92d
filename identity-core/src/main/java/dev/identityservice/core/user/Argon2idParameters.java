package dev.identityservice.core.user;

/**
 * The cost parameters of Argon2id (RFC 9106 §3.1): memory, passes, lanes, and the salt and tag lengths.
 *
 * <p>{@link #OWASP} is the OWASP Password Storage Cheat Sheet's first choice (m=19 MiB, t=2, p=1); one
 * hash costs about 50–100 ms on one core, which is the price of a password login and nothing else.
 *
 * @param memoryKiB       memory per hash in KiB ({@code m}); at least 8 per lane (RFC 9106 §3.1)
 * @param iterations      passes over memory ({@code t})
 * @param parallelism     lanes ({@code p})
 * @param saltLengthBytes random salt per hash; RFC 9106 recommends 16 bytes
 * @param hashLengthBytes derived tag length; at least 16 bytes (128 bits)
 */
public record Argon2idParameters(int memoryKiB, int iterations, int parallelism, int saltLengthBytes, int hashLengthBytes) {

    public static final int OWASP_MEMORY_KIB = 19_456;
    public static final int OWASP_ITERATIONS = 2;
    public static final int OWASP_PARALLELISM = 1;
    public static final int DEFAULT_SALT_LENGTH_BYTES = 16;
    public static final int DEFAULT_HASH_LENGTH_BYTES = 32;

    /** Upper bounds that also apply to parameters read from stored hashes, so that a bad row cannot exhaust memory. */
    public static final int MAX_MEMORY_KIB = 1_048_576;
    public static final int MAX_ITERATIONS = 64;
    public static final int MAX_PARALLELISM = 16;
    public static final int MIN_SALT_LENGTH_BYTES = 8;
    public static final int MIN_HASH_LENGTH_BYTES = 16;
    public static final int MAX_SALT_OR_HASH_LENGTH_BYTES = 64;

    /** The default: OWASP's recommendation, 16-byte salt, 32-byte hash. */
    public static final Argon2idParameters OWASP = new Argon2idParameters(
            OWASP_MEMORY_KIB, OWASP_ITERATIONS, OWASP_PARALLELISM, DEFAULT_SALT_LENGTH_BYTES, DEFAULT_HASH_LENGTH_BYTES);

    public Argon2idParameters {
        requireRange("parallelism", parallelism, 1, MAX_PARALLELISM);
        requireRange("memoryKiB", memoryKiB, 8 * parallelism, MAX_MEMORY_KIB);
        requireRange("iterations", iterations, 1, MAX_ITERATIONS);
        requireRange("saltLengthBytes", saltLengthBytes, MIN_SALT_LENGTH_BYTES, MAX_SALT_OR_HASH_LENGTH_BYTES);
        requireRange("hashLengthBytes", hashLengthBytes, MIN_HASH_LENGTH_BYTES, MAX_SALT_OR_HASH_LENGTH_BYTES);
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("Argon2id " + name + " must be between " + min + " and " + max + ": " + value);
        }
    }
}
