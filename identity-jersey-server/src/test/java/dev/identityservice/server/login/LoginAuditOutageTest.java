package dev.identityservice.server.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.ThrottledLog;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.server.testing.CapturedLog;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The login counters' table taken away under a running server (renamed, so every reservation fails in the
 * database as in an outage of that table): every password login is refused with 503, but the log gets one
 * {@code login.unavailable} line per failure kind and interval, without a stack trace, not one per attempt.
 */
class LoginAuditOutageTest {

    private static final int ATTEMPTS = 20;

    private final MutableClock clock = MutableClock.startingNow();
    private TestServer server;
    private LoginHttp http;

    @BeforeEach
    void start() {
        server = TestServer.start(b -> b.trustedProxies("127.0.0.1").issuer("http://id.test"), clock, hasher -> hasher);
        server.confidentialClient(LoginHttp.CLIENT);
        server.user("alice", "user");
        http = new LoginHttp(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void passwordGrantWhenCountersUnavailableThenOneLogLinePerKindAndIntervalWithoutStackTrace() throws Exception {
        assertEquals(200, http.passwordGrant("198.51.100.1", "alice", TestServer.PASSWORD).statusCode());
        sql("ALTER TABLE login_attempts RENAME TO login_attempts_away");
        try (CapturedLog log = new CapturedLog()) {
            for (int i = 0; i < ATTEMPTS; i++) {
                HttpResponse<String> answer = http.passwordGrant("198.51.100." + (i + 2), "alice", "guess-" + i);
                assertEquals(503, answer.statusCode(), answer.body());
                assertTrue(answer.body().contains("temporarily_unavailable"), answer.body());
            }
            List<String> lines = unavailableLines(log);
            assertEquals(1, lines.size(), String.join("\n", log.lines()));
            assertTrue(lines.get(0).contains("channel=token database=failed"), lines.get(0));
            assertTrue(log.lines().stream().noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception:")
                    && !line.contains("event=login.unavailable")), "no stack trace: " + String.join("\n", log.lines()));

            // An interval later the next failure is logged again, with the count of those left out.
            clock.advance(ThrottledLog.INTERVAL_DEFAULT);
            assertEquals(503, http.passwordGrant("198.51.100.99", "alice", "late-guess").statusCode());
            lines = unavailableLines(log);
            assertEquals(2, lines.size(), String.join("\n", lines));
            assertTrue(lines.get(1).endsWith("(" + (ATTEMPTS - 1) + " more like it since the last line)"), lines.get(1));
        } finally {
            sql("ALTER TABLE login_attempts_away RENAME TO login_attempts");
        }
        assertEquals(200, http.passwordGrant("198.51.100.1", "alice", TestServer.PASSWORD).statusCode());
        assertTrue(server.metrics().contains(
                "identity_login_attempts_total{channel=\"token\",outcome=\"unavailable\"} " + (ATTEMPTS + 1)), "every attempt counted");
    }

    private static List<String> unavailableLines(CapturedLog log) {
        return log.lines().stream().filter(line -> line.contains("event=login.unavailable")).toList();
    }

    private void sql(String statement) throws SQLException {
        try (Connection connection = server.server.engine().database().dataSource().getConnection();
             Statement s = connection.createStatement()) {
            s.execute(statement);
        }
    }
}
