package dev.identityservice.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.error.ChallengeException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6750 §2.1's b64token grammar, checked against the regular expression it replaced, character by character. */
class BearerTokenTest {

    private static final Pattern GRAMMAR = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
    private static final Tenant TENANT = new Tenant(Tenant.DEFAULT_ID, URI.create("https://id.example.com"),
            SigningAlgorithm.RS256, Duration.ofDays(30), Instant.EPOCH);

    @Test
    void isB64tokenWhenEveryCharacterAloneOrBeforePaddingThenAsTheGrammarSays() {
        for (char c = 0; c < 0x180; c++) {
            for (String token : new String[] {"a" + c, c + "a", "a" + c + "=", c + "==", "a=" + c}) {
                assertEquals(GRAMMAR.matcher(token).matches(), BearerToken.isB64token(token), () -> "token " + token);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "=", "===", "a b", "a=b", "a,b", "é", "a\tb", "a\u0000"})
    void isB64tokenWhenNotTheGrammarThenFalse(String token) {
        assertFalse(BearerToken.isB64token(token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "abc.def.ghi", "A-Z_a~z+0/9", "abc=", "abc==", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"})
    void isB64tokenWhenTheGrammarThenTrue(String token) {
        assertTrue(BearerToken.isB64token(token));
    }

    @Test
    void fromWhenSchemeAnyCaseThenTokenElseChallenge() {
        assertEquals("abc.def", BearerToken.from("bEaReR abc.def", TENANT));
        ChallengeException missing = assertThrows(ChallengeException.class, () -> BearerToken.from("Basic abc", TENANT));
        ChallengeException malformed = assertThrows(ChallengeException.class, () -> BearerToken.from("Bearer a,b", TENANT));
        assertEquals(401, missing.error().httpStatus());
        assertEquals(400, malformed.error().httpStatus());
    }
}
