package dev.identityservice.core.testing;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientSecrets;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.grant.TokenRequest;
import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.IssuedTokens;
import dev.identityservice.core.user.Argon2idParameters;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserProfile;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real engine on a real database for tests, with a settable clock, cheap Argon2 parameters
 * (the hash itself is tested elsewhere) and ES256 keys (fast to generate).
 */
public final class TestEngine implements AutoCloseable {

    public static final String PASSWORD = "correct horse battery staple";
    public static final String SECRET = "s3cret-that-is-long-enough-for-the-32-char-rule";
    private static final Argon2idParameters FAST = new Argon2idParameters(256, 1, 1, 16, 32);

    public final Database database;
    public final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
    public final IdentityEngine engine;
    public final AtomicInteger reuseDetected = new AtomicInteger();
    /** What the service did about each detected reuse, in order. */
    public final java.util.List<dev.identityservice.core.token.refresh.RefreshTokenService.ReuseOutcome> reuseOutcomes =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Runs while "revoke everything" waits out its cut-off second, after its writes and before it answers: a
     * request racing the revocation. The wait itself advances {@link #clock} instead of sleeping.
     */
    public volatile Runnable duringRevocationWait = () -> { };

    private TestEngine(Database database) {
        this.database = database;
        this.engine = IdentityEngine.builder(database, MasterKey.generate())
                .clock(clock)
                .sleeper(duration -> {
                    duringRevocationWait.run();
                    clock.advance(duration);
                })
                .passwordHasher(new Argon2idPasswordHasher(FAST, new SecureRandom()))
                .reuseListener((tenantId, clientId, outcome) -> {
                    reuseDetected.incrementAndGet();
                    reuseOutcomes.add(outcome);
                })
                .build();
    }

    public static TestEngine on(DatabaseKind kind) {
        return new TestEngine(TestDatabases.open(kind));
    }

    public Tenant tenant(String id) {
        return engine.ensureTenant(id, URI.create("https://id.example.com/t/" + id), SigningAlgorithm.ES256);
    }

    public User user(Tenant tenant, String username, String... roles) {
        return engine.userRegistration().register(tenant.id(), username, PASSWORD.toCharArray(),
                new UserProfile("Alice Example", "Alice", "Example", username + "@example.com", true, null, "en"),
                Set.of(roles), Map.of("department", "engineering"));
    }

    /** A confidential client allowed every grant, with scopes openid, profile, email, api. */
    public Client.Builder confidentialClient(Tenant tenant, String clientId) {
        return Client.builder(tenant.id(), clientId)
                .secretHash(ClientSecrets.hash(SECRET))
                .redirectUri("https://app.example.com/callback")
                .grantTypes(Set.of(GrantType.values()))
                .scopes(Set.of("openid", "profile", "email", "api"))
                .createdAt(clock.instant()).updatedAt(clock.instant());
    }

    public Client save(Client.Builder builder) {
        Client client = builder.build();
        engine.clients().create(client);
        return client;
    }

    public IssuedTokens token(Tenant tenant, Client client, String... keyValues) {
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            parameters.put(keyValues[i], keyValues[i + 1]);
        }
        return engine.tokenGrants().handle(new TokenRequest(tenant, client, parameters));
    }

    public IssuedTokens passwordLogin(Tenant tenant, Client client, String username) {
        return token(tenant, client, "grant_type", "password", "username", username, "password", PASSWORD);
    }

    public IssuedTokens refresh(Tenant tenant, Client client, String refreshToken) {
        return token(tenant, client, "grant_type", "refresh_token", "refresh_token", refreshToken);
    }

    @Override
    public void close() {
        database.close();
    }
}
