package dev.identityservice.server.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * User enumeration by timing: a login for a username that does not exist costs what a wrong password for one that
 * does costs (the authenticator hashes against a dummy hash and reads the same one row, and the throttle treats
 * both alike). A measured property on a shared 2-core machine, so it is measured robustly: after a warm-up, 200
 * pairs of one try of each kind back to back (alternating which goes first), and the median of the pairs'
 * differences compared with the median try. Load that drifts during the run slows both tries of a pair alike and
 * cancels out of each difference, where two separate medians would carry it as noise (seen: 5% to 12% apart between
 * runs under a load average of 17, with no change to the code). The hash is made costly enough (4 MiB Argon2id,
 * about half a try) that skipping it for unknown users would be a difference several times the tolerance.
 */
class LoginTimingTest {

    private static final int TRIES = 200;
    private static final int WARM_UP = 30;

    @Test
    void tokenWhenUserUnknownOrPasswordWrongThenMedianTimesDifferByLessThanTenPercent() {
        try (TestServer server = TestServer.start(b -> b.trustedProxies("127.0.0.1").issuer("http://id.test")
                .passwordHashMemoryKib(4096).passwordHashIterations(1)
                // This test measures the hash path; the budgets are the other tests' subject.
                .loginLimitAccountAddress(100_000).loginLimitAddress(100_000).loginLimitAccount(100_000))) {
            server.confidentialClient(LoginHttp.CLIENT);
            server.user("alice", "user");
            LoginHttp http = new LoginHttp(server);
            // The same two names throughout: both then meet existing throttle rows, as a prober repeating a name does.
            for (int i = 0; i < WARM_UP; i++) {
                time(http, "alice");
                time(http, "nobody");
            }

            long[] wrongPassword = new long[TRIES];
            long[] unknownUser = new long[TRIES];
            for (int i = 0; i < TRIES; i++) {
                if (i % 2 == 0) {
                    wrongPassword[i] = time(http, "alice");
                    unknownUser[i] = time(http, "nobody");
                } else {
                    unknownUser[i] = time(http, "nobody");
                    wrongPassword[i] = time(http, "alice");
                }
            }

            long[] differences = new long[TRIES];
            long[] all = new long[2 * TRIES];
            for (int i = 0; i < TRIES; i++) {
                differences[i] = unknownUser[i] - wrongPassword[i];
                all[2 * i] = unknownUser[i];
                all[2 * i + 1] = wrongPassword[i];
            }
            double typical = median(all);
            double difference = Math.abs(median(differences)) / typical;
            System.out.printf("login timing over %d pairs: wrong password median %.2f ms, unknown user median %.2f ms, "
                            + "median pair difference %.2f ms = %.1f%% of the median try%n", TRIES, median(wrongPassword) / 1e6,
                    median(unknownUser) / 1e6, median(differences) / 1e6, difference * 100);
            assertTrue(difference < 0.10, String.format("unknown user minus wrong password: median %.2f ms of %.2f ms",
                    median(differences) / 1e6, typical / 1e6));
        }
    }

    private static long time(LoginHttp http, String username) {
        long start = System.nanoTime();
        HttpResponse<String> response = http.passwordGrant("192.0.2.1", username, "not the password");
        long elapsed = System.nanoTime() - start;
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("Invalid username or password"), response.body());
        return elapsed;
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    }
}
