package dev.identityservice.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.guard.error.BearerError;
import dev.identityservice.guard.error.InvalidTokenException;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** RFC 6750 §2.1 header syntax, §2.3 query parameter. */
class BearerHeaderTest {

    static String extract(String header, String query) throws InvalidTokenException {
        return BearerHeader.extract(header == null ? Collections.emptyIterator() : List.of(header).iterator(), query);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc.DEF-_~+/.ghi==", "bearer abc.DEF-_~+/.ghi==", "BEARER abc.DEF-_~+/.ghi==",
            "Bearer    abc.DEF-_~+/.ghi==", "  Bearer abc.DEF-_~+/.ghi==  "})
    void extractWhenSchemeInAnyCaseAndSpacesThenToken(String header) throws Exception {
        assertEquals("abc.DEF-_~+/.ghi==", extract(header, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer   ", "Bearer a b", "Bearer\ta", "Bearer a\tb", "Bearer =abc",
            "Bearer a=b", "Bearer a,b", "Bearer \"a\"", "Bearer a\u00e9"})
    void extractWhenMalformedThenInvalidRequest(String header) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> extract(header, null));
        assertEquals(BearerError.Code.INVALID_REQUEST, e.error().code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic YWxpY2U6c2VjcmV0", "Bearerabc", "DPoP abc", "Token abc"})
    void extractWhenOtherSchemeThenNoToken(String header) throws Exception {
        assertNull(extract(header, null));
    }

    @Test
    void extractWhenNoHeaderThenNoToken() throws Exception {
        assertNull(extract(null, "page=2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"access_token=abc", "a=1&access_token=abc", "access%5Ftoken=abc", "access_token"})
    void extractWhenTokenInQueryThenInvalidRequest(String query) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> extract(null, query));
        assertEquals(BearerError.Code.INVALID_REQUEST, e.error().code());
    }

    @Test
    void extractWhenTwoHeadersThenInvalidRequest() {
        assertThrows(InvalidTokenException.class,
                () -> BearerHeader.extract(List.of("Bearer a", "Bearer b").iterator(), null));
    }

    @Test
    void extractWhenQueryMerelyMentionsAccessTokenThenIgnored() throws Exception {
        assertEquals("t", extract("Bearer t", "q=access_token&my_access_token=1"));
    }
}
