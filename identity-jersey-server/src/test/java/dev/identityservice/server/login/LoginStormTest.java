package dev.identityservice.server.login;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.user.Argon2idParameters;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, a login storm over real HTTP: 200 password grants, login-form posts and clients that hang up, all at
 * once, against one hashing slot and a queue of 3. Every refusal must be a standards-shaped 503 with
 * {@code Retry-After} (JSON at the token endpoint, the HTML login page on the form), no refusal counts as a failed
 * login, a login whose stored hash needs an upgrade still succeeds, and afterwards the queue has leaked nothing:
 * {@code concurrency + queue} logins at once are all served.
 */
class LoginStormTest {

    private static final int CONCURRENCY = 1;
    private static final int QUEUE = 3;
    /** Costly enough (tens of ms) that 200 requests pile up behind the one slot. */
    private static final int MEMORY_KIB = 8 * 1024;

    private TestServer server;
    private LoginHttp http;
    private Argon2idPasswordHasher hasher;
    private final ExecutorService threads = Executors.newFixedThreadPool(200);

    @BeforeEach
    void start() {
        server = TestServer.start(b -> b.trustedProxies("127.0.0.1").issuer("http://id.test")
                .passwordHashMemoryKib(MEMORY_KIB).passwordHashIterations(2)
                .passwordHashConcurrency(CONCURRENCY).passwordHashQueue(QUEUE).passwordHashQueueTimeout(Duration.ofSeconds(5))
                .loginLimitAccountAddress(10_000).loginLimitAddress(10_000).loginLimitAccount(10_000));
        server.confidentialClient(LoginHttp.CLIENT);
        server.user("alice", "user");
        server.user("old", "user");
        // Made with weaker parameters than the server's: every login of "old" also rehashes, under the same limits.
        String weaker = new Argon2idPasswordHasher(new Argon2idParameters(64, 1, 1, 16, 32), new SecureRandom())
                .hash(PASSWORD.toCharArray());
        server.server.engine().database().withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE users SET password_hash = ? WHERE username = ?")) {
                update.setString(1, weaker);
                update.setString(2, "old");
                return update.executeUpdate();
            }
        });
        hasher = (Argon2idPasswordHasher) server.server.engine().passwordHasher();
        http = new LoginHttp(server);
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        server.close();
    }

    @Test
    void loginStormWhenPastTheQueueThen503WithRetryAfterInEachShapeNoFailedAttemptsAndFullCapacityAfter() throws Exception {
        List<Browser.LoginForm> forms = new ArrayList<>();
        List<Browser> browsers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Browser browser = new Browser();
            browsers.add(browser);
            forms.add(http.loginForm(browser, address(i)));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> grants = new ArrayList<>();
        List<Future<HttpResponse<String>>> posts = new ArrayList<>();
        List<Future<Boolean>> hangUps = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            String user = i % 4 == 0 ? "old" : "alice";
            String address = address(100 + i);
            grants.add(threads.submit(gated(go, () -> http.passwordGrant(address, user, PASSWORD))));
        }
        for (int i = 0; i < 60; i++) {
            int n = i;
            posts.add(threads.submit(gated(go, () -> http.submit(browsers.get(n), forms.get(n), address(n), "alice", PASSWORD))));
        }
        for (int i = 0; i < 20; i++) {
            String address = address(300 + i);
            hangUps.add(threads.submit(gated(go, () -> hangUp(address))));
        }

        go.countDown();

        int refusedGrants = 0;
        for (Future<HttpResponse<String>> grant : grants) {
            HttpResponse<String> response = grant.get(120, TimeUnit.SECONDS);
            if (response.statusCode() == 503) {
                refusedGrants++;
                assertEquals("temporarily_unavailable", TestServer.json(response.body()).get("error").asText(), response.body());
                assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
                assertEquals("5", response.headers().firstValue("Retry-After").orElseThrow());
            } else {
                assertEquals(200, response.statusCode(), response.body());
                assertTrue(TestServer.json(response.body()).has("access_token"), response.body());
            }
        }
        int refusedPosts = 0;
        for (Future<HttpResponse<String>> post : posts) {
            HttpResponse<String> response = post.get(120, TimeUnit.SECONDS);
            if (response.statusCode() == 503) {
                refusedPosts++;
                assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"), response.body());
                assertEquals("5", response.headers().firstValue("Retry-After").orElseThrow());
                assertTrue(response.body().contains("<form"), "the login page again, filled in for a retry: " + response.body());
            } else {
                assertEquals(302, response.statusCode(), response.body());
            }
        }
        for (Future<Boolean> hangUp : hangUps) {
            hangUp.get(120, TimeUnit.SECONDS);
        }
        assertTrue(refusedGrants > 0 && refusedPosts > 0, "the storm never filled the queue: " + refusedGrants + ", " + refusedPosts);
        String metrics = server.metrics();
        assertTrue(metrics.contains("identity_logins_failed_total 0"), "a login refused for capacity was counted as a failed one");

        // The storm is over once the requests of the clients that hung up have left the hasher too.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (hasher.hashesRunning() + hasher.hashesWaiting() > 0) {
            assertTrue(System.nanoTime() < deadline, "hashes still running or waiting after the storm");
            Thread.sleep(10);
        }
        Thread.sleep(200);
        List<Future<HttpResponse<String>>> after = new ArrayList<>();
        CountDownLatch again = new CountDownLatch(1);
        for (int i = 0; i < CONCURRENCY + QUEUE; i++) {
            String address = address(400 + i);
            after.add(threads.submit(gated(again, () -> http.passwordGrant(address, "alice", PASSWORD))));
        }
        again.countDown();
        for (Future<HttpResponse<String>> response : after) {
            assertEquals(200, response.get(120, TimeUnit.SECONDS).statusCode(), "a slot leaked in the storm");
        }
        assertEquals(200, http.passwordGrant(address(500), "old", PASSWORD).statusCode());
    }

    /** A password grant whose client gives up after 20 ms, before its hash can have run; true if it hung up. */
    private Boolean hangUp(String address) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .timeout(Duration.ofMillis(20))
                .header("Content-Type", TestServer.FORM)
                .header("Authorization", TestServer.basic(LoginHttp.CLIENT, TestServer.SECRET))
                .header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString(TestServer.form("grant_type", "password", "username", "alice",
                        "password", PASSWORD)))
                .build();
        try {
            server.http.send(request, HttpResponse.BodyHandlers.ofString());
            return false;
        } catch (HttpTimeoutException e) {
            return true;
        }
    }

    private static <T> Callable<T> gated(CountDownLatch go, Callable<T> call) {
        return () -> {
            go.await();
            return call.call();
        };
    }

    private static String address(int n) {
        return "10.13." + (n / 250) + "." + (n % 250 + 1);
    }
}
