package dev.identityservice.server.observability;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.user.User;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Everything the server logs during sign-ins and token flows (good and bad) at INFO, and our own packages at
 * DEBUG, holds no password, no client secret, no token and no username typed at a failed login.
 */
class NoSecretsInLogsTest {

    private static final String TYPED_AS_USERNAME = "Typed-Password-In-Username-Field-42";
    private static final String WRONG_SECRET = "wrong-secret-that-is-long-enough-0123456789";
    private static final String NEW_PASSWORD = "a-brand-new-password-for-alice-77";

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private TestServer server;
    private Logger root;
    private Logger ours;
    private Logger audit;
    private Level rootLevel;
    private Level oursLevel;
    private Level auditLevel;

    @BeforeEach
    void capture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ours = context.getLogger("dev.identityservice");
        rootLevel = root.getLevel();
        oursLevel = ours.getLevel();
        audit = context.getLogger("dev.identityservice.audit");
        auditLevel = audit.getLevel();
        root.setLevel(Level.INFO);
        ours.setLevel(Level.DEBUG);
        audit.setLevel(Level.DEBUG);
        captured.setContext(context);
        captured.start();
        root.addAppender(captured);
    }

    @AfterEach
    void restore() {
        root.detachAppender(captured);
        root.setLevel(rootLevel);
        ours.setLevel(oursLevel);
        audit.setLevel(auditLevel);
    }

    @Test
    void loginAndTokenFlowsWhenRunThenNoCapturedLineHoldsASecret() {
        List<String> secrets = new ArrayList<>(List.of(TestServer.PASSWORD, TestServer.SECRET, TYPED_AS_USERNAME,
                WRONG_SECRET, NEW_PASSWORD));
        server = TestServer.start();
        try {
            server.confidentialClient("demo");
            User alice = server.user("alice", "admin");
            JsonNode login = server.passwordLogin("demo", "alice");
            secrets.addAll(List.of(login.get("access_token").asText(), login.get("refresh_token").asText(),
                    login.get("id_token").asText()));
            String refresh = login.get("refresh_token").asText();
            String access = login.get("access_token").asText();

            HttpResponse<String> rotated = token("grant_type", "refresh_token", "refresh_token", refresh);
            secrets.addAll(List.of(json(rotated.body()).get("access_token").asText(), json(rotated.body()).get("refresh_token").asText()));
            token("grant_type", "refresh_token", "refresh_token", refresh);                       // reuse: family revoked
            token("grant_type", "password", "username", TYPED_AS_USERNAME, "password", "x-wrong-password-1");
            token("grant_type", "password", "username", "alice", "password", "x-wrong-password-2");
            secrets.addAll(List.of("x-wrong-password-1", "x-wrong-password-2"));
            HttpResponse<String> credentials = token("grant_type", "client_credentials");
            secrets.add(json(credentials.body()).get("access_token").asText());
            server.post("/oauth2/token", form("grant_type", "client_credentials"), "Authorization", basic("demo", WRONG_SECRET));
            server.post("/oauth2/introspect", form("token", access), "Authorization", basic("demo", TestServer.SECRET));
            server.get("/userinfo", "Authorization", "Bearer " + access);
            server.get("/userinfo", "Authorization", "Bearer " + access + "tampered");
            String admin = server.passwordLogin("demo", "alice").get("access_token").asText();
            secrets.add(admin);
            server.post("/admin/users/" + alice.id() + "/password", "{\"password\":\"" + NEW_PASSWORD + "\"}",
                    "Authorization", "Bearer " + admin, "Content-Type", "application/json");
            server.post("/oauth2/revoke", form("token", refresh), "Authorization", basic("demo", TestServer.SECRET));
            server.flushAudit();
        } finally {
            server.close();
        }

        List<ILoggingEvent> events;
        synchronized (captured) { // appended under this lock, also by Jetty's access log after a response was sent
            events = List.copyOf(captured.list);
        }
        List<String> lines = events.stream().map(NoSecretsInLogsTest::text).toList();
        assertTrue(lines.stream().anyMatch(line -> line.contains("event=login.failed")), "the flows were logged: " + lines);
        assertTrue(lines.stream().anyMatch(line -> line.contains("event=refresh.reused")), String.join("\n", lines));
        for (String line : lines) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret), "a secret in the log: " + line);
            }
        }
        assertEquals(List.of(), lines.stream().filter(line -> line.toLowerCase().contains("typed-password")).toList());
    }

    private static String text(ILoggingEvent event) {
        return event.getLoggerName() + " " + event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
    }

    private HttpResponse<String> token(String... form) {
        return server.post("/oauth2/token", form(form), "Authorization", basic("demo", TestServer.SECRET));
    }
}
