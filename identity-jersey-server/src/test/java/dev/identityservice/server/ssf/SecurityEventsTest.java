package dev.identityservice.server.ssf;

import static dev.identityservice.server.ssf.SsfReceiver.number;
import static dev.identityservice.server.ssf.SsfReceiver.payload;
import static dev.identityservice.server.ssf.SsfReceiver.subject;
import static dev.identityservice.server.ssf.SsfReceiver.type;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.AccessTokenFormat;
import dev.identityservice.core.event.SecurityEventSettings;
import dev.identityservice.core.event.SecurityEventType;
import dev.identityservice.core.event.SecurityEvents;
import dev.identityservice.core.session.LoginSession;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.core.user.User;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The security event transmitter on H2: every revocation's SET, streams, polls, acks and errors, over real HTTP. */
class SecurityEventsTest {


    private TestServer server;
    private SsfReceiver receiver;

    /** The database of the main server of each test: H2 here, PostgreSQL in {@link SecurityEventsOnPostgresTest}. */
    protected java.util.function.Consumer<dev.identityservice.server.ServerConfig.Builder> database() {
        return b -> { };
    }

    /** Called once the main server has stopped. */
    protected void afterServerClosed() throws Exception {
    }

    @BeforeEach
    void start() {
        java.util.function.Consumer<dev.identityservice.server.ServerConfig.Builder> database = database();
        server = TestServer.start(b -> {
            database.accept(b);
            b.securityEventsPollMaxWait(Duration.ofSeconds(1));
        });
        server.confidentialClient("app");
        receiver = SsfReceiver.register(server, "guard");
    }

    @AfterEach
    void stop() throws Exception {
        if (server == null) {
            return; // the subclass's database was not available (assumption failed): the test was skipped
        }
        server.close();
        afterServerClosed();
    }

    @Test
    void configurationWhenFetchedThenDescribesPollTransmitterOfTheTenant() {
        HttpResponse<String> response = server.get("/.well-known/ssf-configuration");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Cache-Control").orElse("").contains("max-age"));
        JsonNode document = json(response.body());
        String issuer = server.server.issuer().toString();
        assertEquals("1_0", document.get("spec_version").asText());
        assertEquals(issuer, document.get("issuer").asText());
        assertEquals(json(server.get("/.well-known/openid-configuration").body()).get("jwks_uri").asText(), document.get("jwks_uri").asText());
        assertEquals("urn:ietf:rfc:8936", document.get("delivery_methods_supported").get(0).asText());
        assertEquals(issuer + "/ssf/streams", document.get("configuration_endpoint").asText());
        assertEquals("urn:ietf:rfc:6749", document.get("authorization_schemes").get(0).get("spec_urn").asText());
        assertEquals("ALL", document.get("default_subjects").asText());

        server.tenant("acme");
        JsonNode tenant = json(server.get("/.well-known/ssf-configuration/t/acme").body());
        assertEquals(issuer + "/t/acme", tenant.get("issuer").asText());
        assertEquals(issuer + "/t/acme/ssf/streams", json(server.get("/t/acme/.well-known/ssf-configuration").body())
                .get("configuration_endpoint").asText());
    }

    @Test
    void revokeWhenJwtAccessTokenThenSetNamesItsJtiUntilItsExp() throws Exception {
        String stream = receiver.newStream();
        server.user("alice");
        String access = server.passwordLogin("app", "alice").get("access_token").asText();
        var claims = SignedJWT.parse(access).getJWTClaimsSet();
        assertEquals(200, server.post("/oauth2/revoke", form("token", access), "Authorization", basic("app", TestServer.SECRET)).statusCode());

        SignedJWT set = only(receiver.verifiedSets(stream), SecurityEventType.ACCESS_TOKEN_REVOKED);
        assertEquals(Map.of("format", "jwt_id", "iss", server.server.issuer().toString(), "jti", claims.getJWTID()), subject(set));
        assertEquals(claims.getExpirationTime().toInstant().getEpochSecond(), number(payload(set), "tokens_expire_by"));
        assertTrue(number(payload(set), "event_timestamp") >= claims.getIssueTime().toInstant().getEpochSecond());
    }

