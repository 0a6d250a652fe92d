package dev.identityservice.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.server.testing.CountingSignatureProvider;
import dev.identityservice.server.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * One admin request verifies its bearer token's signature once: the admin guard verifies it, and the liveness
 * check (revoked? user disabled?) reuses the verified claims instead of verifying the signature again. Counted
 * at the JCA, where the guard's and the engine's RS256 verifications both pass (ES256 would not do: the guard
 * verifies ECDSA through Bouncy Castle, which the JCA does not see). The server signs and verifies with the JDK's
 * providers here ({@code signature.provider=jdk}): the native provider it picks by default is not looked up
 * through the JCA's list, so the counter would not see the engine's verifications.
 */
class AdminVerificationCountTest {

    @Test
    void adminRequestWhenFreshTokenThenOneSignatureVerification() {
        try (CountingSignatureProvider counter = CountingSignatureProvider.install(); TestServer server = TestServer.start(b -> b.signingAlgorithm(SigningAlgorithm.RS256).signatureProvider("jdk"))) {
            server.confidentialClient("demo");
            server.user("root", "admin");
            AdminHttp admin = new AdminHttp(server);
            String token = admin.token("", "demo", "root");

            long before = counter.verifications();
            assertEquals(200, admin.get("/admin/users", token).statusCode());
            assertEquals(1, counter.verifications() - before, "signature verifications of one admin request");

            // The same token again: the guard's verified-token cache may spare even that one, never adds one.
            before = counter.verifications();
            assertEquals(200, admin.get("/admin/users", token).statusCode());
            assertTrue(counter.verifications() - before <= 1, "second request: " + (counter.verifications() - before));

            // The counter sees the engine's own verifications too: userinfo verifies through the engine, once.
            before = counter.verifications();
            assertEquals(200, server.get("/oauth2/userinfo", "Authorization", "Bearer " + token).statusCode());
            assertEquals(1, counter.verifications() - before, "userinfo's verification is counted");
        }
    }
}
