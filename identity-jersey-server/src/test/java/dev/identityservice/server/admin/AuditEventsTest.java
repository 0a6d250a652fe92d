package dev.identityservice.server.admin;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.audit.AuditEvent;
import dev.identityservice.core.audit.AuditEventQuery;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.core.user.User;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit event log through real HTTP: each kind of event is recorded with the right fields after the action
 * that causes it, and {@code GET /admin/events} reads them back with filters and paging, for admins only.
 */
class AuditEventsTest {

    private MutableClock clock;
    private TestServer server;
    private AdminHttp admin;
    private String adminToken;
    private User root;

    @BeforeEach
    void start() {
        clock = MutableClock.startingNow();
        server = TestServer.start(b -> b.loginLimitAccount(2).loginLimitAccountAddress(100), clock, UnaryOperator.identity());
        // Created at the server's clock: a token issued before its client's creation would be refused.
        server.save(server.confidential(Tenant.DEFAULT_ID, "demo").createdAt(clock.instant()).updatedAt(clock.instant()));
        root = server.user("root", "admin");
        admin = new AdminHttp(server);
        adminToken = admin.token("", "demo", "root");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void loginWhenWrongPasswordThenLoginFailedWithAccountFingerprintAddressAndNoUsername() {
        server.user("alice", "user");

        HttpResponse<String> response = passwordGrant("alice", "wrong-password-123");

        assertEquals(400, response.statusCode(), response.body());
        AuditEvent failed = only("login.failed");
        assertTrue(failed.subject().matches("account:[0-9a-f]{16}"), failed.subject());
        assertEquals("127.0.0.1", failed.address());
        assertEquals("failure", failed.outcome());
        assertEquals(Tenant.DEFAULT_ID, failed.tenantId());
        assertFalse(String.valueOf(failed).contains("alice"), "a failed login never names the username typed: " + failed);
        assertFalse(String.valueOf(failed).contains("wrong-password-123"), failed.toString());
    }

    @Test
    void loginWhenAccountBudgetSpentThenLoginLockedForTheSameAccount() {
        server.user("bob", "user");
        for (int i = 0; i < 2; i++) {
            assertEquals(400, passwordGrant("bob", "wrong-password-" + i).statusCode());
        }

        HttpResponse<String> refused = passwordGrant("bob", "wrong-password-x");

        assertEquals(400, refused.statusCode(), refused.body());
        AuditEvent locked = only("login.locked");
        assertEquals("throttled", locked.outcome());
        assertEquals("127.0.0.1", locked.address());
        assertTrue(locked.detail().contains("budget=account"), locked.detail());
        assertEquals(events("login.failed").get(0).subject(), locked.subject(), "the same account fingerprint");
    }

    @Test
    void tokenWhenWrongClientSecretThenTokenFailedInvalidClient() {
        HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "client_credentials"),
                "Authorization", basic("demo", "not-the-secret-but-long-enough-0123456789"));

