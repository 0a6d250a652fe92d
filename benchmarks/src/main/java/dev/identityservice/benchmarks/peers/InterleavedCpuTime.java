package dev.identityservice.benchmarks.peers;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A cross-check of the JMH peer comparison that holds up on a loaded machine: the floor, the guard (new token)
 * and auth0 run in turn, a batch each, round after round in one thread, and each batch is timed by the thread's
 * own CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime}), which a preemption does not inflate. Ratios are of
 * medians over the rounds after the first third (warm-up). Loaded cores still slow every call alike (shared
 * caches, a sibling hyperthread), so read the ratios, not the microseconds.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.identityservice.benchmarks.peers.InterleavedCpuTime Rs256 200 300</pre>
 *
 * Arguments: the algorithm class prefix ({@code Rs256} or {@code Es256}: the algorithms auth0 verifies), calls per
 * batch, rounds.
 */
public final class InterleavedCpuTime {

    private InterleavedCpuTime() {
    }

    /** Prints each verifier's median CPU time per call in µs and its ratio to the floor. */
    public static void main(String[] args) throws Exception {
        String algorithm = args.length > 0 ? args[0] : "Rs256";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        PeerComparisonWithAuth0Benchmark bench = (PeerComparisonWithAuth0Benchmark) Class
                .forName(InterleavedCpuTime.class.getPackageName() + "." + algorithm + "PeersBenchmark")
                .getDeclaredConstructor().newInstance();
        bench.setUp();
        Map<String, Callable<Object>> verifiers = new LinkedHashMap<>();
        verifiers.put("floor", bench::rawVerifyPlusJsonParse);
        verifiers.put("guard", bench::guardNewToken);
        verifiers.put("auth0", bench::auth0JwtVerifier);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, List<Double>> perCall = new LinkedHashMap<>();
        verifiers.keySet().forEach(name -> perCall.put(name, new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, Callable<Object>> verifier : verifiers.entrySet()) {
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < batch; i++) {
                    verifier.getValue().call();
                }
                long nanos = threads.getCurrentThreadCpuTime() - start;
                if (round >= rounds / 3) {
                    perCall.get(verifier.getKey()).add(nanos / 1000.0 / batch);
                }
            }
        }
        double floor = median(perCall.get("floor"));
        perCall.forEach((name, values) -> System.out.printf("%-6s %10.3f us  %.4f x floor%n", name, median(values),
                floor / median(values)));
        bench.tearDown();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
