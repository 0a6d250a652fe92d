package dev.identityservice.benchmarks;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientSecrets;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.DatabaseConfig;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.UserProfile;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** A real engine on an in-memory H2 with one RS256 tenant, one user and one client, as the server has. */
final class EngineFixture implements AutoCloseable {

    static final String PASSWORD = "correct horse battery staple";

    final Database database;
    final IdentityEngine engine;
    final Tenant tenant;
    final Client client;

    EngineFixture() {
        database = Database.open(DatabaseConfig.h2InMemory("bench-" + UUID.randomUUID()));
        engine = IdentityEngine.builder(database, MasterKey.generate()).build();
        tenant = engine.ensureTenant("default", URI.create("https://id.example.com"), SigningAlgorithm.RS256);
        engine.userRegistration().register(tenant.id(), "alice", PASSWORD.toCharArray(), UserProfile.EMPTY, Set.of("user"), Map.of());
        Instant now = Instant.now();
        client = Client.builder(tenant.id(), "bench").secretHash(ClientSecrets.hash(ClientSecrets.generate()))
                .grantTypes(Set.of(GrantType.values())).scopes(Set.of("api")).createdAt(now).updatedAt(now).build();
        engine.clients().create(client);
    }

    @Override
    public void close() {
        database.close();
    }
}
