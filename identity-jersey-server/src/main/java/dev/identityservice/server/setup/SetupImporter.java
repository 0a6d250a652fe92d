package dev.identityservice.server.setup;

import com.nimbusds.jose.jwk.JWK;
import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.Printable;
import dev.identityservice.core.client.AccessTokenFormat;
import dev.identityservice.core.client.ClaimMapping;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientRegistrationRules;
import dev.identityservice.core.client.ClientSecrets;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.core.token.refresh.RefreshPolicy;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserProfile;
import dev.identityservice.server.Durations;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link SetupFile} idempotently: what is absent is created, what exists is updated to match,
 * nothing else is touched. Running it twice changes nothing the second time (a password that already
 * verifies is not re-hashed). A bad entry fails with the entry and field named.
 */
public final class SetupImporter {

    private static final Logger LOG = LoggerFactory.getLogger(SetupImporter.class);

    /**
     * Why {@code secretHash} is refused, at import and in the management API alike: client secrets are stored
     * as a fast SHA-256 on the promise that they have at least {@value ClientSecrets#MIN_SECRET_LENGTH_CHARS}
     * characters (see {@link ClientSecrets}); a hash brought from elsewhere cannot show that, and a short secret
     * behind it falls to a dictionary in seconds.
     */
    public static final String SECRET_HASH_REFUSED = "secretHash is not accepted: a hash cannot show that its secret "
            + "has the " + ClientSecrets.MIN_SECRET_LENGTH_CHARS + " characters that make a fast hash safe; give secret "
            + "(hashed here) or, in the management API, nothing to get a generated one";

    private final IdentityEngine engine;
    private final URI defaultIssuer;
    private final Duration defaultAccessTokenTtl;

    public SetupImporter(IdentityEngine engine, URI defaultIssuer, Duration defaultAccessTokenTtl) {
        this.engine = engine;
        this.defaultIssuer = defaultIssuer;
        this.defaultAccessTokenTtl = defaultAccessTokenTtl;
    }

    public void apply(SetupFile file) {
        file.tenants().forEach(entry -> named("tenant " + Printable.of(entry.id()), () -> tenant(entry)));
        file.users().forEach(entry -> named("user " + Printable.of(entry.username()), () -> user(entry)));
        file.clients().forEach(entry -> named("client " + Printable.of(entry.clientId()), () -> client(entry)));
        LOG.info("Import applied: {} tenants, {} users, {} clients", file.tenants().size(), file.users().size(), file.clients().size());
    }

    private void tenant(SetupFile.TenantEntry entry) {
        URI issuer = entry.issuer() != null ? URI.create(entry.issuer()) : URI.create(defaultIssuer + "/t/" + entry.id());
        SigningAlgorithm algorithm = entry.signingAlgorithm() == null ? SigningAlgorithm.DEFAULT : SigningAlgorithm.parse(entry.signingAlgorithm());
        Tenant tenant = engine.ensureTenant(entry.id(), issuer, algorithm);
        Duration period = entry.rotationPeriod() == null ? tenant.rotationPeriod() : Durations.parse("rotationPeriod", entry.rotationPeriod());
        Tenant wanted = new Tenant(tenant.id(), issuer, tenant.signingAlgorithm(), period, tenant.createdAt());
        if (!wanted.equals(tenant)) {
            engine.updateTenant(wanted);
        }
        if (tenant.signingAlgorithm() != algorithm) {
            engine.changeSigningAlgorithm(tenant.id(), algorithm);
        }
    }

