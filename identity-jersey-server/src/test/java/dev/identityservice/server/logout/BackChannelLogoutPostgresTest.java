package dev.identityservice.server.logout;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import dev.identityservice.server.ServerConfig;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.LogoutReceiver;
import dev.identityservice.server.testing.LogoutReceiver.Delivery;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Back-channel logout with several server instances on one PostgreSQL schema (the database named by
 * {@code IDENTITY_TEST_POSTGRES_URL}; skipped when unset): each logout is delivered once whichever instances
 * end the session and poll the queue, and a logout queued before every instance stopped is delivered by the
 * next one to start.
 */
class BackChannelLogoutPostgresTest {

    private static final String URL_VARIABLE = "IDENTITY_TEST_POSTGRES_URL";
    private static final String REDIRECT = "https://app.example.com/callback";

    private String url;
    private String schema;
    private String schemaUrl;
    private final String masterKey = MasterKey.generate().toBase64();
    private final List<TestServer> servers = new ArrayList<>();
    private LogoutReceiver receiver;

    @BeforeEach
    void schema() throws SQLException {
        url = System.getenv(URL_VARIABLE);
        assumeTrue(url != null && !url.isBlank(), "PostgreSQL test skipped: set " + URL_VARIABLE
                + "=jdbc:postgresql://127.0.0.1:5432/test?user=postgres to run it");
        schema = "bcl_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        receiver = new LogoutReceiver();
    }

    @AfterEach
    void drop() throws SQLException {
        servers.forEach(TestServer::close);
        if (receiver != null) {
            receiver.close();
        }
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private TestServer start(Consumer<ServerConfig.Builder> more) {
        TestServer server = TestServer.start(b -> {
            b.dbUrl(schemaUrl).dbUser(null).masterKey(masterKey).backChannelLogoutRetryDelay(Duration.ofMillis(300))
                    .outboundAllowPrivateAddresses(true); // the receiver listens on 127.0.0.1
            more.accept(b);
        });
        servers.add(server);
        return server;
    }

    @Test
    void revokeAllWhenTwoInstancesEndTheSameSessionsAtOnceThenEachLogoutDeliveredOnce() throws Exception {
        TestServer a = start(b -> { });
        TestServer b = start(c -> c.issuer(a.server.issuer().toString()));
        a.save(a.confidential(Tenant.DEFAULT_ID, "rp").backchannelLogoutUri(receiver.uri("/rp")));
        User user = a.user("alice");
        Set<String> sids = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            sids.add(SignedJWT.parse(signIn(a, user)).getJWTClaimsSet().getStringClaim("sid"));
        }

        CompletableFuture<Void> onA = CompletableFuture.runAsync(() -> a.server.engine().revoker().revokeAllOfUser(Tenant.DEFAULT_ID, user.id()));
        CompletableFuture<Void> onB = CompletableFuture.runAsync(() -> b.server.engine().revoker().revokeAllOfUser(Tenant.DEFAULT_ID, user.id()));
        CompletableFuture.allOf(onA, onB).join();

        List<Delivery> received = receiver.await(d -> d.path().equals("/rp"), sids.size(), Duration.ofSeconds(15));
        Thread.sleep(2_500); // two more poll intervals of both instances: nothing is sent twice
        List<Delivery> all = receiver.deliveries();
        assertEquals(sids.size(), received.size());
        assertEquals(sids.size(), all.size(), "each logout once, though both instances ended sessions and poll the queue");
        Set<String> delivered = new HashSet<>();
        for (Delivery d : all) {
            delivered.add(SignedJWT.parse(d.logoutToken()).getJWTClaimsSet().getStringClaim("sid"));
        }
        assertEquals(sids, delivered);
    }

    @Test
    void restartWhenLogoutPendingAndEveryInstanceStoppedThenNextInstanceDeliversIt() throws Exception {
        TestServer a = start(b -> { });
        a.save(a.confidential(Tenant.DEFAULT_ID, "rp").backchannelLogoutUri(receiver.uri("/down", 503, 503, 200)));
        User user = a.user("bob");
        String sid = SignedJWT.parse(signIn(a, user)).getJWTClaimsSet().getStringClaim("sid");
        String issuer = a.server.issuer().toString();

        a.server.engine().revoker().revokeAllOfUser(Tenant.DEFAULT_ID, user.id());
        // At least one failed attempt while up; revokeAllOfUser waits up to 1 s for its cut-off, long enough for a
        // second attempt 300 ms after the first when the POSTs are fast.
        assertFalse(receiver.await(d -> d.path().equals("/down"), 1, Duration.ofSeconds(10)).isEmpty());
        a.close();
        servers.remove(a);
        int attemptsWhileUp = receiver.deliveries().size();

        start(c -> c.issuer(issuer));

        List<Delivery> delivered = receiver.await(d -> d.answeredWith() == 200, 1, Duration.ofSeconds(15));
        assertEquals(1, delivered.size(), "the queued logout survived the restart; attempts before it: " + attemptsWhileUp);
        assertEquals(sid, SignedJWT.parse(delivered.get(0).logoutToken()).getJWTClaimsSet().getStringClaim("sid"));
    }

    /** Signs in at {@code server} through the authorize endpoint and redeems the code; answers the ID token. */
    private static String signIn(TestServer server, User user) {
        Browser browser = new Browser();
        URI authorize = server.uri("/oauth2/authorize?" + form("response_type", "code", "client_id", "rp", "redirect_uri", REDIRECT,
                "state", "s", "scope", "openid"));
        Browser.LoginForm login = Browser.loginForm(browser.get(authorize).body());
        HttpResponse<String> response = browser.post(login.action(), login.withCredentials(user.username(), PASSWORD));
        assertEquals(302, response.statusCode(), response.body());
        String location = response.headers().firstValue("Location").orElseThrow();
        int start = location.indexOf("code=") + "code=".length();
        int end = location.indexOf('&', start);
        String code = URLDecoder.decode(location.substring(start, end < 0 ? location.length() : end), StandardCharsets.UTF_8);
        HttpResponse<String> tokens = server.post("/oauth2/token", form("grant_type", "authorization_code", "code", code,
                "redirect_uri", REDIRECT), "Authorization", basic("rp", SECRET));
        assertEquals(200, tokens.statusCode(), tokens.body());
        return json(tokens.body()).get("id_token").asText();
    }
}
