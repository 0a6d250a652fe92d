package dev.identityservice.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcUserStore;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.ReadsDuringWrites;
import dev.identityservice.core.testing.TestDatabases;
import dev.identityservice.core.user.TestUsers;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserChangedConcurrentlyException;
import dev.identityservice.core.user.UserStore;
import dev.identityservice.core.user.UserProfile;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcUserStoreTest {

    private static final String HASH = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
    private static final Instant LATER = TestUsers.CREATED.plusSeconds(3600);

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void createWhenEveryFieldSetThenReadBackEqualByIdAndUsername(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User alice = TestUsers.complete("Alice", HASH);
            store.create(alice);

            assertEquals(alice, store.findById(TestUsers.TENANT, alice.id()).orElseThrow());
            assertEquals(alice, store.findByUsername(TestUsers.TENANT, "Alice").orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void createWhenOnlyRequiredFieldsThenReadBackEqual(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User bob = TestUsers.minimal("bob", null);
            store.create(bob);

            User found = store.findById(TestUsers.TENANT, bob.id()).orElseThrow();
            assertEquals(bob, found);
            assertEquals(UserProfile.EMPTY, found.profile());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void findByUsernameWhenCaseOrSurroundingSpaceDiffersThenFound(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User alice = TestUsers.minimal("Alice", HASH);
            store.create(alice);

            assertEquals(alice.id(), store.findByUsername(TestUsers.TENANT, "alice").orElseThrow().id());
            assertEquals(alice.id(), store.findByUsername(TestUsers.TENANT, " ALICE ").orElseThrow().id());
            assertTrue(store.findByUsername(TestUsers.TENANT, "alic").isEmpty());
            assertTrue(store.findByUsername("other", "alice").isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void createWhenUsernameDiffersOnlyInCaseThenRefusedAndOriginalKept(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User alice = TestUsers.complete("Alice", HASH);
            store.create(alice);

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> store.create(TestUsers.complete("alice", null)));
            assertEquals("username 'alice' already exists", e.getMessage());
            assertEquals(alice, store.findByUsername(TestUsers.TENANT, "ALICE").orElseThrow());
            assertEquals(1, store.list(TestUsers.TENANT, 0, 10).size());
            assertEquals(2, count(database, "user_roles"), "the refused user's roles must not be stored");
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void createWhenSameUsernameInAnotherTenantThenAllowed(DatabaseKind kind) {
        try (Database database = open(kind)) {
            TestUsers.createTenant(database, "other");
            JdbcUserStore store = new JdbcUserStore(database);
            store.create(TestUsers.minimal("alice", HASH));
            User otherAlice = TestUsers.minimal("alice", HASH);
            store.create(new User("other", otherAlice.id(), "alice", HASH, true, null, null, null, null,
                    TestUsers.CREATED, TestUsers.CREATED));

            assertEquals(otherAlice.id(), store.findByUsername("other", "alice").orElseThrow().id());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void updateWhenRolesAttributesAndProfileChangedThenReplacedNotMerged(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User alice = TestUsers.complete("Alice", HASH);
            store.create(alice);
            User changed = alice.withRoles(Set.of("auditor"), LATER)
                    .withProfile(new UserProfile("A. L.", null, null, null, false, null, null), Map.of("team", "blue"), LATER)
                    .withEnabled(false, LATER);
            User stored = store.update(changed);

            assertEquals(changed.withVersion(1), stored);
            assertEquals(stored, store.findById(TestUsers.TENANT, alice.id()).orElseThrow());
            assertEquals(1, count(database, "user_roles"));
            assertEquals(1, count(database, "user_attributes"));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void updateWhenRenamedOntoTakenUsernameThenRefusedAndBothKept(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User alice = TestUsers.complete("alice", HASH);
            User bob = TestUsers.complete("bob", HASH);
            store.create(alice);
            store.create(bob);

            User renamed = new User(bob.tenantId(), bob.id(), "ALICE", bob.passwordHash(), bob.enabled(), bob.profile(),
                    Set.of(), Map.of(), bob.tokensValidAfter(), bob.createdAt(), LATER);
            assertThrows(IllegalStateException.class, () -> store.update(renamed));
            assertEquals(bob, store.findById(TestUsers.TENANT, bob.id()).orElseThrow());
            assertEquals(alice, store.findByUsername(TestUsers.TENANT, "alice").orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void updateWhenUserUnknownThenIllegalState(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);

            assertThrows(IllegalStateException.class, () -> store.update(TestUsers.complete("ghost", HASH)));
            assertEquals(0, count(database, "user_roles"));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void replacePasswordHashWhenExpectedHashStaleThenNothingChanges(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User alice = TestUsers.complete("alice", HASH);
            store.create(alice);

            assertFalse(store.replacePasswordHash(TestUsers.TENANT, alice.id(), "$argon2id$stale", "$argon2id$new", LATER));
            assertEquals(alice, store.findById(TestUsers.TENANT, alice.id()).orElseThrow());
            assertTrue(store.replacePasswordHash(TestUsers.TENANT, alice.id(), HASH, "$argon2id$new", LATER));
            assertEquals(alice.withPasswordHash("$argon2id$new", LATER).withVersion(1), store.findById(TestUsers.TENANT, alice.id()).orElseThrow());
        }
    }

    /**
     * Roles and attributes are read by statements each connection keeps parsed between reads: read in turn, many
     * times over every pooled connection, and in one page, each user still gets their own and no one else's.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void findByIdWhenUsersReadInTurnThenEachGetsOwnRolesAndAttributes(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User alice = TestUsers.complete("alice", HASH).withRoles(Set.of("admin"), LATER)
                    .withProfile(UserProfile.EMPTY, Map.of("team", "red"), LATER);
            User bob = TestUsers.complete("bob", HASH).withRoles(Set.of("auditor", "user"), LATER)
                    .withProfile(UserProfile.EMPTY, Map.of("team", "blue", "floor", "3"), LATER);
            User carol = TestUsers.minimal("carol", HASH);
            for (User user : List.of(alice, bob, carol)) {
                store.create(user);
            }

            for (int round = 0; round < 30; round++) {
                for (User user : List.of(alice, bob, carol)) {
                    assertEquals(user, store.findById(TestUsers.TENANT, user.id()).orElseThrow());
                }
            }
            assertEquals(List.of(alice, bob, carol), store.list(TestUsers.TENANT, 0, 3));
        }
    }

    /**
     * A user updated while it is read: the roles and attributes read belong to one stored state of the user, never
     * the roles of one update and the attributes of another (a combination no one ever wrote). The writer flips the
     * user between two states in which role and attribute name the same colour.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void findByIdWhenUpdatedConcurrentlyThenRolesAndAttributesOfOneState(DatabaseKind kind) throws Exception {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User alice = TestUsers.complete("alice", HASH).withRoles(Set.of("red"), LATER)
                    .withProfile(UserProfile.EMPTY, Map.of("colour", "red"), LATER);
            store.create(alice);
            List<String> mixed = ReadsDuringWrites.mixedReads(() -> {
                User current = alice;
                for (int i = 0; i < 400; i++) {
                    String colour = i % 2 == 0 ? "blue" : "red";
                    current = store.update(current.withRoles(Set.of(colour), LATER)
                            .withProfile(UserProfile.EMPTY, Map.of("colour", colour), LATER));
                }
            }, () -> {
                User read = store.findById(TestUsers.TENANT, alice.id()).orElseThrow();
                return read.roles().equals(Set.of(read.attributes().get("colour"))) ? null : read.roles() + " " + read.attributes();
            });
            assertTrue(mixed.isEmpty(), () -> mixed.size() + " mixed reads, e.g. " + mixed.get(0));
        }
    }

    /**
     * Two instances on one database: what one writes, the other reads at once, and never a mix of two updates in
     * the row (the profile's name), the roles and the attributes: the roles and attributes an instance keeps are
     * used only for the row's version.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void findWhenAnotherInstanceUpdatesThenItsStateAtOnceAndOfOneVersion(DatabaseKind kind) throws Exception {
        try (Database database = open(kind)) {
            JdbcUserStore reading = new JdbcUserStore(database);
            JdbcUserStore writing = new JdbcUserStore(database);
            User current = TestUsers.coloured(TestUsers.complete("alice", HASH), "red", LATER);
            writing.create(current);
            assertEquals(Set.of("red"), reading.findById(TestUsers.TENANT, current.id()).orElseThrow().roles());
            current = writing.update(TestUsers.coloured(current, "blue", LATER));
            User read = reading.findByUsername(TestUsers.TENANT, "alice").orElseThrow();
            assertEquals(Set.of("blue"), read.roles());
            assertEquals(Map.of("colour", "blue"), read.attributes());
            assertEquals(current.version(), read.version());

            User first = current;
            List<String> mixed = ReadsDuringWrites.mixedReads(() -> {
                User written = first;
                for (int i = 0; i < 200; i++) {
                    written = writing.update(TestUsers.coloured(written, i % 2 == 0 ? "red" : "blue", LATER));
                }
            }, () -> {
                User seen = reading.findById(TestUsers.TENANT, first.id()).orElseThrow();
                String name = seen.profile().name();
                return seen.roles().equals(Set.of(name)) && name.equals(seen.attributes().get("colour")) ? null
                        : name + " " + seen.roles() + " " + seen.attributes();
            });
            assertTrue(mixed.isEmpty(), () -> mixed.size() + " mixed reads, e.g. " + mixed.get(0));
            assertEquals(writing.findById(TestUsers.TENANT, first.id()).orElseThrow().roles(),
                    reading.list(TestUsers.TENANT, 0, 10).get(0).roles());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void listWhenUsersOfThePageEditedWithoutPauseThenStillAnswered(DatabaseKind kind) throws Exception {
        try (Database database = open(kind)) {
            JdbcUserStore reading = new JdbcUserStore(database);
            JdbcUserStore writing = new JdbcUserStore(database);
            List<User> users = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                User user = TestUsers.coloured(TestUsers.minimal(String.format("user%03d", i), HASH), "red", LATER);
                writing.create(user);
                users.add(user);
            }
            ExecutorService writers = Executors.newFixedThreadPool(2);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            AtomicInteger failures = new AtomicInteger();
            String firstFailure = null;
            try {
                for (int w = 0; w < 2; w++) {
                    int offset = w;
                    writers.submit(() -> {
                        for (int i = offset; !stop.get(); i += 2) {
                            User user = users.get(i % users.size());
                            writing.modify(TestUsers.TENANT, user.id(), u -> TestUsers.coloured(u, u.roles().contains("red") ? "blue" : "red", LATER));
                        }
                        return null;
                    });
                }
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                int reads = 0;
                while (System.nanoTime() < end) {
                    reads++;
                    try {
                        assertEquals(200, reading.list(TestUsers.TENANT, 0, 200).size());
                    } catch (IllegalStateException e) {
                        failures.incrementAndGet();
                        firstFailure = firstFailure == null ? e.getMessage() : firstFailure;
                    }
                }
                System.out.printf("list during edits on %s: %d of %d pages failed%n", kind, failures.get(), reads);
            } finally {
                stop.set(true);
                writers.shutdown();
                writers.awaitTermination(10, TimeUnit.SECONDS);
            }
            assertEquals(0, failures.get(), firstFailure);
        }
    }


    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void listWhenPagedThenOrderedByUsernameIgnoringCase(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            for (String name : List.of("dave", "Bob", "carol", "alice", "Eve")) {
                store.create(TestUsers.complete(name, HASH));
            }

            assertEquals(List.of("alice", "Bob"), usernames(store.list(TestUsers.TENANT, 0, 2)));
            assertEquals(List.of("carol", "dave"), usernames(store.list(TestUsers.TENANT, 2, 2)));
            assertEquals(List.of("Eve"), usernames(store.list(TestUsers.TENANT, 4, 2)));
            assertEquals(Set.of("admin", "user"), store.list(TestUsers.TENANT, 4, 2).get(0).roles());
            assertTrue(store.list(TestUsers.TENANT, 5, 2).isEmpty());
            assertThrows(IllegalArgumentException.class, () -> store.list(TestUsers.TENANT, 0, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void setTokensValidAfterWhenEarlierThanStoredThenKeepsLaterCutOff(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User bob = TestUsers.minimal("bob", HASH);
            store.create(bob);

            store.setTokensValidAfter(TestUsers.TENANT, bob.id(), LATER);
            assertEquals(LATER, store.findById(TestUsers.TENANT, bob.id()).orElseThrow().tokensValidAfter());
            store.setTokensValidAfter(TestUsers.TENANT, bob.id(), TestUsers.CREATED);
            assertEquals(LATER, store.findById(TestUsers.TENANT, bob.id()).orElseThrow().tokensValidAfter());
            assertThrows(IllegalStateException.class, () -> store.setTokensValidAfter(TestUsers.TENANT, "nobody", LATER));
        }
    }

    /**
     * An update built from a copy read before a "revoke every token" (another admin, another instance) must not
     * write the old cut-off back: that would bring every revoked token back to life.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void updateWhenCopyReadBeforeTokensRevokedThenCutOffKept(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User bob = TestUsers.minimal("bob", HASH);
            store.create(bob);
            User readBeforeRevoke = store.findById(TestUsers.TENANT, bob.id()).orElseThrow();

            store.setTokensValidAfter(TestUsers.TENANT, bob.id(), LATER);
            store.update(readBeforeRevoke.withRoles(Set.of("admin"), LATER.plusSeconds(1)));

            User stored = store.findById(TestUsers.TENANT, bob.id()).orElseThrow();
            assertEquals(Set.of("admin"), stored.roles());
            assertEquals(LATER, stored.tokensValidAfter());
        }
    }

    /**
     * Two administrators (or two instances) edit one user: one disables and demotes it, the other, working from
     * a copy read before, changes its profile. The stale copy's update is refused (the row's version moved on),
     * so the account stays disabled and demoted; {@code modify} re-applies the profile edit to a fresh copy.
     * Regression: the update wrote the whole row back from the stale copy, re-enabling and re-promoting.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void updateWhenCopyReadBeforeDisableAndDemoteThenStillDisabledAndDemoted(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User bob = TestUsers.minimal("bob", HASH).withRoles(Set.of("admin"), TestUsers.CREATED);
            store.create(bob);
            User readBefore = store.findById(TestUsers.TENANT, bob.id()).orElseThrow();

            store.update(readBefore.withEnabled(false, LATER).withRoles(Set.of("user"), LATER));
            assertThrows(UserChangedConcurrentlyException.class,
                    () -> store.update(readBefore.withProfile(UserProfile.EMPTY, Map.of("team", "blue"), LATER.plusSeconds(1))));

            User stored = store.findById(TestUsers.TENANT, bob.id()).orElseThrow();
            assertFalse(stored.enabled(), "the disable is kept");
            assertEquals(Set.of("user"), stored.roles(), "the demotion is kept");
            assertEquals(Map.of(), stored.attributes());

            store.modify(TestUsers.TENANT, bob.id(), u -> u.withProfile(UserProfile.EMPTY, Map.of("team", "blue"), LATER.plusSeconds(1)));
            User edited = store.findById(TestUsers.TENANT, bob.id()).orElseThrow();
            assertFalse(edited.enabled());
            assertEquals(Set.of("user"), edited.roles());
            assertEquals(Map.of("team", "blue"), edited.attributes());
            assertEquals(2, edited.version());
        }
    }

    /** A login's rehash moves the version on: an edit from a copy read before cannot put the old hash back. */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void updateWhenCopyReadBeforePasswordHashReplacedThenRefusedAndNewHashKept(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User alice = TestUsers.minimal("alice", HASH);
            store.create(alice);
            User readBefore = store.findById(TestUsers.TENANT, alice.id()).orElseThrow();

            assertTrue(store.replacePasswordHash(TestUsers.TENANT, alice.id(), HASH, "$argon2id$new", LATER));
            assertThrows(UserChangedConcurrentlyException.class, () -> store.update(readBefore.withRoles(Set.of("x"), LATER)));

            assertEquals("$argon2id$new", store.findById(TestUsers.TENANT, alice.id()).orElseThrow().passwordHash());
        }
    }

    /** {@code modify} reads again and re-applies its change after a write that came in between; empty when gone. */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void modifyWhenWrittenBetweenReadAndUpdateThenReappliedToFreshCopy(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User bob = TestUsers.minimal("bob", HASH);
            store.create(bob);
            AtomicInteger attempts = new AtomicInteger();

            User stored = store.modify(TestUsers.TENANT, bob.id(), copy -> {
                if (attempts.incrementAndGet() == 1) {
                    store.update(store.findById(TestUsers.TENANT, bob.id()).orElseThrow().withEnabled(false, LATER));
                }
                return copy.withRoles(Set.of("auditor"), LATER);
            }).orElseThrow();

            assertEquals(2, attempts.get());
            assertFalse(stored.enabled(), "the write in between is kept");
            assertEquals(Set.of("auditor"), stored.roles());
            assertEquals(stored, store.findById(TestUsers.TENANT, bob.id()).orElseThrow());
            assertTrue(store.modify(TestUsers.TENANT, "nobody", copy -> copy).isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void modifyWhenEveryAttemptMeetsAConcurrentWriteThenGivesUpAfterMaxAttempts(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User bob = TestUsers.minimal("bob", HASH);
            store.create(bob);
            AtomicInteger attempts = new AtomicInteger();

            assertThrows(UserChangedConcurrentlyException.class, () -> store.modify(TestUsers.TENANT, bob.id(), copy -> {
                attempts.incrementAndGet();
                store.update(store.findById(TestUsers.TENANT, bob.id()).orElseThrow().withEnabled(false, LATER));
                return copy.withRoles(Set.of("auditor"), LATER);
            }));
            assertEquals(UserStore.MAX_MODIFY_ATTEMPTS, attempts.get());
            assertEquals(Set.of(), store.findById(TestUsers.TENANT, bob.id()).orElseThrow().roles());
        }
    }

    /**
     * Real concurrency on one row: 8 threads each add their own attribute with {@code modify} while another
     * disables the user, each calling it again when it gives up ({@value UserStore#MAX_MODIFY_ATTEMPTS} attempts
     * met a concurrent write each: nine writers on one row do that). No edit is lost and the disable stays: every write was made on
     * the row as it stood.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void modifyWhenThreadsEditConcurrentlyThenNoEditLostAndDisableKept(DatabaseKind kind) throws Exception {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User bob = TestUsers.minimal("bob", HASH);
            store.create(bob);
            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger conflicts = new AtomicInteger();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    String name = "k" + i;
                    done.add(pool.submit(() -> {
                        start.await();
                        while (true) {
                            try {
                                return store.modify(TestUsers.TENANT, bob.id(), u -> {
                                    Map<String, String> attributes = new HashMap<>(u.attributes());
                                    attributes.put(name, "v");
                                    return u.withProfile(u.profile(), attributes, LATER);
                                });
                            } catch (UserChangedConcurrentlyException busy) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }));
                }
                done.add(pool.submit(() -> {
                    start.await();
                    while (true) {
                        try {
                            return store.modify(TestUsers.TENANT, bob.id(), u -> u.withEnabled(false, LATER)).orElseThrow();
                        } catch (UserChangedConcurrentlyException busy) {
                            conflicts.incrementAndGet();
                        }
                    }
                }));
                start.countDown();
                for (Future<?> each : done) {
                    each.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            User stored = store.findById(TestUsers.TENANT, bob.id()).orElseThrow();
            assertFalse(stored.enabled(), "the disable is kept");
            assertEquals(threads, stored.attributes().size(), "no edit lost: " + stored.attributes());
            assertEquals(threads + 1, stored.version());
            System.out.printf("concurrent modify on %s: %d writers, %d gave up once or more%n", kind, threads + 1, conflicts.get());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void deleteWhenUserHasRolesAndAttributesThenAllRowsGone(DatabaseKind kind) {
        try (Database database = open(kind)) {
            JdbcUserStore store = new JdbcUserStore(database);
            User alice = TestUsers.complete("alice", HASH);
            store.create(alice);

            assertTrue(store.delete(TestUsers.TENANT, alice.id()));
            assertFalse(store.delete(TestUsers.TENANT, alice.id()));
            assertTrue(store.findByUsername(TestUsers.TENANT, "alice").isEmpty());
            assertEquals(0, count(database, "user_roles") + count(database, "user_attributes"));
        }
    }

    private static Database open(DatabaseKind kind) {
        Database database = TestDatabases.open(kind);
        TestUsers.createTenant(database, TestUsers.TENANT);
        return database;
    }

    private static List<String> usernames(List<User> users) {
        return users.stream().map(User::username).toList();
    }

    static int count(Database database, String table) {
        return database.withConnection(connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }
}
