package dev.identityservice.server.identity;

import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.Argon2idParameters;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.core.user.User;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kind: identifiers and secrets compared without a canonical form (issue 11 item 5). Usernames are one
 * account under every PRECIS UsernameCaseMapped spelling (NFC/NFD, case, fullwidth) at login, password grant,
 * management API and import; passwords are one password under every OpaqueString spelling; hashes made
 * before PRECIS still work once and are replaced.
 */
class CanonicalUsernamesAndPasswordsTest {

    private static final String ZOE_NFC = "zo\u00eb";
    private static final String ZOE_NFD = "zoe\u0308";
    /** The password has a non-ASCII letter, so that its NFC and NFD spellings differ. */
    private static final String PASSWORD_NFC = "cr\u00e8me br\u00fbl\u00e9e forever";
    private static final String PASSWORD_NFD = "cre\u0300me bru\u0302le\u0301e forever";

    private static TestServer server;
    private static AdminHttp admin;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("demo");
        server.user("root", "admin");
        admin = new AdminHttp(server);
        HttpResponse<String> created = admin.post("/admin/users", "{\"username\":\"" + ZOE_NFC + "\",\"password\":\""
                + PASSWORD_NFC + "\",\"roles\":[\"user\"]}");
        assertEquals(201, created.statusCode(), created.body());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {ZOE_NFC, ZOE_NFD, "ZO\u00cb", "ZOE\u0308", "Zo\u00eb", "\uff5a\uff4f\u00eb"})
    void passwordGrantWhenUsernameSpelledInAnotherNormalizationCaseOrWidthThenSameAccount(String spelling) {
        HttpResponse<String> response = passwordGrant(spelling, PASSWORD_NFC);

        assertEquals(200, response.statusCode(), spelling + ": " + response.body());
        assertEquals(zoe().id(), subjectOf(json(response.body()).get("access_token").asText()));
    }

    @ParameterizedTest
    @ValueSource(strings = {PASSWORD_NFC, PASSWORD_NFD})
    void passwordGrantWhenPasswordSentInNfcOrNfdThenAccepted(String password) {
        assertEquals(200, passwordGrant(ZOE_NFD, password).statusCode());
    }

    @Test
    void passwordGrantWhenPasswordHasNoBreakSpaceForSpaceThenSamePassword() {
        // OpaqueString maps every Unicode space separator to U+0020 (RFC 8265 §4.2.1).
        assertEquals(200, passwordGrant(ZOE_NFC, PASSWORD_NFC.replace(' ', '\u00a0')).statusCode());
        assertEquals(400, passwordGrant(ZOE_NFC, PASSWORD_NFC.replace(" ", "")).statusCode(), "spaces still count");
    }

    @Test
    void loginFormWhenUsernameAndPasswordInNfdThenSignedIn() {
        server.save(server.confidential(Tenant.DEFAULT_ID, "web-canonical"));
        Browser browser = new Browser();
        Browser.LoginForm form = Browser.loginForm(browser.get(server.uri("/oauth2/authorize?" + form("response_type", "code",
                "client_id", "web-canonical", "redirect_uri", "https://app.example.com/callback", "scope", "openid"))).body());

        HttpResponse<String> response = browser.post(form.action(), form.withCredentials(ZOE_NFD.toUpperCase(), PASSWORD_NFD));

        assertEquals(302, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Location").orElseThrow().contains("code="));
    }

    @ParameterizedTest
    @ValueSource(strings = {ZOE_NFD, "ZO\u00cb", "\uff5a\uff4f\u00eb", "\uff3a\uff2f\u00cb"})
    void adminCreateWhenUsernameIsAnotherSpellingOfAnExistingOneThen409(String spelling) {
        HttpResponse<String> again = admin.post("/admin/users", "{\"username\":\"" + spelling + "\",\"password\":\"another password\"}");

        assertEquals(409, again.statusCode(), again.body());
        assertEquals(1, server.server.engine().users().list(Tenant.DEFAULT_ID, 0, 1000).stream()
                .filter(u -> u.username().equalsIgnoreCase(ZOE_NFC)).count());
    }

    @Test
    void adminCreateWhenFullwidthOrNfdUsernameThenStoredCasePreservedInNfcHalfwidth() {
        JsonNode created = json(admin.post("/admin/users", "{\"username\":\"\uff2a\uff2f\uff33\uff25\u0301\"}").body());

        assertEquals("JOS\u00c9", created.get("username").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"two words", " leading", "tab\there", "bell\u0007", "\u00a0nbsp"})
    void adminCreateWhenUsernameIsNoPrecisUsernameThen400(String username) {
        HttpResponse<String> response = admin.post("/admin/users", "{\"username\":\"" + username.replace("\t", "\\t")
                .replace("\u0007", "\\u0007") + "\"}");

        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("PRECIS"), response.body());
    }

    @Test
    void adminCreateWhenPasswordHasControlCharacterThen400() {
        HttpResponse<String> response = admin.post("/admin/users", "{\"username\":\"ctrl\",\"password\":\"pass\\u0000word-long\"}");

        assertEquals(400, response.statusCode(), response.body());
    }

    @Test
    void importWhenUserNamedInAnotherSpellingThenExistingAccountUpdatedNotDuplicated() throws Exception {
        Path file = dir.resolve("setup.json");
        Files.writeString(file, "{\"users\":[{\"username\":\"" + ZOE_NFD.toUpperCase() + "\",\"roles\":[\"user\",\"imported\"]}]}");

        new dev.identityservice.server.setup.SetupImporter(server.server.engine(), server.server.issuer(), java.time.Duration.ofMinutes(5),
                dev.identityservice.server.setup.ImportMode.SYNC).apply(dev.identityservice.server.setup.SetupFile.read(file));

        List<User> zoes = server.server.engine().users().list(Tenant.DEFAULT_ID, 0, 1000).stream()
                .filter(u -> u.username().equalsIgnoreCase(ZOE_NFC)).toList();
        assertEquals(1, zoes.size());
        assertTrue(zoes.get(0).roles().contains("imported"));
        assertEquals(200, passwordGrant(ZOE_NFC, PASSWORD_NFC).statusCode(), "the password was not touched");
    }

    @Test
    void importWhenUsernameIsNoPrecisUsernameThenRefusedNamingTheUser() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"users\":[{\"username\":\"two words\",\"password\":\"long enough password\"}]}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestServer.start(b -> b.importFile(file.toString())).close());

        assertTrue(e.getMessage().contains("user two words") && e.getMessage().contains("PRECIS"), e.getMessage());
    }

    /**
     * Migration of hashes: a hash made before PRECIS, of the raw NFD password, still verifies with that
     * spelling, and the login replaces it by a hash of the prepared form, which then takes the NFC spelling too.
     */
    @Test
    void passwordGrantWhenStoredHashIsOfTheRawPreviouslyUnpreparedPasswordThenAcceptedOnceAndRehashed() {
        User legacy = server.user("legacy-hash");
        Argon2idPasswordHasher hasher = new Argon2idPasswordHasher(new Argon2idParameters(64, 1, 1, 16, 32), new SecureRandom());
        String rawHash = hasher.hash(PASSWORD_NFD.toCharArray());
        server.server.engine().users().update(legacy.withPasswordHash(rawHash, legacy.updatedAt()));
        assertEquals(400, passwordGrant("legacy-hash", PASSWORD_NFC).statusCode(), "the old hash knows only the raw NFD form");

        assertEquals(200, passwordGrant("legacy-hash", PASSWORD_NFD).statusCode());

        String rehashed = server.server.engine().users().findById(Tenant.DEFAULT_ID, legacy.id()).orElseThrow().passwordHash();
        assertTrue(!rehashed.equals(rawHash) && hasher.verify(PASSWORD_NFC.toCharArray(), rehashed));
        assertEquals(200, passwordGrant("legacy-hash", PASSWORD_NFC).statusCode());
    }

    private static User zoe() {
        return server.server.engine().users().findByUsername(Tenant.DEFAULT_ID, ZOE_NFC).orElseThrow();
    }

    private static HttpResponse<String> passwordGrant(String username, String password) {
        return server.post("/oauth2/token", form("grant_type", "password", "username", username, "password", password),
                "Authorization", basic("demo", TestServer.SECRET));
    }

    static String subjectOf(String jwt) {
        try {
            return com.nimbusds.jwt.SignedJWT.parse(jwt).getJWTClaimsSet().getSubject();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    /** Admin calls with a token of {@code root} through {@code demo}. */
    static final class AdminHttp {
        private final TestServer server;
        private final String token;

        AdminHttp(TestServer server) {
            this.server = server;
            HttpResponse<String> response = server.post("/oauth2/token",
                    form("grant_type", "password", "username", "root", "password", TestServer.PASSWORD),
                    "Authorization", basic("demo", TestServer.SECRET));
            assertEquals(200, response.statusCode(), response.body());
            this.token = json(response.body()).get("access_token").asText();
        }

        String token() {
            return token;
        }

        HttpResponse<String> post(String path, String jsonBody) {
            return server.post(path, jsonBody, "Authorization", "Bearer " + token, "Content-Type", "application/json");
        }

        HttpResponse<String> send(String method, String path, String jsonBody) {
            return server.send(java.net.http.HttpRequest.newBuilder(server.uri(path)).method(method,
                    java.net.http.HttpRequest.BodyPublishers.ofString(jsonBody)), "Authorization", "Bearer " + token,
                    "Content-Type", "application/json");
        }
    }
}
