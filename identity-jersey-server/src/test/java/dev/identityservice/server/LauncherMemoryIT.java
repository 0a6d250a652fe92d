package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.identityservice.server.testing.ServerProcess;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, memory bounded by design: the launcher gives the JVM the serial collector, a small young generation and
 * a heap bound sized from the password hashes that run at once and their Argon2id memory, read as the server reads
 * them, and the {@code java -jar} command README.md gives does the same on 2 cores. Checked on the real processes with
 * {@code -XX:+PrintCommandLineFlags}, which prints the flags the JVM ended up with.
 */
class LauncherMemoryIT {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final long MIB = 1024 * 1024;
    /** The fake JDKs' homes, deleted after the class. */
    @TempDir
    static Path scratch;

    /** The launcher's heap for the server itself and its young generation, MiB. */
    private static final long BASE_MIB = 56;
    /** The launcher's young generation, MiB. */
    private static final long YOUNG_MIB = 16;

    @Test
    void launcherWhenStartedThenHeapIsTheBasePlusEachDefaultPasswordHashWithASmallYoungGeneration() throws Exception {
        int cores = cores();

        String flags = run(launcher(), Map.of("IDENTITY_JAVA_OPTS", "-XX:+PrintCommandLineFlags"));

        // Default cost m = 19456 KiB: 19456 blocks of 1,056 bytes, 19.6 MiB, rounded up to 20 per running hash.
        assertTrue(flags.contains("-XX:MaxHeapSize=" + (BASE_MIB + 20L * cores) * MIB + " "), flags);
        assertTrue(flags.contains("-XX:MaxNewSize=" + YOUNG_MIB * MIB + " ") && flags.contains("-XX:NewSize=" + YOUNG_MIB * MIB + " "), flags);
        // Starts small and shrinks in one step, so that an idle server can give back what a load grew (memory.idle.release).
        assertTrue(flags.contains("-XX:InitialHeapSize=" + (YOUNG_MIB + 16) * MIB + " ") && flags.contains("-XX:-ShrinkHeapInSteps"), flags);
        // ... and under load grows to the bound at once, as with -Xms equal to -Xmx.
        assertTrue(flags.contains("-XX:MinHeapFreeRatio=99 ") && flags.contains("-XX:MaxHeapFreeRatio=100 "), flags);
        assertTrue(flags.contains("-XX:+UseSerialGC"), flags);
        assertTrue(flags.contains("-XX:MaxMetaspaceSize=" + 128 * MIB), flags);
    }

    @Test
    void launcherWhenPasswordHashCostConfiguredThenHeapFollowsItAsTheServerReadsIt() throws Exception {
        int cores = cores();
        Path config = Files.createTempFile("identity-", ".properties");
        Files.writeString(config, "port=0\npassword.hash.memory.kib = 7168\npassword.hash.concurrency=3\n");
        Map<String, String> flags = Map.of("IDENTITY_JAVA_OPTS", "-XX:+PrintCommandLineFlags");

        // m = 7168 KiB (Keycloak's cost): 7.2 MiB, 8 per running hash.
        String flag = run(launcher("--password-hash-memory-kib", "7168"), flags);
        String equals = run(launcher("--password-hash-memory-kib=7168", "--password-hash-concurrency=1"), flags);
        String environment = run(launcher(), Map.of("IDENTITY_JAVA_OPTS", "-XX:+PrintCommandLineFlags",
                "IDENTITY_PASSWORD_HASH_MEMORY_KIB", "65536", "IDENTITY_PASSWORD_HASH_CONCURRENCY", "1"));
        String file = run(launcher("--config", config.toString()), flags);
        // A flag beats the environment, which beats the file: the server's own order (ConfigLoader).
        String mixed = run(launcher("--config", config.toString(), "--password-hash-concurrency", "2"),
                Map.of("IDENTITY_JAVA_OPTS", "-XX:+PrintCommandLineFlags", "IDENTITY_PASSWORD_HASH_MEMORY_KIB", "19456"));

        assertTrue(flag.contains("-XX:MaxHeapSize=" + (BASE_MIB + 8L * cores) * MIB + " "), flag);
        assertTrue(equals.contains("-XX:MaxHeapSize=" + (BASE_MIB + 8) * MIB + " "), equals);
        assertTrue(environment.contains("-XX:MaxHeapSize=" + (BASE_MIB + 66) * MIB + " "), environment);
        assertTrue(file.contains("-XX:MaxHeapSize=" + (BASE_MIB + 3 * 8) * MIB + " "), file);
        assertTrue(mixed.contains("-XX:MaxHeapSize=" + (BASE_MIB + 2 * 20) * MIB + " "), mixed);
    }

