package dev.identityservice.guard.error;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 6750 §3 challenge syntax. */
class BearerChallengeTest {

    @Test
    void withoutErrorWhenNoTokenThenRealmOnly() {
        assertEquals("Bearer realm=\"example\"", BearerChallenge.withoutError("example"));
    }

    @Test
    void forErrorWhenInvalidTokenThenAsInRfc6750Section3() {
        assertEquals("Bearer realm=\"example\", error=\"invalid_token\", error_description=\"The access token expired\"",
                BearerChallenge.forError("example", BearerError.invalidToken("The access token expired")));
    }

    @Test
    void forErrorWhenDescriptionHasQuotesOrControlCharactersThenReplaced() {
        assertEquals("Bearer realm=\"r\", error=\"invalid_token\", error_description=\"a?b?c??\"",
                BearerChallenge.forError("r", BearerError.invalidToken("a\"b\\c\r\n")));
    }

    @Test
    void forErrorWhenInsufficientScopeThenScopeAttribute() {
        assertEquals("Bearer realm=\"r\", error=\"insufficient_scope\", error_description=\"d\", scope=\"admin ops\"",
                BearerChallenge.forError("r", BearerError.insufficientScope("d", "admin ops")));
    }
}
