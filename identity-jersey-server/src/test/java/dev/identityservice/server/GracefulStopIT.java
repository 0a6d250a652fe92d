package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.ServerProcess;
import dev.identityservice.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on the embedded H2 file: the server's shutdown hook stops Jetty gracefully, so the requests in flight are
 * answered and what they wrote is kept, and only then closes the database. H2's own shutdown hook, which it registers
 * for every database unless the URL says {@code DB_CLOSE_ON_EXIT=FALSE}, closed the database at the same moment: the
 * requests that reached the database after it answered 503 "Database is already closed". Real process, real signal, {@value #CLIENTS} clients refreshing their chains.
 */
class GracefulStopIT {

    private static final int CLIENTS = 8;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void sigtermWhenRefreshesInFlightThenEachAnswered200AndItsTokenWorksAfterRestart(@TempDir Path data) throws Exception {
        // Eight sign-ins of one account from one address: more than that pair's default budget.
        String[] dataDir = {"--data-dir", data.resolve("data").toString(), "--login-limit-account-address", "100"};
        ServerProcess server = ServerProcess.start(dataDir);
        String adminPassword = server.adminPassword();
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<String>> lastTokens = new ArrayList<>();
        try {
            // One after the other, so that no sign-in waits for a hash slot (a 503 of its own on a slow machine).
            for (int i = 0; i < CLIENTS; i++) {
                HttpResponse<String> login = send(server, TestServer.form("grant_type", "password", "username", "admin",
                        "password", adminPassword));
                assertEquals(200, login.statusCode(), login.body());
                String first = TestServer.json(login.body()).get("refresh_token").asText();
                lastTokens.add(clients.submit(() -> refreshUntilRefused(server, first, outcomes)));
            }
            Thread.sleep(1_500);
            server.close(); // SIGTERM, then waits for the process to end
            List<String> tokens = new ArrayList<>();
            for (Future<String> last : lastTokens) {
                tokens.add(last.get(30, TimeUnit.SECONDS));
            }
            assertTrue(outcomes.getOrDefault(ANSWERED, 0) > CLIENTS, "refreshes answered: " + outcomes);
            // Jetty's graceful stop refuses a request that arrives on an open connection once the stop has begun (its
            // own 503, before any of our code runs); a request it let in must be answered, not refused by a closed
            // database (503 temporarily_unavailable).
            outcomes.remove(REFUSED_BY_STOP);
            assertEquals(Map.of(ANSWERED, outcomes.get(ANSWERED)), outcomes, "every answer around the stop");
            // The access log is written in batches (BatchedConsoleAppender): the stop writes the last of them.
            List<String> output = server.output().lines().toList();
            long logged = output.stream().filter(line -> line.contains("\"POST /oauth2/token HTTP/1.1\" 200 ")).count();
            assertEquals(CLIENTS + outcomes.get(ANSWERED), logged, "an access log line for each sign-in and refresh answered; the output ended with\n"
                    + String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size())));
            try (ServerProcess again = ServerProcess.start(dataDir)) {
                for (String token : tokens) {
                    HttpResponse<String> refreshed = send(again, TestServer.form("grant_type", "refresh_token", "refresh_token", token));
                    assertEquals(200, refreshed.statusCode(), "a client's last token, which no answered request used: "
                            + refreshed.body());
                }
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private static final String ANSWERED = "200";
    private static final String REFUSED_BY_STOP = "503 server_error";

    /**
     * Refreshes the chain from {@code token} until the server refuses the connection or the request; counts each
     * outcome (status and error code); returns the last token received, which no answered request used.
     */
    private String refreshUntilRefused(ServerProcess server, String token, Map<String, Integer> outcomes)
            throws InterruptedException {
        while (true) {
            HttpResponse<String> answer;
            try {
                answer = send(server, TestServer.form("grant_type", "refresh_token", "refresh_token", token));
            } catch (IOException refused) {
                // Connection refused or closed by the stop: nothing was answered, so the token is still the last one.
                return token;
            }
            outcomes.merge(answer.statusCode() == 200 ? ANSWERED
                    : answer.statusCode() + " " + TestServer.json(answer.body()).path("error").asText(), 1, Integer::sum);
            if (answer.statusCode() != 200) {
                return token;
            }
            token = TestServer.json(answer.body()).get("refresh_token").asText();
        }
    }

    private HttpResponse<String> send(ServerProcess server, String form) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .header("Authorization", TestServer.basic(ServerProcess.CLIENT_ID, ServerProcess.CLIENT_SECRET))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
