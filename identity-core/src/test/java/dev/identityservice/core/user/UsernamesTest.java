package dev.identityservice.core.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UsernamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"zo\u00eb", "zoe\u0308", "ZO\u00cb", "ZOE\u0308", "\uff5a\uff4f\u00eb", "\uff3a\uff2f\u00cb"})
    void keyWhenSpelledInNfdCaseOrFullwidthThenSameKeyAsNfcLowerCase(String spelling) {
        assertEquals("zo\u00eb", Usernames.key(spelling));
    }

    @Test
    void storedWhenFullwidthOrNfdThenCasePreservedNfcHalfwidth() {
        assertEquals("JOS\u00c9", Usernames.stored("\uff2a\uff2f\uff33\uff25\u0301"));
        assertEquals("alice@example.com", Usernames.stored("alice@example.com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"two words", " alice", "tab\t", "bell\u0007", ""})
    void storedWhenNotAPrecisUsernameThenRefused(String username) {
        assertThrows(IllegalArgumentException.class, () -> Usernames.stored(username));
    }

    @Test
    void keyWhenNameRefusedByPrecisThenFormerStrippedLowerCaseKey() {
        assertEquals("old timer", Usernames.key(" Old Timer "));
    }

    @Test
    void storedWhenCaseMappingLengthensTheNameBeyondTheKeyColumnThenRefused() {
        // U+0130 lower-cases to "i" + U+0307: 128 characters stored, 256 in the key.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Usernames.stored("\u0130".repeat(128)));

        assertTrue(e.getMessage().contains("case-mapped"), e.getMessage());
        assertEquals(127, Usernames.stored("\u0130".repeat(127)).length());
    }

    @Test
    void keyWhenOldNameLongerThanTheKeyColumnInPrecisFormThenFormerKey() {
        // U+0958 is excluded from composition: NFC makes two characters of each, 400 in all.
        String old = "\u0958".repeat(200);

        assertEquals(Usernames.legacyKey(old), Usernames.key(old));
    }

    /** The migration's set-aside key must be out of reach of every lookup, including its own spelling typed in. */
    @ParameterizedTest
    @ValueSource(strings = {" duplicate:0b5a7c4e-1111-4222-8333-123456789abc", "duplicate:0b5a7c4e-1111-4222-8333-123456789abc",
            "\u00a0duplicate:0b5a7c4e-1111-4222-8333-123456789abc", "\t duplicate:0b5a7c4e-1111-4222-8333-123456789abc",
            " DUPLICATE:0B5A7C4E-1111-4222-8333-123456789ABC"})
    void keyWhenGivenTheUnreachableKeyOrASpellingOfItThenNeverThatKey(String typed) {
        String unreachable = Usernames.unreachableKey("0b5a7c4e-1111-4222-8333-123456789abc");

        assertTrue(unreachable.startsWith(" "), unreachable);
        assertTrue(!Usernames.key(typed).equals(unreachable) && !Usernames.key(typed).startsWith(" "), typed);
    }
}
