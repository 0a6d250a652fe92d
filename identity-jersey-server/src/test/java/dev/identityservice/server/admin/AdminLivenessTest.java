package dev.identityservice.server.admin;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.session.LoginSessions;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The management API checks that an admin's token is still live on every request, against the store:
 * a disabled, demoted or revoked admin is refused at once, not when the token expires; and an admin's
 * password reset ends the user's sessions and tokens.
 */
class AdminLivenessTest {

    private static TestServer server;
    private static AdminHttp admin;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("demo");
        server.user("root", "admin");
        admin = new AdminHttp(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void adminWhenAdminDisabledThenTokenRefusedAtOnceAndCannotReEnableItself() {
        User rogue = server.user("rogue-disabled", "admin");
        String token = admin.token("", "demo", rogue.username());
        assertEquals(200, admin.get("/admin/users", token).statusCode());

        assertEquals(200, admin.post("/admin/users/" + rogue.id() + "/disable", admin.token("", "demo", "root"), "").statusCode());

        HttpResponse<String> listed = admin.get("/admin/users", token);
        assertEquals(401, listed.statusCode(), listed.body());
        assertTrue(listed.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error=\"invalid_token\""));
        assertEquals(401, admin.post("/admin/users/" + rogue.id() + "/enable", token, "").statusCode());
        assertEquals(401, admin.post("/admin/users", token, "{\"username\":\"rogue-friend\",\"roles\":[\"admin\"]}").statusCode());
        assertTrue(server.server.engine().users().findByUsername(Tenant.DEFAULT_ID, "rogue-friend").isEmpty());
        assertTrue(!server.server.engine().users().findById(Tenant.DEFAULT_ID, rogue.id()).orElseThrow().enabled());
    }

    @Test
    void adminWhenAdminDemotedThenTokenGets403AtOnce() {
        User demoted = server.user("demoted", "admin");
        String token = admin.token("", "demo", demoted.username());
        assertEquals(200, admin.get("/admin/users", token).statusCode());

        HttpResponse<String> patched = admin.send("PATCH", "/admin/users/" + demoted.id(), admin.token("", "demo", "root"),
                "{\"roles\":[\"user\"]}");
        assertEquals(200, patched.statusCode(), patched.body());

        HttpResponse<String> listed = admin.get("/admin/users", token);
        assertEquals(403, listed.statusCode(), listed.body());
        assertEquals("insufficient_scope", TestServer.json(listed.body()).get("error").asText());
    }

    @Test
    void adminWhenAdminTokensRevokedThenTokenRefusedAtOnce() {
        User revoked = server.user("revoked-admin", "admin");
        String token = admin.token("", "demo", revoked.username());
        assertEquals(200, admin.get("/admin/users", token).statusCode());

        assertEquals(204, admin.post("/admin/users/" + revoked.id() + "/revoke-tokens", admin.token("", "demo", "root"), "").statusCode());

        assertEquals(401, admin.get("/admin/users", token).statusCode());
    }

    @Test
    void adminWhenAccessTokenJtiRevokedThenRefused() {
        User self = server.user("self-revoker", "admin");
        String token = admin.token("", "demo", self.username());

        HttpResponse<String> revoked = server.post("/oauth2/revoke", form("token", token), "Authorization", basic("demo", TestServer.SECRET));
        assertEquals(200, revoked.statusCode(), revoked.body());

        assertEquals(401, admin.get("/admin/users", token).statusCode());
    }

    @Test
    void setPasswordWhenAdminResetsThenSessionsAndRefreshTokensEnd() {
        User victim = server.user("reset-victim", "user");
        String refresh = server.passwordLogin("demo", victim.username()).get("refresh_token").asText();
        String access = server.passwordLogin("demo", victim.username()).get("access_token").asText();
        LoginSessions.StartedSession session = server.server.engine().sessions().start(Tenant.DEFAULT_ID, victim.id());

        HttpResponse<String> reset = admin.post("/admin/users/" + victim.id() + "/password", admin.token("", "demo", "root"),
                "{\"password\":\"another correct horse battery staple\"}");
        assertEquals(204, reset.statusCode(), reset.body());

        HttpResponse<String> refreshed = server.post("/oauth2/token", form("grant_type", "refresh_token", "refresh_token", refresh),
                "Authorization", basic("demo", TestServer.SECRET));
        assertEquals(400, refreshed.statusCode(), refreshed.body());
        assertEquals("invalid_grant", TestServer.json(refreshed.body()).get("error").asText());
        assertTrue(server.server.engine().sessions().find(Tenant.DEFAULT_ID, session.cookieValue()).isEmpty());
        assertEquals(401, server.get("/oauth2/userinfo", "Authorization", "Bearer " + access).statusCode());
    }
}
