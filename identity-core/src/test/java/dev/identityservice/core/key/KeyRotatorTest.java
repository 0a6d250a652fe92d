package dev.identityservice.core.key;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.testing.DatabaseKind;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyFactorySpi;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyRotatorTest {

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void keyRingWhenTenantHasNoKeysThenActiveAndNextCreatedAndPublished(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRing ring = fixture.rotator().keyRing(KeyFixture.TENANT);

            SigningKey next = only(ring, KeyState.NEXT);
            assertEquals(KeyState.ACTIVE, ring.active().state());
            assertEquals(SigningAlgorithm.ES256, ring.active().algorithm());
            assertTrue(TestTokens.publishes(ring.jwksJson(), ring.active().kid()));
            assertTrue(TestTokens.publishes(ring.jwksJson(), next.kid()));
            assertEquals(1, fixture.count(KeyState.ACTIVE));
            assertEquals(1, fixture.count(KeyState.NEXT));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void keyRingWhenLoadedThenLaterReadsReturnTheSameSnapshotWithoutTheStore(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            AtomicInteger storeCalls = new AtomicInteger();
            SigningKeyStore counting = new SigningKeyStore() {
                @Override
                public List<SigningKey> load(String tenantId) {
                    storeCalls.incrementAndGet();
                    return fixture.store.load(tenantId);
                }

                @Override
                public List<SigningKey> update(String tenantId, KeyDecision decision) {
                    storeCalls.incrementAndGet();
                    return fixture.store.update(tenantId, decision);
                }
            };
            KeyRotator rotator = KeyRotator.builder(counting, fixture.tenants).clock(fixture.clock).build();
            KeyRing first = rotator.keyRing(KeyFixture.TENANT);
            int callsToLoad = storeCalls.get();

            for (int i = 0; i < 100; i++) {
                assertSame(first, rotator.keyRing(KeyFixture.TENANT));
            }
            assertEquals(callsToLoad, storeCalls.get());
        }
    }

    /**
     * The server starts signing with the JDK and hands the rotator its native provider once that has loaded: the rings
     * already loaded sign with the new provider at once, with the same keys (tokens signed before still verify, the
     * key set is the same bytes), and rings built afterwards by a rotation use it too. Bouncy Castle stands in for the
     * native provider (a real second implementation).
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void useSignaturesWhenRingsLoadedThenTheySignWithTheNewProviderWithTheSameKeys(DatabaseKind kind) throws Exception {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRotator rotator = fixture.rotator();
            KeyRing before = rotator.keyRing(KeyFixture.TENANT);
            String signedBefore = TestTokens.sign(before);
            Provider other = new BouncyCastleProvider();

            rotator.useSignatures(SignatureProvider.of(other));

            KeyRing after = rotator.keyRing(KeyFixture.TENANT);
            assertNotSame(before, after);
            assertSame(other, after.activeSigner().getJCAContext().getProvider());
            assertEquals(before.active().kid(), after.active().kid());
            assertArrayEquals(before.jwksJson(), after.jwksJson());
            assertTrue(after.verifies(CompactJws.parse(signedBefore)));
            assertTrue(before.verifies(CompactJws.parse(TestTokens.sign(after))));
            fixture.clock.advance(Duration.ofMinutes(1));
            assertSame(other, rotator.rotate(KeyFixture.TENANT).activeSigner().getJCAContext().getProvider());
        }
    }

    /**
     * The race a reviewing helper found: a tenant's first load that has read the old provider and is still building its
     * ring when the swap runs. The swap must wait for it and rebuild its ring, not pass it by because it has no ring
     * yet (it then kept the old provider until the next rotation). The old provider here holds the first load inside
     * its key translation until the swap has run or is waiting.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void useSignaturesWhenAFirstLoadIsBuildingItsRingThenThatRingGetsTheNewProviderToo(DatabaseKind kind) throws Exception {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            fixture.rotator().keyRing(KeyFixture.TENANT); // the keys stored (another instance, or the last run)
            HeldProvider held = new HeldProvider();
            KeyRotator rotator = fixture.rotatorBuilder().signatures(SignatureProvider.of(held)).build();
            Provider other = new BouncyCastleProvider();
            java.util.concurrent.FutureTask<KeyRing> firstLoad = new java.util.concurrent.FutureTask<>(() -> rotator.keyRing(KeyFixture.TENANT));
            new Thread(firstLoad).start();
            assertTrue(held.entered.await(10, TimeUnit.SECONDS), "the first load reached the old provider");

            Thread swap = new Thread(() -> rotator.useSignatures(SignatureProvider.of(other)));
            swap.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (swap.getState() != Thread.State.BLOCKED && swap.getState() != Thread.State.TERMINATED
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            held.release.countDown();
            assertSame(held, firstLoad.get(10, TimeUnit.SECONDS).activeSigner().getJCAContext().getProvider());
            swap.join(10_000);

            assertSame(other, rotator.keyRing(KeyFixture.TENANT).activeSigner().getJCAContext().getProvider());
        }
    }

    /**
     * Key factories that wait in {@code translateKey} until released (a ring being built is held there) and the JDK's
     * RS256 and ES256 signatures: what a key ring asks of its provider.
     */
    private static final class HeldProvider extends Provider {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        HeldProvider() {
            super("Held", "1", "key factories that wait before they translate");
            for (String algorithm : List.of("SHA256withRSA", "SHA256withECDSA")) {
                putService(new Service(this, "Signature", algorithm, java.security.Signature.class.getName(), null, null) {
                    @Override
                    public Object newInstance(Object parameter) throws java.security.NoSuchAlgorithmException {
                        return java.security.Signature.getInstance(algorithm);
                    }
                });
            }
            for (String algorithm : List.of("RSA", "EC")) {
                putService(new Service(this, "KeyFactory", algorithm, HeldKeyFactory.class.getName(), null, null) {
                    @Override
                    public Object newInstance(Object parameter) throws java.security.NoSuchAlgorithmException {
                        return new HeldKeyFactory(HeldProvider.this, KeyFactory.getInstance(algorithm));
                    }
                });
            }
        }
    }

    private static final class HeldKeyFactory extends KeyFactorySpi {
        private final HeldProvider provider;
        private final KeyFactory jdk;

        HeldKeyFactory(HeldProvider provider, KeyFactory jdk) {
            this.provider = provider;
            this.jdk = jdk;
        }

        @Override
        protected Key engineTranslateKey(Key key) throws InvalidKeyException {
            provider.entered.countDown();
            try {
                provider.release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return jdk.translateKey(key);
        }

        @Override
        protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
            return jdk.generatePublic(spec);
        }

        @Override
        protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
            return jdk.generatePrivate(spec);
        }

        @Override
        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> type) throws InvalidKeySpecException {
            return jdk.getKeySpec(key, type);
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void rotateWhenCalledThenTheKeyPublishedOneRotationEarlierSigns(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRotator rotator = fixture.rotator();
            KeyRing before = rotator.keyRing(KeyFixture.TENANT);
            String next = only(before, KeyState.NEXT).kid();
            assertNotEquals(next, TestTokens.kid(TestTokens.sign(before)), "NEXT must not sign yet");

            fixture.clock.advance(Duration.ofMinutes(1));
            KeyRing after = rotator.rotate(KeyFixture.TENANT);

            String token = TestTokens.sign(after);
            assertEquals(next, TestTokens.kid(token));
            assertTrue(TestTokens.publishes(before.jwksJson(), TestTokens.kid(token)), "published before it signed");
            assertTrue(TestTokens.verifies(token, after.jwksJson()));
            assertEquals(before.active().kid(), only(after, KeyState.ROTATED).kid());
            assertTrue(TestTokens.publishes(after.jwksJson(), only(after, KeyState.NEXT).kid()));
            assertSame(after, rotator.keyRing(KeyFixture.TENANT));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void rotateWhenTokenSignedBeforeThenItStillVerifiesButNotAfterRotateAndRevoke(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRotator rotator = fixture.rotator();
            String oldToken = TestTokens.sign(rotator.keyRing(KeyFixture.TENANT));

            KeyRing rotated = rotator.rotate(KeyFixture.TENANT);
            assertTrue(TestTokens.verifies(oldToken, rotated.jwksJson()), "ROTATED keys stay published");

            String compromisedToken = TestTokens.sign(rotated);
            String compromised = rotated.active().kid();
            KeyRing revoked = rotator.rotateAndRevoke(KeyFixture.TENANT);

            assertFalse(TestTokens.publishes(revoked.jwksJson(), compromised));
            assertFalse(TestTokens.verifies(compromisedToken, revoked.jwksJson()));
            assertTrue(revoked.publishedKey(compromised).isEmpty());
            assertTrue(TestTokens.verifies(oldToken, revoked.jwksJson()));
            assertTrue(TestTokens.verifies(TestTokens.sign(revoked), revoked.jwksJson()));
            assertEquals(1, fixture.count(KeyState.REVOKED));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void rotateWhenTwelveTimesThenEightRotatedKeptAndTheNewestOnes(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRotator rotator = fixture.rotator();
            List<String> retired = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                retired.add(rotator.keyRing(KeyFixture.TENANT).active().kid());
                fixture.clock.advance(Duration.ofHours(1));
                rotator.rotate(KeyFixture.TENANT);
            }

            assertEquals(KeyRotationPolicy.DEFAULT_MAX_ROTATED_KEYS, fixture.count(KeyState.ROTATED));
            assertEquals(1, fixture.count(KeyState.ACTIVE));
            assertEquals(1, fixture.count(KeyState.NEXT));
            KeyRing ring = rotator.keyRing(KeyFixture.TENANT);
            assertEquals(retired.subList(4, 12).stream().sorted().toList(),
                    ring.keys().stream().filter(k -> k.state() == KeyState.ROTATED && k.purpose() == KeyPurpose.MAIN)
                            .map(SigningKey::kid).sorted().toList());
            assertEquals(ring.keys().stream().filter(k -> k.state().published()).count(), TestTokens.jwks(ring.jwksJson()).size());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void rotateAndRevokeWhenTwentyTimesThenSixteenRevokedKeptAndNonePublished(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRotator rotator = fixture.rotator();
            rotator.rotate(KeyFixture.TENANT);
            for (int i = 0; i < 20; i++) {
                fixture.clock.advance(Duration.ofHours(1));
                rotator.rotateAndRevoke(KeyFixture.TENANT);
            }

            assertEquals(KeyRotationPolicy.DEFAULT_MAX_REVOKED_KEYS, fixture.count(KeyState.REVOKED));
            assertEquals(1, fixture.count(KeyState.ROTATED));
            KeyRing ring = rotator.keyRing(KeyFixture.TENANT);
            assertEquals(3, ring.keys().stream().filter(k -> k.purpose() == KeyPurpose.MAIN && k.state().published()).count(),
                    "ACTIVE, NEXT and the one ROTATED");
            assertEquals(ring.keys().stream().filter(k -> k.state().published()).count(), TestTokens.jwks(ring.jwksJson()).size());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void rotateWhenPolicyHasSmallerCapsThenThoseCapsApply(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRotator rotator = fixture.rotatorBuilder().policy(new KeyRotationPolicy(2, 1)).build();
            for (int i = 0; i < 4; i++) {
                rotator.rotate(KeyFixture.TENANT);
                rotator.rotateAndRevoke(KeyFixture.TENANT);
            }

            assertEquals(2, fixture.count(KeyState.ROTATED));
            assertEquals(1, fixture.count(KeyState.REVOKED));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void changeAlgorithmWhenEs256ToRs256ThenEs256SignsUntilRotateAndRs256WasPublishedBefore(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind, SigningAlgorithm.ES256)) {
            KeyRotator rotator = fixture.rotator();
            KeyRing es256 = rotator.keyRing(KeyFixture.TENANT);
            String oldNext = only(es256, KeyState.NEXT).kid();

            KeyRing changed = rotator.changeAlgorithm(KeyFixture.TENANT, SigningAlgorithm.RS256);

            assertEquals(SigningAlgorithm.RS256, fixture.tenants.find(KeyFixture.TENANT).orElseThrow().signingAlgorithm());
            SigningKey rsNext = only(changed, KeyState.NEXT);
            assertEquals(SigningAlgorithm.RS256, rsNext.algorithm());
            assertFalse(TestTokens.publishes(changed.jwksJson(), oldNext), "the replaced ES256 NEXT never signed");
            assertEquals(es256.active().kid(), changed.active().kid());
            String beforeRotation = TestTokens.sign(changed);
            assertEquals("ES256", header(beforeRotation));
            assertTrue(TestTokens.publishes(changed.jwksJson(), rsNext.kid()));

            KeyRing rotated = rotator.rotate(KeyFixture.TENANT);

            String afterRotation = TestTokens.sign(rotated);
            assertEquals("RS256", header(afterRotation));
            assertEquals(rsNext.kid(), TestTokens.kid(afterRotation));
            assertTrue(TestTokens.verifies(afterRotation, rotated.jwksJson()));
            assertTrue(TestTokens.verifies(beforeRotation, rotated.jwksJson()));
            assertEquals(SigningAlgorithm.RS256, only(rotated, KeyState.NEXT).algorithm());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void revokeWhenRotatedOrNextOrActiveKeyThenItLeavesTheJwksAndOneActiveAndNextRemain(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRotator rotator = fixture.rotator();
            KeyRing ring = rotator.rotate(KeyFixture.TENANT);
            String rotated = only(ring, KeyState.ROTATED).kid();
            String next = only(ring, KeyState.NEXT).kid();
            String active = ring.active().kid();

            ring = rotator.revoke(KeyFixture.TENANT, rotated);
            assertFalse(TestTokens.publishes(ring.jwksJson(), rotated));
            assertEquals(active, ring.active().kid());

            ring = rotator.revoke(KeyFixture.TENANT, next);
            assertFalse(TestTokens.publishes(ring.jwksJson(), next));
            assertNotEquals(next, only(ring, KeyState.NEXT).kid(), "a fresh NEXT replaces the revoked one");
            String freshNext = only(ring, KeyState.NEXT).kid();

            ring = rotator.revoke(KeyFixture.TENANT, active);
            assertFalse(TestTokens.publishes(ring.jwksJson(), active));
            assertEquals(freshNext, ring.active().kid(), "revoking the ACTIVE key is rotate-and-revoke");

            assertEquals(3, fixture.count(KeyState.REVOKED));
            assertEquals(1, fixture.count(KeyState.ACTIVE));
            assertEquals(1, fixture.count(KeyState.NEXT));
            assertSame(ring, rotator.revoke(KeyFixture.TENANT, active), "revoking twice changes nothing");
            assertThrows(IllegalArgumentException.class, () -> rotator.revoke(KeyFixture.TENANT, "no-such-kid"));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void reloadWhenAnotherInstanceRotatedThenItsRotationIsVisible(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRotator first = fixture.rotator();
            KeyRotator second = fixture.rotator();
            KeyRing seenBySecond = second.keyRing(KeyFixture.TENANT);
            assertEquals(first.keyRing(KeyFixture.TENANT).active().kid(), seenBySecond.active().kid());

            KeyRing rotatedByFirst = first.rotate(KeyFixture.TENANT);
            assertSame(seenBySecond, second.keyRing(KeyFixture.TENANT), "no I/O until reload");

            KeyRing reloaded = second.reload(KeyFixture.TENANT);

            assertEquals(rotatedByFirst.active().kid(), reloaded.active().kid());
            assertEquals(rotatedByFirst.keys(), reloaded.keys());
            assertTrue(TestTokens.verifies(TestTokens.sign(rotatedByFirst), reloaded.jwksJson()));
            assertSame(reloaded, second.reload(KeyFixture.TENANT), "an unchanged store keeps the snapshot");
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void rotateWhenEightThreadsOnFourInstancesRaceThenEveryRotationCountsAndStateIsConsistent(DatabaseKind kind)
            throws Exception {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            int threads = 8;
            int rotationsPerThread = 2;
            List<KeyRotator> instances = List.of(fixture.rotator(), fixture.rotator(), fixture.rotator(), fixture.rotator());
            instances.get(0).keyRing(KeyFixture.TENANT);
            List<String> activeKids = new CopyOnWriteArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    KeyRotator rotator = instances.get(t % instances.size());
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < rotationsPerThread; i++) {
                            activeKids.add(rotator.rotate(KeyFixture.TENANT).active().kid());
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> future : done) {
                    future.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            int rotations = threads * rotationsPerThread;
            assertEquals(rotations, activeKids.stream().distinct().count(), "each rotation activated its own key");
            assertEquals(1, fixture.count(KeyState.ACTIVE));
            assertEquals(1, fixture.count(KeyState.NEXT));
            assertEquals(Math.min(rotations, KeyRotationPolicy.DEFAULT_MAX_ROTATED_KEYS), fixture.count(KeyState.ROTATED));
            KeyRing reloaded = instances.get(1).reload(KeyFixture.TENANT);
            assertEquals(1, reloaded.keys().stream().filter(k -> k.state() == KeyState.NEXT && k.purpose() == KeyPurpose.MAIN).count());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void rotateIfDueWhenPeriodNotReachedThenNothingAndWhenReachedThenRotatesOnce(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRotator rotator = fixture.rotator();
            String first = rotator.keyRing(KeyFixture.TENANT).active().kid();

            fixture.clock.advance(KeyFixture.ROTATION_PERIOD.minusSeconds(1));
            assertFalse(rotator.rotateIfDue(KeyFixture.TENANT));
            assertEquals(first, rotator.keyRing(KeyFixture.TENANT).active().kid());

            fixture.clock.advance(Duration.ofSeconds(1));
            assertTrue(rotator.rotateIfDue(KeyFixture.TENANT));
            assertNotEquals(first, rotator.keyRing(KeyFixture.TENANT).active().kid());
            assertFalse(rotator.rotateIfDue(KeyFixture.TENANT), "the new key starts a new period");
            assertEquals(1, fixture.count(KeyState.ROTATED));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void rotateIfDueWhenAnotherInstanceRotatedMeanwhileThenDoesNotRotateAgain(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRotator first = fixture.rotator();
            KeyRotator second = fixture.rotator();
            first.keyRing(KeyFixture.TENANT);
            second.keyRing(KeyFixture.TENANT);
            fixture.clock.advance(KeyFixture.ROTATION_PERIOD);

            assertTrue(first.rotateIfDue(KeyFixture.TENANT));
            assertFalse(second.rotateIfDue(KeyFixture.TENANT), "due by its stale ring, not under the lock");

            assertEquals(1, fixture.count(KeyState.ROTATED));
            assertEquals(first.keyRing(KeyFixture.TENANT).active().kid(), second.keyRing(KeyFixture.TENANT).active().kid());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void listenerWhenKeysCreatedAndRotatedThenToldTheNewActiveKidAndWhy(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            List<String> events = new CopyOnWriteArrayList<>();
            KeyRotator rotator = fixture.rotatorBuilder()
                    .listener((tenantId, kid, reason) -> events.add(tenantId + " " + kid + " " + reason)).build();

            String initial = rotator.keyRing(KeyFixture.TENANT).active().kid();
            String manual = rotator.rotate(KeyFixture.TENANT).active().kid();
            String revoked = rotator.rotateAndRevoke(KeyFixture.TENANT).active().kid();
            rotator.changeAlgorithm(KeyFixture.TENANT, SigningAlgorithm.EdDSA);
            fixture.clock.advance(KeyFixture.ROTATION_PERIOD);
            rotator.rotateIfDue(KeyFixture.TENANT);
            String scheduled = rotator.keyRing(KeyFixture.TENANT).active().kid();

            assertEquals(List.of("acme " + initial + " INITIAL", "acme " + manual + " MANUAL",
                    "acme " + revoked + " REVOKED", "acme " + scheduled + " SCHEDULED"), events);
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void rotateWhenListenerThrowsThenRotationStillHappens(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRotator rotator = fixture.rotatorBuilder().listener((tenantId, kid, reason) -> {
                throw new IllegalStateException("metrics down");
            }).build();
            String before = rotator.keyRing(KeyFixture.TENANT).active().kid();

            assertNotEquals(before, rotator.rotate(KeyFixture.TENANT).active().kid());
            assertEquals(1, fixture.count(KeyState.ROTATED));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void keyRingWhenTenantUnknownThenIllegalArgument(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            assertThrows(IllegalArgumentException.class, () -> fixture.rotator().keyRing("nobody"));
        }
    }

    private static SigningKey only(KeyRing ring, KeyState state) {
        List<SigningKey> keys = ring.keys().stream().filter(k -> k.state() == state && k.purpose() == KeyPurpose.MAIN).toList();
        assertEquals(1, keys.size(), "keys in state " + state);
        return keys.get(0);
    }

    private static String header(String token) {
        try {
            return com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getAlgorithm().getName();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }
}
