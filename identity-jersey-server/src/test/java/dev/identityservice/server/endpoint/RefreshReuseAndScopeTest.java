package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Refresh-token reuse (RFC 9700 §4.14.2) and scope narrowing (RFC 6749 §6) over HTTP: a replay half a second
 * after the rotation, with and without a client's grace, seen in the answers, the log and {@code /metrics}.
 */
class RefreshReuseAndScopeTest {

    /** Longer than the replay delay plus a slow request on a loaded machine. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("strict");
        server.save(server.confidential(Tenant.DEFAULT_ID, "graced")
                .tokenSettings(TokenSettings.DEFAULTS.withRefreshReuseGrace(GRACE)));
        server.user("alice", "user");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void refreshWhenReplayedHalfASecondAfterRotationUnderDefaultGraceThenFamilyRevokedLoggedAndCounted() throws Exception {
        String first = server.passwordLogin("strict", "alice").get("refresh_token").asText();
        String second = json(refresh("strict", first).body()).get("refresh_token").asText();
        double before = reuseCount("family_revoked");

        Thread.sleep(500);
        String log = capturingStandardError(() -> assertEquals(400, refresh("strict", first).statusCode()));

        HttpResponse<String> newest = refresh("strict", second);
        assertEquals(400, newest.statusCode(), "the whole family is revoked, the newest token included");
        assertEquals("invalid_grant", json(newest.body()).get("error").asText());
        assertEquals(before + 1, reuseCount("family_revoked"));
        assertTrue(log.contains("Refresh token reuse detected") && log.contains("client=strict")
                && log.contains("outcome=FAMILY_REVOKED"), log);
        assertFalse(log.contains(first) || log.contains(second), "no token value in the log");
    }

    @Test
    void refreshWhenReplayedWithinConfiguredGraceThenRefusedFamilyIntactLoggedAndCounted() throws Exception {
        String first = server.passwordLogin("graced", "alice").get("refresh_token").asText();
        String second = json(refresh("graced", first).body()).get("refresh_token").asText();
        double before = reuseCount("within_grace");

        Thread.sleep(500);
        String log = capturingStandardError(() -> assertEquals(400, refresh("graced", first).statusCode()));

        HttpResponse<String> newest = refresh("graced", second);
        assertEquals(200, newest.statusCode(), "the family is intact: " + newest.body());
        assertEquals(before + 1, reuseCount("within_grace"));
        assertTrue(log.contains("client=graced") && log.contains("outcome=WITHIN_GRACE"), log);
        assertFalse(log.contains(first), "no token value in the log");
    }

    /**
     * A thief holding the current refresh token races the client with it: exactly one request wins, and the
     * loser, whether it read the token before the rotation or after, is a second use of one token that an operator
     * must see. Each loser is counted: {@code family_revoked} under the default grace of 0 (the race revokes the
     * family), {@code concurrent} (refused, family kept) for a client with a grace.
     */
    @Test
    void refreshWhenTwoRequestsRaceWithOneTokenThenOneWinsAndEveryLoserCounted() throws Exception {
        int rounds = 8;
        double before = reuseCount("concurrent") + reuseCount("family_revoked");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < rounds; round++) {
                String token = server.passwordLogin("strict", "alice").get("refresh_token").asText();
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Integer>> racers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    racers.add(pool.submit(() -> {
                        start.await(5, TimeUnit.SECONDS);
                        return refresh("strict", token).statusCode();
                    }));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> racer : racers) {
                    statuses.add(racer.get(30, TimeUnit.SECONDS));
                }
                assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(before + rounds, reuseCount("concurrent") + reuseCount("family_revoked"),
                "every losing request is a detected reuse, counted");
    }

    @Test
    void refreshWhenNarrowedThenRefreshedWithoutScopeThenOriginalScopeAndIdTokenBack() {
        JsonNode login = server.passwordLogin("strict", "alice");
        assertTrue(login.hasNonNull("id_token"));

        HttpResponse<String> narrowed = server.post("/oauth2/token", form("grant_type", "refresh_token",
                "refresh_token", login.get("refresh_token").asText(), "scope", "profile"), "Authorization", basic("strict", SECRET));
        assertEquals(200, narrowed.statusCode(), narrowed.body());
        JsonNode narrow = json(narrowed.body());
        assertEquals("profile", narrow.get("scope").asText());
        assertNull(narrow.get("id_token"), "openid was not asked for now");

        HttpResponse<String> widened = refresh("strict", narrow.get("refresh_token").asText());
        assertEquals(200, widened.statusCode(), widened.body());
        JsonNode again = json(widened.body());
        assertEquals(Set.of("openid", "profile", "email"), Set.of(again.get("scope").asText().split(" ")),
                "the rotated refresh token carries the scope of the grant");
        assertTrue(again.hasNonNull("id_token"), "and with openid the ID token comes back");
    }

    private static HttpResponse<String> refresh(String clientId, String refreshToken) {
        return server.post("/oauth2/token", form("grant_type", "refresh_token", "refresh_token", refreshToken),
                "Authorization", basic(clientId, SECRET));
    }

    /** {@code identity_refresh_reuse_detected_total{outcome=...}} as {@code /metrics} shows it; 0 before the first. */
    private static double reuseCount(String outcome) {
        Matcher m = Pattern.compile("(?m)^identity_refresh_reuse_detected_total\\{outcome=\"" + outcome + "\",?\\} (\\S+)$")
                .matcher(server.metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Runs {@code action} with standard error (where the test Logback configuration logs) captured, and returns what was written. */
    private static String capturingStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
