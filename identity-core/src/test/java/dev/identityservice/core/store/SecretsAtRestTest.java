package dev.identityservice.core.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import dev.identityservice.core.client.AccessTokenFormat;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.grant.Pkce;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.TestEngine;
import dev.identityservice.core.token.TokenSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reads every table with plain SQL, as an attacker with a database dump would. */
class SecretsAtRestTest {

    private static final List<String> TABLES = List.of("tenants", "users", "user_roles", "user_attributes", "clients",
            "client_claim_mappings", "signing_keys", "sessions", "refresh_tokens", "opaque_access_tokens",
            "revoked_access_tokens", "authorization_codes");

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void tablesWhenDumpedThenNoPlaintextRefreshTokenCodeSecretPasswordOrPrivateKey(DatabaseKind kind) throws Exception {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            var alice = t.user(tenant, "alice", "user");
            Client web = t.save(t.confidentialClient(tenant, "web"));
            Client opaque = t.save(t.confidentialClient(tenant, "legacy")
                    .tokenSettings(TokenSettings.DEFAULTS.withAccessTokenFormat(AccessTokenFormat.OPAQUE)));
            String refreshToken = t.passwordLogin(tenant, web, "alice").refreshToken();
            String opaqueToken = t.passwordLogin(tenant, opaque, "alice").accessToken();
            String code = t.engine.authorizationCodes().issue(tenant, web, alice, "https://app.example.com/callback",
                    Set.of("openid"), null, Pkce.challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), t.clock.instant(), null);
            String sessionCookie = t.engine.sessions().start(tenant.id(), alice.id()).cookieValue();
            String privateD = ((ECKey) t.engine.keys().keyRing("acme").active().jwk()).getD().toString();

            String dump = dumpAllTables(t);

            assertTrue(dump.contains("alice"), "the dump really contains the data");
            for (String secret : List.of(refreshToken, opaqueToken, code, sessionCookie, TestEngine.SECRET,
                    TestEngine.PASSWORD, privateD)) {
                assertFalse(dump.contains(secret), "plaintext secret found in the database");
            }
            assertFalse(dump.contains("\"d\""), "no private JWK member in clear");
        }
    }

    private static String dumpAllTables(TestEngine t) throws Exception {
        StringBuilder dump = new StringBuilder();
        try (Connection connection = t.database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = rows.getMetaData();
                    List<String> values = new ArrayList<>();
                    while (rows.next()) {
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            values.add(String.valueOf(rows.getObject(i)));
                        }
                    }
                    dump.append(table).append(':').append(String.join("|", values)).append('\n');
                }
            }
        }
        return dump.toString();
    }
}
