package dev.identityservice.server.logout;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.CapturedLog;
import dev.identityservice.server.testing.CodeFlowSignIn;
import dev.identityservice.server.testing.LogoutReceiver;
import dev.identityservice.server.testing.LogoutReceiver.Delivery;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenID Connect Back-Channel Logout 1.0 end to end over real HTTP: a real server, browsers signing in through
 * the authorize endpoint, and a real HTTP receiver standing in for the clients' {@code backchannel_logout_uri}.
 */
class BackChannelLogoutTest {

    private static final String REDIRECT = "https://app.example.com/callback";
    private static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Real time plus an offset the test moves: the cleanup sees expired sessions, everything else still ticks. */
    static final class ShiftedClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static LogoutReceiver receiver;
    private static TestServer server;

    @BeforeAll
    static void start() {
        receiver = new LogoutReceiver();
        server = TestServer.start(b -> b.backChannelLogoutTimeout(Duration.ofSeconds(1)).backChannelLogoutRetryDelay(Duration.ofMillis(200))
                .backChannelLogoutMaxAttempts(3).backChannelLogoutConcurrency(2).registrationMode("open")
                .outboundAllowPrivateAddresses(true)); // the receiver listens on 127.0.0.1
        server.confidentialClient("demo");
        server.user("root", "admin");
    }

    @AfterAll
    static void stop() {
        server.close();
        receiver.close();
    }

