package dev.identityservice.server.breaker;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.CapturedLog;
import dev.identityservice.server.testing.CodeFlowSignIn;
import dev.identityservice.server.testing.LogoutReceiver;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Breaker: back-channel logout receivers that fail (500 then give-up, 404, hang) make the sender log; no line
 * carries the logout token (or its signature), the client secret, the ID token or the session cookie.
 */
class BreakerBackChannelLogSecretsTest {

    private static final String REDIRECT = "https://app.example.com/callback";
    private static LogoutReceiver receiver;
    private static TestServer server;

    @BeforeAll
    static void start() {
        receiver = new LogoutReceiver();
        server = TestServer.start(b -> b.backChannelLogoutTimeout(Duration.ofMillis(500))
                .backChannelLogoutRetryDelay(Duration.ofMillis(100)).backChannelLogoutMaxAttempts(2)
                .backChannelLogoutConcurrency(2).outboundAllowPrivateAddresses(true));
    }

    @AfterAll
    static void stop() {
        server.close();
        receiver.close();
    }

    @Test
    void failingReceiversLogNoSecret() throws Exception {
        server.save(server.confidential(Tenant.DEFAULT_ID, "rp-500").backchannelLogoutUri(receiver.uri("/rp/500", 500, 500)));
        server.save(server.confidential(Tenant.DEFAULT_ID, "rp-404").backchannelLogoutUri(receiver.uri("/rp/404", 404)));
        server.save(server.confidential(Tenant.DEFAULT_ID, "rp-hang").backchannelLogoutUri(
                receiver.uri("/rp/hang", LogoutReceiver.HANG, LogoutReceiver.HANG)));
        try (CapturedLog log = new CapturedLog()) {
            List<String> idTokens = new java.util.ArrayList<>();
            for (String rp : List.of("rp-500", "rp-404", "rp-hang")) {
                User user = server.user("u-" + UUID.randomUUID());
                Browser browser = new Browser();
                HttpResponse<String> tokens = CodeFlowSignIn.tokens(server, browser, rp, SECRET, REDIRECT, user, true);
                String idToken = json(tokens.body()).get("id_token").asText();
                idTokens.add(idToken);
                idTokens.add(json(tokens.body()).get("access_token").asText());
                assertEquals(200, browser.post(server.uri("/oauth2/logout"), form("id_token_hint", idToken)).statusCode());
            }
            List<LogoutReceiver.Delivery> seen = receiver.await(d -> d.path().startsWith("/rp/"), 5, Duration.ofSeconds(15));
            Thread.sleep(1500); // attempts recorded and the give-up lines written
            List<String> lines = log.lines();
            assertTrue(lines.stream().anyMatch(l -> l.contains("given up")), String.join("\n", lines));
            for (LogoutReceiver.Delivery d : receiver.deliveries()) {
                String token = d.logoutToken();
                if (token == null) {
                    continue;
                }
                for (String line : lines) {
                    assertFalse(line.contains(token), "a line carries a logout token: " + line);
                    assertFalse(line.contains(token.substring(token.lastIndexOf('.') + 1)), "a line carries a signature: " + line);
                }
            }
            for (String line : lines) {
                assertFalse(line.contains(SECRET), line);
                for (String t : idTokens) {
                    assertFalse(line.contains(t.substring(t.lastIndexOf('.') + 1)), "a line carries a token: " + line);
                }
            }
            assertTrue(seen.size() >= 5, "deliveries seen: " + seen.size());
        }
    }
}
