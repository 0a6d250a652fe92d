package dev.identityservice.server.login;

import static dev.identityservice.server.login.LoginHttp.throttled;
import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The login throttle turned against the people it protects, and what it keeps about the names typed: attacks
 * found in review. Addresses come through {@code X-Forwarded-For} from the trusted proxy (the test client).
 */
class LoginAbuseTest {

    private static final String NAT = "198.51.100.20";
    private static final int ADDRESS_LIMIT = 10;

    private TestServer server;
    private LoginHttp http;

    @BeforeEach
    void start() {
        server = TestServer.start(b -> b.trustedProxies("127.0.0.1").issuer("http://id.test").loginLimitAddress(ADDRESS_LIMIT));
        server.confidentialClient(LoginHttp.CLIENT);
        server.user("alice", "user");
        server.user("bob", "user");
        http = new LoginHttp(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void tokenWhenSomeoneBehindTheOwnersNatSpendsTheAddressBudgetThenTheOwnerStillSignsInFromThere() {
        assertEquals(200, http.passwordGrant(NAT, "alice", PASSWORD).statusCode(), "alice signs in from her office NAT");
        List<CompletableFuture<HttpResponse<String>>> spray = new ArrayList<>();
        for (int i = 0; i < ADDRESS_LIMIT + 5; i++) {
            spray.add(http.passwordGrantAsync(NAT, "made-up-" + i, "guess"));
        }
        assertTrue(spray.stream().map(CompletableFuture::join).anyMatch(LoginHttp::throttled), "the NAT's address budget is spent");

        HttpResponse<String> owner = http.passwordGrant(NAT, "alice", PASSWORD);

        assertEquals(200, owner.statusCode(), "a colleague's junk must not lock alice out where she signs in: " + owner.body());
        assertTrue(throttled(http.passwordGrant(NAT, "bob", PASSWORD)), "bob never signed in here: the address budget applies");
    }

    /**
     * The documented limit of the design (README, "Login protection"): a password-grant client keeps no device
     * cookie, so at an address the account-at-address budget is all that lets its owner in, and someone behind the
     * same NAT can spend it. What must hold is the bound: the owner there is refused as throttled for at most one
     * window, never told the password is wrong, and signs in at once from anywhere else. (Closing the gap needs a
     * credential the client keeps, e.g. device-bound refresh tokens; not built.)
     */
    @Test
    void tokenWhenSomeoneBehindTheOwnersNatSpendsTheAccountAtAddressBudgetThenTheOwnerWaitsAtMostOneWindowThereAndSignsInElsewhere() {
        assertEquals(200, http.passwordGrant(NAT, "alice", PASSWORD).statusCode());
        for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS; i++) {
            http.passwordGrant(NAT, "alice", "guess-" + i);
        }

        HttpResponse<String> atTheNat = http.passwordGrant(NAT, "alice", PASSWORD);
        assertTrue(throttled(atTheNat), atTheNat.body());
        long retryAfter = Long.parseLong(atTheNat.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= LoginLimits.DEFAULT_WINDOW.toSeconds(), "Retry-After " + retryAfter);
        assertEquals(200, http.passwordGrant("203.0.113.7", "alice", PASSWORD).statusCode(), "elsewhere the owner signs in");
    }

    @Test
    void tokenWhenRefusedByTheAccountAtAddressBudgetThenNothingIsTakenFromTheAddressBudget() {
        for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS + 3 * ADDRESS_LIMIT; i++) {
            http.passwordGrant(NAT, "alice", "guess-" + i);
        }

        HttpResponse<String> bob = http.passwordGrant(NAT, "bob", PASSWORD);

        assertEquals(200, bob.statusCode(), "refused guesses at alice spend none of the address's budget: " + bob.body());
    }

    @Test
    void tokenWhenOneIpv6NetworkRotatesAddressesAndSpellingsThenItIsOneClientAddress() {
        String[] addresses = {"2001:db8:1:2::1", "2001:DB8:1:2::2", "[2001:db8:1:2:0:0:0:3]", "2001:db8:1:2:ffff::4",
            "2001:0db8:0001:0002::5"};
        for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS; i++) {
            assertFalse(throttled(http.passwordGrant(addresses[i], "alice", "guess-" + i)));
        }

        assertTrue(throttled(http.passwordGrant("2001:db8:1:2:abcd::99", "alice", "guess")),
                "a /64 is one subscriber: rotating its 2^64 addresses must not give a new budget each");
        assertEquals(200, http.passwordGrant("2001:db8:1:3::1", "alice", PASSWORD).statusCode(), "the next /64 is someone else");
    }

    @Test
    void tokenWhenAnIpv4AddressIsWrittenAsIpv4MappedIpv6ThenItIsTheSameAddress() {
        for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS; i++) {
            http.passwordGrant("192.0.2.7", "alice", "guess-" + i);
        }

        assertTrue(throttled(http.passwordGrant("::ffff:192.0.2.7", "alice", "guess")));
    }

    @Test
    void tokenWhenAPasswordIsTypedAsUsernameThenTheStoredBucketsAreNotPlainHashesOfIt() throws Exception {
        String typed = "Tr0ub4dor&3";
        assertTrue(throttled(http.passwordGrant(NAT, typed, "x")) == false);

        // Anyone with a copy of the table could test guesses offline against unkeyed hashes of what was typed.
        Set<String> plain = new HashSet<>();
        String account = "default\0" + typed.toLowerCase();
        plain.add(sha256("ACCOUNT_ADDRESS\0" + account + "\0" + NAT));
        plain.add(sha256("ACCOUNT\0" + account));
        Set<String> stored = buckets();

        assertFalse(stored.isEmpty());
        assertTrue(stored.stream().noneMatch(plain::contains), "stored: " + stored);
    }

    @Test
    void tokenAndLoginWhenTheAttemptCountersCannotBeReachedThen503WithRetryAfterAndNoPasswordCheck() throws Exception {
        http.passwordGrant(NAT, "alice", "guess");
        // Another session holds every counter's row: the reservation waits for its lock and times out.
        try (Connection holder = server.server.engine().database().dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.executeUpdate("UPDATE login_attempts SET attempts = attempts");
            }
            HttpResponse<String> token = http.passwordGrant(NAT, "alice", PASSWORD);
            HttpResponse<String> form = http.browserLogin(new Browser(), NAT, "alice", PASSWORD);
            holder.rollback();

            assertEquals(503, token.statusCode(), token.body());
            assertEquals("temporarily_unavailable", TestServer.json(token.body()).get("error").asText());
            assertTrue(Long.parseLong(token.headers().firstValue("Retry-After").orElseThrow()) > 0);
            assertEquals(503, form.statusCode(), form.body());
            assertTrue(form.headers().firstValue("Retry-After").isPresent());
            assertFalse(form.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("identity_session")));
        }
    }

    private Set<String> buckets() {
        return server.server.engine().database().withConnection(connection -> {
            Set<String> found = new HashSet<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT bucket FROM login_attempts");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        });
    }

    private static String sha256(String text) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
