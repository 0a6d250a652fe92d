package dev.identityservice.server.setup;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.Printable;
import dev.identityservice.core.client.AccessTokenFormat;
import dev.identityservice.core.client.ApplicationType;
import dev.identityservice.core.client.ClaimMapping;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientCredentials;
import dev.identityservice.core.client.ClientDescription;
import dev.identityservice.core.client.ClientKeys;
import dev.identityservice.core.client.ClientRegistrationRules;
import dev.identityservice.core.client.ClientSecrets;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.client.ResponseType;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.outbound.OutboundHttp;
import dev.identityservice.core.registration.RegistrationMode;
import dev.identityservice.core.store.jdbc.DataAccessException;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.core.token.refresh.RefreshPolicy;
import dev.identityservice.core.user.Passwords;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserProfile;
import dev.identityservice.core.user.UserRegistration;
import dev.identityservice.core.user.Usernames;
import dev.identityservice.core.user.Address;
import dev.identityservice.core.user.UserProfile;
import dev.identityservice.server.Durations;
import dev.identityservice.server.http.TenantResolver;
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
 * Applies a {@link SetupFile} in two phases. First every entry of the whole file is checked and turned into
 * a planned step, without writing anything: one bad entry fails the import with the entry and field named
 * and nothing applied. Then the steps are written and each entity is logged as created, updated, unchanged
 * or skipped. What happens to an entity that already exists is the {@link ImportMode}: left alone
 * ({@link ImportMode#CREATE_MISSING}, the default) or brought in line with the file ({@link ImportMode#SYNC}).
 * Running it twice changes nothing the second time (a password that already verifies is not re-hashed).
 *
 * <p>The writes go through the stores in one database transaction: a write that fails midway (a database
 * constraint, the database itself) leaves nothing of the file applied.
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

    /** What the import did to one entity. */
    public enum Outcome { CREATED, UPDATED, UNCHANGED, SKIPPED }

    /** One planned write: {@code write} is empty for {@link Outcome#UNCHANGED} and {@link Outcome#SKIPPED}. */
    private record Step(String what, Outcome outcome, Runnable write) {
    }

    private final IdentityEngine engine;
    private final URI defaultIssuer;
    private final Duration defaultAccessTokenTtl;
    private final ImportMode mode;

    /** An importer in {@link ImportMode#CREATE_MISSING} mode. */
    public SetupImporter(IdentityEngine engine, URI defaultIssuer, Duration defaultAccessTokenTtl) {
        this(engine, defaultIssuer, defaultAccessTokenTtl, ImportMode.CREATE_MISSING);
    }

    public SetupImporter(IdentityEngine engine, URI defaultIssuer, Duration defaultAccessTokenTtl, ImportMode mode) {
        this.engine = engine;
        this.defaultIssuer = defaultIssuer;
        this.defaultAccessTokenTtl = defaultAccessTokenTtl;
        this.mode = mode;
    }

    /**
     * Checks the whole file, then applies it in one database transaction ({@link IdentityEngine#inOneTransaction}):
     * when a write fails midway (a constraint the checks cannot see, the database going away), every write before
     * it is rolled back too, and the engine forgets what it had cached of them. What was done is logged per
     * entity once it is committed.
     *
     * @return the outcome per entity ({@code "user carol"} etc.), in file order
     * @throws IllegalArgumentException naming the first bad entry and field, or the entry whose write failed;
     *                                  either way nothing was written
     */
    public Map<String, Outcome> apply(SetupFile file) {
        List<Step> steps = plan(file);
        Map<String, Outcome> outcomes = new java.util.LinkedHashMap<>();
        engine.inOneTransaction(() -> {
            for (Step step : steps) {
                named(step.what(), () -> {
                    step.write().run();
                    return step;
                });
                outcomes.put(step.what(), step.outcome());
            }
            return null;
        });
        outcomes.forEach((what, outcome) -> {
            if (outcome == Outcome.SKIPPED) {
                LOG.info("Import: {} exists, skipped (import.mode create-missing leaves it as it is)", what);
            } else {
                LOG.info("Import: {} {}", what, outcome.name().toLowerCase(Locale.ROOT));
            }
        });
        LOG.info("Import applied ({}): {} tenants, {} users, {} clients; {} created, {} updated, {} skipped", mode.value(),
                file.tenants().size(), file.users().size(), file.clients().size(), count(outcomes, Outcome.CREATED),
                count(outcomes, Outcome.UPDATED), count(outcomes, Outcome.SKIPPED));
        return outcomes;
    }

    /**
     * Checks every entry of {@code file} against the rules and the stored state, writing nothing.
     *
     * @throws IllegalArgumentException naming the first bad entry and field
     */
    public void check(SetupFile file) {
        plan(file);
    }

    private List<Step> plan(SetupFile file) {
        Set<String> declaredTenants = new LinkedHashSet<>();
        file.tenants().forEach(t -> declaredTenants.add(t.id()));
        Map<String, SigningAlgorithm> declaredAlgorithms = new java.util.HashMap<>();
        file.tenants().forEach(t -> declaredAlgorithms.put(t.id(), t.signingAlgorithm() == null ? SigningAlgorithm.DEFAULT
                : SigningAlgorithm.parse(t.signingAlgorithm())));
        List<Step> steps = new java.util.ArrayList<>();
        file.tenants().forEach(entry -> steps.add(named("tenant " + Printable.of(entry.id()), () -> tenant(entry))));
        file.users().forEach(entry -> steps.add(named("user " + Printable.of(entry.username()), () -> user(entry, declaredTenants))));
        file.clients().forEach(entry -> steps.add(named("client " + Printable.of(entry.clientId()), () -> client(entry, declaredTenants, declaredAlgorithms))));
        return steps;
    }

    private static long count(Map<String, Outcome> outcomes, Outcome outcome) {
        return outcomes.values().stream().filter(o -> o == outcome).count();
    }

    private Step existing(boolean changed, Runnable update) {
        if (mode == ImportMode.CREATE_MISSING) {
            return new Step(null, Outcome.SKIPPED, () -> { });
        }
        return changed ? new Step(null, Outcome.UPDATED, update) : new Step(null, Outcome.UNCHANGED, () -> { });
    }

    private Step tenant(SetupFile.TenantEntry entry) {
        require(entry.id(), "id");
        URI issuer = entry.issuer() != null ? URI.create(entry.issuer()) : TenantResolver.derivedIssuer(defaultIssuer, entry.id());
        SigningAlgorithm algorithm = entry.signingAlgorithm() == null ? SigningAlgorithm.DEFAULT : SigningAlgorithm.parse(entry.signingAlgorithm());
        Duration period = entry.rotationPeriod() == null ? null : Durations.parse("rotationPeriod", entry.rotationPeriod());
        RegistrationMode registration = entry.registration() == null ? null : RegistrationMode.parse(entry.registration());
        Boolean frontChannel = entry.implicitAndHybridFlows();
        Optional<Tenant> found = engine.tenant(entry.id());
        if (found.isEmpty()) {
            return new Step(null, Outcome.CREATED, () -> {
                Tenant tenant = engine.ensureTenant(entry.id(), issuer, algorithm);
                Tenant wanted = tenant.withIssuer(issuer).withRotationPeriod(period == null ? tenant.rotationPeriod() : period)
                        .withRegistrationMode(registration == null ? tenant.registrationMode() : registration)
                        .withImplicitAndHybridFlows(frontChannel == null ? tenant.implicitAndHybridFlows() : frontChannel);
                if (!wanted.equals(tenant)) {
                    engine.updateTenant(wanted);
                }
            });
        }
        Tenant tenant = found.get();
        Tenant wanted = tenant.withIssuer(issuer).withRotationPeriod(period == null ? tenant.rotationPeriod() : period)
                .withRegistrationMode(registration == null ? tenant.registrationMode() : registration)
                .withImplicitAndHybridFlows(frontChannel == null ? tenant.implicitAndHybridFlows() : frontChannel);
        return existing(!wanted.equals(tenant) || tenant.signingAlgorithm() != algorithm, () -> {
            if (!wanted.equals(tenant)) {
                engine.updateTenant(wanted);
            }
            if (tenant.signingAlgorithm() != algorithm) {
                engine.changeSigningAlgorithm(tenant.id(), algorithm);
            }
        });
    }

    private Step user(SetupFile.UserEntry entry, Set<String> declaredTenants) {
        String tenantId = tenantOf(entry.tenant(), declaredTenants);
        require(entry.username(), "username");
        Usernames.stored(entry.username());
        if (entry.password() != null && entry.passwordHash() != null) {
            throw new IllegalArgumentException("give password or passwordHash, not both");
        }
        if (entry.password() != null) {
            checkPassword(entry.password());
        }
        UserProfile profile = profile(entry.profile());
        Set<String> roles = entry.roles() == null ? Set.of() : Set.copyOf(entry.roles());
        Map<String, String> attributes = entry.attributes() == null ? Map.of() : entry.attributes();
        Instant now = engine.clock().instant();
        if (entry.passwordHash() != null) {
            engine.passwordHasher().requireAtLeastCurrentStrength(entry.passwordHash());
        }
        Optional<User> existing = engine.users().findByUsername(tenantId, entry.username());
        if (existing.isEmpty()) {
            return new Step(null, Outcome.CREATED, () -> {
                char[] password = entry.password() == null ? null : entry.password().toCharArray();
                User user = engine.userRegistration().register(tenantId, entry.username(), password, profile, roles, attributes);
                if (entry.passwordHash() != null || Boolean.FALSE.equals(entry.enabled())) {
                    engine.users().modify(tenantId, user.id(), u -> (entry.passwordHash() != null
                            ? engine.userRegistration().withImportedHash(u, entry.passwordHash()) : u)
                            .withEnabled(!Boolean.FALSE.equals(entry.enabled()), now));
                }
            });
        }
        if (mode == ImportMode.CREATE_MISSING) {
            return existing(false, () -> { });
        }
        User stored = existing.get();
        User wanted = stored.withProfile(profile, attributes, now).withRoles(roles, now)
                .withEnabled(!Boolean.FALSE.equals(entry.enabled()), now);
        if (entry.passwordHash() != null && !entry.passwordHash().equals(wanted.passwordHash())) {
            wanted = engine.userRegistration().withImportedHash(wanted, entry.passwordHash());
        }
        boolean newPassword = entry.password() != null && !engine.userRegistration().hasPassword(stored, entry.password().toCharArray());
        boolean changed = newPassword || !sameUser(stored, wanted);
        return existing(changed, () -> {
            // Re-applied to a fresh copy if an administrator or another instance writes the user meanwhile.
            User user = engine.users().modify(tenantId, stored.id(), current -> {
                User fresh = current.withProfile(profile, attributes, now).withRoles(roles, now)
                        .withEnabled(!Boolean.FALSE.equals(entry.enabled()), now);
                return entry.passwordHash() != null && !entry.passwordHash().equals(fresh.passwordHash())
                        ? engine.userRegistration().withImportedHash(fresh, entry.passwordHash()) : fresh;
            }).orElseThrow(() -> new IllegalStateException("deleted while being imported"));
            if (newPassword) {
                engine.userRegistration().changePassword(user, entry.password().toCharArray());
            }
        });
    }

    /**
     * The rules of {@code UserRegistration} for a password, checked before anything is written.
     *
     * @throws IllegalArgumentException saying which rule it breaks (never quoting it)
     */
    public static void checkPassword(String password) {
        char[] prepared;
        try {
            prepared = Passwords.prepare(password.toCharArray());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("password must be a PRECIS OpaqueString (RFC 8265 §4): no control characters");
        }
        int length = prepared.length;
        java.util.Arrays.fill(prepared, '\0');
        if (length < UserRegistration.MIN_PASSWORD_LENGTH_CHARS || length > UserRegistration.MAX_PASSWORD_LENGTH_CHARS) {
            throw new IllegalArgumentException("password must be " + UserRegistration.MIN_PASSWORD_LENGTH_CHARS + " to "
                    + UserRegistration.MAX_PASSWORD_LENGTH_CHARS + " characters");
        }
    }

    /** Equal but for the update time. */
    private static boolean sameUser(User a, User b) {
        return a.withEnabled(a.enabled(), b.updatedAt()).equals(b);
    }

    private Step client(SetupFile.ClientEntry entry, Set<String> declaredTenants, Map<String, SigningAlgorithm> declaredAlgorithms) {
        String tenantId = tenantOf(entry.tenant(), declaredTenants);
        require(entry.clientId(), "clientId");
        Instant now = engine.clock().instant();
        Optional<Client> existing = engine.clients().find(tenantId, entry.clientId());
        if (existing.isEmpty()) {
            ClientRegistrationRules.requireNewClientId(entry.clientId());
        }
        Client client = registrableClient(tenantId, entry, defaultAccessTokenTtl, secretHash(entry, existing),
                existing.map(Client::createdAt).orElse(now), now, engine.outbound());
        requireSignable(tenantId, signableAlgorithms(tenantId, declaredAlgorithms.get(tenantId)), client);
        if (existing.isEmpty()) {
            return new Step(null, Outcome.CREATED, () -> engine.clients().create(client));
        }
        return existing(!sameSettings(existing.get(), client), () -> engine.clients().update(client));
    }

    /**
     * The client {@code entry} describes with the given credential and times, checked by
     * {@link ClientRegistrationRules#requireRegistrable} and, for the URLs the server will request
     * ({@code jwksUri}, {@code backchannelLogoutUri}, {@code requestUris}), by {@code outbound}'s address policy: the one way a client
     * is made from the JSON shape by the import file, the management API and dynamic registration.
     *
     * @param outbound the server's client of clients' URLs ({@code IdentityEngine#outbound})
     * @throws IllegalArgumentException naming the bad field
     */
    public static Client registrableClient(String tenantId, SetupFile.ClientEntry entry, Duration defaultAccessTokenTtl,
                                           String secretHash, Instant createdAt, Instant updatedAt, OutboundHttp outbound) {
        Client client = clientSettings(tenantId, entry, defaultAccessTokenTtl)
                .secretHash(secretHash).createdAt(createdAt).updatedAt(updatedAt).build();
        ClientRegistrationRules.requireRegistrable(client);
        outbound.requireRegistrable("jwksUri", client.keys().jwksUri());
        if (client.backchannelLogoutUri() != null) {
            outbound.requireRegistrable("backchannelLogoutUri", URI.create(client.backchannelLogoutUri()));
        }
        for (String uri : client.requestUris()) {
            outbound.requireRegistrable("requestUris", ClientRegistrationRules.withoutFragment(URI.create(uri)));
        }
        return client;
    }

    /**
     * What a tenant will sign ID tokens and UserInfo responses with once the import is applied: a tenant the file
     * declares gets its declared algorithm plus RS256 (OIDC Core §15.1; a new tenant's keys do not exist yet);
     * any other, what its key ring signs with now.
     */
    private Set<SigningAlgorithm> signableAlgorithms(String tenantId, SigningAlgorithm declared) {
        if (declared != null) {
            return java.util.EnumSet.of(declared, SigningAlgorithm.RS256);
        }
        return engine.keys().keyRing(tenantId).idTokenAlgorithms();
    }

    /**
     * Fails unless the tenant can sign with the algorithms {@code client} registered for its ID tokens and
     * UserInfo responses ({@code id_token_signed_response_alg}, {@code userinfo_signed_response_alg}, OIDC
     * Registration §2): one rule for the import file and the management API.
     *
     * @param available what the tenant's keys sign with ({@code KeyRing#idTokenAlgorithms})
     * @throws IllegalArgumentException naming the setting, the tenant and what it signs with
     */
    public static void requireSignable(String tenantId, Set<SigningAlgorithm> available, Client client) {
        requireSignable(tenantId, available, "idTokenSignedResponseAlg", client.idTokenSignedResponseAlg());
        requireSignable(tenantId, available, "userinfoSignedResponseAlg", client.userinfoSignedResponseAlg());
    }

    private static void requireSignable(String tenantId, Set<SigningAlgorithm> available, String field, SigningAlgorithm algorithm) {
        if (algorithm != null && !available.contains(algorithm)) {
            throw new IllegalArgumentException(field + ": tenant " + Printable.of(tenantId) + " signs with "
                    + new java.util.TreeSet<>(available) + " only, not " + algorithm.name());
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
                .introspectionAudiences(new LinkedHashSet<>(list(entry.introspectionAudiences())))
                .keys(new ClientKeys(jwks(entry.jwks()), uri("jwksUri", entry.jwksUri())))
                .tokenEndpointAuthMethod(entry.tokenEndpointAuthMethod() == null ? null
                        : ClientCredentials.Method.parse(entry.tokenEndpointAuthMethod()))
                .requestObjectSigningAlg(entry.requestObjectSigningAlg())
                .applicationType(entry.applicationType() == null ? null : ApplicationType.parse(entry.applicationType()))
                .description(new ClientDescription(list(entry.contacts()), uri("logoUri", entry.logoUri()),
                        uri("clientUri", entry.clientUri()), uri("policyUri", entry.policyUri()), uri("tosUri", entry.tosUri())))
                .idTokenSignedResponseAlg(algorithm("idTokenSignedResponseAlg", entry.idTokenSignedResponseAlg()))
                .userinfoSignedResponseAlg(algorithm("userinfoSignedResponseAlg", entry.userinfoSignedResponseAlg()))
                .backchannelLogoutUri(entry.backchannelLogoutUri())
                .backchannelLogoutSessionRequired(Boolean.TRUE.equals(entry.backchannelLogoutSessionRequired()))
                .requirePushedAuthorizationRequests(Boolean.TRUE.equals(entry.requirePushedAuthorizationRequests()))
                .requestUris(entry.requestUris())
                .responseTypes(responseTypes(entry.responseTypes()));

    }

    private static URI uri(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(field + ": not a URL");
        }
    }

    private static JWKSet jwks(Map<String, Object> json) {
        if (json == null) {
            return null;
        }
        try {
            return JWKSet.parse(json);
        } catch (java.text.ParseException | RuntimeException e) {
            throw new IllegalArgumentException("jwks: not a JWK Set (RFC 7517 §5)");
        }
    }

    /** Whether the entry's client authenticates with {@code private_key_jwt} (RFC 7523 §2.2) and so has no secret. */
    public static boolean usesPrivateKeyJwt(SetupFile.ClientEntry entry) {
        return ClientCredentials.Method.PRIVATE_KEY_JWT.value().equals(entry.tokenEndpointAuthMethod());
    }

    private static String secretHash(SetupFile.ClientEntry entry, Optional<Client> existing) {
        if (usesPrivateKeyJwt(entry)) {
            if (entry.secret() != null || entry.secretHash() != null) {
                throw new IllegalArgumentException("tokenEndpointAuthMethod: a private_key_jwt client has no secret");
            }
            return null;
        }
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
        if (Boolean.FALSE.equals(entry.publicClient())) {
            // An exported confidential client ("public": false, no secret: exports never hold one). It is created
            // with a secret nobody knows, so it cannot be used until an administrator gives it one.
            return existing.map(Client::secretHash).filter(hash -> hash != null)
                    .orElseGet(() -> ClientSecrets.hash(ClientSecrets.generate()));
        }
        return existing.map(Client::secretHash).orElseThrow(() -> new IllegalArgumentException(
                "a new client needs secret, \"public\": true, or \"public\": false to be given a secret later "
                        + "(POST /admin/clients/{clientId}/secret)"));
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

    /** RFC 7591 §2 {@code response_types}, each a space-separated set in any order; none (or empty) means the default. */
    private static Set<ResponseType> responseTypes(List<String> values) {
        Set<ResponseType> types = new LinkedHashSet<>();
        for (String value : list(values)) {
            try {
                types.add(ResponseType.parse(value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("responseTypes: " + e.getMessage() + "; use one of "
                        + ResponseType.SUPPORTED.stream().map(ResponseType::value).toList());
            }
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

    /** A client's JWS algorithm setting: {@code null} when absent, else RS256, ES256 or EdDSA, naming the field. */
    private static SigningAlgorithm algorithm(String field, String name) {
        try {
            return name == null ? null : SigningAlgorithm.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
    }

    /**
     * The profile of a user entry; {@link UserProfile#EMPTY} for none.
     *
     * @throws IllegalArgumentException naming the field whose length or format (OIDC Core §5.1) is wrong
     */
    public static UserProfile profile(SetupFile.ProfileEntry p) {
        if (p == null) {
            return UserProfile.EMPTY;
        }
        SetupFile.AddressEntry a = p.address();
        return UserProfile.builder().name(p.name()).givenName(p.givenName()).familyName(p.familyName())
                .middleName(p.middleName()).nickname(p.nickname()).profile(p.profile()).picture(p.picture())
                .website(p.website()).email(p.email()).emailVerified(Boolean.TRUE.equals(p.emailVerified()))
                .gender(p.gender()).birthdate(p.birthdate()).zoneinfo(p.zoneinfo()).locale(p.locale())
                .phoneNumber(p.phoneNumber()).phoneNumberVerified(Boolean.TRUE.equals(p.phoneNumberVerified()))
                .address(a == null ? null : new Address(a.formatted(), a.streetAddress(), a.locality(), a.region(),
                        a.postalCode(), a.country()))
                .build().requireWellFormed();
    }

    /** Equal but for the update time: then there is nothing to write. */
    private static boolean sameSettings(Client a, Client b) {
        return a.toBuilder().updatedAt(b.updatedAt()).build().equals(b);
    }

    private String tenantOf(String tenantId, Set<String> declaredTenants) {
        String id = tenantId == null ? Tenant.DEFAULT_ID : tenantId;
        if (engine.tenant(id).isEmpty() && !declaredTenants.contains(id)) {
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

    /** Runs {@code step}, naming {@code what} in its error, and gives the step that name. */
    private static Step named(String what, java.util.function.Supplier<Step> step) {
        try {
            Step planned = step.get();
            return new Step(what, planned.outcome(), planned.write());
        } catch (DataAccessException e) {
            throw new IllegalArgumentException("import: " + what + ": the database refused the write: " + firstLine(e), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("import: " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first line of a database error, with its SQLState: PostgreSQL adds the failing row on the next lines
     * ({@code Detail: Failing row contains ...}), password and secret hashes included, which no log should keep.
     */
    private static String firstLine(DataAccessException e) {
        String message = String.valueOf(e.getMessage());
        int end = message.indexOf('\n');
        String state = e.getCause() instanceof java.sql.SQLException sql ? " (SQLState " + sql.getSQLState() + ")" : "";
        return (end < 0 ? message : message.substring(0, end)).strip() + state;
    }
}
