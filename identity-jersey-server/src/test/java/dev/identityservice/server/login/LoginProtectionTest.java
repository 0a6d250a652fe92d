package dev.identityservice.server.login;

import static dev.identityservice.server.login.LoginHttp.throttled;
import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.testing.CountingPasswordHasher;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The login throttle over HTTP, as attacks meet it: concurrent guesses, a guesser who never stops, a guesser
 * with many addresses. Addresses come through {@code X-Forwarded-For} from the trusted proxy (the test client).
 */
class LoginProtectionTest {

    private static final String ATTACKER = "203.0.113.66";
    private static final String HOME = "198.51.100.10";

    private final AtomicInteger hashes = new AtomicInteger();
    private final MutableClock clock = MutableClock.startingNow();
    private TestServer server;
    private LoginHttp http;

    @BeforeEach
    void start() {
        server = TestServer.start(b -> b.trustedProxies("127.0.0.1").issuer("http://id.test"), clock,
                hasher -> new CountingPasswordHasher(hasher, hashes));
        server.confidentialClient(LoginHttp.CLIENT);
        server.user("alice", "user");
        http = new LoginHttp(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void tokenWhenHundredConcurrentWrongGuessesForOneAccountThenAtMostTheBudgetReachTheHash() {
        List<CompletableFuture<HttpResponse<String>>> guesses = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            guesses.add(http.passwordGrantAsync(ATTACKER, "alice", "guess-" + i));
        }
        List<HttpResponse<String>> answers = guesses.stream().map(CompletableFuture::join).toList();

        assertTrue(hashes.get() <= LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS, "hashed: " + hashes.get());
        assertTrue(answers.stream().allMatch(r -> r.statusCode() == 400 && r.body().contains("invalid_grant")));
        assertEquals(100 - hashes.get(), answers.stream().filter(LoginHttp::throttled).count());
        String metrics = server.metrics();
        assertTrue(metrics.contains("identity_login_throttled_total{budget=\"account_address\"} " + (100 - hashes.get())), metrics);
        assertTrue(metrics.contains("identity_login_attempts_total{channel=\"token\",outcome=\"failure\"} " + hashes.get()), metrics);
    }

    @Test
    void tokenWhenHundredConcurrentWrongGuessesFromHundredAddressesThenAtMostTheAccountBudgetReachTheHash() {
        List<CompletableFuture<HttpResponse<String>>> guesses = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            guesses.add(http.passwordGrantAsync("10.66.0." + i, "alice", "guess-" + i));
        }
        guesses.forEach(CompletableFuture::join);

        assertTrue(hashes.get() <= LoginLimits.DEFAULT_PER_ACCOUNT, "hashed: " + hashes.get());
        assertTrue(server.metrics().contains("identity_login_throttled_total{budget=\"account\"}"));
    }

    @Test
    void loginWhenHundredConcurrentWrongGuessesAtTheLoginPageThenAtMostTheBudgetReachTheHash() throws Exception {
        Browser browser = new Browser();
        Browser.LoginForm form = http.loginForm(browser, ATTACKER);
        ExecutorService threads = Executors.newFixedThreadPool(50);
        try {
            List<CompletableFuture<HttpResponse<String>>> guesses = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String guess = "guess-" + i;
                guesses.add(CompletableFuture.supplyAsync(() -> http.submit(browser, form, ATTACKER, "alice", guess), threads));
            }
            long refused = guesses.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 429).count();

            assertTrue(hashes.get() <= LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS, "hashed: " + hashes.get());
            assertEquals(100 - hashes.get(), refused);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void loginWhenAttackerGuessesForTenMinutesFromOneAddressThenOwnerSignsInFirstTryElsewhereAndWithDeviceCookie() {
        Browser owner = new Browser();
        assertEquals(302, http.browserLogin(owner, HOME, "alice", PASSWORD).statusCode(), "the owner's browser signs in once");
        int before = hashes.get();

        // Ten simulated minutes of guessing from one address, one guess every two seconds, by both channels.
        int refused = 0;
        for (int second = 0; second < 600; second += 2) {
            clock.advance(Duration.ofSeconds(2));
            HttpResponse<String> guess = second % 20 == 0
                    ? http.browserLogin(new Browser(), ATTACKER, "alice", "guess-" + second)
                    : http.passwordGrant(ATTACKER, "alice", "guess-" + second);
            refused += throttled(guess) ? 1 : 0;
        }

        assertTrue(hashes.get() - before <= LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS, "guesses hashed: " + (hashes.get() - before));
        assertEquals(300 - (hashes.get() - before), refused);
        HttpResponse<String> elsewhere = http.passwordGrant("192.0.2.44", "alice", PASSWORD);
        assertEquals(200, elsewhere.statusCode(), "first try from another address: " + elsewhere.body());
        HttpResponse<String> withCookie = http.browserLogin(owner, ATTACKER, "alice", PASSWORD);
        assertEquals(302, withCookie.statusCode(), "first try from the attacker's address with the device cookie");
        HttpResponse<String> withoutCookie = http.browserLogin(new Browser(), ATTACKER, "alice", PASSWORD);
        assertEquals(429, withoutCookie.statusCode(), "without it, the attacker's address is still throttled for alice");
    }

    @Test
    void loginWhenManyAddressesSpendTheAccountBudgetThenOwnerKnownDeviceAndAddressStillSignInAndOthersWaitOneWindow() {
        Browser owner = new Browser();
        assertEquals(302, http.browserLogin(owner, HOME, "alice", PASSWORD).statusCode());
        for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT + 10; i++) {
            http.passwordGrant("10.77." + (i / 200) + "." + (i % 200), "alice", "guess-" + i);
        }
        HttpResponse<String> newAddress = http.passwordGrant("192.0.2.45", "alice", PASSWORD);
        assertTrue(throttled(newAddress), newAddress.body());
        long retryAfter = Long.parseLong(newAddress.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 0 && retryAfter <= LoginLimits.DEFAULT_WINDOW.toSeconds(), "capped: " + retryAfter);

        assertEquals(302, http.browserLogin(owner, "192.0.2.46", "alice", PASSWORD).statusCode(), "device cookie, new address");
        assertEquals(200, http.passwordGrant(HOME, "alice", PASSWORD).statusCode(), "password grant from a known address");
        clock.advance(LoginLimits.DEFAULT_WINDOW);
        HttpResponse<String> afterOneWindow = http.passwordGrant("192.0.2.45", "alice", PASSWORD);
        assertEquals(200, afterOneWindow.statusCode(), "after one window: " + afterOneWindow.body());
    }

    @Test
    void loginWhenDeviceCookieBelongsToAnotherAccountThenNoExemption() {
        server.user("bob", "user");
        Browser bobsBrowser = new Browser();
        assertEquals(302, http.browserLogin(bobsBrowser, HOME, "bob", PASSWORD).statusCode());
        for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS; i++) {
            http.passwordGrant(ATTACKER, "alice", "guess-" + i);
        }

        HttpResponse<String> response = http.browserLogin(bobsBrowser, ATTACKER, "alice", PASSWORD);

        assertEquals(429, response.statusCode());
        assertFalse(response.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("identity_session")));
    }

    @Test
    void loginWhenSignedInThenDeviceCookieHttpOnlyStrictAndBoundToTheAccount() {
        HttpResponse<String> response = http.browserLogin(new Browser(), HOME, "alice", PASSWORD);

        String cookie = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("identity_device_default="))
                .findFirst().orElseThrow();
        assertTrue(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict") && cookie.contains("; Path=/"), cookie);
        assertFalse(cookie.contains("alice"), "the cookie does not name the account: " + cookie);
    }
}
