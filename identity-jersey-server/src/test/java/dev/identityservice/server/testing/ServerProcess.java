package dev.identityservice.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code identity-server.jar} running as its own process, for tests where the process is the
 * point: SIGKILL ({@link #kill()}, which is {@link Process#destroyForcibly()}) and several instances on one
 * database. Its output is drained on a thread (a full pipe would stall the server) and kept for messages.
 */
public final class ServerProcess implements AutoCloseable {

    /** The listening line, also inside a JSON log line ({@code --log-format json} escapes the slashes). */
    private static final Pattern LISTENING = Pattern.compile("listening on http:\\\\?/\\\\?/127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern ADMIN = Pattern.compile("admin user:\\s+admin / (\\S+)");
    private static final Pattern DEMO = Pattern.compile("demo client:\\s+demo / (\\S+)");
    /** The bootstrap's notice naming the owner-only file it wrote the generated credentials to. */
    private static final Pattern CREDENTIALS_FILE = Pattern.compile("^\\s+(\\S+bootstrap-credentials\\.txt) \\(owner-only\\)");
    /**
     * The client every process imports ({@code process/it-client.json}) and the management API accepts: the
     * bootstrap {@code demo} client has no password grant (RFC 9700 §2.4).
     */
    public static final String CLIENT_ID = "it-client";
    public static final String CLIENT_SECRET = "it-client-secret-0123456789abcdef-0123456789";
    /** How long a start may take on a busy two-core machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Thread drain;
    private final List<String> output;
    private final int port;
    private final String adminPassword;
    private final String demoSecret;

    private ServerProcess(Process process, Thread drain, List<String> output, int port, String adminPassword, String demoSecret) {
        this.process = process;
        this.drain = drain;
        this.output = output;
        this.port = port;
        this.adminPassword = adminPassword;
        this.demoSecret = demoSecret;
    }

    /**
     * Starts {@code java -jar identity-server.jar --port 0 <arguments>} with cheap password hashing, ES256
     * keys and the {@link #CLIENT_ID} client imported, and returns once it prints that it listens.
     */
    public static ServerProcess start(String... arguments) throws IOException {
        return start(null, Map.of(), arguments);
    }

    /**
     * Like {@link #start(String...)}, in {@code workingDirectory} ({@code null}: this process's) with
     * {@code environment} added to this process's.
     */
    public static ServerProcess start(Path workingDirectory, Map<String, String> environment, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(javaCommand());
        command.addAll(testOptions());
        command.addAll(List.of(arguments));
        return launch(command, workingDirectory, environment);
    }

    /** {@code java -Xmx256m ... -jar identity-server.jar}, the jar by its absolute path. */
    public static List<String> javaCommand() {
        return List.of(javaBinary(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", Path.of(jar()).toAbsolutePath().toString());
    }

    /** The options every test process gets: port 0, cheap hashing, ES256, the {@link #CLIENT_ID} client imported. */
    public static List<String> testOptions() {
        return List.of("--host", "127.0.0.1", "--port", "0", "--signing-algorithm", "ES256",
                "--password-hash-memory-kib", "1024", "--password-hash-iterations", "1",
                "--import", clientFile(), "--admin-audience", CLIENT_ID);
    }

    /** What a process that ran to its end printed (standard output and error together) and its exit code. */
    public record Finished(int exitCode, String output) {
    }

    /**
     * Runs {@code command} to its end (at most 60 s) in {@code workingDirectory} with {@code environment} added,
     * {@code stdin} (may be {@code null}) as its standard input.
     */
    public static Finished run(List<String> command, Path workingDirectory, Map<String, String> environment, String stdin)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().putAll(environment);
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the process did not end: " + command);
        }
        return new Finished(process.exitValue(), output.join());
    }

    /** Starts {@code command} (a server) and returns once it prints that it listens. */
    public static ServerProcess launch(List<String> command, Path workingDirectory, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().putAll(environment);
        Process process = builder.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<int[]> listening = new CompletableFuture<>();
        String[] credentials = new String[2];
        Thread drain = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                    Matcher file = CREDENTIALS_FILE.matcher(line);
                    for (String credentialLine : file.find() ? Files.readAllLines(Path.of(file.group(1))) : List.of(line)) {
                        Matcher admin = ADMIN.matcher(credentialLine);
                        if (admin.find()) {
                            credentials[0] = admin.group(1);
                        }
                        Matcher demo = DEMO.matcher(credentialLine);
                        if (demo.find()) {
                            credentials[1] = demo.group(1);
                        }
                    }
                    Matcher port = LISTENING.matcher(line);
                    if (port.find()) {
                        listening.complete(new int[] {Integer.parseInt(port.group(1))});
                    }
                }
            } catch (IOException ended) {
                // The process is gone.
            }
            listening.completeExceptionally(new IllegalStateException("the server exited before listening"));
        }, "server-output");
        drain.setDaemon(true);
        drain.start();
        try {
            int port = listening.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)[0];
            return new ServerProcess(process, drain, lines, port, credentials[0], credentials[1]);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not start: " + e.getMessage() + "\n" + String.join("\n", lines), e);
        }
    }

    public int port() {
        return port;
    }

    /** The server's process id (the JVM's: the launcher {@code exec}s it). */
    public long pid() {
        return process.pid();
    }

    /** What the process printed so far. */
    public String output() {
        return String.join("\n", output);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The bootstrap admin's password, shown (in the credentials file) on the first start only; otherwise {@code null}. */
    public String adminPassword() {
        return adminPassword;
    }

    /** The bootstrap demo client's secret, shown on the first start only; otherwise {@code null}. */
    public String demoSecret() {
        return demoSecret;
    }

    /** SIGKILL: no shutdown hook, no flush, no close; waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Stops the process gracefully (SIGTERM), forcibly if it takes longer than 20 s; then {@link #output} holds all
     * it printed, its stop included.
     */
    @Override
    public void close() throws InterruptedException {
        // The handle's destroy only signals: Process.destroy() also closes the pipe, and what the process printed
        // while it stopped (the access log of the requests Jetty still answered) went nowhere.
        process.toHandle().destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
        drain.join(TimeUnit.SECONDS.toMillis(10));
    }

    public static String jar() {
        String jar = System.getProperty("identity.server.jar", "target/identity-server.jar");
        if (!Files.exists(Path.of(jar))) {
            throw new IllegalStateException("run 'mvn verify' so that the jar is packaged first: " + jar);
        }
        return jar;
    }

    public static String clientFile() {
        try {
            return Path.of(ServerProcess.class.getResource("/process/it-client.json").toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
