package dev.identityservice.core.client;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RedirectUriMatcherTest {

    private static final List<String> REGISTERED = List.of("https://app.example.com/callback", "https://app.example.com/cb?tenant=a");

    @Test
    void matchesWhenExactlyRegisteredThenTrue() {
        assertTrue(RedirectUriMatcher.matches(REGISTERED, "https://app.example.com/callback"));
        assertTrue(RedirectUriMatcher.matches(REGISTERED, "https://app.example.com/cb?tenant=a"));
    }

    private static final List<String> LOOPBACK = List.of("http://127.0.0.1/callback", "http://[::1]:8080/cb?x=1",
            "http://localhost/callback");

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:51004/callback", "http://127.0.0.1:1/callback", "http://127.0.0.1/callback",
            "http://[::1]/cb?x=1", "http://[::1]:49152/cb?x=1"})
    void matchesWhenLoopbackIpLiteralWithAnyPortThenTrue(String requested) {
        assertTrue(RedirectUriMatcher.matches(LOOPBACK, requested));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://localhost:51004/callback",                   // localhost: exact only (RFC 8252 §8.3)
            "http://127.0.0.1:51004/callback/x",                 // path
            "http://127.0.0.1:51004/Callback",                   // path case
            "http://127.0.0.1:51004/callback?x=1",               // query
            "http://[::1]:1/cb?x=2",                             // other query value
            "https://127.0.0.1:51004/callback",                  // scheme
            "http://127.0.0.2:51004/callback",                   // other loopback address: not the registered literal
            "http://[::1]:51004/callback",                       // other literal than registered
            "http://user@127.0.0.1:51004/callback",              // userinfo
            "http://127.0.0.1:51004/callback#f",                 // fragment
            "http://127.0.0.1:x/callback"})                      // malformed port
    void matchesWhenLoopbackDiffersInMoreThanThePortThenFalse(String requested) {
        assertFalse(RedirectUriMatcher.matches(LOOPBACK, requested));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
            "",
            "https://app.example.com/callback/extra",            // prefix
            "https://app.example.com/callbackx",                 // prefix without slash
            "https://app.example.com/call",                      // registered is a prefix of nothing requested
            "https://app.example.com.evil.com/callback",         // host prefix
            "https://APP.example.com/callback",                  // host case
            "HTTPS://app.example.com/callback",                  // scheme case
            "https://app.example.com/Callback",                  // path case
            "https://app.example.com/callback/",                 // trailing slash
            "https://app.example.com/callback?x=1",              // extra query
            "https://app.example.com/cb?tenant=a&x=1",           // query appended
            "https://app.example.com/cb?tenant=b",               // other query value
            "https://app.example.com/callback#frag",             // fragment
            "https://app.example.com/callback/../callback",      // path traversal
            "https://app.example.com/x/../callback",             // traversal that normalizes to the registered one
            "https://app.example.com/%63allback",                // percent-encoded equivalent
            "https://app.example.com:443/callback",              // explicit default port
            "http://app.example.com/callback",                   // scheme downgrade
            "https://user@app.example.com/callback",             // userinfo
            " https://app.example.com/callback"})                // whitespace
    void matchesWhenNotExactlyRegisteredThenFalse(String requested) {
        assertFalse(RedirectUriMatcher.matches(REGISTERED, requested));
    }

    @Test
    void requireRegistrableWhenAbsoluteWithoutFragmentThenAccepted() {
        assertDoesNotThrow(() -> RedirectUriMatcher.requireRegistrable("https://app.example.com/cb?x=1"));
        assertDoesNotThrow(() -> RedirectUriMatcher.requireRegistrable("com.example.app:/oauth"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/relative/cb", "https://app.example.com/cb#frag", "https://app.example.com/a b", "https://app.example.com/\tcb"})
    void requireRegistrableWhenRelativeWithFragmentOrWhitespaceThenRefused(String uri) {
        assertThrows(IllegalArgumentException.class, () -> RedirectUriMatcher.requireRegistrable(uri));
    }
}
