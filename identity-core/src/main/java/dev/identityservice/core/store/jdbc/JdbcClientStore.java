package dev.identityservice.core.store.jdbc;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.identityservice.core.client.ApplicationType;
import dev.identityservice.core.client.ClientCredentials;
import dev.identityservice.core.client.ClientDescription;
import dev.identityservice.core.client.ClientKeys;
import java.net.URI;
import dev.identityservice.core.client.AccessTokenFormat;
import dev.identityservice.core.client.ClaimMapping;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientNames;
import dev.identityservice.core.client.ClientStore;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.client.ResponseType;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.core.token.refresh.RefreshPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link ClientStore} on the {@code clients} and {@code client_claim_mappings} tables.
 *
 * <p>List settings are space-separated, as OAuth writes scopes (RFC 6749 §3.3), so their elements may
 * not contain whitespace; TTLs are whole seconds; the encryption key is its public JWK (RFC 7517) JSON.
 * Claim mappings come back ordered by token type, then claim.
 */
public final class JdbcClientStore implements ClientStore {

    /** The largest page {@link #list} returns. */
    public static final int MAX_PAGE_SIZE = 1000;

    private static final String COLUMNS = "tenant_id, client_id, name, secret_hash, redirect_uris, post_logout_redirect_uris, "
            + "allowed_origins, grant_types, scopes, audience, access_token_format, access_token_ttl_seconds, id_token_ttl_seconds, "
            + "refresh_policy, refresh_ttl_seconds, refresh_max_seconds, id_token_encryption_jwk, refresh_reuse_grace_seconds, "
            + "introspection_audiences, jwks, jwks_uri, token_endpoint_auth_method, request_object_signing_alg, application_type, "
            + "contacts, logo_uri, client_uri, policy_uri, tos_uri, id_token_signed_response_alg, userinfo_signed_response_alg, "
            + "backchannel_logout_uri, backchannel_logout_session_required, created_at, updated_at, "
            + "require_pushed_authorization_requests, request_uris, response_types";
    private static final SelectList SELECTED = new SelectList(COLUMNS);
    /** {@link #COLUMNS} of client {@code c}, then the token type, attribute and claim of each of its mappings {@code m}. */
    private static final String FIND_WITH_MAPPINGS = "SELECT c." + COLUMNS.replace(", ", ", c.")
            + ", m.token_type, m.attribute, m.claim FROM clients c LEFT JOIN client_claim_mappings m"
            + " ON m.tenant_id = c.tenant_id AND m.client_id = c.client_id"
            + " WHERE c.tenant_id = ? AND c.client_id = ? ORDER BY m.token_type, m.claim";
    private static final String FIELD_ASSIGNMENTS = "name = ?, secret_hash = ?, redirect_uris = ?, post_logout_redirect_uris = ?, "
            + "allowed_origins = ?, grant_types = ?, scopes = ?, audience = ?, access_token_format = ?, access_token_ttl_seconds = ?, "
            + "id_token_ttl_seconds = ?, refresh_policy = ?, refresh_ttl_seconds = ?, refresh_max_seconds = ?, id_token_encryption_jwk = ?, "
            + "refresh_reuse_grace_seconds = ?, introspection_audiences = ?, jwks = ?, jwks_uri = ?, token_endpoint_auth_method = ?, "
            + "request_object_signing_alg = ?, application_type = ?, contacts = ?, logo_uri = ?, client_uri = ?, policy_uri = ?, tos_uri = ?, "
            + "name_key = ?, id_token_signed_response_alg = ?, userinfo_signed_response_alg = ?, "
            + "backchannel_logout_uri = ?, backchannel_logout_session_required = ?, "
            + "require_pushed_authorization_requests = ?, request_uris = ?, response_types = ?";
    /** The columns an insert writes: the key, {@link #FIELD_ASSIGNMENTS}, then the two timestamps. */
    private static final String INSERT_COLUMNS = "tenant_id, client_id, " + FIELD_ASSIGNMENTS.replace(" = ?", "")
            + ", created_at, updated_at";
    private static final String BOUND = "BOUND";
    private static final String SLIDING = "SLIDING";

