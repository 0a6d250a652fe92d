package dev.identityservice.core.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyRotationSchedulerTest {

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void checkAllWhenPeriodPassedThenRotatesOnceAndTheOtherInstanceConvergesOnItsCheck(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            KeyRotator first = fixture.rotator();
            KeyRotator second = fixture.rotator();
            KeyRotationScheduler firstScheduler = new KeyRotationScheduler(first, fixture.tenants);
            KeyRotationScheduler secondScheduler = new KeyRotationScheduler(second, fixture.tenants);
            String initial = first.keyRing(KeyFixture.TENANT).active().kid();
            assertEquals(initial, second.keyRing(KeyFixture.TENANT).active().kid());
            assertEquals(0, firstScheduler.checkAll());

            fixture.clock.advance(KeyFixture.ROTATION_PERIOD);
            assertEquals(1, firstScheduler.checkAll());
            assertEquals(0, secondScheduler.checkAll(), "the second instance reloads before checking: not due any more");

            String rotated = first.keyRing(KeyFixture.TENANT).active().kid();
            assertNotEquals(initial, rotated);
            assertEquals(rotated, second.keyRing(KeyFixture.TENANT).active().kid());
            assertEquals(1, fixture.count(KeyState.ROTATED));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void checkAllWhenTenantHasNoKeysYetThenCreatesThemWithoutRotating(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            fixture.tenants.create(new Tenant("beta", URI.create("https://id.example.com/t/beta"), SigningAlgorithm.EdDSA,
                    Duration.ofHours(1), KeyFixture.START));
            KeyRotator rotator = fixture.rotator();

            assertEquals(0, new KeyRotationScheduler(rotator, fixture.tenants).checkAll());

            assertEquals(SigningAlgorithm.EdDSA, rotator.keyRing("beta").active().algorithm());
            assertEquals(1, fixture.count(KeyState.ACTIVE));
        }
    }

    @Test
    void startWhenScheduledThenRotatesTheDueTenantExactlyOnce() throws Exception {
        try (KeyFixture fixture = KeyFixture.open(DatabaseKind.H2)) {
            KeyRotator rotator = fixture.rotator();
            rotator.keyRing(KeyFixture.TENANT);
            fixture.clock.advance(KeyFixture.ROTATION_PERIOD);
            ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
            try {
                ScheduledFuture<?> schedule = new KeyRotationScheduler(rotator, fixture.tenants, Duration.ofMillis(10)).start(executor);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (fixture.count(KeyState.ROTATED) == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(100); // several more checks: the new key is not due, so nothing more rotates

                assertFalse(schedule.isDone(), "a check must not end the schedule");
                assertEquals(1, fixture.count(KeyState.ROTATED));
                assertEquals(1, fixture.count(KeyState.ACTIVE));
                assertEquals(1, fixture.count(KeyState.NEXT));
            } finally {
                executor.shutdownNow();
            }
        }
    }

    @Test
    void constructorWhenIntervalNotPositiveThenRejected() {
        try (KeyFixture fixture = KeyFixture.open(DatabaseKind.H2)) {
            KeyRotator rotator = fixture.rotator();
            assertThrows(IllegalArgumentException.class, () -> new KeyRotationScheduler(rotator, fixture.tenants, Duration.ZERO));
        }
    }
}
