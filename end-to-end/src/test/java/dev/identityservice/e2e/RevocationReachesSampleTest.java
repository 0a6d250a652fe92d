package dev.identityservice.e2e;

import static dev.identityservice.e2e.QuickstartStack.ALICE;
import static dev.identityservice.e2e.QuickstartStack.ALICE_PASSWORD;
import static dev.identityservice.e2e.QuickstartStack.CAROL;
import static dev.identityservice.e2e.QuickstartStack.CAROL_PASSWORD;
import static dev.identityservice.e2e.QuickstartStack.QUICKSTART_CLIENT;
import static dev.identityservice.e2e.QuickstartStack.QUICKSTART_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 15's measurement, with the real server and the real sample app as the quickstart runs them (the sample's
 * guard takes the server's security events; its verified-token cache is on): an access token revoked at the
 * server (RFC 7009), a user disabled through the management API (all their tokens), and a rotate-and-revoke of the
 * signing key (every token of that key) are each refused by the sample within 1 s, p99 over
 * {@code -Didentity.e2e.revocation.trials} trials (default 100), each token cached by earlier use, while a load
 * generator drives the sample at about 1,000 requests/s with other valid tokens. p50/p99/max are printed.
 *
 * <p>A trial's latency runs from just before the server is asked (the revocation or disable request is sent; for
 * rotate-and-revoke, from the server's answer, since that request generates the successor key before it commits the
 * revocation) to the first 401 the sample answers for every token concerned, probed every few milliseconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RevocationReachesSampleTest {

    static final int TRIALS = Integer.getInteger("identity.e2e.revocation.trials", 100);
    static final int LOAD_PER_SECOND = Integer.getInteger("identity.e2e.revocation.load", 1000);
    /** The bound; {@code -Didentity.e2e.revocation.bound-ms} only to explore a slower machine. */
    static final Duration BOUND = Duration.ofMillis(Long.getLong("identity.e2e.revocation.bound-ms", 1000));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static QuickstartStack stack;

    @BeforeAll
    static void start() throws Exception {
        // The quickstart, with the quickstart client's tokens (aud demo-api) accepted by the management API too.
        stack = QuickstartStack.start(server -> server.adminAudiences("demo-api"), Map.of());
        stack.awaitReceivers(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void revokedAccessTokenWhenCachedBySampleUnderLoadThenRefusedWithinOneSecondP99() throws Exception {
        List<Long> millis = new ArrayList<>();
        try (LoadGenerator load = LoadGenerator.start(stack.sample("api/me"), logins(ALICE, ALICE_PASSWORD, 8), LOAD_PER_SECOND)) {
            for (int trial = 0; trial < TRIALS; trial++) {
                String token = login(ALICE, ALICE_PASSWORD);
                cached(token);
                millis.add(latency(List.of(token), () -> send(post("/oauth2/revoke", "token=" + token,
                        "Authorization", Http.basic(QUICKSTART_CLIENT, QUICKSTART_SECRET)))));
            }
            LoadGenerator.Stats stats = load.stats();
            report("access token revoked (RFC 7009)", millis, stats);
            assertEquals(0, stats.refused() + stats.other(), "the load's tokens are all still accepted: " + stats);
        }
        assertWithinBound(millis);
    }

    @Test
    @Order(2)
    void userDisabledWhenTokensCachedBySampleUnderLoadThenAllTheirTokensRefusedWithinOneSecondP99() throws Exception {
        String admin = login(CAROL, CAROL_PASSWORD);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < TRIALS; i++) {
            HttpResponse<String> created = send(HttpRequest.newBuilder(stack.issuer("/admin/users"))
                    .header("Authorization", Http.bearer(admin)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"disabled-" + i
                            + "\",\"password\":\"a long passphrase " + i + "\",\"roles\":[\"user\"]}")));
            assertEquals(201, created.statusCode(), created.body());
            ids.add(JSON.readTree(created.body()).path("id").asText());
        }
        List<Long> millis = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> disables = new ArrayList<>();
        try (LoadGenerator load = LoadGenerator.start(stack.sample("api/me"), logins(ALICE, ALICE_PASSWORD, 8), LOAD_PER_SECOND)) {
            for (int trial = 0; trial < TRIALS; trial++) {
                String username = "disabled-" + trial;
                String token = login(username, "a long passphrase " + trial);
                String other = login(username, "a long passphrase " + trial);
                cached(token);
                cached(other);
                String id = ids.get(trial);
                // The server answers a disable once its clock passed the cut-off second (up to 1 s): not awaited here.
                millis.add(latency(List.of(token, other), () -> {
                    CompletableFuture<HttpResponse<String>> disabled = sendAsync(HttpRequest.newBuilder(
                            stack.issuer("/admin/users/" + id + "/disable")).header("Authorization", Http.bearer(admin))
                            .POST(HttpRequest.BodyPublishers.noBody()));
                    disables.add(disabled);
                    return null;
                }));
            }
            LoadGenerator.Stats stats = load.stats();
            report("user disabled (admin API)", millis, stats);
            assertEquals(0, stats.refused() + stats.other(), "the load's tokens are all still accepted: " + stats);
        }
        for (CompletableFuture<HttpResponse<String>> disabled : disables) {
            HttpResponse<String> response = disabled.get();
            assertTrue(response.statusCode() / 100 == 2, response.statusCode() + " " + response.body());
        }
        assertWithinBound(millis);
    }

    @Test
    @Order(3)
    void signingKeyRotatedAndRevokedWhenTokensCachedBySampleUnderLoadThenEveryTokenOfTheKeyRefusedWithinOneSecondP99()
            throws Exception {
        List<Long> millis = new ArrayList<>();
        List<Long> requestMillis = new ArrayList<>();
        try (LoadGenerator load = LoadGenerator.start(stack.sample("api/me"), logins(ALICE, ALICE_PASSWORD, 8), LOAD_PER_SECOND)) {
            for (int trial = 0; trial < TRIALS; trial++) {
                String admin = login(CAROL, CAROL_PASSWORD); // the last revocation took the previous one
                String token = login(ALICE, ALICE_PASSWORD);
                String other = login(ALICE, ALICE_PASSWORD);
                cached(token);
                cached(other);
                millis.add(latencyFromAnswer(List.of(token, other), () -> {
                    long sent = System.nanoTime();
                    HttpResponse<String> rotated = send(HttpRequest.newBuilder(stack.issuer("/admin/keys/rotate-and-revoke"))
                            .header("Authorization", Http.bearer(admin)).POST(HttpRequest.BodyPublishers.noBody()));
                    requestMillis.add((System.nanoTime() - sent) / 1_000_000);
                    assertEquals(200, rotated.statusCode(), rotated.body());
                    return null;
                }));
                load.tokens(logins(ALICE, ALICE_PASSWORD, 4)); // the load's tokens went with the key
            }
            LoadGenerator.Stats stats = load.stats();
            report("signing key rotated and revoked (admin API)", millis, stats);
            requestMillis.sort(null);
            System.out.printf("Revocation reaches the sample: measured from the answer; the rotate-and-revoke request"
                    + " itself (a new key generated before the commit) took p50 %d ms, p99 %d ms%n", percentile(requestMillis, 50), percentile(requestMillis, 99));
            assertEquals(0, stats.other(), "no errors but the load's own revoked tokens: " + stats);
        }
        assertWithinBound(millis);
    }

    /**
     * Runs {@code action} (which asks the server to revoke) and probes the sample with each of {@code tokens} until it
     * answers 401 to all of them; returns the milliseconds from just before the action to the last of those answers.
     * (The events of one revocation are applied one after the other, so a user's tokens fall within milliseconds of
     * each other, not at one instant.)
     */
    private static long latency(List<String> tokens, Supplier<?> action) throws InterruptedException {
        long start = System.nanoTime();
        action.get();
        return untilRefused(tokens, start);
    }

    /**
     * As {@link #latency}, but from the server's answer: a rotate-and-revoke first generates the successor key (RSA,
     * p99 about 400 ms here, with a long tail on a loaded machine) and only then commits the revocation, so the
     * revocation exists from the answer on; the time the request itself took is reported beside.
     */
    private static long latencyFromAnswer(List<String> tokens, Supplier<?> action) throws InterruptedException {
        action.get();
        return untilRefused(tokens, System.nanoTime());
    }

    /** Probes the sample with each of {@code tokens} until it refuses them all; milliseconds since {@code start}. */
    private static long untilRefused(List<String> tokens, long start) throws InterruptedException {
        long deadline = start + Duration.ofSeconds(10).toNanos();
        List<String> accepted = new ArrayList<>(tokens);
        while (true) {
            for (java.util.Iterator<String> it = accepted.iterator(); it.hasNext(); ) {
                HttpResponse<String> response = get(it.next());
                if (response.statusCode() == 401) {
                    assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"),
                            response.headers().toString());
                    it.remove();
                } else {
                    assertEquals(200, response.statusCode(), response.body());
                }
            }
            if (accepted.isEmpty()) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the sample still accepts " + accepted.size() + " token(s) 10 s after they were revoked");
            }
            Thread.sleep(2);
        }
    }

    /** Uses the token at the sample until it is accepted (and so cached by the guard). */
    private static void cached(String token) {
        QuickstartStack.await("the sample accepts a fresh token", () -> get(token).statusCode() == 200, Duration.ofSeconds(5));
        assertEquals(200, get(token).statusCode());
    }

    private static void report(String kind, List<Long> millis, LoadGenerator.Stats load) {
        List<Long> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        System.out.printf("Revocation reaches the sample: %-45s trials %d, p50 %d ms, p99 %d ms, max %d ms; load: %s%n",
                kind, sorted.size(), percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1), load);
    }

    private static void assertWithinBound(List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        long p99 = percentile(sorted, 99);
        assertTrue(p99 < BOUND.toMillis(), "p99 " + p99 + " ms (sorted: " + sorted + ")");
    }

    /** The nearest-rank percentile of sorted values. */
    static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    static String login(String username, String password) {
        return login(stack, username, password);
    }

    /** An access token of {@code username} by the password grant of the quickstart client. */
    static String login(QuickstartStack on, String username, String password) {
        HttpResponse<String> response = send(post(on, "/oauth2/token", Http.form("grant_type", "password",
                "username", username, "password", password), "Authorization", Http.basic(QUICKSTART_CLIENT, QUICKSTART_SECRET)));
        assertEquals(200, response.statusCode(), response.body());
        try {
            JsonNode tokens = JSON.readTree(response.body());
            return tokens.path("access_token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> logins(String username, String password, int count) {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tokens.add(login(username, password));
        }
        return tokens;
    }

    static HttpResponse<String> get(String token) {
        return send(HttpRequest.newBuilder(stack.sample("api/me")).header("Authorization", Http.bearer(token)).GET());
    }

    private static HttpRequest.Builder post(String path, String form, String... headers) {
        return post(stack, path, form, headers);
    }

    private static HttpRequest.Builder post(QuickstartStack on, String path, String form, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(on.issuer(path))
                .header("Content-Type", Http.FORM).POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest.Builder request) {
        return HTTP.sendAsync(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
