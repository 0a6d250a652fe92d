package dev.identityservice.server.login;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.server.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: at most {@code http.concurrency} requests execute at once (here one), the others wait in arrival order,
 * and what waits for something other than the CPU holds no executing slot: a login waiting for or running its
 * password hash, a client sending its body slowly. A request that cannot start within {@code http.queue.timeout}
 * gets 503 {@code temporarily_unavailable} with {@code Retry-After}; key sets and metadata documents never queue.
 */
class RequestAdmissionTest {

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void loginsWaitingForOrRunningTheirHashHoldNoExecutingSlot() throws Exception {
        server = TestServer.start(b -> b.trustedProxies("127.0.0.1").issuer("http://id.test").httpConcurrency(1).httpQueueTimeout(Duration.ofSeconds(30))
                .passwordHashConcurrency(1).passwordHashQueue(4).passwordHashQueueTimeout(Duration.ofSeconds(30)));
        server.confidentialClient(LoginHttp.CLIENT);
        server.user("slow", "user");
        server.user("alice", "user");
        LoginHttp http = new LoginHttp(server);
        http.giveCostlyHash("slow");
        Argon2idPasswordHasher hasher = (Argon2idPasswordHasher) server.server.engine().passwordHasher();

        CompletableFuture<HttpResponse<String>> hashing = http.passwordGrantAsync("10.13.1.1", "slow", PASSWORD);
        LoginHttp.awaitHashing(hasher);
        CompletableFuture<HttpResponse<String>> waiting = http.passwordGrantAsync("10.13.1.2", "alice", PASSWORD);
        LoginHttp.awaitWaitingForAHash(hasher);

        // The one executing slot is free although two logins are in progress: other requests run at once.
        HttpResponse<String> keys = server.get("/oauth2/jwks");
        HttpResponse<String> token = clientCredentials();
        assertFalse(hashing.isDone(), "answered only after the login's hash, which held the slot");
        assertEquals(200, keys.statusCode(), keys.body());
        assertEquals(200, token.statusCode(), token.body());
        // Both logins enter again after their hash and are answered.
        assertEquals(200, hashing.get(60, TimeUnit.SECONDS).statusCode());
        assertEquals(200, waiting.get(60, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void aClientSendingItsBodySlowlyHoldsNoExecutingSlot() throws Exception {
        server = TestServer.start(b -> b.httpConcurrency(1).httpQueueTimeout(Duration.ofSeconds(30)));
        server.confidentialClient(LoginHttp.CLIENT);
        String form = "grant_type=client_credentials&scope=api";
        try (Socket slow = new Socket("127.0.0.1", server.uri("/").getPort())) {
            slow.setSoTimeout(30_000);
            OutputStream out = slow.getOutputStream();
            out.write(("POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Authorization: " + TestServer.basic(LoginHttp.CLIENT, TestServer.SECRET) + "\r\n"
                    + "Content-Length: " + form.length() + "\r\nConnection: close\r\n\r\n" + form.substring(0, 11))
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200); // the server has the headers and part of the body, and waits for the rest

            for (int i = 0; i < 3; i++) {
                HttpResponse<String> other = clientCredentials();
                assertEquals(200, other.statusCode(), other.body());
            }

            out.write(form.substring(11).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.contains("\"access_token\""), "the body received before the endpoint was read whole: " + answer);
        }
    }

    @Test
    void aRequestThatCannotStartInTimeGets503WithRetryAfter() throws Exception {
        server = TestServer.start(b -> b.httpConcurrency(1).httpQueueTimeout(Duration.ofMillis(1)));
        server.confidentialClient(LoginHttp.CLIENT);
        HttpResponse<String> refused = null;
        for (int round = 0; round < 20 && refused == null; round++) {
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            List<CompletableFuture<HttpResponse<String>>> published = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                burst.add(server.http.sendAsync(clientCredentialsRequest(), HttpResponse.BodyHandlers.ofString()));
                if (i % 3 == 0) {
                    String path = i % 2 == 0 ? "/oauth2/jwks" : "/.well-known/openid-configuration";
                    published.add(server.http.sendAsync(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(60)).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
            }
            for (CompletableFuture<HttpResponse<String>> each : published) {
                HttpResponse<String> response = each.get(60, TimeUnit.SECONDS);
                assertEquals(200, response.statusCode(), "key sets and metadata are not queued: " + response.uri());
            }
            for (CompletableFuture<HttpResponse<String>> each : burst) {
                HttpResponse<String> response = each.get(60, TimeUnit.SECONDS);
                assertTrue(response.statusCode() == 200 || response.statusCode() == 503,
                        "only served or refused for the wait: " + response.statusCode() + " " + response.body());
                if (response.statusCode() == 503) {
                    refused = response;
                }
            }
        }
        assertTrue(refused != null, "24 requests at once never waited past 1 ms for one executing slot");
        JsonNode error = TestServer.json(refused.body());
        assertEquals("temporarily_unavailable", error.get("error").asText());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("no-store", refused.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("application/json", refused.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(refused.headers().firstValue("Connection").isEmpty(), "the body was received: the connection stays open");
        // Refused is not broken: a request alone is served.
        assertEquals(200, clientCredentials().statusCode());
        assertTrue(server.metrics().contains("identity_http_requests_waiting 0.0"), "the queue, as metrics show it");
    }

    private HttpResponse<String> clientCredentials() {
        return server.send(clientCredentialsBuilder());
    }

    private HttpRequest clientCredentialsRequest() {
        return clientCredentialsBuilder().timeout(Duration.ofSeconds(60)).build();
    }

    private HttpRequest.Builder clientCredentialsBuilder() {
        return HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .header("Content-Type", TestServer.FORM)
                .header("Authorization", TestServer.basic(LoginHttp.CLIENT, TestServer.SECRET))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=api"));
    }
}
