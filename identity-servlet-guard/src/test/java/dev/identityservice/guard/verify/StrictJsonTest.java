package dev.identityservice.guard.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonTest {

    @Test
    void parseObjectWhenValidThenTypedValues() throws Exception {
        Map<String, Object> json = StrictJson.parseObject(
                " {\"s\":\"a\\u00e9\\n\",\"i\":1700000000,\"d\":1.5e3,\"t\":true,\"n\":null,\"l\":[1,\"x\"],\"o\":{\"k\":[]}} ");
        assertEquals("a\u00e9\n", json.get("s"));
        assertEquals(1700000000L, json.get("i"));
        assertEquals(1500.0, json.get("d"));
        assertEquals(Boolean.TRUE, json.get("t"));
        assertNull(json.get("n"));
        assertEquals(List.of(1L, "x"), json.get("l"));
        assertEquals(Map.of("k", List.of()), json.get("o"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"o\":{\"a\":1,\"a\":1}}", "{\"l\":[{\"a\":1,\"a\":2}]}",
            "{\"a\":1,\"\\u0061\":2}"})
    void parseObjectWhenDuplicateNamesAtAnyDepthThenRejected(String text) {
        assertThrows(StrictJson.MalformedJsonException.class, () -> StrictJson.parseObject(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{\"a\":01}", "{\"a\":1} x",
            "{\"a\":tru}", "{\"a\":\"\u0001\"}", "{\"a\":\"\\x\"}", "{\"a\":1.}", "{\"a\":-}", "{a:1}"})
    void parseObjectWhenNotStrictJsonThenRejected(String text) {
        assertThrows(StrictJson.MalformedJsonException.class, () -> StrictJson.parseObject(text));
    }

    @Test
    void parseObjectWhenNestedTooDeepThenRejected() {
        String deep = "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertThrows(StrictJson.MalformedJsonException.class, () -> StrictJson.parseObject(deep));
    }

    /** The reported case: 700 KB of escaped strings took 6 s when each string was sized by the rest of the text. */
    @Test
    void parseObjectWhen700KbOfEscapedStringsThenLinear() {
        StringBuilder json = new StringBuilder("{\"l\":[");
        int strings = 1;
        while (json.length() < 700_000) {
            json.append("\"\\n\",");
            strings++;
        }
        int expected = strings;
        json.append("\"end\"]}");
        // Quadratic, this allocates about 60 GB; linear, under a megabyte.
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> assertEquals(expected, ((List<?>) StrictJson.parseObject(json.toString()).get("l")).size()));
    }

    @Test
    void parseObjectWhenLongerThanTheBoundThenRefusedUnread() {
        String huge = "{\"a\":\"" + "x".repeat(StrictJson.MAX_CHARS) + "\"}";
        var e = assertThrows(StrictJson.MalformedJsonException.class, () -> StrictJson.parseObject(huge));
        assertEquals("JSON longer than 1048576 characters", e.getMessage());
    }

    @Test
    void parseObjectWhenNumberHasThousandsOfDigitsThenRefused() {
        String json = "{\"exp\":" + "9".repeat(100_000) + "}";
        assertThrows(StrictJson.MalformedJsonException.class, () -> StrictJson.parseObject(json));
    }
}