    @Test
    void revokeWhenOpaqueAccessTokenThenSetNamesItsJti() throws Exception {
        TokenSettings d = TokenSettings.DEFAULTS;
        server.save(server.confidential(Tenant.DEFAULT_ID, "opaque").tokenSettings(new TokenSettings(AccessTokenFormat.OPAQUE,
                d.accessTokenTtl(), d.idTokenTtl(), d.refreshPolicy(), d.audience(), d.refreshReuseGrace())));
        String stream = receiver.newStream();
        String access = SsfReceiver.token(server, "opaque", "api");
        String jti = json(server.post("/oauth2/introspect", form("token", access), "Authorization", basic("opaque", TestServer.SECRET)).body())
                .get("jti").asText();
        server.post("/oauth2/revoke", form("token", access), "Authorization", basic("opaque", TestServer.SECRET));

        SignedJWT set = only(receiver.verifiedSets(stream), SecurityEventType.ACCESS_TOKEN_REVOKED);
        assertEquals(jti, subject(set).get("jti"));
    }

    @Test
    void adminWhenUserDisabledDeletedOrRevokedThenUserEventAtTheServersCutOff() throws Exception {
        String admin = adminToken();
        String stream = receiver.newStream();
        User bob = server.user("bob");
        User carol = server.user("carol");
        User dave = server.user("dave");
        User erin = server.user("erin");

        server.post("/admin/users/" + bob.id() + "/disable", "", "Authorization", "Bearer " + admin);
        long bobCutOff = server.server.engine().users().findById(Tenant.DEFAULT_ID, bob.id()).orElseThrow().tokensValidAfter().getEpochSecond();
        server.post("/admin/users/" + carol.id() + "/revoke-tokens", "", "Authorization", "Bearer " + admin);
        long carolCutOff = server.server.engine().users().findById(Tenant.DEFAULT_ID, carol.id()).orElseThrow().tokensValidAfter().getEpochSecond();
        server.post("/admin/users/" + erin.id() + "/password", "{\"password\":\"another long enough password\"}",
                "Authorization", "Bearer " + admin, "Content-Type", "application/json");
        assertEquals(204, server.send(java.net.http.HttpRequest.newBuilder(server.uri("/admin/users/" + dave.id())).DELETE(),
                "Authorization", "Bearer " + admin).statusCode());

        List<SignedJWT> sets = receiver.verifiedSets(stream);
        SignedJWT disabled = only(sets, SecurityEventType.ACCOUNT_DISABLED);
        assertEquals(Map.of("format", "iss_sub", "iss", server.server.issuer().toString(), "sub", bob.id()), subject(disabled));
        assertEquals(bobCutOff, number(payload(disabled), "event_timestamp"));
        assertEquals(bobCutOff + TokenSettings.MAX_TOKEN_TTL.toSeconds(), number(payload(disabled), "tokens_expire_by"));
        List<SignedJWT> revoked = all(sets, SecurityEventType.SESSION_REVOKED);
        assertEquals(2, revoked.size(), "revoke-tokens and the password reset");
        assertEquals(carol.id(), subject(revoked.get(0)).get("sub"));
        assertEquals(carolCutOff, number(payload(revoked.get(0)), "event_timestamp"));
        assertEquals(erin.id(), subject(revoked.get(1)).get("sub"));
        assertEquals(dave.id(), subject(only(sets, SecurityEventType.ACCOUNT_PURGED)).get("sub"));
    }

