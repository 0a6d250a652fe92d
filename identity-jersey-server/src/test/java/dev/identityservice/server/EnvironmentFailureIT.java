package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.key.MasterKey;
import dev.identityservice.server.testing.ServerProcess;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environment failures at start, with real server processes (issue 14, item 5): a port in use, a database that
 * cannot be reached, a TLS keystore that cannot be read. Each ends the process with exit code 1 and one line that
 * names the setting to change, never a stack trace.
 */
class EnvironmentFailureIT {

    @TempDir
    Path dir;

    @Test
    void startWhenPortInUseThenOneLineNamingPortAndExitCode1() throws Exception {
        try (ServerSocket taken = occupiedPort()) {
            int port = taken.getLocalPort();

            ServerProcess.Finished run = run("--data-dir", dir.resolve("data").toString(), "--port", String.valueOf(port));

            assertEquals(1, run.exitCode(), run.output());
            assertOneLine(run.output(), "Start failed: cannot listen on 127.0.0.1:" + port + ": the port is in use (change port / IDENTITY_PORT / --port");
        }
    }

    @Test
    void startWhenManagementPortInUseThenOneLineNamingManagementPort() throws Exception {
        try (ServerSocket taken = occupiedPort()) {
            ServerProcess.Finished run = run("--data-dir", dir.resolve("data").toString(),
                    "--management-port", String.valueOf(taken.getLocalPort()));

            assertEquals(1, run.exitCode(), run.output());
            assertOneLine(run.output(), "the port is in use (change management.port / IDENTITY_MANAGEMENT_PORT");
        }
    }

    @Test
    void startWhenDatabaseUnreachableThenOneLineNamingDbUrlAndExitCode1() throws Exception {
        int closed;
        try (ServerSocket probe = occupiedPort()) {
            closed = probe.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closed + "/identity";

        ServerProcess.Finished run = run("--data-dir", dir.resolve("data").toString(), "--db-url", url,
                "--master-key", MasterKey.generate().toBase64());

        assertEquals(1, run.exitCode(), run.output());
        assertOneLine(run.output(), "Start failed: cannot open the database " + url + ": ");
        assertTrue(run.output().contains("check db.url / IDENTITY_DB_URL"), run.output());
    }

    @Test
    void startWhenTlsKeystoreMissingOrUnreadableThenOneLineNamingTlsKeystore() throws Exception {
        Path missing = dir.resolve("no-such.p12");

        ServerProcess.Finished run = run("--data-dir", dir.resolve("data").toString(), "--tls-keystore", missing.toString(),
                "--tls-keystore-password", "changeit");

        assertEquals(1, run.exitCode(), run.output());
        assertOneLine(run.output(), "cannot read the TLS keystore " + missing.toAbsolutePath() + ": no such file (check tls.keystore");

        Path garbage = java.nio.file.Files.writeString(dir.resolve("garbage.p12"), "not a keystore");
        ServerProcess.Finished wrong = run("--data-dir", dir.resolve("data2").toString(), "--tls-keystore", garbage.toString(),
                "--tls-keystore-password", "changeit");
        assertEquals(1, wrong.exitCode(), wrong.output());
        assertOneLine(wrong.output(), "cannot open the TLS keystore " + garbage.toAbsolutePath());
    }

    @Test
    void startWhenDataDirIsAFileThenOneLineNamingDataDir() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("not-a-directory"), "x");

        ServerProcess.Finished run = run("--data-dir", file.resolve("data").toString());

        assertEquals(1, run.exitCode(), run.output());
        assertOneLine(run.output(), "(check data.dir / IDENTITY_DATA_DIR, its owner and mode)");
    }

    /** The message is on one line of its own, and nothing looks like a stack trace. */
    private static void assertOneLine(String output, String expected) {
        assertTrue(output.lines().anyMatch(line -> line.contains(expected)), output);
        assertFalse(output.contains("\tat ") || output.contains("Exception"), output);
    }

    private static ServerSocket occupiedPort() throws java.io.IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        return socket;
    }

    private ServerProcess.Finished run(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(ServerProcess.javaCommand());
        command.addAll(ServerProcess.testOptions());
        command.addAll(List.of(arguments));
        return ServerProcess.run(command, dir, Map.of(), null);
    }
}
