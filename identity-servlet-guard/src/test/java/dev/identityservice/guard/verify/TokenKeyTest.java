package dev.identityservice.guard.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenKeyTest {

    private static final String SIGNATURE = "Qx7m2WcRk8vYp1LdZ3sN0aTgHb6uEfJ4iOyK9rPwXlA";

    @Test
    void equalsWhenOnlyTheSignatureSuffixIsSharedThenDifferentKeysWithTheSameHash() {
        TokenKey alice = new TokenKey("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9." + SIGNATURE);
        TokenKey mallory = new TokenKey("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0." + SIGNATURE.substring(1) + "A");
        TokenKey sameLengthOtherPayload = new TokenKey("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2JieSJ9." + SIGNATURE);

        assertEquals(alice.hashCode(), sameLengthOtherPayload.hashCode(), "the hash covers the suffix only");
        assertNotEquals(alice, sameLengthOtherPayload, "but equality compares the whole token");
        assertNotEquals(alice, mallory);
    }

    @Test
    void equalsWhenSameTokenInAFreshStringThenEqual() {
        String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9." + SIGNATURE;
        TokenKey first = new TokenKey(token);
        TokenKey second = new TokenKey(new String(token.toCharArray()));

        assertEquals(first, second);
        assertEquals(first.hashCode(), second.hashCode());
    }

    @Test
    void hashCodeWhenShortTokenThenCoversAllOfItAndNeverShowsIt() {
        assertNotEquals(new TokenKey("a.b.c").hashCode(), new TokenKey("a.b.d").hashCode());
        assertTrue(new TokenKey("a.b.c").toString().contains("5 chars"));
        assertFalse(new TokenKey("secret.token.value").toString().contains("secret"));
    }
}