    private void user(SetupFile.UserEntry entry) {
        String tenantId = tenantOf(entry.tenant());
        require(entry.username(), "username");
        if (entry.password() != null && entry.passwordHash() != null) {
            throw new IllegalArgumentException("give password or passwordHash, not both");
        }
        UserProfile profile = profile(entry.profile());
        Set<String> roles = entry.roles() == null ? Set.of() : Set.copyOf(entry.roles());
        Map<String, String> attributes = entry.attributes() == null ? Map.of() : entry.attributes();
        Instant now = engine.clock().instant();
        Optional<User> existing = engine.users().findByUsername(tenantId, entry.username());
        if (entry.passwordHash() != null) {
            engine.passwordHasher().requireAtLeastCurrentStrength(entry.passwordHash());
        }
        if (existing.isEmpty()) {
            char[] password = entry.password() == null ? null : entry.password().toCharArray();
            User user = engine.userRegistration().register(tenantId, entry.username(), password, profile, roles, attributes);
            if (entry.passwordHash() != null || Boolean.FALSE.equals(entry.enabled())) {
                engine.users().modify(tenantId, user.id(), u -> (entry.passwordHash() != null
                        ? engine.userRegistration().withImportedHash(u, entry.passwordHash()) : u)
                        .withEnabled(!Boolean.FALSE.equals(entry.enabled()), now));
            }
            return;
        }
        // Re-applied to a fresh copy if an administrator or another instance writes the user meanwhile.
        User user = engine.users().modify(tenantId, existing.get().id(), current -> {
            User wanted = current.withProfile(profile, attributes, now).withRoles(roles, now)
                    .withEnabled(!Boolean.FALSE.equals(entry.enabled()), now);
            return entry.passwordHash() != null && !entry.passwordHash().equals(wanted.passwordHash())
                    ? engine.userRegistration().withImportedHash(wanted, entry.passwordHash()) : wanted;
        }).orElseThrow(() -> new IllegalStateException("deleted while being imported"));
        if (entry.password() != null && !engine.userRegistration().hasPassword(user, entry.password().toCharArray())) {
            engine.userRegistration().changePassword(user, entry.password().toCharArray());
        }
    }

    private void client(SetupFile.ClientEntry entry) {
        String tenantId = tenantOf(entry.tenant());
        require(entry.clientId(), "clientId");
        Instant now = engine.clock().instant();
        Optional<Client> existing = engine.clients().find(tenantId, entry.clientId());
        if (existing.isEmpty()) {
            ClientRegistrationRules.requireNewClientId(entry.clientId());
        }
        Client client = clientSettings(tenantId, entry, defaultAccessTokenTtl)
                .secretHash(secretHash(entry, existing))
                .createdAt(existing.map(Client::createdAt).orElse(now))
                .updatedAt(now)
                .build();
        ClientRegistrationRules.requireRegistrable(client);
        if (existing.isEmpty()) {
            engine.clients().create(client);
        } else if (!sameSettings(existing.get(), client)) {
            engine.clients().update(client);
        }
    }

    /**
     * Every setting of {@code entry} but the credential and the times, which the caller decides: the one
     * mapping from the JSON shape to a {@link Client}, shared by the import file and the management API.
     *
     * @throws IllegalArgumentException naming the bad field
     */
    public static Client.Builder clientSettings(String tenantId, SetupFile.ClientEntry entry, Duration defaultAccessTokenTtl) {
        return Client.builder(tenantId, entry.clientId())
                .name(entry.name())
                .redirectUris(list(entry.redirectUris()))
                .postLogoutRedirectUris(list(entry.postLogoutRedirectUris()))
                .allowedOrigins(Set.copyOf(list(entry.allowedOrigins())))
                .grantTypes(grantTypes(entry.grantTypes()))
                .scopes(new LinkedHashSet<>(list(entry.scopes())))
                .tokenSettings(tokenSettings(entry, defaultAccessTokenTtl))
                .idTokenEncryptionKey(jwk(entry.idTokenEncryptionJwk()))
                .claimMappings(list(entry.claimMappings()).stream().map(SetupImporter::claimMapping).toList())
                .introspectionAudiences(new LinkedHashSet<>(list(entry.introspectionAudiences())));
    }

    private static String secretHash(SetupFile.ClientEntry entry, Optional<Client> existing) {
        boolean isPublic = Boolean.TRUE.equals(entry.publicClient());
        int given = (entry.secret() != null ? 1 : 0) + (entry.secretHash() != null ? 1 : 0) + (isPublic ? 1 : 0);
        if (given > 1) {
            throw new IllegalArgumentException("give one of secret, secretHash or \"public\": true");
        }
        if (isPublic) {
            return null;
        }
        if (entry.secret() != null) {
            // Keep the stored hash when it is already this secret, so re-imports change nothing.
            return existing.map(Client::secretHash).filter(h -> ClientSecrets.matches(entry.secret(), h))
                    .orElseGet(() -> ClientSecrets.hash(entry.secret()));
        }
        if (entry.secretHash() != null) {
            throw new IllegalArgumentException(SECRET_HASH_REFUSED);
        }
        return existing.map(Client::secretHash).orElseThrow(() -> new IllegalArgumentException(
                "a new client needs secret, secretHash or \"public\": true"));
    }

