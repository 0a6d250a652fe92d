package dev.identityservice.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlaceholdersTest {

    static final Function<String, String> LOOKUP =
            Map.of("ISSUER", "https://id.example.com", "EMPTY", "", "NESTED", "${ISSUER}")::get;

    @Test
    void resolveWhenNameSetThenItsValueReplacesThePlaceholder() {
        assertEquals("https://id.example.com", Placeholders.resolve("${ISSUER}", LOOKUP));
        assertEquals("https://id.example.com", Placeholders.resolve("${ISSUER:http://ignored}", LOOKUP));
    }

    @Test
    void resolveWhenNameUnsetThenDefaultUsedAndMayContainColons() {
        assertEquals("http://127.0.0.1:8080", Placeholders.resolve("${MISSING:http://127.0.0.1:8080}", LOOKUP));
        assertEquals("", Placeholders.resolve("${MISSING:}", LOOKUP));
    }

    @Test
    void resolveWhenSetToEmptyThenEmptyWinsOverDefault() {
        assertEquals("", Placeholders.resolve("${EMPTY:fallback}", LOOKUP));
    }

    @Test
    void resolveWhenSeveralPlaceholdersAndTextThenEachReplaced() {
        assertEquals("a https://id.example.com b x c",
                Placeholders.resolve("a ${ISSUER} b ${MISSING:x} c", LOOKUP));
    }

    @Test
    void resolveWhenNoPlaceholderThenTextUnchanged() {
        assertEquals("plain $ text {}", Placeholders.resolve("plain $ text {}", LOOKUP));
        assertNull(Placeholders.resolve(null, LOOKUP));
    }

    @Test
    void resolveWhenValueContainsPlaceholderThenNotResolvedAgain() {
        assertEquals("${ISSUER}", Placeholders.resolve("${NESTED}", LOOKUP));
    }

    @Test
    void resolveWhenUnsetWithoutDefaultThenFailsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Placeholders.resolve("x ${MISSING} y", LOOKUP));
        assertTrue(e.getMessage().startsWith("${MISSING} is set neither"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a${b", "${ISSUER", "${bad name}", "${}", "ok ${ISSUER} then ${oops", "s3cr${t"})
    void resolveWhenPlaceholderMalformedThenFailsWithoutEchoingTheText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Placeholders.resolve(text, LOOKUP));
        assertTrue(e.getMessage().startsWith("malformed placeholder at character "), e.getMessage());
        assertFalse(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void systemLookupWhenSystemPropertySetThenItWins() {
        String name = "placeholders.test." + System.nanoTime();
        System.setProperty(name, "from-property");
        try {
            assertEquals("from-property", Placeholders.resolve("${" + name + "}"));
        } finally {
            System.clearProperty(name);
        }
        assertEquals("gone", Placeholders.resolve("${" + name + ":gone}"));
    }

    @Test
    void systemLookupWhenOnlyEnvironmentSetThenEnvironmentUsed() {
        Map.Entry<String, String> variable = System.getenv().entrySet().stream()
                .filter(e -> e.getKey().matches("[A-Za-z0-9_]+") && System.getProperty(e.getKey()) == null
                        && !e.getValue().contains("${"))
                .findFirst().orElseThrow();
        assertEquals(variable.getValue(), Placeholders.resolve("${" + variable.getKey() + ":unused}"));
    }
}
