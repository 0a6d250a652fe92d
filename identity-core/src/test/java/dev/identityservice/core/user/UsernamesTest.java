package dev.identityservice.core.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