    private static TokenSettings tokenSettings(SetupFile.ClientEntry entry, Duration defaultAccessTokenTtl) {
        AccessTokenFormat format = entry.tokenFormat() == null ? AccessTokenFormat.JWT
                : enumValue(AccessTokenFormat.class, "tokenFormat", entry.tokenFormat());
        Duration accessTtl = entry.accessTokenTtl() == null ? defaultAccessTokenTtl : Durations.parse("accessTokenTtl", entry.accessTokenTtl());
        Duration idTtl = entry.idTokenTtl() == null ? TokenSettings.DEFAULT_ID_TOKEN_TTL : Durations.parse("idTokenTtl", entry.idTokenTtl());
        Duration reuseGrace = entry.refreshReuseGrace() == null ? TokenSettings.DEFAULT_REFRESH_REUSE_GRACE
                : Durations.parse("refreshReuseGrace", entry.refreshReuseGrace());
        return new TokenSettings(format, accessTtl, idTtl, refreshPolicy(entry.refreshPolicy()), entry.audience(), reuseGrace);
    }

    private static RefreshPolicy refreshPolicy(SetupFile.RefreshPolicyEntry entry) {
        if (entry == null || entry.type() == null || "bound".equalsIgnoreCase(entry.type())) {
            return RefreshPolicy.DEFAULT;
        }
        if (!"sliding".equalsIgnoreCase(entry.type())) {
            throw new IllegalArgumentException("refreshPolicy.type must be bound or sliding: " + entry.type());
        }
        require(entry.ttl(), "refreshPolicy.ttl");
        Duration ttl = Durations.parse("refreshPolicy.ttl", entry.ttl());
        Duration max = entry.max() == null ? RefreshPolicy.Sliding.MAX_TTL.compareTo(ttl) > 0 ? RefreshPolicy.Sliding.MAX_TTL : ttl
                : Durations.parse("refreshPolicy.max", entry.max());
        return new RefreshPolicy.Sliding(ttl, max);
    }

    private static Set<GrantType> grantTypes(List<String> names) {
        Set<GrantType> types = new LinkedHashSet<>();
        for (String name : list(names)) {
            GrantType type = GrantType.fromValue(name);
            if (type == null) {
                throw new IllegalArgumentException("grantTypes: unknown grant type '" + name + "'");
            }
            types.add(type);
        }
        return types;
    }

    private static ClaimMapping claimMapping(SetupFile.ClaimMappingEntry entry) {
        require(entry.token(), "claimMappings.token");
        return new ClaimMapping(enumValue(ClaimMapping.TokenType.class, "claimMappings.token", entry.token()), entry.attribute(), entry.claim());
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String field, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be one of " + java.util.Arrays.toString(type.getEnumConstants())
                    .toLowerCase(Locale.ROOT) + ": " + value);
        }
    }

    private static JWK jwk(Map<String, Object> json) {
        if (json == null) {
            return null;
        }
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("idTokenEncryptionJwk is not a JWK: " + e.getMessage());
        }
    }

    /** The profile of a user entry; {@link UserProfile#EMPTY} for none. */
    public static UserProfile profile(SetupFile.ProfileEntry p) {
        if (p == null) {
            return UserProfile.EMPTY;
        }
        return new UserProfile(p.name(), p.givenName(), p.familyName(), p.email(), Boolean.TRUE.equals(p.emailVerified()),
                p.picture(), p.locale());
    }

    /** Equal but for the update time: then there is nothing to write. */
    private static boolean sameSettings(Client a, Client b) {
        return a.toBuilder().updatedAt(b.updatedAt()).build().equals(b);
    }

    private String tenantOf(String tenantId) {
        String id = tenantId == null ? Tenant.DEFAULT_ID : tenantId;
        if (engine.tenant(id).isEmpty()) {
            throw new IllegalArgumentException("unknown tenant '" + id + "'; declare it under tenants");
        }
        return id;
    }

    private static <T> List<T> list(List<T> values) {
        return values == null ? List.of() : values;
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
    }

    private static void named(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("import: " + what + ": " + e.getMessage(), e);
        }
    }
}
