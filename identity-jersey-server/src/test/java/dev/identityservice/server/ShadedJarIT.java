package dev.identityservice.server;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code identity-server.jar} as a user runs it: {@code java -jar ... --port 0 --data-dir DIR}
 * prints the bootstrap credentials once, and the printed demo client gets a token.
 */
class ShadedJarIT {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern DEMO = Pattern.compile("demo client:\\s+demo / (\\S+)");

    @TempDir
    Path dataDir;

    @Test
    void jarWhenStartedFreshThenWritesCredentialsOnceToAnOwnerOnlyFileAndIssuesTokens() throws Exception {
        List<String> firstRun = runUntilListening(true);
        Path credentials = dataDir.resolve("bootstrap-credentials.txt");
        assertTrue(firstRun.stream().anyMatch(l -> l.contains(credentials.toAbsolutePath().toString())), String.join("\n", firstRun));
        assertTrue(firstRun.stream().noneMatch(l -> l.contains("admin user:    admin / ")), "no secret on the console: " + firstRun);
        assertTrue(Files.readString(credentials).contains("admin user:    admin / "));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("master.key"))));

        List<String> secondRun = runUntilListening(false);
        assertTrue(secondRun.stream().noneMatch(l -> l.contains("bootstrap-credentials")), "credentials are shown only once");
    }

    @Test
    void jarWhenHelpThenListsOptions() throws Exception {
        Process process = new ProcessBuilder(javaBinary(), "-jar", jar(), "--help").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(0, process.waitFor());
        for (String flag : List.of("--host", "--port", "--config FILE", "--data-dir", "--import")) {
            assertTrue(output.contains(flag), flag);
        }
    }

    @Test
    void jarWhenNativeSignatureProviderCannotLoadThenCorrettoFailsBeforeAnyDataAndAutoFallsBackWithAWarning(@TempDir Path elsewhere)
            throws Exception {
        // A file where the provider would unpack its library: it cannot load, on any platform.
        Path notADirectory = Files.writeString(elsewhere.resolve("not-a-directory"), "");
        String unpackInto = "-Dcom.amazon.corretto.crypto.provider.tmpdir=" + notADirectory;
        Path data = dataDir.resolve("corretto");

        Process corretto = new ProcessBuilder(javaBinary(), unpackInto, "-jar", jar(), "--port", "0", "--data-dir", data.toString(),
                "--signature-provider", "corretto").redirectErrorStream(true).start();
        String output = new String(corretto.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(1, corretto.waitFor(), output);
        assertTrue(output.contains("Start failed: signature.provider=corretto, but the Amazon Corretto Crypto Provider is unusable here"), output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
        assertFalse(Files.exists(data.resolve("master.key")), "no master key created before the failure");
        assertFalse(Files.exists(data.resolve("identity.mv.db")), "no database created before the failure");

        List<String> auto = runUntilListening(false, unpackInto);
        assertTrue(auto.stream().anyMatch(l -> l.contains("WARN") && l.contains("signatures by the JDK's providers, slower")), String.join("\n", auto));
    }

    /** Starts the jar, waits for the listening line, on the first run gets a token with the demo secret from the credentials file, stops it. */
    private List<String> runUntilListening(boolean expectCredentials, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", jar(), "--port", "0", "--data-dir", dataDir.toString(),
                "--password-hash-memory-kib", "1024", "--password-hash-iterations", "1"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String secret = null;
            boolean listened = false;
            String line;
            // Until it listens and has said which provider signs (with auto, once the native one has loaded or not).
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    listened = true;
                    if (expectCredentials) {
                        Matcher demo = DEMO.matcher(Files.readString(dataDir.resolve("bootstrap-credentials.txt")));
                        secret = demo.find() ? demo.group(1) : null;
                        assertEquals(200, clientCredentials(Integer.parseInt(listening.group(1)), secret).statusCode());
                    }
                }
                if (listened && lines.stream().anyMatch(l -> l.contains("signatures by"))) {
                    break;
                }
            }
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        return lines;
    }

    private static HttpResponse<String> clientCredentials(int port, String secret) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic("demo", secret))
                .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "client_credentials"))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String jar() {
        String jar = System.getProperty("identity.server.jar", "target/identity-server.jar");
        assertTrue(Files.exists(Path.of(jar)), "run 'mvn verify' so that the jar is packaged first: " + jar);
        return jar;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
