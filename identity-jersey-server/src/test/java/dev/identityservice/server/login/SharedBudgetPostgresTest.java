package dev.identityservice.server.login;

import static dev.identityservice.server.login.LoginHttp.throttled;
import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.testing.CountingPasswordHasher;
import dev.identityservice.server.ServerConfig;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two server instances on one PostgreSQL schema (two {@code IdentityServer}s in this JVM, each with its own
 * Jetty, pool and engine; they share only the database and the master key, as instances behind a load
 * balancer do): the login budgets are one budget, and a device cookie of one instance is good at the other.
 * Skipped with a message without {@code IDENTITY_TEST_POSTGRES_URL}.
 */
class SharedBudgetPostgresTest {

    private static final String URL_VARIABLE = "IDENTITY_TEST_POSTGRES_URL";
    private static final String ATTACKER = "203.0.113.99";

    private final AtomicInteger hashes = new AtomicInteger();
    private String url;
    private String schema;
    private TestServer first;
    private TestServer second;

    @BeforeEach
    void start() throws SQLException {
        url = System.getenv(URL_VARIABLE);
        assumeTrue(url != null && !url.isBlank(), "PostgreSQL login test skipped: set " + URL_VARIABLE
                + "=jdbc:postgresql://127.0.0.1:5432/test?user=postgres to run it");
        schema = "login_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        String masterKey = MasterKey.generate().toBase64();
        Consumer<ServerConfig.Builder> shared = b -> b.dbUrl(schemaUrl).dbUser(null).masterKey(masterKey)
                .trustedProxies("127.0.0.1").issuer("http://id.test");
        first = TestServer.start(shared, Clock.systemUTC(), hasher -> new CountingPasswordHasher(hasher, hashes));
        first.confidentialClient(LoginHttp.CLIENT);
        first.user("alice", "user");
        second = TestServer.start(shared, Clock.systemUTC(), hasher -> new CountingPasswordHasher(hasher, hashes));
    }

    @AfterEach
    void stop() throws SQLException {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void tokenWhenConcurrentGuessesSpreadOverTwoInstancesThenOneBudgetReachesTheHash() {
        LoginHttp[] instances = {new LoginHttp(first), new LoginHttp(second)};
        List<CompletableFuture<HttpResponse<String>>> guesses = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            guesses.add(instances[i % 2].passwordGrantAsync(ATTACKER, "alice", "guess-" + i));
        }
        guesses.forEach(CompletableFuture::join);

        assertTrue(hashes.get() <= LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS, "hashed on both instances together: " + hashes.get());
        assertTrue(throttled(instances[0].passwordGrant(ATTACKER, "alice", PASSWORD)));
        assertTrue(throttled(instances[1].passwordGrant(ATTACKER, "alice", PASSWORD)));
    }

    @Test
    void tokenWhenOneInstanceSpendsTheBudgetThenTheOtherRefusesTheNextGuess() {
        LoginHttp one = new LoginHttp(first);
        for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS; i++) {
            assertTrue(!throttled(one.passwordGrant(ATTACKER, "alice", "guess-" + i)));
        }

        HttpResponse<String> next = new LoginHttp(second).passwordGrant(ATTACKER, "alice", "guess");

        assertTrue(throttled(next), next.body());
        assertEquals(LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS, hashes.get());
    }

    @Test
    void loginWhenDeviceCookieIssuedByOneInstanceThenItExemptsTheOwnerAtTheOther() {
        Browser owner = new Browser();
        assertEquals(302, new LoginHttp(first).browserLogin(owner, "198.51.100.10", "alice", PASSWORD).statusCode());
        LoginHttp other = new LoginHttp(second);
        for (int i = 0; i <= LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS; i++) {
            other.passwordGrant(ATTACKER, "alice", "guess-" + i);
        }

        // The browser's cookies are per host, and both instances are 127.0.0.1: it carries the first one's cookie.
        assertEquals(302, other.browserLogin(owner, ATTACKER, "alice", PASSWORD).statusCode());
        assertEquals(429, other.browserLogin(new Browser(), ATTACKER, "alice", PASSWORD).statusCode());
    }
}
