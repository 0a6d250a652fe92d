package dev.identityservice.core.store.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.identityservice.core.user.Address;
import dev.identityservice.core.user.StoredCredentials;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserChangedConcurrentlyException;
import dev.identityservice.core.user.UserProfile;
import dev.identityservice.core.user.UserStore;
import dev.identityservice.core.user.Usernames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link UserStore} on the {@code users}, {@code user_roles} and {@code user_attributes} tables.
 *
 * <p>Usernames are unique per tenant in their {@link User#normalize normalized} form (PRECIS
 * UsernameCaseMapped, RFC 8265 §3.3), enforced by the database.
 *
 * <p>Reading a user costs one query, the user row, when its roles and attributes are known for the row's version: every
 * write that changes them moves the version on in the same transaction, so roles and attributes read with version
 * {@code v} are the user's as long as the row says {@code v}, whichever instance wrote it. Otherwise a second query
 * reads them together with the version they belong to, and the user is read again if the row moved on in between (after
 * three such reads, with its row locked), so that a user never comes back with the row of one update and the roles or
 * attributes of another. A password login and
 * every {@code /userinfo} and introspection request read a user: the second query is the costlier one on H2, which
 * parses its {@code UNION ALL} again on every run (about 16 % of a {@code /userinfo} request's CPU).
 */
public final class JdbcUserStore implements UserStore {

    /** The largest page {@link #list} returns. */
    public static final int MAX_PAGE_SIZE = 1000;

    /** The profile's columns, in the order {@link #bindFields} binds them after username, password hash and enabled. */
    private static final List<String> PROFILE_COLUMNS = List.of("name", "given_name", "family_name", "email",
            "email_verified", "picture", "locale", "middle_name", "nickname", "profile_url", "website", "gender",
            "birthdate", "zoneinfo", "phone_number", "phone_number_verified", "address_formatted", "address_street",
            "address_locality", "address_region", "address_postal_code", "address_country");
    private static final String COLUMNS = "tenant_id, id, username, password_hash, enabled, "
            + String.join(", ", PROFILE_COLUMNS) + ", tokens_valid_after, created_at, updated_at, version";
    private static final SelectList SELECTED = new SelectList(COLUMNS);
    private static final String FIELD_ASSIGNMENTS = "username = ?, password_hash = ?, enabled = ?, "
            + String.join(" = ?, ", PROFILE_COLUMNS) + " = ?";
    /** Placeholders of an insert: {@link #COLUMNS} plus username_normalized. */
    private static final String INSERT_PLACEHOLDERS = String.join(", ", Collections.nCopies(
            SELECTED.size() + 1, "?"));
    private static final String USERNAME_CONSTRAINT = "users_username_unique";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM users WHERE tenant_id = ? AND id = ?";
    private static final String BY_USERNAME = "SELECT " + COLUMNS + " FROM users WHERE tenant_id = ? AND username_normalized = ?";
    /** The most memory the kept roles and attributes take, in bytes (estimated by {@link Children#weight}). */
    static final long KNOWN_CHILDREN_BYTES = 4L << 20;
    /** Reads of one user that its concurrent updates may spoil before it is read with its row locked. */
    static final int OPTIMISTIC_READS = 3;

    private final Database database;
    /** Roles and attributes by user, with the version of the committed user row they were read with. */
    private final Cache<UserKey, Children> knownChildren = Caffeine.newBuilder().maximumWeight(KNOWN_CHILDREN_BYTES)
            .weigher((UserKey key, Children children) -> children.weight()).build();

    public JdbcUserStore(Database database) {
        this.database = database;
    }

    @Override
    public void create(User user) {
        translateUniqueViolation(user, () -> database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO users (" + COLUMNS
                    + ", username_normalized) VALUES (" + INSERT_PLACEHOLDERS + ")")) {
                insert.setString(1, user.tenantId());
                insert.setString(2, user.id());
                int i = bindFields(insert, 3, user);
                Timestamps.set(insert, i++, user.tokensValidAfter());
                Timestamps.set(insert, i++, user.createdAt());
                Timestamps.set(insert, i++, user.updatedAt());
                insert.setLong(i++, user.version());
                insert.setString(i, User.normalize(user.username()));
                insert.executeUpdate();
            }
            insertRolesAndAttributes(connection, user);
            return null;
        }));
    }

    /** Writes only over {@code user}'s version, and moves it on by one (see {@link UserStore#update}). */
    @Override
    public User update(User user) {
        translateUniqueViolation(user, () -> database.inTransaction(connection -> {
            // The key is recomputed only for a new name: the unreachable key the PRECIS migration gave the newer
            // of two old accounts with one PRECIS name stays, so that such an account can still be edited. The right-hand
            // side reads the row as it was before this statement, on H2 and PostgreSQL alike.
            try (PreparedStatement update = connection.prepareStatement("UPDATE users SET username_normalized = CASE "
                    + "WHEN username = ? THEN username_normalized ELSE ? END, " + FIELD_ASSIGNMENTS
                    + ", updated_at = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?")) {
                update.setString(1, user.username());
                update.setString(2, User.normalize(user.username()));
                int i = bindFields(update, 3, user);
                Timestamps.set(update, i++, user.updatedAt());
                update.setString(i++, user.tenantId());
                update.setString(i++, user.id());
                update.setLong(i, user.version());
                if (update.executeUpdate() == 0) {
                    if (exists(connection, user)) {
                        throw new UserChangedConcurrentlyException(user.id());
                    }
                    throw new IllegalStateException("user '" + user.id() + "' does not exist");
                }
            }
            deleteChildren(connection, "user_roles", user);
            deleteChildren(connection, "user_attributes", user);
            insertRolesAndAttributes(connection, user);
            return null;
        }));
        return user.withVersion(user.version() + 1);
    }

    private static boolean exists(Connection connection, User user) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM users WHERE tenant_id = ? AND id = ?")) {
            select.setString(1, user.tenantId());
            select.setString(2, user.id());
            try (ResultSet result = select.executeQuery()) {
                return result.next();
            }
        }
    }

    @Override
    public boolean replacePasswordHash(String tenantId, String userId, String expectedHash, String newHash, Instant now) {
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE users SET password_hash = ?, updated_at = ?, "
                    + "version = version + 1 WHERE tenant_id = ? AND id = ? AND password_hash = ?")) {
                update.setString(1, newHash);
                Timestamps.set(update, 2, now);
                update.setString(3, tenantId);
                update.setString(4, userId);
                update.setString(5, expectedHash);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<User> findById(String tenantId, String id) {
        return database.withConnection(connection -> findOne(connection, BY_ID, tenantId, id));
    }

    @Override
    public Optional<User> findByUsername(String tenantId, String username) {
        return database.withConnection(connection -> findOne(connection, BY_USERNAME, tenantId, User.normalize(username)));
    }

    @Override
    public Optional<StoredCredentials> findCredentials(String tenantId, String username) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, password_hash, enabled FROM users WHERE tenant_id = ? AND username_normalized = ?")) {
                select.setString(1, tenantId);
                select.setString(2, User.normalize(username));
                try (ResultSet result = select.executeQuery()) {
                    return result.next()
                            ? Optional.of(new StoredCredentials(result.getString(1), result.getString(2), result.getBoolean(3)))
                            : Optional.empty();
                }
            }
        });
    }

    /** Users of a tenant ordered by normalized username (database collation), then id. */
    @Override
    public List<User> list(String tenantId, int offset, int limit) {
        return page(tenantId, "", "username_normalized", (select, i) -> i, offset, limit);
    }

    /** The prefix in key form, on the {@code (tenant_id, username_normalized)} index ({@link PrefixSearch}). */
    @Override
    public List<User> search(String tenantId, String usernamePrefix, int offset, int limit) {
        PrefixSearch prefix = PrefixSearch.on(database, "username_normalized", Usernames.key(usernamePrefix));
        return page(tenantId, " AND " + prefix.sql(), prefix.orderBy(), prefix::bind, offset, limit);
    }

    /** The SQL of {@link #search} on {@code database}, for tests that ask the planner about it. */
    static String searchSql(Database database) {
        PrefixSearch prefix = PrefixSearch.on(database, "username_normalized", "a");
        return selectPage(" AND " + prefix.sql(), prefix.orderBy());
    }

    private static String selectPage(String condition, String orderBy) {
        return "SELECT " + COLUMNS + " FROM users WHERE tenant_id = ?" + condition + " ORDER BY " + orderBy
                + ", id OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
    }

    private List<User> page(String tenantId, String condition, String orderBy, PrefixSearch.Binder binder, int offset, int limit) {
        if (offset < 0 || limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("offset must be >= 0 and limit between 1 and " + MAX_PAGE_SIZE);
        }
        return database.withConnection(connection -> {
            List<UserRow> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(selectPage(condition, orderBy))) {
                select.setString(1, tenantId);
                int i = binder.bind(select, 2);
                select.setInt(i++, offset);
                select.setInt(i, limit);
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        rows.add(UserRow.read(SELECTED.row(result)));
                    }
                }
            }
            // A user updated between the page and its roles is read again alone (gone when deleted meanwhile).
            List<User> users = new ArrayList<>(rows.size());
            List<User> completed = withRolesAndAttributes(connection, tenantId, rows);
            for (int i = 0; i < rows.size(); i++) {
                User user = completed.get(i) != null ? completed.get(i) : findOne(connection, BY_ID, tenantId, rows.get(i).id).orElse(null);
                if (user != null) {
                    users.add(user);
                }
            }
            return users;
        });
    }

    /** Moves the cut-off forward only: an earlier instant would re-activate tokens that were revoked. */
    @Override
    public void setTokensValidAfter(String tenantId, String userId, Instant instant) {
        int updated = database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE users SET tokens_valid_after = CASE "
                    + "WHEN tokens_valid_after IS NULL OR tokens_valid_after < ? THEN ? ELSE tokens_valid_after END "
                    + "WHERE tenant_id = ? AND id = ?")) {
                Timestamps.set(update, 1, instant);
                Timestamps.set(update, 2, instant);
                update.setString(3, tenantId);
                update.setString(4, userId);
                return update.executeUpdate();
            }
        });
        if (updated == 0) {
            throw new IllegalStateException("user '" + userId + "' does not exist");
        }
    }

    @Override
    public boolean delete(String tenantId, String id) {
        return database.withConnection(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM users WHERE tenant_id = ? AND id = ?")) {
                delete.setString(1, tenantId);
                delete.setString(2, id);
                return delete.executeUpdate() > 0;
            }
        });
    }

    /**
     * The user whose row {@code sql} selects by tenant and {@code key}, with roles and attributes of the row's version:
     * read again when it changed between its row and its roles and attributes, and after {@value #OPTIMISTIC_READS}
     * such reads with its row locked ({@code FOR UPDATE}, until this read's transaction ends), so that a user updated
     * without pause is still read (an update writes the row first and holds it to its commit).
     */
    private Optional<User> findOne(Connection connection, String sql, String tenantId, String key) throws SQLException {
        for (int attempt = 1; attempt <= OPTIMISTIC_READS; attempt++) {
            Optional<User> user = readOnce(connection, sql, tenantId, key);
            if (user != null) {
                return user;
            }
        }
        boolean ownTransaction = connection.getAutoCommit();
        if (ownTransaction) {
            connection.setAutoCommit(false);
        }
        try {
            Optional<User> user = readOnce(connection, sql + " FOR UPDATE", tenantId, key);
            if (user == null) {
                throw new IllegalStateException("user '" + key + "' of tenant '" + tenantId + "' changed while locked");
            }
            if (ownTransaction) {
                connection.commit();
            }
            return user;
        } catch (SQLException | RuntimeException e) {
            if (ownTransaction) {
                connection.rollback();
            }
            throw e;
        } finally {
            if (ownTransaction) {
                connection.setAutoCommit(true);
            }
        }
    }

    /** One read of a user: empty when there is none, {@code null} when it changed between its two statements. */
    private Optional<User> readOnce(Connection connection, String sql, String tenantId, String key) throws SQLException {
        UserRow row;
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, tenantId);
            select.setString(2, key);
            try (ResultSet result = select.executeQuery()) {
                if (!result.next()) {
                    return Optional.empty();
                }
                row = UserRow.read(SELECTED.row(result));
            }
        }
        User user = withRolesAndAttributes(connection, tenantId, List.of(row)).get(0);
        return user == null ? null : Optional.of(user);
    }

    /**
     * Completes {@code rows} with their roles and attributes, in order: those known for the row's version as they are,
     * the others read in one statement, which also answers each user's version in the same snapshot (one statement,
     * so one snapshot: read as two, roles then attributes, a user updated in between came back with the roles of
     * one update and the attributes of another, on H2 and PostgreSQL alike; JdbcUserStoreTest). H2 parses this
     * {@code UNION ALL} again on every read; the same union wrapped in a plain {@code SELECT ... FROM (...)}, which H2
     * keeps parsed, was not one snapshot on H2 (hundreds of mixed reads in that test).
     *
     * <p>What is read is kept only once committed ({@link Database#afterCommit}): read inside an
     * {@link Database#inOneTransaction} that then rolls back, it would be a version that never was, and the row may
     * reach that version number again with other roles.
     *
     * @return the users, in order; {@code null} in place of a user whose version in that statement is not its row's
     *         (updated or deleted in between)
     */
    private List<User> withRolesAndAttributes(Connection connection, String tenantId, List<UserRow> rows) throws SQLException {
        Map<String, Children> children = new HashMap<>();
        List<UserRow> unknown = new ArrayList<>();
        for (UserRow row : rows) {
            Children known = knownChildren.getIfPresent(new UserKey(tenantId, row.id));
            if (known != null && known.version == row.version) {
                children.put(row.id, known);
            } else {
                unknown.add(row);
            }
        }
        if (!unknown.isEmpty()) {
            Map<String, Children> read = readChildren(connection, tenantId, unknown);
            for (UserRow row : unknown) {
                Children found = read.get(row.id);
                if (found != null && found.version == row.version) {
                    UserKey key = new UserKey(tenantId, row.id);
                    database.afterCommit(() -> knownChildren.put(key, found));
                    children.put(row.id, found);
                }
            }
        }
        List<User> users = new ArrayList<>(rows.size());
        for (UserRow row : rows) {
            Children found = children.get(row.id);
            users.add(found == null ? null : row.toUser(found.roles, found.attributes));
        }
        return users;
    }

    /** The roles, attributes and version of each of {@code rows}' users that still exists, in one statement. */
    private static Map<String, Children> readChildren(Connection connection, String tenantId, List<UserRow> rows) throws SQLException {
        Map<String, Long> versions = new HashMap<>();
        Map<String, Set<String>> roles = new HashMap<>();
        Map<String, Map<String, String>> attributes = new HashMap<>();
        String ids = String.join(", ", Collections.nCopies(rows.size(), "?"));
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT user_id, 'R' AS kind, role AS name, role AS attr_value FROM user_roles WHERE tenant_id = ? AND user_id IN (" + ids + ") "
                + "UNION ALL SELECT user_id, 'A', name, attr_value FROM user_attributes WHERE tenant_id = ? AND user_id IN (" + ids + ") "
                + "UNION ALL SELECT id, 'V', CAST(version AS VARCHAR(20)), NULL FROM users WHERE tenant_id = ? AND id IN (" + ids + ")")) {
            int i = 1;
            for (int pass = 0; pass < 3; pass++) {
                select.setString(i++, tenantId);
                for (UserRow row : rows) {
                    select.setString(i++, row.id);
                }
            }
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    String userId = result.getString(1);
                    switch (result.getString(2)) {
                        case "R" -> roles.computeIfAbsent(userId, k -> new HashSet<>()).add(result.getString(3));
                        case "A" -> attributes.computeIfAbsent(userId, k -> new LinkedHashMap<>())
                                .put(result.getString(3), result.getString(4));
                        default -> versions.put(userId, Long.parseLong(result.getString(3)));
                    }
                }
            }
        }
        Map<String, Children> children = new HashMap<>();
        versions.forEach((userId, version) -> children.put(userId, new Children(version,
                Set.copyOf(roles.getOrDefault(userId, Set.of())), Map.copyOf(attributes.getOrDefault(userId, Map.of())))));
        return children;
    }

    private record UserKey(String tenantId, String id) {
    }

    /** A user's roles and attributes as of the user row's {@code version}; immutable. */
    private record Children(long version, Set<String> roles, Map<String, String> attributes) {

        /**
         * Bytes this and its entry take, roughly: 2 per character and 48 per object (string, map entry, set, map,
         * record), the key and the cache's own entry included.
         */
        int weight() {
            long bytes = 384;
            for (String role : roles) {
                bytes += 96 + 2L * role.length();
            }
            for (Map.Entry<String, String> attribute : attributes.entrySet()) {
                bytes += 144 + 2L * (attribute.getKey().length() + attribute.getValue().length());
            }
            return (int) Math.min(bytes, Integer.MAX_VALUE);
        }
    }

    /** Binds the columns of {@link #FIELD_ASSIGNMENTS} from {@code first} on; answers the next index. */
    private static int bindFields(PreparedStatement statement, int first, User user) throws SQLException {
        UserProfile profile = user.profile();
        int i = first;
        statement.setString(i++, user.username());
        statement.setString(i++, user.passwordHash());
        statement.setBoolean(i++, user.enabled());
        statement.setString(i++, profile.name());
        statement.setString(i++, profile.givenName());
        statement.setString(i++, profile.familyName());
        statement.setString(i++, profile.email());
        statement.setBoolean(i++, profile.emailVerified());
        statement.setString(i++, profile.picture());
        statement.setString(i++, profile.locale());
        statement.setString(i++, profile.middleName());
        statement.setString(i++, profile.nickname());
        statement.setString(i++, profile.profile());
        statement.setString(i++, profile.website());
        statement.setString(i++, profile.gender());
        statement.setString(i++, profile.birthdate());
        statement.setString(i++, profile.zoneinfo());
        statement.setString(i++, profile.phoneNumber());
        statement.setBoolean(i++, profile.phoneNumberVerified());
        Address address = profile.address() == null ? new Address(null, null, null, null, null, null) : profile.address();
        statement.setString(i++, address.formatted());
        statement.setString(i++, address.streetAddress());
        statement.setString(i++, address.locality());
        statement.setString(i++, address.region());
        statement.setString(i++, address.postalCode());
        statement.setString(i++, address.country());
        return i;
    }

    private static void insertRolesAndAttributes(Connection connection, User user) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO user_roles (tenant_id, user_id, role) VALUES (?, ?, ?)")) {
            for (String role : user.roles()) {
                insert.setString(1, user.tenantId());
                insert.setString(2, user.id());
                insert.setString(3, role);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO user_attributes (tenant_id, user_id, name, attr_value) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<String, String> attribute : user.attributes().entrySet()) {
                insert.setString(1, user.tenantId());
                insert.setString(2, user.id());
                insert.setString(3, attribute.getKey());
                insert.setString(4, attribute.getValue());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void deleteChildren(Connection connection, String table, User user) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE tenant_id = ? AND user_id = ?")) {
            delete.setString(1, user.tenantId());
            delete.setString(2, user.id());
            delete.executeUpdate();
        }
    }

    private static void translateUniqueViolation(User user, Runnable write) {
        try {
            write.run();
        } catch (DataAccessException e) {
            if (!e.isUniqueViolation()) {
                throw e;
            }
            // Both H2 and PostgreSQL name the violated constraint in the message.
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            throw new IllegalStateException(message.contains(USERNAME_CONSTRAINT)
                    ? "username '" + user.username() + "' already exists"
                    : "user '" + user.id() + "' already exists");
        }
    }

    /** The columns of one {@code users} row, before its roles and attributes are known. */
    private record UserRow(String tenantId, String id, String username, String passwordHash, boolean enabled,
                           UserProfile profile, Instant tokensValidAfter, Instant createdAt, Instant updatedAt,
                           long version) {

        static UserRow read(SelectList.Row row) throws SQLException {
            UserProfile profile = UserProfile.builder().name(row.getString("name")).givenName(row.getString("given_name"))
                    .familyName(row.getString("family_name")).middleName(row.getString("middle_name"))
                    .nickname(row.getString("nickname")).profile(row.getString("profile_url"))
                    .picture(row.getString("picture")).website(row.getString("website")).email(row.getString("email"))
                    .emailVerified(row.getBoolean("email_verified")).gender(row.getString("gender"))
                    .birthdate(row.getString("birthdate")).zoneinfo(row.getString("zoneinfo")).locale(row.getString("locale"))
                    .phoneNumber(row.getString("phone_number")).phoneNumberVerified(row.getBoolean("phone_number_verified"))
                    .address(new Address(row.getString("address_formatted"), row.getString("address_street"),
                            row.getString("address_locality"), row.getString("address_region"),
                            row.getString("address_postal_code"), row.getString("address_country")))
                    .build();
            return new UserRow(row.getString("tenant_id"), row.getString("id"), row.getString("username"),
                    row.getString("password_hash"), row.getBoolean("enabled"), profile, row.getInstant("tokens_valid_after"),
                    row.getInstant("created_at"), row.getInstant("updated_at"), row.getLong("version"));
        }

        User toUser(Set<String> roles, Map<String, String> attributes) {
            return new User(tenantId, id, username, passwordHash, enabled, profile, roles, attributes, tokensValidAfter,
                    createdAt, updatedAt, version);
        }
    }
}