    @Test
    void logoutWhenRpInitiatedThenSessionRevokedNamesTheSidOfItsTokensAndTheUser() throws Exception {
        String stream = receiver.newStream();
        User alice = server.user("alice");
        dev.identityservice.server.testing.Browser browser = new dev.identityservice.server.testing.Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("response_type", "code", "client_id", "app",
                "redirect_uri", "https://app.example.com/callback", "state", "s", "scope", "openid", "nonce", "n")));
        var login = dev.identityservice.server.testing.Browser.loginForm(page.body());
        HttpResponse<String> redirect = browser.post(login.action(), login.withCredentials("alice", TestServer.PASSWORD));
        String location = redirect.headers().firstValue("Location").orElseThrow();
        String code = java.net.URLDecoder.decode(location.replaceAll(".*[?&]code=([^&]*).*", "$1"), java.nio.charset.StandardCharsets.UTF_8);
        JsonNode tokens = json(server.post("/oauth2/token", form("grant_type", "authorization_code", "code", code,
                "redirect_uri", "https://app.example.com/callback"), "Authorization", basic("app", TestServer.SECRET)).body());
        String sid = SignedJWT.parse(tokens.get("access_token").asText()).getJWTClaimsSet().getStringClaim("sid");
        assertEquals(200, browser.post(server.uri("/oauth2/logout"), form("id_token_hint", tokens.get("id_token").asText())).statusCode());

        List<SignedJWT> sets = receiver.verifiedSets(stream);
        SignedJWT set = only(sets, SecurityEventType.SESSION_REVOKED);
        assertEquals(Map.of("format", "complex", "session", Map.of("format", "opaque", "id", sid),
                "user", Map.of("format", "iss_sub", "iss", server.server.issuer().toString(), "sub", alice.id())), subject(set));
        assertTrue(number(payload(set), "event_timestamp") > SignedJWT.parse(tokens.get("access_token").asText())
                .getJWTClaimsSet().getIssueTime().toInstant().getEpochSecond(), "the session's tokens were issued before it");
        // The session's refresh token was revoked with its paired access token: that one is named too.
        assertEquals(SignedJWT.parse(tokens.get("access_token").asText()).getJWTClaimsSet().getJWTID(),
                subject(only(sets, SecurityEventType.ACCESS_TOKEN_REVOKED)).get("jti"));

        // Ending it again (a second logout, or the cleanup) raises nothing more.
        LoginSession ended = new LoginSession("x".repeat(64), Tenant.DEFAULT_ID, alice.id(), java.time.Instant.now(), java.time.Instant.now(), null);
        server.server.engine().sessions().end(ended);
        assertEquals(2, receiver.pollNow(stream).size());
    }

    @Test
    void keysWhenRotatedAndRevokedThenSetNamesTheKidAndIsSignedByAnotherKey() throws Exception {
        String admin = adminToken();
        String stream = receiver.newStream();
        String revokedKid = server.server.engine().keys().keyRing(Tenant.DEFAULT_ID).active().kid();
        assertEquals(200, server.post("/admin/keys/rotate-and-revoke", "", "Authorization", "Bearer " + admin).statusCode());

        // The receiver's own token was signed by the revoked key: like every receiver, it takes a new one.
        assertEquals(401, receiver.poll(stream, "{\"returnImmediately\":true}").statusCode());
        SignedJWT set = only(receiver.withNewToken().verifiedSets(stream), SecurityEventType.SIGNING_KEY_REVOKED);
        assertEquals(Map.of("format", "opaque", "id", revokedKid), subject(set));
        assertNotEquals(revokedKid, set.getHeader().getKeyID());
        assertFalse(server.get("/oauth2/jwks").body().contains(revokedKid), "the revoked key left the JWKS");
    }

    @Test
    void adminWhenClientDeletedThenClientDisabled() throws Exception {
        String admin = adminToken();
        String stream = receiver.newStream();
        server.confidentialClient("doomed");
        assertEquals(204, server.send(java.net.http.HttpRequest.newBuilder(server.uri("/admin/clients/doomed")).DELETE(),
                "Authorization", "Bearer " + admin).statusCode());

        SignedJWT set = only(receiver.verifiedSets(stream), SecurityEventType.CLIENT_DISABLED);
        assertEquals(Map.of("format", "opaque", "id", "doomed"), subject(set));
    }

    @Test
    void pollWhenAckedThenGoneAndWhenNotAckedThenRedelivered() {
        String stream = receiver.newStream();
        revokeTwoTokens();
        Map<String, String> first = receiver.pollNow(stream);
        assertEquals(2, first.size());
        List<String> jtis = List.copyOf(first.keySet());
        assertEquals(jtis, List.copyOf(receiver.pollNow(stream).keySet()), "unacknowledged SETs come again, same jti, same order");

        Map<String, String> afterOneAck = receiver.pollNow(stream, jtis.get(0));
        assertEquals(Set.of(jtis.get(1)), afterOneAck.keySet());
        assertTrue(receiver.pollNow(stream, jtis.get(1), "unknown-jti").isEmpty());

        // A new stream starts with every retained event, acknowledged elsewhere or not.
        assertEquals(jtis, List.copyOf(receiver.pollNow(receiver.newStream()).keySet()));
    }

    @Test
    void pollWhenMaxEventsThenMoreAvailable() {
        String stream = receiver.newStream();
        revokeTwoTokens();
        HttpResponse<String> response = receiver.poll(stream, "{\"maxEvents\":1,\"returnImmediately\":true}");
        JsonNode body = json(response.body());
        assertEquals(1, body.get("sets").size());
        assertTrue(body.get("moreAvailable").asBoolean());
    }

    @Test
    void pollWhenNothingPendingThenHeldUntilMaxWaitAndAnswersNoSets() {
        String stream = receiver.newStream();
        long start = System.nanoTime();
        HttpResponse<String> response = receiver.poll(stream, "{}");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(0, json(response.body()).get("sets").size());
        assertTrue(millis >= 900 && millis < 5_000, "held about the 1 s max-wait: " + millis + " ms");
    }

    @Test
    void pollWhenEventRaisedWhileHeldThenAnsweredAtOnce() throws Exception {
        TestServer slow = TestServer.start(b -> b.securityEventsPollMaxWait(Duration.ofSeconds(20)));
        try {
            slow.confidentialClient("app");
            SsfReceiver guard = SsfReceiver.register(slow, "guard");
            String stream = guard.newStream();
            var polled = java.util.concurrent.CompletableFuture.supplyAsync(() -> guard.poll(stream, "{}"));
            waitUntil(() -> slow.server.longPolls().parked() == 1);
            slow.user("alice");
            String access = slow.passwordLogin("app", "alice").get("access_token").asText();
            long start = System.nanoTime();
            slow.post("/oauth2/revoke", form("token", access), "Authorization", basic("app", TestServer.SECRET));
            HttpResponse<String> response = polled.get(10, java.util.concurrent.TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, json(response.body()).get("sets").size(), response.body());
            assertTrue(millis < 5_000, "answered long before the 20 s max-wait: " + millis + " ms");
        } finally {
            slow.close();
        }
    }

    @Test
    void pollWhenFortyHeldThenTokenEndpointStillAnswers() throws Exception {
        // Fewer request threads than held polls: were a poll to pin a thread, the token request would wait for one.
        TestServer small = TestServer.start(b -> b.httpThreads(16).securityEventsPollMaxWait(Duration.ofSeconds(20)));
        try {
            small.confidentialClient("app");
            SsfReceiver guard = SsfReceiver.register(small, "guard");
            // Ten streams (the default per-client limit), each with as many polls as may be held on one.
            int held = 10 * LongPolls.MAX_PARKED_PER_STREAM;
            List<String> streams = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                streams.add(guard.newStream());
            }
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> polls = new java.util.ArrayList<>();
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            for (int i = 0; i < held; i++) {
                polls.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(small.uri("/ssf/poll/" + streams.get(i % 10)))
                        .header("Authorization", "Bearer " + guard.token).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            waitUntil(() -> small.server.longPolls().parked() == held);
            for (int i = 0; i < 5; i++) {
                assertEquals(200, small.post("/oauth2/token", form("grant_type", "client_credentials", "scope", "api"),
                        "Authorization", basic("app", TestServer.SECRET)).statusCode());
            }
            assertEquals(held, small.server.longPolls().parked(), "every poll still held while the token requests were served");
            small.user("alice");
            String access = small.passwordLogin("app", "alice").get("access_token").asText();
            small.post("/oauth2/revoke", form("token", access), "Authorization", basic("app", TestServer.SECRET));
            for (var poll : polls) {
                assertEquals(1, json(poll.get(10, java.util.concurrent.TimeUnit.SECONDS).body()).get("sets").size());
            }
        } finally {
            small.close();
        }
    }

    @Test
    void pollWhenMoreHeldOnOneStreamThanTheBoundThenTheOldestAreAnsweredAtOnce() throws Exception {
        // Without a bound one receiver could park polls without end: each a connection, and a re-read every 2 s on
        // the two threads that answer every tenant's polls, delaying everyone's revocations.
        TestServer slow = TestServer.start(b -> b.securityEventsPollMaxWait(Duration.ofSeconds(60)));
        try {
            SsfReceiver guard = SsfReceiver.register(slow, "guard");
            String stream = guard.newStream();
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> polls = new java.util.ArrayList<>();
            int extra = 3;
            for (int i = 0; i < LongPolls.MAX_PARKED_PER_STREAM + extra; i++) {
                polls.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(slow.uri("/ssf/poll/" + stream))
                        .header("Authorization", "Bearer " + guard.token).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            waitUntil(() -> polls.stream().filter(java.util.concurrent.CompletableFuture::isDone).count() == extra);
            for (var poll : polls) {
                if (poll.isDone()) {
                    assertEquals(200, poll.get().statusCode(), poll.get().body());
                    assertEquals(0, json(poll.get().body()).get("sets").size());
                }
            }
            // The last poll may still be on its way in (an eviction answers the oldest before the new one is added).
            waitUntil(() -> slow.server.longPolls().parked() == LongPolls.MAX_PARKED_PER_STREAM);
            assertEquals(extra, polls.stream().filter(java.util.concurrent.CompletableFuture::isDone).count(),
                    "only the oldest beyond the bound are answered");
        } finally {
            slow.close();
        }
    }

    @Test
    void pollWhenAnotherClientsStreamThenNotFound() {
        String stream = receiver.newStream();
        SsfReceiver other = SsfReceiver.register(server, "other-guard");
        HttpResponse<String> response = other.poll(stream, "{\"returnImmediately\":true}");
        assertEquals(404, response.statusCode());
        assertEquals("not_found", json(response.body()).get("error").asText());
        assertEquals(404, server.get("/ssf/streams?stream_id=" + stream, "Authorization", "Bearer " + other.token).statusCode());
        assertEquals(404, server.send(java.net.http.HttpRequest.newBuilder(server.uri("/ssf/streams?stream_id=" + stream)).DELETE(),
                "Authorization", "Bearer " + other.token).statusCode());
        assertEquals(200, server.get("/ssf/streams?stream_id=" + stream, "Authorization", "Bearer " + receiver.token).statusCode());
    }

    @Test
    void tenantsWhenEventRaisedInOneThenReceiversOfAnotherNeverSeeIt() throws Exception {
        server.tenant("acme");
        server.save(server.confidential("acme", "acme-guard").scopes(Set.of("security_events")));
        HttpResponse<String> tokenResponse = server.post("/t/acme/oauth2/token", form("grant_type", "client_credentials",
                "scope", "security_events"), "Authorization", basic("acme-guard", TestServer.SECRET));
        String acmeToken = json(tokenResponse.body()).get("access_token").asText();
        HttpResponse<String> created = server.post("/t/acme/ssf/streams", "{}", "Authorization", "Bearer " + acmeToken);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode configuration = json(created.body());
        assertEquals(server.server.issuer() + "/t/acme", configuration.get("iss").asText());
        String acmeStream = configuration.get("stream_id").asText();
        assertTrue(configuration.get("delivery").get("endpoint_url").asText().endsWith("/t/acme/ssf/poll/" + acmeStream));

        String defaultStream = receiver.newStream();
        revokeTwoTokens();
        assertEquals(2, receiver.pollNow(defaultStream).size());
        HttpResponse<String> acmePoll = server.post("/t/acme/ssf/poll/" + acmeStream, "{\"returnImmediately\":true}",
                "Authorization", "Bearer " + acmeToken);
        assertEquals(0, json(acmePoll.body()).get("sets").size(), acmePoll.body());
        // A token of the default tenant is no token at another tenant, and its stream is not there either.
        assertEquals(401, server.post("/t/acme/ssf/poll/" + defaultStream, "{}", "Authorization", "Bearer " + receiver.token).statusCode());
        assertEquals(404, server.post("/ssf/poll/" + acmeStream, "{}", "Authorization", "Bearer " + receiver.token).statusCode());
    }

    @Test
    void callsWhenTokenMissingInvalidOrWithoutScopeThen401Or403WithBearerChallenge() {
        String stream = receiver.newStream();
        HttpResponse<String> none = server.post("/ssf/poll/" + stream, "{}", "Content-Type", "application/json");
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        HttpResponse<String> bad = server.post("/ssf/streams", "{}", "Authorization", "Bearer not-a-token");
        assertEquals(401, bad.statusCode());
        assertTrue(bad.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));

        String apiOnly = SsfReceiver.token(server, "app", "api");
        HttpResponse<String> unscoped = server.post("/ssf/poll/" + stream, "{}", "Authorization", "Bearer " + apiOnly);
        assertEquals(403, unscoped.statusCode());
        assertTrue(unscoped.headers().firstValue("WWW-Authenticate").orElse("").contains("insufficient_scope"));
        assertEquals("insufficient_scope", json(unscoped.body()).get("error").asText());
    }

    @Test
    void callsWhenTokenIsAUsersOfTheReceiverClientThen403AndNoStream() {
        // A receiver client that also signs users in (one client for a web app and its guard): a user who asks it
        // for the scope must not read every revocation of the tenant, nor take the client's streams.
        server.user("alice");
        HttpResponse<String> login = server.post("/oauth2/token", form("grant_type", "password", "username", "alice",
                "password", TestServer.PASSWORD, "scope", "security_events"), "Authorization", basic("guard", TestServer.SECRET));
        assertEquals(200, login.statusCode(), login.body());
        String usersToken = json(login.body()).get("access_token").asText();
        HttpResponse<String> created = server.post("/ssf/streams", "{}", "Authorization", "Bearer " + usersToken,
                "Content-Type", "application/json");
        assertEquals(403, created.statusCode(), created.body());
        assertTrue(created.headers().firstValue("WWW-Authenticate").orElse("").contains("insufficient_scope"));
        String stream = receiver.newStream();
        assertEquals(403, server.post("/ssf/poll/" + stream, "{\"returnImmediately\":true}", "Authorization",
                "Bearer " + usersToken, "Content-Type", "application/json").statusCode());
    }

    @Test
    void bodiesWhenMalformedThen400Json() {
        String stream = receiver.newStream();
        for (String body : List.of("{", "[]", "{\"maxEvents\":-1}", "{\"maxEvents\":\"ten\"}", "{\"ack\":\"x\"}", "{\"ack\":[1]}",
                "{\"returnImmediately\":\"yes\"}", "{\"setErrs\":[]}", "{\"setErrs\":{\"x\":{}}}")) {
            HttpResponse<String> response = receiver.poll(stream, body);
            assertEquals(400, response.statusCode(), body + " -> " + response.body());
            assertEquals("invalid_request", json(response.body()).get("error").asText(), body);
        }
        HttpResponse<String> push = receiver.createStream("{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\",\"endpoint_url\":\"https://x\"}}");
        assertEquals(400, push.statusCode());
        assertEquals(400, receiver.createStream("{\"description\":7}").statusCode());
        assertEquals(400, receiver.createStream("nope").statusCode());
    }

    @Test
    void pollWhenSetErrsThenAcknowledged() {
        String stream = receiver.newStream();
        revokeTwoTokens();
        List<String> jtis = List.copyOf(receiver.pollNow(stream).keySet());
        HttpResponse<String> response = receiver.poll(stream, "{\"returnImmediately\":true,\"ack\":[\"" + jtis.get(0)
                + "\"],\"setErrs\":{\"" + jtis.get(1) + "\":{\"err\":\"invalid_key\",\"description\":\"cannot verify\"}}}");
        assertEquals(0, json(response.body()).get("sets").size(), response.body());
    }

    @Test
    void streamsWhenCreatedReadAndDeletedThenConfigurationAndAudit() {
        HttpResponse<String> created = receiver.createStream("{\"description\":\"the sample app\"}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode configuration = json(created.body());
        String id = configuration.get("stream_id").asText();
        String issuer = server.server.issuer().toString();
        assertEquals(issuer, configuration.get("iss").asText());
        assertEquals("guard", configuration.get("aud").asText());
        assertEquals("urn:ietf:rfc:8936", configuration.get("delivery").get("method").asText());
        assertEquals(issuer + "/ssf/poll/" + id, configuration.get("delivery").get("endpoint_url").asText());
        assertEquals(SecurityEventType.values().length, configuration.get("events_supported").size());
        assertEquals(SecurityEventType.values().length, configuration.get("events_delivered").size());
        assertEquals("the sample app", configuration.get("description").asText());
        assertEquals(configuration, json(server.get("/ssf/streams?stream_id=" + id, "Authorization", "Bearer " + receiver.token).body()));

        assertEquals(204, server.send(java.net.http.HttpRequest.newBuilder(server.uri("/ssf/streams?stream_id=" + id)).DELETE(),
                "Authorization", "Bearer " + receiver.token).statusCode());
        assertEquals(404, receiver.poll(id, "{}").statusCode());
        server.flushAudit();
        var audited = server.server.engine().auditEvents().find(new dev.identityservice.core.audit.AuditEventQuery(
                Tenant.DEFAULT_ID, null, null, id, null, null), 0, 10);
        assertEquals(Set.of(StreamEndpoint.CREATED, StreamEndpoint.DELETED),
                Set.copyOf(audited.stream().map(dev.identityservice.core.audit.AuditEvent::type).toList()));
    }

    @Test
    void streamsWhenLimitReachedThen429NamingIt() {
        TestServer limited = TestServer.start(b -> b.securityEventsMaxStreamsPerClient(2));
        try {
            SsfReceiver guard = SsfReceiver.register(limited, "guard");
            guard.newStream();
            guard.newStream();
            HttpResponse<String> third = guard.createStream("{}");
            assertEquals(429, third.statusCode());
            assertTrue(json(third.body()).get("error_description").asText().contains("security-events.max-streams-per-client"));
        } finally {
            limited.close();
        }
    }

    @Test
    void streamsWhenLimitReachedByStreamsNoLongerPolledThenTheLeastRecentlyPolledMakesRoom() {
        // A guard killed without closing (kill -9, a crash loop) leaves its stream behind; with the limit reached by
        // such leftovers a restarted guard could create none until the idle expiry (7 days by default) removed them.
        dev.identityservice.core.testing.MutableClock clock = dev.identityservice.core.testing.MutableClock.startingNow();
        TestServer limited = TestServer.start(b -> b.securityEventsMaxStreamsPerClient(2), clock,
                java.util.function.UnaryOperator.identity());
        try {
            SsfReceiver guard = SsfReceiver.register(limited, "guard", clock.instant());
            String crashed = guard.newStream();
            clock.advance(Duration.ofSeconds(5));
            String alive = guard.newStream();
            assertEquals(429, guard.createStream("{}").statusCode(), "both streams were polled just now");
            clock.advance(SecurityEvents.STREAM_IN_USE_WINDOW.plus(SecurityEventSettings.DEFAULT_POLL_MAX_WAIT));
            assertEquals(200, guard.poll(alive, "{\"returnImmediately\":true}").statusCode());
            String restarted = guard.newStream();
            assertEquals(404, guard.poll(crashed, "{}").statusCode(), "the least recently polled stream made room");
            assertEquals(200, guard.poll(alive, "{\"returnImmediately\":true}").statusCode());
            assertEquals(200, guard.poll(restarted, "{\"returnImmediately\":true}").statusCode());
        } finally {
            limited.close();
        }
    }

    @Test
    void cleanupWhenPastRetentionOrIdleThenEventsAndStreamsGo() {
        dev.identityservice.core.testing.MutableClock clock = dev.identityservice.core.testing.MutableClock.startingNow();
        TestServer timed = TestServer.start(b -> b.securityEventsStreamIdleExpiry(Duration.ofDays(3)), clock,
                java.util.function.UnaryOperator.identity());
        try {
            SsfReceiver guard = SsfReceiver.register(timed, "guard", clock.instant());
            String idle = guard.newStream();
            timed.server.engine().securityEvents().clientDisabled(Tenant.DEFAULT_ID, "old");
            clock.advance(Duration.ofDays(2).plusSeconds(1));
            timed.server.engine().securityEvents().clientDisabled(Tenant.DEFAULT_ID, "new");
            guard = guard.withNewToken(); // the first expired with the days
            String fresh = guard.newStream();
            timed.server.engine().cleanup().deleteExpired();
            assertEquals(1, guard.pollNow(fresh).size(), "the event past the 2d retention is gone");
            clock.advance(Duration.ofDays(3).minusSeconds(10));
            timed.server.engine().cleanup().deleteExpired();
            guard = guard.withNewToken();
            assertEquals(404, guard.poll(idle, "{}").statusCode(), "the stream idle for 3d is gone");
            assertEquals(200, guard.poll(fresh, "{\"returnImmediately\":true}").statusCode());
        } finally {
            timed.close();
        }
    }

    private void revokeTwoTokens() {
        server.user("alice");
        for (int i = 0; i < 2; i++) {
            String access = server.passwordLogin("app", "alice").get("access_token").asText();
            server.post("/oauth2/revoke", form("token", access), "Authorization", basic("app", TestServer.SECRET));
        }
    }

    private String adminToken() {
        server.save(server.confidential(Tenant.DEFAULT_ID, "demo"));
        server.user("root", "admin");
        return server.passwordLogin("demo", "root").get("access_token").asText();
    }

    private static SignedJWT only(List<SignedJWT> sets, SecurityEventType type) throws Exception {
        List<SignedJWT> matching = all(sets, type);
        assertEquals(1, matching.size(), "one " + type + " among " + sets.size());
        return matching.get(0);
    }

    private static List<SignedJWT> all(List<SignedJWT> sets, SecurityEventType type) throws Exception {
        List<SignedJWT> matching = new java.util.ArrayList<>();
        for (SignedJWT set : sets) {
            if (type(set).equals(type.uri())) {
                matching.add(set);
            }
        }
        return matching;
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
