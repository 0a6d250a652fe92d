package dev.identityservice.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads a record on two threads for as long as a third one keeps changing it, to catch a read that combines two
 * versions (one statement per part, each seeing the database at its own moment).
 */
public final class ReadsDuringWrites {

    private ReadsDuringWrites() {
    }

    /**
     * Runs {@code writes} on one thread and {@code read} on two others, again and again until the writes are done.
     *
     * @param read answers a description of what it read when it is a mix of versions, {@code null} when consistent
     * @return the mixed reads seen, empty when every read was one version
     * @throws Exception what the writes or reads threw, or a time-out after 60 seconds
     */
    public static List<String> mixedReads(Runnable writes, Supplier<String> read) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            Future<?> writer = threads.submit(writes);
            List<Future<List<String>>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(threads.submit(() -> {
                    List<String> mixed = new ArrayList<>();
                    while (!writer.isDone()) {
                        String seen = read.get();
                        if (seen != null) {
                            mixed.add(seen);
                        }
                    }
                    return mixed;
                }));
            }
            writer.get(60, TimeUnit.SECONDS);
            List<String> mixed = new ArrayList<>();
            for (Future<List<String>> reader : readers) {
                mixed.addAll(reader.get(60, TimeUnit.SECONDS));
            }
            return mixed;
        } finally {
            threads.shutdownNow();
        }
    }
}
