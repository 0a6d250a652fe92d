package dev.identityservice.server.admin;

import static dev.identityservice.server.admin.AdminHttp.body;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Administrators editing one user at once over real HTTP, and a login right after "revoke every token".
 * Regressions: a PATCH built from a copy read before a concurrent disable or demotion wrote the whole row back
 * (enabled again, old roles); a login in the second of a revoke-all got a token refused for its lifetime.
 */
class ConcurrentUserEditsTest {

    private static final int ROUNDS = 12;
    private static final int PATCHES_PER_ROUND = 6;

    private static TestServer server;
    private static AdminHttp admin;
    private static String token;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("demo");
        server.user("root", "admin");
        admin = new AdminHttp(server);
        token = admin.token("", "demo", "root");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * Each round: the user is enabled and an admin again; then at once one request disables it, one demotes it
     * (PATCH roles) and six PATCH its attributes. Afterwards it must be disabled and demoted, and its password
     * refused, in every round; every answer is 200 (or 409 {@code conflict}, never a 500).
     */
    @Test
    void patchWhenConcurrentWithDisableAndDemoteThenNeverReEnabledOrRePromoted() throws Exception {
        String path = "/admin/users/" + server.user("frank", "admin", "user").id();
        ExecutorService pool = Executors.newFixedThreadPool(PATCHES_PER_ROUND + 2);
        int conflicts = 0;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                body(admin.post(path + "/enable", token, ""), 200);
                body(admin.send("PATCH", path, token, "{\"roles\":[\"admin\",\"user\"]}"), 200);
                CountDownLatch go = new CountDownLatch(1);
                List<Callable<HttpResponse<String>>> requests = new ArrayList<>();
                requests.add(() -> admin.post(path + "/disable", token, ""));
                requests.add(() -> admin.send("PATCH", path, token, "{\"roles\":[\"user\"]}"));
                for (int i = 0; i < PATCHES_PER_ROUND; i++) {
                    String attributes = "{\"attributes\":{\"round\":\"" + round + "\",\"editor\":\"" + i + "\"}}";
                    requests.add(() -> admin.send("PATCH", path, token, attributes));
                }
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (Callable<HttpResponse<String>> request : requests) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return request.call();
                    }));
                }
                go.countDown();
                for (Future<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
                    if (response.statusCode() == 409) {
                        assertEquals("conflict", body(response, 409).get("error").asText());
                        conflicts++;
                    } else {
                        assertEquals(200, response.statusCode(), response.body());
                    }
                }

                JsonNode user = body(admin.get(path, token), 200);
                assertFalse(user.get("enabled").asBoolean(), "round " + round + ": the disable is kept: " + user);
                assertEquals("[\"user\"]", user.get("roles").toString(), "round " + round + ": the demotion is kept");
                assertEquals(400, server.post("/oauth2/token", form("grant_type", "password", "username", "frank",
                        "password", TestServer.PASSWORD), "Authorization", basic("demo", TestServer.SECRET)).statusCode());
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("concurrent user edits over HTTP: %d rounds of %d requests, %d answered 409%n",
                ROUNDS, PATCHES_PER_ROUND + 2, conflicts);
    }

    /**
     * "Revoke every token", then at once a login: its token works (userinfo 200), while a token from before the
     * revocation stays refused; three times, so that most tries fall in the revocation's second.
     */
    @Test
    void userinfoWhenLoginRightAfterRevokeTokensThenOkAndOlderTokenRefused() {
        String path = "/admin/users/" + server.user("grace", "user").id();
        for (int i = 0; i < 3; i++) {
            String before = server.passwordLogin("demo", "grace").get("access_token").asText();
            assertEquals(204, admin.post(path + "/revoke-tokens", token, "").statusCode());
            String after = server.passwordLogin("demo", "grace").get("access_token").asText();

            assertEquals(200, server.get("/oauth2/userinfo", "Authorization", "Bearer " + after).statusCode(),
                    "a login right after the revocation works");
            assertEquals(401, server.get("/oauth2/userinfo", "Authorization", "Bearer " + before).statusCode());
        }
        assertTrue(body(admin.get(path, token), 200).get("tokensValidAfter").asText().matches(".*T\\d\\d:\\d\\d:\\d\\dZ"),
                "the cut-off is a whole second");
    }
}
