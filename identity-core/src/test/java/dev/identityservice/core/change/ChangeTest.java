package dev.identityservice.core.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The wire form of a change notification: round trip, and what a listener does with a payload it cannot read. */
class ChangeTest {

    @Test
    void decodeWhenEncodedThenSameChange() {
        for (Change change : new Change[] {Change.keys("acme"), Change.tenants("default"), Change.users("t-1"),
                Change.clients("x"), Change.everything()}) {
            assertEquals(Optional.of(change), Change.decode(change.encode()));
        }
    }

    @Test
    void decodeWhenUnknownKindOrMissingTenantThenEmpty() {
        assertTrue(Change.decode("SESSIONS acme").isEmpty());
        assertTrue(Change.decode("KEYS").isEmpty());
        assertTrue(Change.decode("").isEmpty());
    }

    @Test
    void changeWhenTenantIdHasSpaceOrIsTooLongThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> Change.keys("a b"));
        assertThrows(IllegalArgumentException.class, () -> Change.keys("a".repeat(201)));
    }
}
