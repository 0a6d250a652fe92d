package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identityservice.server.observability.AccessLog;
import dev.identityservice.server.testing.ServerProcess;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server's logs as an operator gets them: with {@code --log-format json} every log line is one JSON
 * object with timestamp, level, logger and message, the audit lines among them with the client address; the
 * bootstrap credentials are in no line, only the path of their file.
 */
class LoggingIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void serverWhenJsonLogFormatThenEveryLogLineIsJsonWithTimestampLevelLoggerAndMessage() throws Exception {
        Path data = dir.resolve("data");
        String output;
        String adminPassword;
        try (ServerProcess server = ServerProcess.start("--data-dir", data.toString(), "--log-format", "json",
                "--log-levels", "dev.identityservice.audit=INFO")) {
            adminPassword = server.adminPassword();
            HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                    .header("Content-Type", TestServer.FORM)
                    .header("Authorization", TestServer.basic(ServerProcess.CLIENT_ID, ServerProcess.CLIENT_SECRET))
                    .POST(HttpRequest.BodyPublishers.ofString(TestServer.form("grant_type", "password", "username", "admin",
                            "password", "not-the-admin-password")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, refused.statusCode(), refused.body());
            Thread.sleep(300);
            output = server.output();
        }

        List<JsonNode> logLines = new ArrayList<>();
        for (String line : output.lines().toList()) {
            if (line.startsWith("{")) {
                logLines.add(JSON.readTree(line));
            } else {
                // Standard output: the bootstrap's notice, nothing else.
                assertTrue(line.isBlank() || line.contains("First start") || line.contains("bootstrap-credentials.txt"), line);
            }
        }
        assertTrue(adminPassword != null && !adminPassword.isEmpty(), "the credentials file was written and read");
        assertFalse(output.contains(adminPassword), "no secret in the output");
        JsonNode listening = logLines.stream().filter(l -> l.path("formattedMessage").asText().contains("listening on")).findFirst().orElseThrow();
        assertEquals("INFO", listening.get("level").asText());
        assertEquals(IdentityServer.class.getName(), listening.get("loggerName").asText());
        assertTrue(listening.get("timestamp").asLong() > 1_700_000_000_000L, listening.toString());
        JsonNode failed = logLines.stream().filter(l -> l.path("formattedMessage").asText().startsWith("event=login.failed"))
                .findFirst().orElseThrow(() -> new AssertionError(output));
        assertEquals("dev.identityservice.audit", failed.get("loggerName").asText());
        assertEquals("127.0.0.1", failed.path("mdc").path("client_address").asText(), failed.toString());
        JsonNode access = logLines.stream().filter(l -> l.path("formattedMessage").asText().contains("\"POST /oauth2/token HTTP/1.1\" 400 "))
                .findFirst().orElseThrow(() -> new AssertionError(output));
        assertEquals(AccessLog.LOGGER_NAME, access.get("loggerName").asText(), "the access log's own appender writes JSON too");
    }
}