    @Test
    void logoutWhenClientTookPartThenSignedLogoutTokenPostedWithSidAndSub() throws Exception {
        client("web-rp", receiver.uri("/rp/web-rp"));
        client("bystander", receiver.uri("/rp/bystander"));
        User user = server.user("u-" + UUID.randomUUID());
        Browser browser = new Browser();
        String rawIdToken = signIn(browser, "web-rp", user);
        JWTClaimsSet idToken = SignedJWT.parse(rawIdToken).getJWTClaimsSet();
        String sid = idToken.getStringClaim("sid");
        assertNotNull(sid, "ID tokens of a session carry sid (Back-Channel Logout §2.1)");

        long started = System.nanoTime();
        HttpResponse<String> logout = browser.post(server.uri("/oauth2/logout"), form("id_token_hint", rawIdToken));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(200, logout.statusCode(), logout.body());

        Delivery delivery = receiver.await(d -> d.path().equals("/rp/web-rp"), 1, WAIT).get(0);
        assertEquals("application/x-www-form-urlencoded", delivery.contentType());
        JWTClaimsSet claims = verifiedLogoutToken(delivery.logoutToken());
        assertEquals(server.server.issuer().toString(), claims.getIssuer());
        assertEquals(List.of("web-rp"), claims.getAudience());
        assertEquals(sid, claims.getStringClaim("sid"));
        assertEquals(user.id(), claims.getSubject());
        assertEquals(idToken.getSubject(), claims.getSubject());
        assertNotNull(claims.getJWTID());
        assertNull(claims.getClaim("nonce"), "a logout token never carries a nonce (§2.4)");
        assertEquals(Map.of(EVENT, Map.of()), claims.getJSONObjectClaim("events"));
        Duration lifetime = Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant());
        assertTrue(lifetime.compareTo(Duration.ofMinutes(2)) <= 0 && !lifetime.isNegative(), lifetime.toString());
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "logout answered in " + took);
        Thread.sleep(300);
        assertEquals(1, receiver.deliveries().stream().filter(d -> d.path().equals("/rp/web-rp")).count(), "delivered once");
        assertTrue(receiver.deliveries().stream().noneMatch(d -> d.path().equals("/rp/bystander")),
                "a client that did not take part in the session is not told");
    }

    /**
     * Found by the OIDF suite (oidcc-prompt-login, oidcc-max-age-1 with a back-channel logout URI registered): the
     * same user signing in again with {@code prompt=login} is no logout. The session goes on (same {@code sid},
     * newer {@code auth_time}) and no client is told; a login of another user in that browser still ends it.
     */
    @Test
    void loginWhenSameUserSignsInAgainThenSessionContinuesAndNoLogoutTokenPosted() throws Exception {
        client("reauth-rp", receiver.uri("/rp/reauth-rp"));
        User user = server.user("u-" + UUID.randomUUID());
        Browser browser = new Browser();
        JWTClaimsSet first = SignedJWT.parse(signIn(browser, "reauth-rp", user)).getJWTClaimsSet();
        Thread.sleep(1100); // auth_time has whole seconds
        JWTClaimsSet again = SignedJWT.parse(signIn(browser, "reauth-rp", user)).getJWTClaimsSet();

        assertEquals(first.getStringClaim("sid"), again.getStringClaim("sid"), "the same session");
        assertTrue(again.getDateClaim("auth_time").after(first.getDateClaim("auth_time")),
                "prompt=login moves auth_time: " + first.getDateClaim("auth_time") + " then " + again.getDateClaim("auth_time"));
        JWTClaimsSet silent = SignedJWT.parse(signIn(browser, "reauth-rp", user, false)).getJWTClaimsSet();
        assertEquals(again.getDateClaim("auth_time"), silent.getDateClaim("auth_time"), "the session keeps the new auth_time");
        Thread.sleep(500);
        assertTrue(receiver.deliveries().stream().noneMatch(d -> d.path().equals("/rp/reauth-rp")),
                "re-authentication is not a logout");

        User other = server.user("u-" + UUID.randomUUID());
        String otherSid = SignedJWT.parse(signIn(browser, "reauth-rp", other)).getJWTClaimsSet().getStringClaim("sid");
        assertFalse(otherSid.equals(first.getStringClaim("sid")), "another user gets a new session");
        Delivery ended = receiver.await(d -> d.path().equals("/rp/reauth-rp"), 1, WAIT).get(0);
        assertEquals(first.getStringClaim("sid"), sidOf(ended), "the replaced session is logged out");
    }

    /** §2.4: the logout token is signed like the client's ID tokens; on this ES256 tenant those are RS256 by default. */
    @Test
    void logoutWhenClientIdTokensUseAnotherAlgorithmThanTheTenantThenLogoutTokenSignedWithTheIdTokenAlgorithm() throws Exception {
        client("rs-rp", receiver.uri("/rp/rs-rp"));
        server.save(server.confidential(Tenant.DEFAULT_ID, "es-rp").backchannelLogoutUri(receiver.uri("/rp/es-rp"))
                .idTokenSignedResponseAlg(SigningAlgorithm.ES256));
        for (String clientId : List.of("rs-rp", "es-rp")) {
            Browser browser = new Browser();
            String rawIdToken = signIn(browser, clientId, server.user("u-" + UUID.randomUUID()));
            HttpResponse<String> logout = browser.post(server.uri("/oauth2/logout"), form("id_token_hint", rawIdToken));
            assertEquals(200, logout.statusCode(), logout.body());
            Delivery delivery = receiver.await(d -> d.path().equals("/rp/" + clientId), 1, WAIT).get(0);
            SignedJWT logoutToken = SignedJWT.parse(delivery.logoutToken());
            SignedJWT idToken = SignedJWT.parse(rawIdToken);
            assertEquals(clientId.equals("rs-rp") ? "RS256" : "ES256", idToken.getHeader().getAlgorithm().getName());
            assertEquals(idToken.getHeader().getAlgorithm(), logoutToken.getHeader().getAlgorithm(), clientId);
            assertEquals(idToken.getHeader().getKeyID(), logoutToken.getHeader().getKeyID(), "the key of the ID tokens");
            assertEquals(List.of(clientId), verifiedLogoutToken(delivery.logoutToken()).getAudience());
        }
    }

    /**
     * The seam of registration and the OIDC features: what a client registers at {@code /oauth2/register}
     * (RFC 7591) is stored, read back by RFC 7592, and honoured: its ID tokens, signed userinfo and logout tokens.
     */
    @Test
    void registeredDynamicallyWhenAlgorithmsAndBackchannelLogoutUriGivenThenReadBackAndHonoured() throws Exception {
        String bcl = receiver.uri("/rp/dynamic");
        HttpResponse<String> registered = server.post("/oauth2/register", """
                {"redirect_uris":["%s"],"id_token_signed_response_alg":"ES256","userinfo_signed_response_alg":"RS256",
                 "backchannel_logout_uri":"%s","backchannel_logout_session_required":true}""".formatted(REDIRECT, bcl),
                "Content-Type", "application/json");
        assertEquals(201, registered.statusCode(), registered.body());
        JsonNode client = json(registered.body());
        String clientId = client.get("client_id").asText();
        HttpResponse<String> read = server.get(URI.create(client.get("registration_client_uri").asText()).getRawPath(),
                "Authorization", "Bearer " + client.get("registration_access_token").asText());
        assertEquals(200, read.statusCode(), read.body());
        JsonNode metadata = json(read.body());
        assertEquals("ES256", metadata.get("id_token_signed_response_alg").asText());
        assertEquals("RS256", metadata.get("userinfo_signed_response_alg").asText());
        assertEquals(bcl, metadata.get("backchannel_logout_uri").asText());
        assertTrue(metadata.get("backchannel_logout_session_required").asBoolean());

        Browser browser = new Browser();
        JsonNode tokens = json(signIn(server, browser, clientId, client.get("client_secret").asText(),
                server.user("u-" + UUID.randomUUID()), true).body());
        String rawIdToken = tokens.get("id_token").asText();
        assertEquals("ES256", SignedJWT.parse(rawIdToken).getHeader().getAlgorithm().getName());
        HttpResponse<String> userinfo = server.get("/oauth2/userinfo", "Authorization", "Bearer " + tokens.get("access_token").asText());
        assertEquals(200, userinfo.statusCode(), userinfo.body());
        assertTrue(userinfo.headers().firstValue("Content-Type").orElse("").startsWith("application/jwt"));
        assertEquals("RS256", SignedJWT.parse(userinfo.body()).getHeader().getAlgorithm().getName());

        assertEquals(200, browser.post(server.uri("/oauth2/logout"), form("id_token_hint", rawIdToken)).statusCode());
        Delivery delivery = receiver.await(d -> d.path().equals("/rp/dynamic"), 1, WAIT).get(0);
        assertEquals("ES256", SignedJWT.parse(delivery.logoutToken()).getHeader().getAlgorithm().getName());
        JWTClaimsSet claims = verifiedLogoutToken(delivery.logoutToken());
        assertEquals(List.of(clientId), claims.getAudience());
        assertEquals(SignedJWT.parse(rawIdToken).getJWTClaimsSet().getStringClaim("sid"), claims.getStringClaim("sid"));
    }

    @Test
    void adminDisableWhenUserHadSessionsThenEachParticipatingClientToldOfEachSession() throws Exception {
        client("disable-a", receiver.uri("/rp/disable-a"));
        client("disable-b", receiver.uri("/rp/disable-b"));
        User user = server.user("u-" + UUID.randomUUID());
        String sidA = SignedJWT.parse(signIn(new Browser(), "disable-a", user)).getJWTClaimsSet().getStringClaim("sid");
        Browser second = new Browser();
        String sidB = SignedJWT.parse(signIn(second, "disable-b", user)).getJWTClaimsSet().getStringClaim("sid");
        signIn(second, "disable-a", user, false); // both clients took part in the second session

        long started = System.nanoTime();
        HttpResponse<String> disabled = server.post("/admin/users/" + user.id() + "/disable", "",
                "Authorization", "Bearer " + adminToken());
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(200, disabled.statusCode(), disabled.body());

        List<Delivery> toA = receiver.await(d -> d.path().equals("/rp/disable-a"), 2, WAIT);
        List<Delivery> toB = receiver.await(d -> d.path().equals("/rp/disable-b"), 1, WAIT);
        assertEquals(2, toA.size());
        assertEquals(1, toB.size());
        assertEquals(java.util.Set.of(sidA, sidB), java.util.Set.of(sidOf(toA.get(0)), sidOf(toA.get(1))));
        assertEquals(sidB, sidOf(toB.get(0)));
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "the admin call answered in " + took);
    }

    @Test
    void adminRevokeTokensWhenUserHadSessionThenLogoutTokenPosted() throws Exception {
        client("revoke-rp", receiver.uri("/rp/revoke-rp"));
        User user = server.user("u-" + UUID.randomUUID());
        String sid = SignedJWT.parse(signIn(new Browser(), "revoke-rp", user)).getJWTClaimsSet().getStringClaim("sid");

        assertEquals(204, server.post("/admin/users/" + user.id() + "/revoke-tokens", "",
                "Authorization", "Bearer " + adminToken()).statusCode());

        List<Delivery> received = receiver.await(d -> d.path().equals("/rp/revoke-rp"), 1, WAIT);
        assertEquals(1, received.size());
        assertEquals(sid, sidOf(received.get(0)));
        assertEquals(user.id(), verifiedLogoutToken(received.get(0).logoutToken()).getSubject());
    }

    @Test
    void cleanupWhenSessionExpiredThenLogoutTokenPostedOnce() throws Exception {
        // Its own server: moving this clock by hours would put every other test's tokens in the future of the guard.
        ShiftedClock clock = new ShiftedClock();
        try (TestServer own = TestServer.start(b -> b.outboundAllowPrivateAddresses(true), clock, UnaryOperator.identity())) {
            own.save(own.confidential(Tenant.DEFAULT_ID, "expiry-rp").backchannelLogoutUri(receiver.uri("/rp/expiry-rp")));
            User user = own.user("u-" + UUID.randomUUID());
            String sid = SignedJWT.parse(signIn(own, new Browser(), "expiry-rp", user, true)).getJWTClaimsSet().getStringClaim("sid");
            own.server.engine().cleanup().deleteExpired();
            Thread.sleep(1500);
            assertTrue(receiver.deliveries().stream().noneMatch(d -> d.path().equals("/rp/expiry-rp")), "a live session is not logged out");

            clock.advance(Duration.ofHours(13));
            own.server.engine().cleanup().deleteExpired();
            own.server.engine().cleanup().deleteExpired();

            List<Delivery> received = receiver.await(d -> d.path().equals("/rp/expiry-rp"), 1, WAIT);
            assertEquals(1, received.size());
            JWTClaimsSet claims = verifiedLogoutToken(own, received.get(0).logoutToken(), clock.instant());
            assertEquals(sid, claims.getStringClaim("sid"));
            Thread.sleep(1500);
            assertEquals(1, receiver.deliveries().stream().filter(d -> d.path().equals("/rp/expiry-rp")).count(),
                    "the second cleanup run queues nothing again");
        }
    }

    @Test
    void deliveryWhenReceiverFailsFirstThenRetriedUntilDelivered() throws Exception {
        client("flaky-rp", receiver.uri("/rp/flaky-rp", 500, 503, 200));
        User user = server.user("u-" + UUID.randomUUID());
        Browser browser = new Browser();
        String rawIdToken = signIn(browser, "flaky-rp", user);
        double retriedBefore = counter("retrying");

        assertEquals(200, browser.post(server.uri("/oauth2/logout"), form("id_token_hint", rawIdToken)).statusCode());

        List<Delivery> received = receiver.await(d -> d.path().equals("/rp/flaky-rp") && d.answeredWith() == 200, 1, WAIT);
        assertEquals(1, received.size(), "delivered after retries");
        List<Delivery> all = receiver.deliveries().stream().filter(d -> d.path().equals("/rp/flaky-rp")).toList();
        assertEquals(List.of(500, 503, 200), all.stream().map(Delivery::answeredWith).toList());
        // Backoff: 200 ms, then 400 ms.
        assertTrue(Duration.between(all.get(0).at(), all.get(1).at()).toMillis() >= 150);
        assertTrue(Duration.between(all.get(1).at(), all.get(2).at()).toMillis() >= 350);
        for (Delivery d : all) {
            verifiedLogoutToken(d.logoutToken());
        }
        assertTrue(counter("retrying") - retriedBefore >= 2);
    }

    @Test
    void deliveryWhenReceiverHangsThenLogoutNotDelayedAndAttemptsBounded() throws Exception {
        client("slow-rp", receiver.uri("/rp/slow-rp", LogoutReceiver.HANG));
        client("quick-rp", receiver.uri("/rp/quick-rp"));
        User user = server.user("u-" + UUID.randomUUID());
        Browser browser = new Browser();
        signIn(browser, "slow-rp", user);
        String rawIdToken = signIn(browser, "quick-rp", user, false);
        double abandonedBefore = counter("abandoned");

        long started = System.nanoTime();
        assertEquals(200, browser.post(server.uri("/oauth2/logout"), form("id_token_hint", rawIdToken)).statusCode());
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofMillis(900)) < 0, "logout answered in " + took);

        assertEquals(1, receiver.await(d -> d.path().equals("/rp/quick-rp"), 1, WAIT).size(),
                "a hanging receiver does not hold up the others");
        // 3 attempts of at most 1 s each, 200 ms and 400 ms apart: given up within about 4 s.
        Instant deadline = Instant.now().plusSeconds(8);
        while (counter("abandoned") == abandonedBefore && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertEquals(abandonedBefore + 1, counter("abandoned"));
        List<Delivery> attempts = receiver.deliveries().stream().filter(d -> d.path().equals("/rp/slow-rp")).toList();
        assertEquals(3, attempts.size(), "bounded by backchannel.logout.max.attempts");
        Duration span = Duration.between(attempts.get(0).at(), attempts.get(2).at());
        assertTrue(span.compareTo(Duration.ofMillis(3500)) < 0 && span.compareTo(Duration.ofMillis(2000)) >= 0,
                "each attempt cut off at the 1 s timeout: " + span);
    }

    /** The unsafe URIs refused at registration: {@code ClientRegistrationRulesTest}. */
    @Test
    void registrationWhenBackchannelLogoutSettingsGivenThenStoredAndShown() {
        HttpResponse<String> good = server.post("/admin/clients", """
                {"clientId": "good-bcl", "secret": "%s", "redirectUris": ["%s"],
                 "backchannelLogoutUri": "https://rp.example.com/logout?x=1", "backchannelLogoutSessionRequired": true}"""
                        .formatted(SECRET, REDIRECT),
                "Authorization", "Bearer " + adminToken(), "Content-Type", "application/json");
        assertEquals(201, good.statusCode(), good.body());
        JsonNode read = json(server.get("/admin/clients/good-bcl", "Authorization", "Bearer " + adminToken()).body());
        assertEquals("https://rp.example.com/logout?x=1", read.get("backchannelLogoutUri").asText());
        assertTrue(read.get("backchannelLogoutSessionRequired").asBoolean());
    }

    @Test
    void discoveryWhenFetchedThenBackChannelLogoutAdvertised() {
        JsonNode discovery = json(server.get("/.well-known/openid-configuration").body());
        assertTrue(discovery.get("backchannel_logout_supported").asBoolean());
        assertTrue(discovery.get("backchannel_logout_session_supported").asBoolean());
    }

    // ---- helpers

    @Test
    void deliveryWhenManyLogoutsToAReceiverThatRefusesThenEachAttemptedAndTheLogBounded() throws Exception {
        // 404 is permanent: each logout is given up at its first attempt, a WARN line each before they were throttled.
        client("refusing-rp", receiver.uri("/rp/refusing-rp", 404));
        User user = server.user("u-" + UUID.randomUUID());
        int sessions = 6;
        for (int i = 0; i < sessions; i++) {
            signIn(new Browser(), "refusing-rp", user);
        }
        double abandonedBefore = counter("abandoned");

        try (CapturedLog log = new CapturedLog()) {
            assertEquals(200, server.post("/admin/users/" + user.id() + "/disable", "",
                    "Authorization", "Bearer " + adminToken()).statusCode());

            assertEquals(sessions, receiver.await(d -> d.path().equals("/rp/refusing-rp"), sessions, WAIT).size());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (counter("abandoned") < abandonedBefore + sessions && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(abandonedBefore + sessions, counter("abandoned"), "the metric counts every one");
            List<String> lines = log.at("WARN").stream().filter(line -> line.contains("given up after attempt")).toList();
            assertTrue(lines.size() <= 1, "at most one line per interval: " + String.join("\n", lines));
        }
    }

    /** A fresh admin token: another test moves the clock by hours. */
    private static String adminToken() {
        return server.passwordLogin("demo", "root").get("access_token").asText();
    }

    private static void client(String clientId, String backchannelLogoutUri) {
        server.save(server.confidential(Tenant.DEFAULT_ID, clientId).backchannelLogoutUri(backchannelLogoutUri));
    }

    private static String signIn(Browser browser, String clientId, User user) {
        return signIn(browser, clientId, user, true);
    }

    /** Signs in through the authorize endpoint (a login form, or the session when {@code login} is false); answers the ID token. */
    private static String signIn(Browser browser, String clientId, User user, boolean login) {
        return signIn(server, browser, clientId, user, login);
    }

    private static String signIn(TestServer server, Browser browser, String clientId, User user, boolean login) {
        return json(signIn(server, browser, clientId, SECRET, user, login).body()).get("id_token").asText();
    }

    /** The token response of a sign-in through the authorize endpoint, the client authenticating with {@code secret}. */
    private static HttpResponse<String> signIn(TestServer server, Browser browser, String clientId, String secret, User user,
                                               boolean login) {
        return CodeFlowSignIn.tokens(server, browser, clientId, secret, REDIRECT, user, login);
    }

    private static JWTClaimsSet verifiedLogoutToken(String token) throws Exception {
        return verifiedLogoutToken(server, token, Instant.now());
    }

    /** Verifies the signature against the server's JWKS and the header's typ; answers the claims. */
    private static JWTClaimsSet verifiedLogoutToken(TestServer server, String token, Instant now) throws Exception {
        assertNotNull(token, "a logout_token parameter");
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals("logout+jwt", jwt.getHeader().getType().getType());
        JWKSet keys = JWKSet.parse(server.get("/oauth2/jwks").body());
        var key = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertNotNull(key, "signed with a published key");
        assertTrue(jwt.verify(new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(),
                key.getKeyType().getValue().equals("EC") ? key.toECKey().toPublicKey() : key.toRSAKey().toPublicKey())));
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertFalse(claims.getExpirationTime().toInstant().isBefore(now.minusSeconds(5)), "not expired");
        return claims;
    }

    private static String sidOf(Delivery delivery) throws Exception {
        return verifiedLogoutToken(delivery.logoutToken()).getStringClaim("sid");
    }

    private static double counter(String outcome) {
        var counter = server.server.metrics().registry().find("identity.backchannel.logouts").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
