// Issue 13 (BENCHMARKS.md "Issue 13: memory given back when idle"): what one full collection with the free ratios
// lowered (as IdleMemoryRelease runs it) gives back under the serial collector, depending on -Xms and
// -XX:ShrinkHeapInSteps. Fills 70 MiB of the old generation, drops it, collects once with MinHeapFreeRatio=0 and
// MaxHeapFreeRatio=10, prints the committed heap before and after and the resident memory given back.
//   java -XX:+UseSerialGC -Xmx96m -Xmn16m -Xms24m -XX:-ShrinkHeapInSteps HeapShrink.java
import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public class HeapShrink {
    static long rssKib() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    static long committedMib() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20;
    }

    public static void main(String[] args) throws Exception {
        List<byte[]> kept = new ArrayList<>();
        for (int i = 0; i < 70 * 16; i++) { // 70 MiB in 64 KiB arrays, promoted by the young collections on the way
            byte[] block = new byte[64 * 1024];
            Arrays.fill(block, (byte) 1);
            kept.add(block);
        }
        System.gc();
        long rssBefore = rssKib();
        long committedBefore = committedMib();
        kept = null;
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        vm.setVMOption("MinHeapFreeRatio", "0");
        vm.setVMOption("MaxHeapFreeRatio", "10");
        System.gc();
        System.out.printf("committed heap %d -> %d MiB, resident memory given back %d MiB%n",
                committedBefore, committedMib(), (rssBefore - rssKib()) >> 10);
    }
}