    @Test
    void launcherWhenHeapSizeOrOptionsGivenThenTheyReplaceTheComputedOnes() throws Exception {
        String sized = run(launcher(), Map.of("IDENTITY_HEAP_MB", "200", "IDENTITY_JAVA_OPTS", "-XX:+PrintCommandLineFlags"));
        String own = run(launcher(), Map.of("IDENTITY_JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xmx300m -XX:+UseParallelGC"));
        String young = run(launcher(), Map.of("IDENTITY_JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xmn40m"));
        String ratio = run(launcher(), Map.of("IDENTITY_JAVA_OPTS", "-XX:+PrintCommandLineFlags -XX:MaxHeapFreeRatio=70"));

        assertTrue(sized.contains("-XX:MaxHeapSize=" + 200 * MIB + " "), sized);
        assertTrue(sized.contains("-XX:MaxNewSize=" + YOUNG_MIB * MIB + " "), sized);
        assertTrue(own.contains("-XX:MaxHeapSize=" + 300 * MIB + " ") && own.contains("-XX:+UseParallelGC"), own);
        assertTrue(!own.contains("-XX:+UseSerialGC") && !own.contains("-XX:MaxNewSize=" + YOUNG_MIB * MIB + " "), own);
        // The serial collector's shaping goes with it.
        assertTrue(!own.contains("HeapFreeRatio") && !own.contains("ShrinkHeapInSteps"), own);
        // A free ratio of one's own replaces both of ours: our minimum of 99 above it stopped the JVM from starting.
        assertTrue(ratio.contains("-XX:MaxHeapFreeRatio=70 ") && !ratio.contains("-XX:MinHeapFreeRatio=99 "), ratio);
        // A young generation of one's own replaces ours; the bound stays.
        assertTrue(young.contains("-XX:MaxNewSize=" + 40 * MIB + " ") && !young.contains("-XX:MaxNewSize=" + YOUNG_MIB * MIB + " "), young);
        // Our initial heap, below that young generation, goes with it rather than make the JVM adjust one of them.
        assertTrue(!young.contains("-XX:InitialHeapSize=" + (YOUNG_MIB + 16) * MIB + " "), young);
        assertTrue(young.contains("-XX:MaxHeapSize=" + (BASE_MIB + 20L * cores()) * MIB + " "), young);
    }

    @Test
    void launcherWhenJavaOptsSizeTheHeapOtherwiseThenOurBoundGivesWayInsteadOfFailingOrWinning() throws Exception {
        String computed = "-XX:MaxHeapSize=" + (BASE_MIB + 20L * cores()) * MIB + " ";

        // -Xms above our -Xmx: the JVM refused to start ("Initial heap size set to a larger value than the maximum").
        String initial = run(launcher(), Map.of("IDENTITY_JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xms300m"));
        // A percentage of the container's memory: our -Xmx silently won over it.
        String percentage = run(launcher(), Map.of("IDENTITY_JAVA_OPTS", "-XX:+PrintCommandLineFlags -XX:MaxRAMPercentage=10"));

        assertTrue(initial.contains("-XX:InitialHeapSize=" + 300 * MIB + " ") && !initial.contains(computed), initial);
        assertTrue(percentage.contains("-XX:MaxRAMPercentage=10") && !percentage.contains(computed), percentage);
        assertTrue(percentage.contains("-XX:+UseSerialGC"), "the collector stays ours: " + percentage);
    }

