package dev.identityservice.server.identity;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.setup.SetupFile;
import dev.identityservice.server.setup.SetupImporter;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Review attacks on the PRECIS rules (issue 11 item 5) that the first tests did not try: names whose
 * case-mapped key is longer than the name, odd code points at the login and the management API. Each must be a
 * 400 naming the rule or an ordinary failed login, never a 500.
 */
class UsernameAndPasswordAttacksTest {

    /** U+0130 (İ) lower-cases to "i" + U+0307: the key is twice as long as the stored name. */
    private static final String DOTTED_CAPITAL_I = "\u0130";

    private static TestServer server;
    /** For the tests that fail many logins: its per-address throttle must not refuse the other tests' logins. */
    private static TestServer probes;
    private static CanonicalUsernamesAndPasswordsTest.AdminHttp admin;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("demo");
        server.user("root", "admin");
        admin = new CanonicalUsernamesAndPasswordsTest.AdminHttp(server);
        probes = TestServer.start();
        probes.confidentialClient("demo");
        probes.user("root");
        probes.user("form-victim");
        probes.save(probes.confidential(Tenant.DEFAULT_ID, "web-attacks"));
    }

    @AfterAll
    static void stop() {
        server.close();
        probes.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 200, 255})
    void adminCreateWhenCaseMappedKeyLongerThanTheColumnThen400NamingTheRule(int length) {
        HttpResponse<String> response = admin.post("/admin/users", "{\"username\":" + quoted(DOTTED_CAPITAL_I.repeat(length))
                + ",\"password\":\"long enough password\"}");

        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("case-mapped"), response.body());
    }

    @Test
    void adminCreateWhenCaseMappedKeyJustFitsThenCreatedAndSignsInUnderEverySpelling() {
        String name = DOTTED_CAPITAL_I.repeat(127);
        HttpResponse<String> created = admin.post("/admin/users", "{\"username\":" + quoted(name) + ",\"password\":\"long enough password\"}");
        assertEquals(201, created.statusCode(), created.body());

        assertEquals(200, passwordGrant(name, "long enough password").statusCode());
        assertEquals(200, passwordGrant("i\u0307".repeat(127), "long enough password").statusCode());
    }

    @Test
    void importWhenCaseMappedKeyLongerThanTheColumnThenRefusedNamingTheUser() throws Exception {
        Path file = dir.resolve("long.json");
        Files.writeString(file, "{\"users\":[{\"username\":" + quoted(DOTTED_CAPITAL_I.repeat(200))
                + ",\"password\":\"long enough password\"}]}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SetupImporter(server.server.engine(), server.server.issuer(), Duration.ofMinutes(5)).apply(SetupFile.read(file)));

        assertTrue(e.getMessage().contains("case-mapped"), e.getMessage());
        assertTrue(server.server.engine().users().findByUsername(Tenant.DEFAULT_ID, DOTTED_CAPITAL_I.repeat(200)).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0130\u0130\u0130\u0130\u0130\u0130\u0130\u0130\u0130\u0130", "a\u0000b", "\u202eroot", "ro\u200dot",
            "\ufb01"})
    void passwordGrantWhenUsernameOrPasswordHasCodePointsPrecisRefusesThenInvalidGrantNot500(String odd) {
        String longOdd = odd.length() == 10 ? odd.repeat(30) : odd;

        for (HttpResponse<String> response : new HttpResponse[] {passwordGrant(probes, longOdd, TestServer.PASSWORD),
                passwordGrant(probes, "root", longOdd)}) {
            assertEquals(400, response.statusCode(), response.body());
            assertEquals("invalid_grant", TestServer.json(response.body()).get("error").asText(), response.body());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pass\\u0000word-long", "lone\\ud800surrogate", "password\\u0085long", "unassigned\\u0378x"})
    void adminSetPasswordWhenOpaqueStringRefusesItThen400(String jsonEscapedPassword) {
        String id = server.user("pw-" + Integer.toHexString(jsonEscapedPassword.hashCode())).id();

        HttpResponse<String> response = admin.post("/admin/users/" + id + "/password", "{\"password\":\"" + jsonEscapedPassword + "\"}");

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_request", TestServer.json(response.body()).get("error").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0130", "a\u0000b", "\u202eroot", "\ufb01", "ro\u200dot"})
    void loginFormWhenUsernameOrPasswordHasCodePointsPrecisRefusesThenLoginPageAgainNot500(String odd) {
        String value = odd.length() == 1 ? odd.repeat(300) : odd;
        Browser browser = new Browser();
        Browser.LoginForm form = Browser.loginForm(browser.get(probes.uri("/oauth2/authorize?" + form("response_type", "code",
                "client_id", "web-attacks", "redirect_uri", "https://app.example.com/callback", "scope", "openid"))).body());

        for (String[] credentials : new String[][] {{value, TestServer.PASSWORD}, {"form-victim", value}}) {
            HttpResponse<String> response = browser.post(form.action(), form.withCredentials(credentials[0], credentials[1]));
            // The login page again, or the throttle's 429 after several failures: never a 500.
            assertTrue(List.of(200, 400, 401, 429).contains(response.statusCode()), response.statusCode() + ": " + response.body());
            assertTrue(response.headers().firstValue("Location").isEmpty(), "no code");
        }
    }

    private static HttpResponse<String> passwordGrant(String username, String password) {
        return passwordGrant(server, username, password);
    }

    private static HttpResponse<String> passwordGrant(TestServer target, String username, String password) {
        return target.post("/oauth2/token", form("grant_type", "password", "username", username, "password", password),
                "Authorization", basic("demo", TestServer.SECRET));
    }

    private static String quoted(String value) {
        return TextNode.valueOf(value).toString();
    }
}
