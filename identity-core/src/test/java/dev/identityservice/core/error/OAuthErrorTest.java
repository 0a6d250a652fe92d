package dev.identityservice.core.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Error descriptions in the characters RFC 6749 §4.1.2.1 and §5.2 allow, however they were written. */
class OAuthErrorTest {

    @Test
    void descriptionWhenSectionSignQuoteBackslashOrNonAsciiThenPrintableAscii() {
        assertEquals("nonce is required (OIDC Core section 3.2.2.1)",
                OAuthError.invalidRequest("nonce is required (OIDC Core §3.2.2.1)").description());
        assertEquals("the 'x' claim a?b caf? ?", OAuthError.invalidRequest("the \"x\" claim a\\b café ✓").description());
        assertEquals("line?break", OAuthError.invalidRequest("line\nbreak").description());
    }

    @Test
    void descriptionWhenAlreadyPrintableAsciiThenSameString() {
        String description = "client authentication failed";
        assertSame(description, OAuthError.invalidClient(description).description());
        assertNull(new OAuthError("invalid_request", null, 400).description());
    }
}
