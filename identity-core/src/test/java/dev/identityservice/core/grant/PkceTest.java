package dev.identityservice.core.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PkceTest {

    /** RFC 7636 Appendix B. */
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    @Test
    void challengeOfWhenRfc7636AppendixBVerifierThenItsChallenge() {
        assertEquals(CHALLENGE, Pkce.challengeOf(VERIFIER));
        assertTrue(Pkce.verify(VERIFIER, CHALLENGE));
    }

    @Test
    void verifyWhenVerifierWrongShortOrWithBadCharactersThenFalse() {
        assertFalse(Pkce.verify(VERIFIER.substring(1) + "A", CHALLENGE));
        assertFalse(Pkce.verify("short", Pkce.challengeOf("short")), "RFC 7636 §4.1 requires 43 to 128 characters");
        String withSpace = "a".repeat(42) + " ";
        assertFalse(Pkce.verify(withSpace, Pkce.challengeOf(withSpace)));
        assertFalse(Pkce.verify(null, CHALLENGE));
        assertFalse(Pkce.verify(CHALLENGE, CHALLENGE), "the plain method is not accepted");
    }

    @Test
    void isValidChallengeWhenNotBase64UrlSha256ThenFalse() {
        assertTrue(Pkce.isValidChallenge(CHALLENGE));
        assertFalse(Pkce.isValidChallenge(CHALLENGE + "A"));
        assertFalse(Pkce.isValidChallenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"));
    }
}