        assertEquals(401, response.statusCode(), response.body());
        AuditEvent failed = only("token.failed");
        assertEquals("invalid_client", failed.outcome());
        assertEquals("127.0.0.1", failed.address());
        assertFalse(failed.toString().contains("not-the-secret"), failed.toString());
    }

    @Test
    void refreshWhenRotatedTokenReusedThenRefreshReusedWithUserClientAndAddress() {
        User carol = server.user("carol", "user");
        String refresh = server.passwordLogin("demo", "carol").get("refresh_token").asText();
        assertEquals(200, refreshGrant(refresh).statusCode());

        HttpResponse<String> reuse = refreshGrant(refresh);

        assertEquals(400, reuse.statusCode(), reuse.body());
        AuditEvent reused = only("refresh.reused");
        assertEquals(carol.id(), reused.subject());
        assertEquals("demo", reused.client());
        assertEquals("127.0.0.1", reused.address());
        assertEquals("family_revoked", reused.outcome());
        assertTrue(reused.detail().startsWith("family="), reused.detail());
        assertEquals("invalid_grant", only("token.failed").outcome());
    }

    @Test
    void disableWhenAdminDisablesUserThenEventNamesAdminAsActorUserAsSubjectAndClientAddress() {
        User dave = server.user("dave", "user");

        HttpResponse<String> response = admin.post("/admin/users/" + dave.id() + "/disable", adminToken, "");

        assertEquals(200, response.statusCode(), response.body());
        AuditEvent disabled = only("admin.user.disable");
        assertEquals(root.id(), disabled.actor());
        assertEquals(dave.id(), disabled.subject());
        assertEquals("demo", disabled.client());
        assertEquals("127.0.0.1", disabled.address());
        assertEquals("success", disabled.outcome());
    }

    @Test
    void adminWhenRevokeTokensAndKeyRotationThenEachRecorded() {
        User erin = server.user("erin", "user");

        assertEquals(204, admin.post("/admin/users/" + erin.id() + "/revoke-tokens", adminToken, "").statusCode());
        assertEquals(200, admin.post("/admin/keys/rotate", adminToken, "").statusCode());

        assertEquals(erin.id(), only("admin.user.revoke-tokens").subject());
        assertEquals(root.id(), only("admin.key.rotate").actor());
        List<AuditEvent> rotations = events("key.rotated");
        AuditEvent manual = rotations.stream().filter(e -> "reason=manual".equals(e.detail())).findFirst().orElseThrow();
        AuditEvent initial = rotations.stream().filter(e -> "reason=initial".equals(e.detail())).findFirst().orElseThrow();
        assertEquals("127.0.0.1", manual.address());
        assertEquals("system", initial.actor());
        assertEquals(2, rotations.size(), rotations.toString());
    }

    @Test
    void adminWhenCreateFailsWithConflictThenFailureRecordedWithStatus() {
        server.user("frank", "user");

        HttpResponse<String> response = admin.post("/admin/users", adminToken, "{\"username\":\"frank\",\"password\":\"frank-password-123\"}");

        assertEquals(409, response.statusCode(), response.body());
        AuditEvent create = only("admin.user.create");
        assertEquals("failure", create.outcome());
        assertTrue(create.detail().endsWith("status=409"), create.detail());
        assertFalse(create.detail().contains("frank-password-123"), create.detail());
    }

    @Test
    void eventsWhenFilteredByTypeSubjectActorAndTimeThenOnlyThoseNewestFirst() {
        User gina = server.user("gina", "user");
        admin.post("/admin/users/" + gina.id() + "/disable", adminToken, "");
        clock.advance(Duration.ofMinutes(5));
        Instant between = clock.instant().minusSeconds(1);
        admin.post("/admin/users/" + gina.id() + "/enable", adminToken, "");
        server.flushAudit();

        JsonNode bySubject = AdminHttp.body(admin.get("/admin/events?subject=" + gina.id(), adminToken), 200);
        JsonNode byType = AdminHttp.body(admin.get("/admin/events?type=admin.user.enable", adminToken), 200);
        JsonNode byActorFrom = AdminHttp.body(admin.get("/admin/events?actor=" + root.id() + "&from=" + between, adminToken), 200);
        JsonNode beforeBetween = AdminHttp.body(admin.get("/admin/events?subject=" + gina.id() + "&to=" + between, adminToken), 200);

        assertEquals(List.of("admin.user.enable", "admin.user.disable"), types(bySubject));
        assertEquals(List.of("admin.user.enable"), types(byType));
        assertEquals(List.of("admin.user.enable"), types(byActorFrom));
        assertEquals(List.of("admin.user.disable"), types(beforeBetween));
        JsonNode event = byType.get("items").get(0);
        assertEquals(gina.id(), event.get("subject").asText());
        assertEquals(root.id(), event.get("actor").asText());
        assertEquals("127.0.0.1", event.get("address").asText());
        assertEquals(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString(), event.get("time").asText());
    }

    @Test
    void eventsWhenMoreThanOnePageThenNextOffsetWalksThemAll() {
        User hal = server.user("hal", "user");
        for (int i = 0; i < 5; i++) {
            admin.post("/admin/users/" + hal.id() + "/revoke-tokens", adminToken, "");
            clock.advance(Duration.ofSeconds(1));
        }
        server.flushAudit();

        List<String> seen = new ArrayList<>();
        String path = "/admin/events?type=admin.user.revoke-tokens&limit=2";
        JsonNode page = AdminHttp.body(admin.get(path, adminToken), 200);
        int pages = 1;
        page.get("items").forEach(item -> seen.add(item.get("time").asText()));
        while (page.hasNonNull("nextOffset")) {
            page = AdminHttp.body(admin.get(path + "&offset=" + page.get("nextOffset").asInt(), adminToken), 200);
            page.get("items").forEach(item -> seen.add(item.get("time").asText()));
            pages++;
        }

        assertEquals(3, pages);
        assertEquals(5, seen.size());
        List<String> newestFirst = new ArrayList<>(seen);
        newestFirst.sort((a, b) -> Instant.parse(b).compareTo(Instant.parse(a)));
        assertEquals(newestFirst, seen);
        assertEquals(5, seen.stream().distinct().count());
    }

    @Test
    void eventsWhenBadFilterThenInvalidRequestNamingIt() {
        HttpResponse<String> badFrom = admin.get("/admin/events?from=yesterday", adminToken);
        HttpResponse<String> twoTypes = admin.get("/admin/events?type=a&type=b", adminToken);
        HttpResponse<String> reversed = admin.get("/admin/events?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", adminToken);

        assertEquals(400, badFrom.statusCode());
        assertTrue(json(badFrom.body()).get("error_description").asText().contains("from"), badFrom.body());
        assertEquals(400, twoTypes.statusCode(), twoTypes.body());
        assertEquals(400, reversed.statusCode(), reversed.body());
        assertEquals("invalid_request", json(reversed.body()).get("error").asText());
    }

    @Test
    void eventsWhenHostileFilterValuesThen400OrEmptyNever500() {
        User lee = server.user("lee", "user");
        admin.post("/admin/users/" + lee.id() + "/disable", adminToken, "");
        server.flushAudit();

        for (String query : List.of("from=%2B1000000000-01-01T00:00:00Z", "to=-1000000000-01-01T00:00:00Z",
                "from=-999999999-01-01T00:00:00Z&to=%2B999999999-12-31T23:59:59Z", "from=%2B300000-01-01T00:00:00Z",
                "limit=1000000", "limit=-1", "offset=-1", "offset=99999999999999999999", "limit=0", "limit=", "offset=1e3")) {
            HttpResponse<String> answer = admin.get("/admin/events?" + query, adminToken);
            assertTrue(answer.statusCode() == 400 || answer.statusCode() == 200, query + " -> " + answer.statusCode() + " " + answer.body());
            if (answer.statusCode() == 400) {
                assertEquals("invalid_request", json(answer.body()).get("error").asText(), query);
            }
        }
        // SQL wildcards are literal: an exact filter with % or _ matches nothing.
        for (String query : List.of("type=%25", "type=admin.user._isable", "subject=%25", "actor=_", "type=%E2%80%AE%F0%9F%98%80")) {
            HttpResponse<String> answer = admin.get("/admin/events?" + query, adminToken);
            assertEquals(200, answer.statusCode(), query + " " + answer.body());
            assertEquals(0, json(answer.body()).get("items").size(), query + " " + answer.body());
        }
    }

    @Test
    void eventsWhenNoTokenThen401AndWhenNotAdminThen403() {
        server.user("ivan", "user");
        String userToken = admin.token("", "demo", "ivan");

        HttpResponse<String> anonymous = server.get("/admin/events");
        HttpResponse<String> notAdmin = admin.get("/admin/events", userToken);

        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(403, notAdmin.statusCode());
        assertTrue(notAdmin.headers().firstValue("WWW-Authenticate").orElse("").contains("insufficient_scope"));
    }

    @Test
    void cleanupWhenEventsOlderThanRetentionThenDeletedAndNewerKept() {
        User judy = server.user("judy", "user");
        admin.post("/admin/users/" + judy.id() + "/disable", adminToken, "");
        server.flushAudit();
        clock.advance(Duration.ofDays(60));
        // Straight to the writer: the guard checks a token's times on the real clock, so no HTTP call 60 days ahead.
        server.server.auditWriter().offer(new AuditEvent(java.util.UUID.randomUUID().toString(), Tenant.DEFAULT_ID,
                clock.instant(), "admin.user.enable", root.id(), judy.id(), "demo", "127.0.0.1", "success", null));
        server.flushAudit();
        clock.advance(Duration.ofDays(31)); // the disable is 91 days old, the enable 31 (retention: 90 days)

        server.server.engine().cleanup().deleteExpired();

        assertEquals(List.of(), events("admin.user.disable"));
        assertEquals(1, events("admin.user.enable").size());
    }

    @Test
    void eventsWhenOtherTenantThenNotListed() {
        User kim = server.user("kim", "user");
        admin.post("/admin/users/" + kim.id() + "/disable", adminToken, "");
        server.flushAudit();

        assertEquals(List.of(), server.server.engine().auditEvents().find(AuditEventQuery.all("other"), 0, 10));
        assertNull(json(admin.get("/admin/events?subject=" + kim.id(), adminToken).body()).get("nextOffset"));
    }

    private HttpResponse<String> passwordGrant(String username, String password) {
        return server.post("/oauth2/token", form("grant_type", "password", "username", username, "password", password),
                "Authorization", basic("demo", TestServer.SECRET));
    }

    private HttpResponse<String> refreshGrant(String refreshToken) {
        return server.post("/oauth2/token", form("grant_type", "refresh_token", "refresh_token", refreshToken),
                "Authorization", basic("demo", TestServer.SECRET));
    }

    private List<AuditEvent> events(String type) {
        server.flushAudit();
        return server.server.engine().auditEvents().find(
                new AuditEventQuery(Tenant.DEFAULT_ID, type, null, null, null, null), 0, 100);
    }

    private AuditEvent only(String type) {
        List<AuditEvent> found = events(type);
        assertEquals(1, found.size(), type + ": " + found);
        return found.get(0);
    }

    private static List<String> types(JsonNode page) {
        return StreamSupport.stream(page.get("items").spliterator(), false).map(item -> item.get("type").asText()).toList();
    }
}