    @Test
    void launcherWhenHeapSizeIsNotANumberThenOneLineErrorNamingIt() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(launcher()).directory(REPOSITORY.toFile()).redirectErrorStream(true);
        builder.environment().put("IDENTITY_HEAP_MB", "512m");
        Process refused = builder.start();
        String output = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(refused.waitFor(120, TimeUnit.SECONDS));

        assertEquals(2, refused.exitValue(), output);
        assertEquals("IDENTITY_HEAP_MB: must be a whole number of MiB, at least 1: '512m'", output.strip());
    }

    @Test
    void readmeJavaJarCommandWhenRunThenHeapIsBoundedWithTheSerialCollector() throws Exception {
        List<String> command = readmeJavaJarCommand();
        command.add(1, "-XX:+PrintCommandLineFlags");
        command.add("--help");

        String flags = run(command, Map.of());

        // The launcher's bound on 2 cores at the default cost, as the README says.
        assertTrue(flags.contains("-XX:MaxHeapSize=" + (BASE_MIB + 2 * 20) * MIB + " ") && flags.contains("-XX:+UseSerialGC"), flags);
        assertTrue(flags.contains("-XX:MaxNewSize=" + YOUNG_MIB * MIB + " "), flags);
        assertTrue(flags.contains("-XX:InitialHeapSize=" + (YOUNG_MIB + 16) * MIB + " ") && flags.contains("-XX:-ShrinkHeapInSteps"), flags);
        assertTrue(flags.contains("-XX:MinHeapFreeRatio=99 ") && flags.contains("-XX:MaxHeapFreeRatio=100 "), flags);
    }

    @Test
    void launcherWhenStartedThenTwoMallocArenasAndTheNativeHeapTrimmedWhereTheJdkHasTheFlag() throws Exception {
        Path recent = fakeJdk("17.0.15");
        Path old = fakeJdk("17.0.8");

        String onRecent = run(launcher(), Map.of("PATH", recent.resolve("bin") + ":" + System.getenv("PATH")));
        String onOld = run(launcher(), Map.of("PATH", old.resolve("bin") + ":" + System.getenv("PATH")));
        String ownArenas = run(launcher(), Map.of("PATH", recent.resolve("bin") + ":" + System.getenv("PATH"),
                "MALLOC_ARENA_MAX", "4"));

        assertTrue(onRecent.contains("MALLOC_ARENA_MAX=2\n") && onRecent.contains(" -XX:TrimNativeHeapInterval=5000 "), onRecent);
        // Before 17.0.9 the flag is unknown and the JVM would refuse to start.
        assertTrue(onOld.contains("MALLOC_ARENA_MAX=2\n") && !onOld.contains("TrimNativeHeapInterval"), onOld);
        assertTrue(ownArenas.contains("MALLOC_ARENA_MAX=4\n"), ownArenas);
    }

    @Test
    void launcherWhenServerIdleAfterLoadThenPooledHashMemoryAndGrownHeapGoBackToTheSystem(@TempDir Path data) throws Exception {
        List<String> command = new ArrayList<>(launcher("--host", "127.0.0.1", "--port", "0", "--data-dir", data.toString(),
                "--signing-algorithm", "ES256", "--password-hash-memory-kib", "16384", "--password-hash-iterations", "1",
                "--password-hash-concurrency", "2", "--import", ServerProcess.clientFile(), "--memory-idle-release", "2s"));
        command.remove("--help");
        try (ServerProcess server = ServerProcess.launch(command, REPOSITORY, Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            // A load: logins on both hash slots (16 MiB of Argon2 blocks each, kept for the next login) and tokens.
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<?>> load = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                load.add(clients.submit(() -> {
                    for (int n = 0; n < 150; n++) {
                        String body = n % 10 == 0
                                ? "grant_type=password&username=admin&password=" + URLEncoder.encode(server.adminPassword(), StandardCharsets.UTF_8)
                                : "grant_type=client_credentials";
                        assertEquals(200, token(http, server, body).statusCode());
                    }
                    return null;
                }));
            }
            for (Future<?> client : load) {
                client.get(120, TimeUnit.SECONDS);
            }
            clients.shutdown();
            long afterLoad = residentKib(server.pid());

            // Idle: the release runs 2 s after the last collection; read until it has, for at most 30 s.
            long idle = afterLoad;
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < end && afterLoad - idle < 24 * 1024; ) {
                Thread.sleep(500);
                idle = residentKib(server.pid());
            }

            assertTrue(afterLoad - idle >= 24 * 1024, "resident " + afterLoad / 1024 + " MiB after the load, "
                    + idle / 1024 + " MiB idle; the two hash pools alone are 33 MiB");
            // And the next login allocates its hash memory again and works.
            String login = "grant_type=password&username=admin&password=" + URLEncoder.encode(server.adminPassword(), StandardCharsets.UTF_8);
            assertEquals(200, token(http, server, login).statusCode());
        }
    }

    private static HttpResponse<String> token(HttpClient http, ServerProcess server, String body) throws IOException, InterruptedException {
        String client = Base64.getEncoder().encodeToString((ServerProcess.CLIENT_ID + ":" + ServerProcess.CLIENT_SECRET)
                .getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(server.uri("/oauth2/token")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + client)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** VmRSS of process {@code pid}, KiB. */
    private static long residentKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    @Test
    void launcherWhenJdksTakeTurnsThenEachHasItsOwnClassDataArchive() throws Exception {
        Path jdk17 = fakeJdk("17.0.15");
        Path jdk25 = fakeJdk("25.0.3");

        String first = archiveOption(run(serverRun(), Map.of("PATH", jdk17.resolve("bin") + ":" + System.getenv("PATH"))));
        String second = archiveOption(run(serverRun(), Map.of("PATH", jdk25.resolve("bin") + ":" + System.getenv("PATH"))));
        String again = archiveOption(run(serverRun(), Map.of("PATH", jdk17.resolve("bin") + ":" + System.getenv("PATH"))));

        // An archive written by one JDK does not map on another: sharing one file lost class-data sharing on both.
        // Before JDK 25 a dynamic CDS archive; from 25 on the ahead-of-time cache (JEP 483, 514, 515).
        assertTrue(first.endsWith(".jsa") && second.endsWith(".aot"), first + " " + second);
        // JDK 17-24: the archive has no method profiles, and higher compile thresholds slowed the first tokens.
        Path jar = REPOSITORY.resolve("identity-jersey-server/target/identity-server.jar");
        Path archive = Path.of(first);
        if (Files.isRegularFile(jar) && !Files.exists(archive)) {
            try {
                Files.writeString(archive, "archive");
                Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
                String withArchive = run(serverRun(), Map.of("PATH", jdk17.resolve("bin") + ":" + System.getenv("PATH")));
                assertTrue(withArchive.contains(" -XX:SharedArchiveFile=" + archive + " ") && !withArchive.contains("CompileThresholdScaling"),
                        withArchive);
            } finally {
                Files.deleteIfExists(archive);
            }
        }
        assertTrue(!first.equals(second), first);
        assertEquals(first, again);
    }

    @Test
    void launcherWhenAheadOfTimeCacheIsNewerThanTheJarThenUsedAndWhenOlderThenDeletedAndWrittenAgain() throws Exception {
        Map<String, String> jdk25 = Map.of("PATH", fakeJdk("25.0.3").resolve("bin") + ":" + System.getenv("PATH"));
        Path jar = REPOSITORY.resolve("identity-jersey-server/target/identity-server.jar");
        assumeTrue(Files.isRegularFile(jar), "no jar at " + jar);
        String training = run(serverRun(), jdk25);
        Path cache = Path.of(archiveOption(training));
        try {
            assertTrue(training.contains(" -XX:AOTCacheOutput=" + cache + " "), training);
            assertTrue(!training.contains("-XX:ArchiveClassesAtExit"), "not both: " + training);

            // What the first run's exit writes, newer than the jar: used.
            Files.writeString(cache, "cache");
            Files.setLastModifiedTime(cache, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
            String production = run(serverRun(), jdk25);
            // A jar rebuilt after it: the cache describes other classes, so it is deleted and the run trains a new one.
            Files.setLastModifiedTime(cache, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
            String help = run(launcher(), jdk25);
            String retraining = run(serverRun(), jdk25);

            // --help loads a fraction of the server's classes: an archive of them would be kept until the jar changes.
            assertTrue(!help.contains("-XX:AOTCacheOutput") && !help.contains("-XX:ArchiveClassesAtExit"), help);
            assertTrue(production.contains(" -XX:AOTCache=" + cache + " ") && !production.contains("AOTCacheOutput"), production);
            // With the cache's profiles, higher compile thresholds; the run that trains it has the JVM's own.
            assertTrue(production.contains(" -XX:CompileThresholdScaling=5 "), production);
            assertTrue(!training.contains("CompileThresholdScaling"), training);
            String ownScaling = run(serverRun(), Map.of("PATH", jdk25.get("PATH"), "IDENTITY_JAVA_OPTS", "-XX:CompileThresholdScaling=1"));
            assertTrue(!ownScaling.contains("CompileThresholdScaling=5") && ownScaling.contains(" -XX:CompileThresholdScaling=1 "), ownScaling);
            assertTrue(retraining.contains(" -XX:AOTCacheOutput=" + cache + " "), retraining);
            assertTrue(!Files.exists(cache), "the stale cache is deleted before the run that replaces it");
        } finally {
            Files.deleteIfExists(cache);
        }
    }

    /** The archive path from the fake JDK's echo of its arguments (-XX:ArchiveClassesAtExit=... on a first run). */
    private static String archiveOption(String echoed) {
        for (String argument : echoed.split("\\s+")) {
            if (argument.startsWith("-XX:ArchiveClassesAtExit=") || argument.startsWith("-XX:SharedArchiveFile=")
                    || argument.startsWith("-XX:AOTCacheOutput=") || argument.startsWith("-XX:AOTCache=")) {
                return argument.substring(argument.indexOf('=') + 1);
            }
        }
        throw new AssertionError("no archive option in: " + echoed);
    }

    /**
     * With {@code -XX:ThreadPriorityPolicy=1} the JVM sets each thread's absolute nice value from its Java priority:
     * normal threads 0, and the JVM's own (GC, compiler, VM, reference handler: priorities 8-11) -3 to -5. Run by
     * root under {@code nice -n 19} (or systemd {@code Nice=}), the server's threads were thus raised to 0 and its GC
     * and compilers above every other process. The launcher adds the flag only at niceness 0, and maps Java
     * priorities 6-10 to nice 0, so that the one change is the hashes' lower priority.
     */
    @Test
    void launcherWhenRootAlreadyNicedThenNoPriorityPolicyElseOnlyLowering() throws Exception {
        String path = System.getenv("PATH");
        Path niced = fakeJdk("17.0.15");
        fakeCommand(niced, "id", "0");
        fakeCommand(niced, "nice", "19");
        Path plain = fakeJdk("17.0.15");
        fakeCommand(plain, "id", "0");
        fakeCommand(plain, "nice", "0");

        String underNice = run(launcher(), Map.of("PATH", niced.resolve("bin") + ":" + path));
        String atZero = run(launcher(), Map.of("PATH", plain.resolve("bin") + ":" + path));

        assertTrue(!underNice.contains("ThreadPriorityPolicy") && !underNice.contains("_To_OSPriority"), underNice);
        assertTrue(atZero.contains(" -XX:ThreadPriorityPolicy=1 "), atZero);
        for (int priority = 2; priority <= 10; priority++) {
            assertEquals(priority != 5, atZero.contains(" -XX:JavaPriority" + priority + "_To_OSPriority=0 "), atZero);
        }
        assertTrue(!atZero.contains("JavaPriority1_To_OSPriority"), atZero);
    }

    private static void fakeCommand(Path jdk, String name, String output) throws IOException {
        Path command = jdk.resolve("bin/" + name);
        Files.writeString(command, "#!/bin/sh\necho " + output + "\n");
        assertTrue(command.toFile().setExecutable(true));
    }

    @Test
    void launcherWhenRunByRootThenJavaPrioritiesReachTheSchedulerElseOnlyWhenAskedFor() throws Exception {
        Path jdk = fakeJdk("17.0.15");
        Path otherUser = fakeJdk("17.0.15");
        // The launcher asks `id -u` who runs it: a user other than root, whoever runs the test.
        Path id = otherUser.resolve("bin/id");
        Files.writeString(id, "#!/bin/sh\necho 1000\n");
        assertTrue(id.toFile().setExecutable(true));
        String path = System.getenv("PATH");

        String asUser = run(launcher(), Map.of("PATH", otherUser.resolve("bin") + ":" + path));
        String askedFor = run(launcher(), Map.of("PATH", otherUser.resolve("bin") + ":" + path,
                "IDENTITY_JAVA_OPTS", "-XX:ThreadPriorityPolicy=1"));
        String whoever = run(launcher(), Map.of("PATH", jdk.resolve("bin") + ":" + path));

        assertTrue(!asUser.contains("ThreadPriorityPolicy"), asUser);
        assertTrue(askedFor.contains(" -XX:ThreadPriorityPolicy=1 ") && askedFor.indexOf("ThreadPriorityPolicy")
                == askedFor.lastIndexOf("ThreadPriorityPolicy"), askedFor);
        boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim());
        boolean notNiced = "0".equals(new String(new ProcessBuilder("nice").start().getInputStream().readAllBytes()).trim());
        assertEquals(root && notNiced, whoever.contains(" -XX:ThreadPriorityPolicy=1 "), whoever);
    }

    /** A directory shaped like a JDK of that version whose {@code bin/java} prints MALLOC_ARENA_MAX and its arguments. */
    private static Path fakeJdk(String version) throws IOException {
        Path home = Files.createTempDirectory(scratch, "fake-jdk-" + version + "-");
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho \"MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\"\necho \" $* \"\n");
        assertTrue(java.toFile().setExecutable(true));
        return home;
    }

    /** The launcher as for a server run (the fake JDKs only echo their arguments: nothing is started). */
    private static List<String> serverRun() {
        return List.of(launcher().get(0), "--port", "0");
    }

    /** The launcher with {@code arguments} and {@code --help}: the JVM starts with its flags, the server prints help. */
    private static List<String> launcher(String... arguments) {
        Path launcher = REPOSITORY.resolve("identity-server");
        assumeTrue(Files.isExecutable(launcher), "no launcher at " + launcher);
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(arguments));
        command.add("--help");
        return command;
    }

    private static int cores() throws Exception {
        return Integer.parseInt(run(List.of("nproc"), Map.of()).strip());
    }

    /** The {@code java ... -jar} command of README's "Latency and memory" section, continuation lines joined. */
    private static List<String> readmeJavaJarCommand() throws IOException {
        String readme = Files.readString(REPOSITORY.resolve("README.md"));
        String section = readme.substring(readme.indexOf("### Latency and memory"));
        String block = section.substring(section.indexOf("```bash\n") + 8, section.indexOf("```", section.indexOf("```bash\n") + 8));
        List<String> command = new ArrayList<>(Arrays.asList(block.replace("\\\n", " ").strip().split("\\s+")));
        assertEquals("java", command.get(0), block);
        assertTrue(command.contains("-jar"), block);
        return command;
    }

    private static String run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPOSITORY.toFile()).redirectErrorStream(true);
        builder.environment().remove("MALLOC_ARENA_MAX");
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "did not end: " + command);
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), text);
        return text;
    }
}
