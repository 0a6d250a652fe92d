package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.ServerProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, start-up to the first token on a restart: the packaged server as its own process, so that what a start
 * loads is that of a fresh JVM (class loading logged with {@code -Xlog:class+load}).
 */
class StartupIT {

    @TempDir
    Path root;

    /**
     * Jetty asks the platform MBean server whether compressed oops are on unless it is told how many references fit in
     * a cache line; creating that server registers every platform MBean, a fifth or more of what building Jetty's
     * server cost. The start tells Jetty, so no MBean server is created: none is loaded up to and after the first
     * token (one start: a restart runs the same code, and a second process would double this test's time).
     */
    @Test
    void startWhenServingTokensThenNoPlatformMBeanServerCreated() throws Exception {
        Path classes = root.resolve("classes.log");
        List<String> command = new ArrayList<>(ServerProcess.javaCommand());
        command.add(1, "-Xlog:class+load=info:file=" + classes);
        command.addAll(ServerProcess.testOptions());
        command.addAll(List.of("--data-dir", root.resolve("data").toString()));
        try (ServerProcess server = ServerProcess.launch(command, null, Map.of())) {
            assertEquals(200, clientCredentialsToken(server).statusCode());
        }
        String loaded = Files.readString(classes);
        // Jetty's MemoryUtils did run (the thread pool's queue uses it), and found its answer without JMX.
        assertTrue(loaded.contains(" org.eclipse.jetty.util.MemoryUtils "), "MemoryUtils not loaded");
        assertTrue(!loaded.contains(" com.sun.jmx.mbeanserver.JmxMBeanServer "), "the platform MBean server was created");
    }

    private static HttpResponse<String> clientCredentialsToken(ServerProcess server) throws Exception {
        String basic = Base64.getEncoder().encodeToString((ServerProcess.CLIENT_ID + ":" + ServerProcess.CLIENT_SECRET)
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
