package dev.identityservice.server.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.user.Argon2idParameters;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a login storm fills the password-hashing queue, and then a password grant is refused at once with 503
 * {@code temporarily_unavailable} and {@code Retry-After}, while requests that hash nothing are served. The one
 * hashing slot is held by a real login of a user whose stored hash is costly to verify (32 MiB, 8 passes).
 */
class PasswordHashingCapacityTest {

    private TestServer server;
    private Argon2idPasswordHasher hasher;

    @BeforeEach
    void start() {
        server = TestServer.start(b -> b.passwordHashConcurrency(1).passwordHashQueue(0)
                .passwordHashQueueTimeout(Duration.ofSeconds(3)));
        server.confidentialClient("app");
        server.user("alice");
        server.user("slow");
        String costly = new Argon2idPasswordHasher(new Argon2idParameters(32 * 1024, 8, 1, 16, 32), new SecureRandom())
                .hash(TestServer.PASSWORD.toCharArray());
        server.server.engine().database().withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE users SET password_hash = ? WHERE username = ?")) {
                update.setString(1, costly);
                update.setString(2, "slow");
                return update.executeUpdate();
            }
        });
        hasher = (Argon2idPasswordHasher) server.server.engine().passwordHasher();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void tokenWhenHashQueueFullThenPasswordGrant503WithRetryAfterWhileClientCredentialsServed() throws Exception {
        CompletableFuture<HttpResponse<String>> holding = CompletableFuture.supplyAsync(() -> password("slow"));
        awaitRunning();

        HttpResponse<String> refused = password("alice");
        HttpResponse<String> served = server.post("/oauth2/token", TestServer.form("grant_type", "client_credentials"),
                "Authorization", TestServer.basic("app", TestServer.SECRET));
        HttpResponse<String> jwks = server.get("/oauth2/jwks");

        assertFalse(holding.isDone(), "answered while the slot was still busy, not after it");
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("temporarily_unavailable", TestServer.json(refused.body()).get("error").asText());
        assertEquals("3", refused.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("no-store", refused.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals(200, served.statusCode(), served.body());
        assertEquals(200, jwks.statusCode());
        assertEquals(200, holding.get(60, TimeUnit.SECONDS).statusCode());
        // Refused is not failed: the user was never checked, and signs in once the slot is free.
        assertEquals(200, password("alice").statusCode());
    }

    private HttpResponse<String> password(String username) {
        return server.post("/oauth2/token", TestServer.form("grant_type", "password", "username", username,
                "password", TestServer.PASSWORD), "Authorization", TestServer.basic("app", TestServer.SECRET));
    }

    private void awaitRunning() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (hasher.hashesRunning() == 0) {
            assertTrue(System.nanoTime() < deadline, "the slow login never started hashing");
            Thread.sleep(1);
        }
    }
}
