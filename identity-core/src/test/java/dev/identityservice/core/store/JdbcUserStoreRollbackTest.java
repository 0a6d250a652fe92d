package dev.identityservice.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.core.store.jdbc.DataAccessException;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcUserStore;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.TestDatabases;
import dev.identityservice.core.user.TestUsers;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserProfile;
import java.sql.Statement;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The per-version roles and attributes that {@link JdbcUserStore} keeps, against reads made inside
 * {@link Database#inOneTransaction}: two stores on one database stand for two server instances. Each ends with
 * another instance moving the row to the version number the first one saw inside the transaction, then checks that
 * the first one serves the roles that are committed.
 */
class JdbcUserStoreRollbackTest {

    private static final String HASH = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
    private static final Instant LATER = TestUsers.CREATED.plusSeconds(3600);

    /**
     * A read inside a transaction that is rolled back afterwards (the import file's {@code inOneTransaction}: a user
     * updated, then read again by {@code changePassword}'s {@code modify}, then a later entry fails) sees the
     * uncommitted roles at the uncommitted version: they must not be kept.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void findWhenRolledBackWriteWasReadInItsTransactionThenItsRolesNeverServed(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore instanceA = new JdbcUserStore(database);
            JdbcUserStore instanceB = new JdbcUserStore(database);
            User alice = createRedAlice(instanceA);

            assertThrows(IllegalStateException.class, () -> database.inOneTransaction(() -> {
                User promoted = promoteAndRead(instanceA, alice);
                assertEquals(promoted.version(), instanceA.findById(TestUsers.TENANT, alice.id()).orElseThrow().version());
                throw new IllegalStateException("a later entry of the import fails: everything is rolled back");
            }));
            renameThenExpectRed(instanceA, instanceB, alice);
        }
    }

    /** A nested inOneTransaction joins the outer one: its read must not be kept when the outer one rolls back. */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void findWhenNestedTransactionReadAndOuterRolledBackThenItsRolesNeverServed(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore instanceA = new JdbcUserStore(database);
            JdbcUserStore instanceB = new JdbcUserStore(database);
            User alice = createRedAlice(instanceA);

            assertThrows(IllegalStateException.class, () -> database.inOneTransaction(() -> {
                database.inOneTransaction(() -> {
                    promoteAndRead(instanceA, alice);
                    return null;
                });
                throw new IllegalStateException("outer job fails after the nested one returned");
            }));
            renameThenExpectRed(instanceA, instanceB, alice);
        }
    }

    /**
     * Two updates in one committed transaction with a read in between: the intermediate version (roles admin) was
     * never committed; the final one is. Another instance then writes the user twice more: A must follow B.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void findWhenIntermediateVersionReadInCommittedTransactionThenNeverServedLater(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore instanceA = new JdbcUserStore(database);
            JdbcUserStore instanceB = new JdbcUserStore(database);
            User alice = createRedAlice(instanceA);

            database.inOneTransaction(() -> {
                User admin = promoteAndRead(instanceA, alice);
                instanceA.update(admin.withRoles(Set.of("green"), LATER));
                assertEquals(Set.of("green"), instanceA.findById(TestUsers.TENANT, alice.id()).orElseThrow().roles());
                return null;
            });
            assertEquals(Set.of("green"), instanceA.findById(TestUsers.TENANT, alice.id()).orElseThrow().roles());
            for (String colour : new String[] {"blue", "yellow", "black"}) {
                instanceB.modify(TestUsers.TENANT, alice.id(), u -> u.withRoles(Set.of(colour), LATER)).orElseThrow();
                User read = instanceA.findById(TestUsers.TENANT, alice.id()).orElseThrow();
                assertEquals(Set.of(colour), read.roles(), "version " + read.version());
            }
        }
    }

    /**
     * A statement fails inside the transaction and the job goes on (it caught the error), then the transaction is
     * committed. On PostgreSQL the failed statement aborts the whole transaction, and the driver's commit then
     * rolls it back without an exception (pgjdbc's default): the writes are gone, yet inOneTransaction returns
     * normally and runs its after-commit actions, which keep the roles read inside as the committed ones.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void findWhenTransactionSilentlyRolledBackAfterCaughtFailureThenItsRolesNeverServed(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore instanceA = new JdbcUserStore(database);
            JdbcUserStore instanceB = new JdbcUserStore(database);
            User alice = createRedAlice(instanceA);

            boolean returned;
            try {
                database.inOneTransaction(() -> {
                    instanceA.update(alice.withRoles(Set.of("admin"), LATER));
                    assertEquals(Set.of("admin"), instanceA.findById(TestUsers.TENANT, alice.id()).orElseThrow().roles());
                    try {
                        database.withConnection(connection -> {
                            try (Statement statement = connection.createStatement()) {
                                return statement.execute("SELECT 1 / 0");
                            }
                        });
                    } catch (DataAccessException expected) {
                        // the job carries on, as a caller that treats this write as optional would
                    }
                    return null;
                });
                returned = true;
            } catch (RuntimeException e) {
                returned = false;
            }
            Set<String> committed = instanceB.findById(TestUsers.TENANT, alice.id()).orElseThrow().roles();
            if (!committed.equals(Set.of("admin"))) {
                renameThenExpectRed(instanceA, instanceB, alice);
            }
            if (returned) {
                assertEquals(Set.of("admin"), committed,
                        "inOneTransaction returned normally (so it ran its after-commit actions) but nothing was committed");
            }
        }
    }

    /** Alice, created through {@code instance} with role, attribute and name "red". */
    private static User createRedAlice(JdbcUserStore instance) {
        User alice = TestUsers.coloured(TestUsers.complete("alice", HASH), "red", LATER);
        instance.create(alice);
        return alice;
    }

    /** Makes alice an admin through {@code instance} and reads her back there, so that it sees (and may keep) that version. */
    private static User promoteAndRead(JdbcUserStore instance, User alice) {
        User promoted = instance.update(alice.withRoles(Set.of("admin"), LATER));
        assertEquals(Set.of("admin"), instance.findById(TestUsers.TENANT, alice.id()).orElseThrow().roles());
        return promoted;
    }

    /** B renames alice (row to the next version number); A must serve B's committed roles, "red". */
    private static void renameThenExpectRed(JdbcUserStore instanceA, JdbcUserStore instanceB, User alice) {
        assertEquals(Set.of("red"), instanceB.findById(TestUsers.TENANT, alice.id()).orElseThrow().roles());
        User renamed = instanceB.modify(TestUsers.TENANT, alice.id(),
                u -> u.withProfile(UserProfile.builder().name("Alice A.").build(), u.attributes(), LATER)).orElseThrow();
        assertEquals(Set.of("red"), renamed.roles());
        User read = instanceA.findById(TestUsers.TENANT, alice.id()).orElseThrow();
        assertEquals("Alice A.", read.profile().name());
        assertEquals(Set.of("red"), read.roles(), "roles of a rolled-back transaction served at version " + read.version());
    }


    private static Database open(DatabaseKind kind) {
        Database database = TestDatabases.open(kind);
        TestUsers.createTenant(database, TestUsers.TENANT);
        return database;
    }
}
