package dev.identityservice.core.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.testing.DatabaseKind;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** OIDC Core §15.1: a tenant whose own keys are not RS256 keeps, rotates and retires an RS256 chain for ID tokens. */
class IdTokenKeyChainTest {

    @Test
    void keyRingWhenTenantIsEs256ThenRs256IdTokenKeySignsAndIsPublishedBesideTheEs256One() {
        try (KeyFixture fixture = KeyFixture.open(DatabaseKind.H2, SigningAlgorithm.ES256)) {
            KeyRing ring = fixture.rotator().keyRing(KeyFixture.TENANT);

            assertEquals(Set.of(SigningAlgorithm.RS256, SigningAlgorithm.ES256), ring.idTokenAlgorithms());
            KeyRing.Signer rs256 = ring.signer(SigningAlgorithm.RS256).orElseThrow();
            assertEquals(KeyPurpose.ID_TOKEN, rs256.key().purpose());
            assertEquals(SigningAlgorithm.ES256, ring.active().algorithm(), "access tokens still ES256");
            assertTrue(TestTokens.publishes(ring.jwksJson(), rs256.key().kid()));
            assertEquals(2, chain(ring, KeyState.ACTIVE).size() + chain(ring, KeyState.NEXT).size(),
                    "one ACTIVE and one NEXT RS256 key");
        }
    }

    @Test
    void keyRingWhenTenantIsRs256ThenNoSecondChainAndOnlyRs256() {
        try (KeyFixture fixture = KeyFixture.open(DatabaseKind.H2, SigningAlgorithm.RS256)) {
            KeyRing ring = fixture.rotator().keyRing(KeyFixture.TENANT);

            assertEquals(Set.of(SigningAlgorithm.RS256), ring.idTokenAlgorithms());
            assertEquals(ring.active().kid(), ring.signer(SigningAlgorithm.RS256).orElseThrow().key().kid());
            assertTrue(ring.keys().stream().noneMatch(k -> k.purpose() == KeyPurpose.ID_TOKEN));
            assertTrue(ring.signer(SigningAlgorithm.ES256).isEmpty());
        }
    }

    @Test
    void rotateWhenEs256TenantThenTheIdTokenKeyPublishedOneRotationEarlierSigns() {
        try (KeyFixture fixture = KeyFixture.open(DatabaseKind.H2, SigningAlgorithm.ES256)) {
            KeyRotator rotator = fixture.rotator();
            KeyRing before = rotator.keyRing(KeyFixture.TENANT);
            String published = chain(before, KeyState.NEXT).get(0).kid();
            String signing = before.signer(SigningAlgorithm.RS256).orElseThrow().key().kid();

            fixture.clock.advance(Duration.ofHours(1));
            KeyRing after = rotator.rotate(KeyFixture.TENANT);

            assertEquals(published, after.signer(SigningAlgorithm.RS256).orElseThrow().key().kid());
            assertEquals(KeyState.ROTATED, after.keys().stream().filter(k -> k.kid().equals(signing)).findFirst().orElseThrow().state());
            assertTrue(TestTokens.publishes(after.jwksJson(), signing), "ID tokens it signed still verify");
            assertEquals(1, chain(after, KeyState.ACTIVE).size());
            assertEquals(1, chain(after, KeyState.NEXT).size());
        }
    }

    @Test
    void rotateWhenTenantMovedBackToRs256ThenIdTokenChainRetiresAndItsLastKeyStaysPublished() {
        try (KeyFixture fixture = KeyFixture.open(DatabaseKind.H2, SigningAlgorithm.ES256)) {
            KeyRotator rotator = fixture.rotator();
            rotator.keyRing(KeyFixture.TENANT);
            KeyRing changed = rotator.changeAlgorithm(KeyFixture.TENANT, SigningAlgorithm.RS256);
            String idKey = changed.signer(SigningAlgorithm.RS256).orElseThrow().key().kid();
            assertEquals(Set.of(SigningAlgorithm.RS256, SigningAlgorithm.ES256), changed.idTokenAlgorithms(),
                    "ES256 still signs until the rotation");

            fixture.clock.advance(Duration.ofHours(1));
            KeyRing after = rotator.rotate(KeyFixture.TENANT);

            assertEquals(Set.of(SigningAlgorithm.RS256), after.idTokenAlgorithms());
            assertEquals(KeyPurpose.MAIN, after.signer(SigningAlgorithm.RS256).orElseThrow().key().purpose());
            assertTrue(chain(after, KeyState.ACTIVE).isEmpty() && chain(after, KeyState.NEXT).isEmpty());
            assertTrue(TestTokens.publishes(after.jwksJson(), idKey));
            assertEquals(after.keys(), rotator.reload(KeyFixture.TENANT).keys(), "a reload finds the ring complete");
        }
    }

    @Test
    void revokeWhenIdTokenActiveKeyThenItsChainRotatesAndTheMainKeyKeepsSigning() {
        try (KeyFixture fixture = KeyFixture.open(DatabaseKind.H2, SigningAlgorithm.EdDSA)) {
            KeyRotator rotator = fixture.rotator();
            KeyRing before = rotator.keyRing(KeyFixture.TENANT);
            String idKey = before.signer(SigningAlgorithm.RS256).orElseThrow().key().kid();

            KeyRing after = rotator.revoke(KeyFixture.TENANT, idKey);

            assertEquals(before.active().kid(), after.active().kid());
            assertTrue(!TestTokens.publishes(after.jwksJson(), idKey));
            assertEquals(chain(before, KeyState.NEXT).get(0).kid(), after.signer(SigningAlgorithm.RS256).orElseThrow().key().kid());
        }
    }

    private static List<SigningKey> chain(KeyRing ring, KeyState state) {
        return ring.keys().stream().filter(k -> k.purpose() == KeyPurpose.ID_TOKEN && k.state() == state).toList();
    }
}