    private final Database database;

    public JdbcClientStore(Database database) {
        this.database = database;
    }

    @Override
    public void create(Client client) {
        requireStorable(client);
        try {
            database.inTransaction(connection -> {
                insert(connection, client);
                return null;
            });
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                throw new IllegalStateException("client '" + client.clientId() + "' already exists");
            }
            throw e;
        }
    }

    /**
     * Inserts {@code client} within the caller's transaction on {@code connection}, so that a client can be
     * stored together with other rows (its registration, {@code JdbcClientRegistrationStore}).
     *
     * @throws SQLException a unique violation when the id is taken
     */
    static void insert(Connection connection, Client client) throws SQLException {
        requireStorable(client);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO clients (" + INSERT_COLUMNS + ") VALUES ("
                + String.join(", ", Collections.nCopies(INSERT_COLUMNS.split(",").length, "?")) + ")")) {
            insert.setString(1, client.tenantId());
            insert.setString(2, client.clientId());
            int i = bindFields(insert, 3, client);
            Timestamps.set(insert, i++, client.createdAt());
            Timestamps.set(insert, i, client.updatedAt());
            insert.executeUpdate();
        }
        insertClaimMappings(connection, client);
    }

    @Override
    public void update(Client client) {
        requireStorable(client);
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE clients SET " + FIELD_ASSIGNMENTS + ", updated_at = ? WHERE tenant_id = ? AND client_id = ?")) {
                int i = bindFields(update, 1, client);
                Timestamps.set(update, i++, client.updatedAt());
                update.setString(i++, client.tenantId());
                update.setString(i, client.clientId());
                if (update.executeUpdate() == 0) {
                    throw new IllegalStateException("client '" + client.clientId() + "' does not exist");
                }
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM client_claim_mappings WHERE tenant_id = ? AND client_id = ?")) {
                delete.setString(1, client.tenantId());
                delete.setString(2, client.clientId());
                delete.executeUpdate();
            }
            insertClaimMappings(connection, client);
            return null;
        });
    }

    /**
     * One statement, the client's row joined with its claim mappings (one row per mapping, or one with none): one
     * snapshot, so a client changed meanwhile never comes back with the mappings of another version, and one
     * execution less on the path of every token, introspection and userinfo request.
     */
    @Override
    public Optional<Client> find(String tenantId, String clientId) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(FIND_WITH_MAPPINGS)) {
                select.setString(1, tenantId);
                select.setString(2, clientId);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    Client.Builder builder = read(SELECTED.row(row));
                    List<ClaimMapping> mappings = new ArrayList<>();
                    int mapping = SELECTED.size() + 1;
                    do {
                        String tokenType = row.getString(mapping);
                        if (tokenType != null) {
                            mappings.add(new ClaimMapping(ClaimMapping.TokenType.valueOf(tokenType), row.getString(mapping + 1),
                                    row.getString(mapping + 2)));
                        }
                    } while (row.next());
                    return Optional.of(builder.claimMappings(mappings).build());
                }
            }
        });
    }

    /** Clients of a tenant ordered by client id. */
    @Override
    public List<Client> list(String tenantId, int offset, int limit) {
        return page(tenantId, "", "client_id", (select, i) -> i, offset, limit);
    }

    /** The prefix in key form, on the {@code (tenant_id, name_key)} index ({@link PrefixSearch}). */
    @Override
    public List<Client> search(String tenantId, String namePrefix, int offset, int limit) {
        PrefixSearch prefix = PrefixSearch.on(database, "name_key", ClientNames.key(namePrefix));
        return page(tenantId, " AND " + prefix.sql(), prefix.orderBy() + ", client_id", prefix::bind, offset, limit);
    }

    /** The SQL of {@link #search} on {@code database}, for tests that ask the planner about it. */
    static String searchSql(Database database) {
        PrefixSearch prefix = PrefixSearch.on(database, "name_key", "a");
        return selectPage(" AND " + prefix.sql(), prefix.orderBy() + ", client_id");
    }

    private static String selectPage(String condition, String orderBy) {
        return "SELECT " + COLUMNS + " FROM clients WHERE tenant_id = ?" + condition + " ORDER BY " + orderBy
                + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
    }

    private List<Client> page(String tenantId, String condition, String orderBy, PrefixSearch.Binder binder, int offset, int limit) {
        if (offset < 0 || limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("offset must be >= 0 and limit between 1 and " + MAX_PAGE_SIZE);
        }
        return database.withConnection(connection -> {
            Map<String, Client.Builder> builders = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(selectPage(condition, orderBy))) {
                select.setString(1, tenantId);
                int i = binder.bind(select, 2);
                select.setInt(i++, offset);
                select.setInt(i, limit);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        builders.put(row.getString("client_id"), read(SELECTED.row(row)));
                    }
                }
            }
            Map<String, List<ClaimMapping>> mappings = claimMappings(connection, tenantId, builders.keySet());
            List<Client> clients = new ArrayList<>(builders.size());
            builders.forEach((id, builder) -> clients.add(builder.claimMappings(mappings.getOrDefault(id, List.of())).build()));
            return clients;
        });
    }

    @Override
    public boolean delete(String tenantId, String clientId) {
        return database.withConnection(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM clients WHERE tenant_id = ? AND client_id = ?")) {
                delete.setString(1, tenantId);
                delete.setString(2, clientId);
                return delete.executeUpdate() > 0;
            }
        });
    }

    /** Binds the columns of {@link #FIELD_ASSIGNMENTS} from {@code first} on; answers the next index. */
    private static int bindFields(PreparedStatement statement, int first, Client client) throws SQLException {
        TokenSettings settings = client.tokenSettings();
        int i = first;
        statement.setString(i++, client.name());
        statement.setString(i++, client.secretHash());
        statement.setString(i++, String.join(" ", client.redirectUris()));
        statement.setString(i++, String.join(" ", client.postLogoutRedirectUris()));
        statement.setString(i++, String.join(" ", client.allowedOrigins().stream().sorted().toList()));
        statement.setString(i++, client.grantTypes().stream().map(GrantType::value).sorted().collect(Collectors.joining(" ")));
        statement.setString(i++, String.join(" ", client.scopes().stream().sorted().toList()));
        statement.setString(i++, settings.audience());
        statement.setString(i++, settings.accessTokenFormat().name());
        statement.setLong(i++, settings.accessTokenTtl().toSeconds());
        statement.setLong(i++, settings.idTokenTtl().toSeconds());
        if (settings.refreshPolicy() instanceof RefreshPolicy.Sliding sliding) {
            statement.setString(i++, SLIDING);
            statement.setLong(i++, sliding.ttl().toSeconds());
            statement.setLong(i++, sliding.absoluteMax().toSeconds());
        } else {
            statement.setString(i++, BOUND);
            statement.setNull(i++, Types.BIGINT);
            statement.setNull(i++, Types.BIGINT);
        }
        JWK key = client.idTokenEncryptionKey();
        statement.setString(i++, key == null ? null : key.toPublicJWK().toJSONString());
        statement.setLong(i++, settings.refreshReuseGrace().toSeconds());
        statement.setString(i++, String.join(" ", client.introspectionAudiences().stream().sorted().toList()));
        ClientKeys keys = client.keys();
        statement.setString(i++, keys.jwks() == null ? null : keys.jwks().toString(true));
        statement.setString(i++, keys.jwksUri() == null ? null : keys.jwksUri().toString());
        statement.setString(i++, client.tokenEndpointAuthMethod() == null ? null : client.tokenEndpointAuthMethod().name());
        statement.setString(i++, client.requestObjectSigningAlg());
        statement.setString(i++, client.applicationType() == null ? null : client.applicationType().name());
        ClientDescription d = client.description();
        statement.setString(i++, String.join(" ", d.contacts()));
        statement.setString(i++, d.logoUri() == null ? null : d.logoUri().toString());
        statement.setString(i++, d.clientUri() == null ? null : d.clientUri().toString());
        statement.setString(i++, d.policyUri() == null ? null : d.policyUri().toString());
        statement.setString(i++, d.tosUri() == null ? null : d.tosUri().toString());
        statement.setString(i++, ClientNames.key(client.name()));
        statement.setString(i++, client.idTokenSignedResponseAlg() == null ? null : client.idTokenSignedResponseAlg().name());
        statement.setString(i++, client.userinfoSignedResponseAlg() == null ? null : client.userinfoSignedResponseAlg().name());
        statement.setString(i++, client.backchannelLogoutUri());
        statement.setBoolean(i++, client.backchannelLogoutSessionRequired());
        statement.setBoolean(i++, client.requirePushedAuthorizationRequests());
        statement.setString(i++, String.join(" ", client.requestUris()));
        // Comma-separated: a response type is itself space-separated (RFC 6749 §3.1.1).
        statement.setString(i++, client.responseTypes().stream().map(ResponseType::value).sorted().collect(Collectors.joining(",")));
        return i;
    }

    private static Client.Builder read(SelectList.Row row) throws SQLException {
        RefreshPolicy policy = switch (row.getString("refresh_policy")) {
            case BOUND -> RefreshPolicy.DEFAULT;
            case SLIDING -> new RefreshPolicy.Sliding(Duration.ofSeconds(row.getLong("refresh_ttl_seconds")),
                    Duration.ofSeconds(row.getLong("refresh_max_seconds")));
            default -> throw new IllegalStateException("unknown refresh_policy: " + row.getString("refresh_policy"));
        };
        TokenSettings settings = new TokenSettings(AccessTokenFormat.valueOf(row.getString("access_token_format")),
                Duration.ofSeconds(row.getLong("access_token_ttl_seconds")), Duration.ofSeconds(row.getLong("id_token_ttl_seconds")),
                policy, row.getString("audience"), Duration.ofSeconds(row.getLong("refresh_reuse_grace_seconds")));
        Set<GrantType> grantTypes = new HashSet<>();
        for (String value : split(row.getString("grant_types"))) {
            GrantType type = GrantType.fromValue(value);
            if (type == null) {
                throw new IllegalStateException("unknown grant type in clients row: " + value);
            }
            grantTypes.add(type);
        }
        return Client.builder(row.getString("tenant_id"), row.getString("client_id"))
                .name(row.getString("name"))
                .secretHash(row.getString("secret_hash"))
                .redirectUris(split(row.getString("redirect_uris")))
                .postLogoutRedirectUris(split(row.getString("post_logout_redirect_uris")))
                .allowedOrigins(new HashSet<>(split(row.getString("allowed_origins"))))
                .grantTypes(grantTypes)
                .scopes(new HashSet<>(split(row.getString("scopes"))))
                .tokenSettings(settings)
                .idTokenEncryptionKey(parseJwk(row.getString("id_token_encryption_jwk")))
                .introspectionAudiences(new HashSet<>(split(row.getString("introspection_audiences"))))
                .keys(new ClientKeys(parseJwks(row.getString("jwks")), uri(row.getString("jwks_uri"))))
                .tokenEndpointAuthMethod(row.getString("token_endpoint_auth_method") == null ? null
                        : ClientCredentials.Method.valueOf(row.getString("token_endpoint_auth_method")))
                .requestObjectSigningAlg(row.getString("request_object_signing_alg"))
                .applicationType(row.getString("application_type") == null ? null : ApplicationType.valueOf(row.getString("application_type")))
                .description(new ClientDescription(split(row.getString("contacts")), uri(row.getString("logo_uri")),
                        uri(row.getString("client_uri")), uri(row.getString("policy_uri")), uri(row.getString("tos_uri"))))
                .backchannelLogoutUri(row.getString("backchannel_logout_uri"))
                .backchannelLogoutSessionRequired(row.getBoolean("backchannel_logout_session_required"))
                .requirePushedAuthorizationRequests(row.getBoolean("require_pushed_authorization_requests"))
                .requestUris(split(row.getString("request_uris")))
                .responseTypes(responseTypes(row.getString("response_types")))
                .createdAt(row.getInstant("created_at"))
                .updatedAt(row.getInstant("updated_at"))
                .idTokenSignedResponseAlg(algorithm(row.getString("id_token_signed_response_alg")))
                .userinfoSignedResponseAlg(algorithm(row.getString("userinfo_signed_response_alg")));
    }

    /** The stored response types; none (a row from before they were stored) means the client's default. */
    private static Set<ResponseType> responseTypes(String stored) {
        Set<ResponseType> types = new HashSet<>();
        for (String value : stored == null || stored.isEmpty() ? new String[0] : stored.split(",")) {
            types.add(ResponseType.parse(value));
        }
        return types;
    }

    private static SigningAlgorithm algorithm(String name) {
        return name == null ? null : SigningAlgorithm.parse(name);
    }

    private static Map<String, List<ClaimMapping>> claimMappings(Connection connection, String tenantId, Collection<String> clientIds)
            throws SQLException {
        if (clientIds.isEmpty()) {
            return Map.of();
        }
        Map<String, List<ClaimMapping>> mappings = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT client_id, token_type, attribute, claim "
                + "FROM client_claim_mappings WHERE tenant_id = ? AND client_id IN ("
                + String.join(", ", Collections.nCopies(clientIds.size(), "?")) + ") ORDER BY client_id, token_type, claim")) {
            int i = 1;
            select.setString(i++, tenantId);
            for (String clientId : clientIds) {
                select.setString(i++, clientId);
            }
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    mappings.computeIfAbsent(row.getString(1), k -> new ArrayList<>()).add(new ClaimMapping(
                            ClaimMapping.TokenType.valueOf(row.getString(2)), row.getString(3), row.getString(4)));
                }
            }
        }
        return mappings;
    }

    private static void insertClaimMappings(Connection connection, Client client) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO client_claim_mappings "
                + "(tenant_id, client_id, token_type, attribute, claim) VALUES (?, ?, ?, ?, ?)")) {
            for (ClaimMapping mapping : client.claimMappings()) {
                insert.setString(1, client.tenantId());
                insert.setString(2, client.clientId());
                insert.setString(3, mapping.tokenType().name());
                insert.setString(4, mapping.attribute());
                insert.setString(5, mapping.claim());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Refuses, before any write, what the columns cannot hold faithfully. */
    private static void requireStorable(Client client) {
        requireSpaceFree("scope", client.scopes());
        requireSpaceFree("allowed origin", client.allowedOrigins());
        requireSpaceFree("introspectionAudiences: an audience", client.introspectionAudiences());
        TokenSettings settings = client.tokenSettings();
        requireWholeSeconds("accessTokenTtl", settings.accessTokenTtl());
        requireWholeSeconds("idTokenTtl", settings.idTokenTtl());
        if (settings.refreshPolicy() instanceof RefreshPolicy.Sliding sliding) {
            requireWholeSeconds("refresh ttl", sliding.ttl());
            requireWholeSeconds("refresh absoluteMax", sliding.absoluteMax());
        }
        Set<String> targets = new HashSet<>();
        for (ClaimMapping mapping : client.claimMappings()) {
            if (!targets.add(mapping.tokenType() + " " + mapping.claim())) {
                throw new IllegalArgumentException("claim '" + mapping.claim() + "' is mapped twice into the "
                        + mapping.tokenType() + " token");
            }
        }
    }

    private static void requireSpaceFree(String what, Collection<String> values) {
        for (String value : values) {
            if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(what + " must be non-empty and without whitespace: '" + value + "'");
            }
        }
    }

    private static void requireWholeSeconds(String name, Duration duration) {
        if (duration.getNano() != 0) {
            throw new IllegalArgumentException(name + " must be whole seconds: " + duration);
        }
    }

    private static List<String> split(String value) {
        return value == null || value.isEmpty() ? List.of() : Arrays.asList(value.split(" "));
    }

    private static URI uri(String value) {
        return value == null ? null : URI.create(value);
    }

    private static JWKSet parseJwks(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("stored jwks is not a JWK Set", e);
        }
    }

    private static JWK parseJwk(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("stored id_token_encryption_jwk is not a JWK", e);
        }
    }
}
