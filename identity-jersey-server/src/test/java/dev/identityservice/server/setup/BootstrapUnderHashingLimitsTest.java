package dev.identityservice.server.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.identityservice.server.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: start-up hashes (the bootstrap admin's password) run under the same hashing limits as logins, next to
 * the login's dummy hash made in the background at start-up. With one slot and no queue (valid settings) the two
 * must not refuse each other: start-up has no client to answer 503 to.
 */
class BootstrapUnderHashingLimitsTest {

    @Test
    void startWhenOneSlotAndNoQueueThenBootstrapStillHashesTheAdminPassword() {
        for (int i = 0; i < 3; i++) {
            try (TestServer server = TestServer.start(b -> b.bootstrap(true).bootstrapAdminPassword("an admin password long enough")
                    .passwordHashMemoryKib(16 * 1024).passwordHashIterations(4)
                    .passwordHashConcurrency(1).passwordHashQueue(0))) {
                assertEquals(200, server.get("/oauth2/jwks").statusCode());
            }
        }
    }
}
