package dev.identityservice.server.login;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: while password hashing is at capacity, a password grant and a login-form post are refused (503,
 * {@code Retry-After}) before the login throttle reads or writes its counters, so that a storm's refusals cost no
 * database writes. The one hashing slot (no queue) is held by a real login of a user whose stored hash is costly to
 * verify; the refused logins come from addresses and for an account that have no counter yet, so any reservation
 * (even one given back) would leave rows behind.
 */
class CapacityRefusalTest {

    private TestServer server;
    private LoginHttp http;
    private Argon2idPasswordHasher hasher;

    @BeforeEach
    void start() {
        server = TestServer.start(b -> b.trustedProxies("127.0.0.1").issuer("http://id.test")
                .passwordHashConcurrency(1).passwordHashQueue(0).passwordHashQueueTimeout(Duration.ofSeconds(4)));
        server.confidentialClient(LoginHttp.CLIENT);
        server.user("alice", "user");
        server.user("slow", "user");
        hasher = (Argon2idPasswordHasher) server.server.engine().passwordHasher();
        http = new LoginHttp(server);
        http.giveCostlyHash("slow");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void loginWhenHashingAtCapacityThen503BeforeAnyLoginCounterIsWritten() throws Exception {
        Browser browser = new Browser();
        Browser.LoginForm form = http.loginForm(browser, "10.13.0.2");
        CompletableFuture<HttpResponse<String>> holding = CompletableFuture.supplyAsync(
                () -> http.passwordGrant("10.13.0.1", "slow", PASSWORD));
        LoginHttp.awaitHashing(hasher);
        List<String> before = counters();

        HttpResponse<String> grant = http.passwordGrant("10.13.0.3", "alice", PASSWORD);
        HttpResponse<String> post = http.submit(browser, form, "10.13.0.2", "alice", PASSWORD);
        List<String> after = counters();

        assertFalse(holding.isDone(), "answered while the slot was still busy, not after it");
        assertEquals(503, grant.statusCode(), grant.body());
        assertEquals("temporarily_unavailable", TestServer.json(grant.body()).get("error").asText());
        assertEquals("4", grant.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(503, post.statusCode(), post.body());
        assertEquals("4", post.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(post.body().contains("<form"), "the login page again, filled in for a retry: " + post.body());
        assertEquals(before, after, "a refused login reserved (and gave back) login attempts");
        assertEquals(200, holding.get(60, TimeUnit.SECONDS).statusCode());
        // Refused is not failed: alice signs in once the slot is free, on both channels.
        assertEquals(200, http.passwordGrant("10.13.0.3", "alice", PASSWORD).statusCode());
        assertEquals(302, http.submit(browser, http.loginForm(browser, "10.13.0.2"), "10.13.0.2", "alice", PASSWORD).statusCode());
    }

    /** Every login counter as "bucket attempts expiry", in bucket order. */
    private List<String> counters() {
        return server.server.engine().database().withConnection(connection -> {
            List<String> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT bucket, attempts, expires_at FROM login_attempts ORDER BY bucket");
                 ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.add(row.getString(1) + " " + row.getInt(2) + " " + row.getString(3));
                }
            }
            return rows;
        });
    }
}
