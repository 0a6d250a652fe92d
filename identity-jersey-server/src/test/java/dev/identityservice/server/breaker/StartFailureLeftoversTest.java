package dev.identityservice.server.breaker;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.StartFailure;
import dev.identityservice.server.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartFailureLeftoversTest {

    @TempDir
    Path root;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void assertFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            // free
        } catch (IOException e) {
            throw new AssertionError("port " + port + " still held after a failed start: " + e.getMessage());
        }
    }

    @Test
    void importRefusedByItsCheckReleasesThePorts() throws IOException {
        int port = freePort();
        int management = freePort();
        Path file = Files.writeString(root.resolve("weak.json"), "{\"users\": [{\"username\": \"bob\", \"password\": \"short\"}]}");
        assertThrows(StartFailure.class, () -> TestServer.start(b -> b.port(port).managementPort(management).importFile(file.toString())).close());
        assertFree(port);
        assertFree(management);
    }

    @Test
    void managementPortTakenReleasesTheMainPort() throws IOException {
        int port = freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StartFailure refused = assertThrows(StartFailure.class,
                    () -> TestServer.start(b -> b.port(port).managementPort(taken.getLocalPort())).close());
            assertTrue(refused.getMessage().contains("in use"), refused.getMessage());
        }
        assertFree(port);
    }

    @RepeatedTest(3)
    void handlersThreadGoneWhenTheStartFailed() throws IOException {
        Path file = Files.writeString(root.resolve("weak.json"), "{\"users\": [{\"username\": \"bob\", \"password\": \"short\"}]}");
        assertThrows(StartFailure.class, () -> TestServer.start(b -> b.importFile(file.toString())).close());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("identity-start-handlers")),
                "identity-start-handlers still alive");
    }
}
