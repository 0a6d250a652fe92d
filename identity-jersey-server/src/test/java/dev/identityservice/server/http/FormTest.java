package dev.identityservice.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.core.error.OAuthException;
import dev.identityservice.server.error.ChallengeException;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FormTest {

    @Test
    void parseWhenEncodedThenDecodedPlusAsSpaceAndUtf8() {
        Form form = Form.parse("a=x+y%2Bz&b=%C3%A9&c=&d".getBytes(StandardCharsets.US_ASCII));

        assertEquals("x y+z", form.get("a"));
        assertEquals("é", form.get("b"));
        assertEquals("", form.get("c"));
        assertEquals(null, form.optional("d"));
    }

    @Test
    void getWhenRepeatedEvenIfEncodedDifferentlyThenInvalidRequest() {
        Form form = Form.parse("scope=a&%73cope=b".getBytes(StandardCharsets.US_ASCII));

        OAuthException e = assertThrows(OAuthException.class, () -> form.get("scope"));

        assertEquals("invalid_request", e.error().code());
        assertEquals(java.util.List.of("a", "b"), form.values("scope"));
    }

    @Test
    void singleValuedWhenDefinedRepeatedThenInvalidRequestElseFirstValues() {
        Form form = Form.parse("resource=a&resource=b&x=1&x=2&scope=s".getBytes(StandardCharsets.US_ASCII));

        assertEquals(java.util.Map.of("resource", "a", "x", "1", "scope", "s"), form.singleValued(java.util.Set.of("scope", "code")));
        assertThrows(OAuthException.class, () -> form.singleValued(java.util.Set.of("x")));
    }

    @Test
    void isUtf8WhenRegisteredAliasAnyCaseThenTrueElseFalse() {
        for (String name : java.util.List.of("utf-8", "UTF8", "utf8", "Unicode-1-1-UTF-8", " utf-8 ")) {
            assertEquals(true, Utf8.isUtf8(name), name);
        }
        for (String name : java.util.List.of("latin1", "utf-16", "", "x y", "utf-8;")) {
            assertEquals(false, Utf8.isUtf8(name), name);
        }
    }

    @Test
    void nonNegativeIntegerWhenSignedOrOtherDigitsThenEmptyWhenHugeThenSaturated() {
        for (String text : java.util.List.of("+5", "-0", " 5", "5 ", "", "\u0665", "1_000", "0x1")) {
            assertEquals(java.util.OptionalLong.empty(), NonNegativeInteger.parse(text), text);
        }
        assertEquals(java.util.OptionalLong.of(0), NonNegativeInteger.parse("000"));
        assertEquals(java.util.OptionalLong.of(Long.MAX_VALUE), NonNegativeInteger.parse("9223372036854775807"));
        assertEquals(java.util.OptionalLong.of(Long.MAX_VALUE), NonNegativeInteger.parse("9223372036854775808"));
        assertEquals(java.util.OptionalLong.of(Long.MAX_VALUE), NonNegativeInteger.parse("9".repeat(400)));
        assertEquals(java.util.OptionalLong.empty(), NonNegativeInteger.parse("65536", 0, 65_535));
    }

    @Test
    void readWhenDeclaredLengthTooLargeThen413WithoutReading() {
        ChallengeException e = assertThrows(ChallengeException.class, () -> Form.read(MediaType.APPLICATION_FORM_URLENCODED_TYPE,
                BoundedBody.MAX_BYTES + 1L, new ByteArrayInputStream(new byte[0])));

        assertEquals(413, e.error().httpStatus());
        assertEquals("close", e.headers().get("Connection"));
    }

    @Test
    void readWhenNoContentTypeThenInvalidRequest() {
        assertThrows(OAuthException.class, () -> Form.read(null, 0, new ByteArrayInputStream(new byte[0])));
    }

    @Test
    void parseWhenTooManyParametersThenInvalidRequest() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i <= Form.MAX_PARAMETERS; i++) {
            body.append("p").append(i).append("=1&");
        }
        assertThrows(OAuthException.class, () -> Form.parse(body.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void parseWhenValueNeedsNoDecodingThenSameValueWithoutGarbagePerCharacter() {
        String token = "eyJ" + "aB3_-.".repeat(120);
        byte[] body = ("token=" + token + "&token_type_hint=access_token").getBytes(StandardCharsets.US_ASCII);
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        Form.parse(body);

        long before = bean.getThreadAllocatedBytes(thread);
        Form form = Form.parse(body);
        long allocated = bean.getThreadAllocatedBytes(thread) - before;

        assertEquals(token, form.get("token"));
        assertEquals("access_token", form.get("token_type_hint"));
        // The body's text, its two substrings and the maps: about 4 KiB. Decoding character by character
        // allocated a String and a byte[] per character, about 60 KiB for this 723-character token.
        org.junit.jupiter.api.Assertions.assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes");
    }

    @Test
    void parseWhenAsciiMixesWithEscapesAndRawNonAsciiThenDecodedAsBefore() {
        Form form = Form.parse("a=abc%20d+e&b=caf\u00e9+x".getBytes(StandardCharsets.UTF_8));

        assertEquals("abc d e", form.get("a"));
        assertEquals("caf\u00e9 x", form.get("b"));
    }

    @Test
    void readWhenLengthDeclaredThenExactlyThoseBytesWithoutAReadBuffer() {
        byte[] body = ("token=" + "x".repeat(754)).getBytes(StandardCharsets.US_ASCII);
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        BoundedBody.read(new ByteArrayInputStream(body), body.length);

        long before = bean.getThreadAllocatedBytes(thread);
        byte[] read = BoundedBody.read(new ByteArrayInputStream(body), body.length);
        long allocated = bean.getThreadAllocatedBytes(thread) - before;

        org.junit.jupiter.api.Assertions.assertArrayEquals(body, read);
        // The 760-byte array and the stream: under 2 KiB. Through an 8 KiB buffer and a growing copy: over 10 KiB.
        org.junit.jupiter.api.Assertions.assertTrue(allocated < 2048, "allocated " + allocated + " bytes");
    }

    @Test
    void readWhenStreamLongerOrShorterThanDeclaredThenWhatItHoldsAndStill413PastTheBound() {
        byte[] twenty = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);

        assertEquals("0123456789abcdefghij", new String(BoundedBody.read(new ByteArrayInputStream(twenty), 10), StandardCharsets.US_ASCII));
        assertEquals("0123456789abcdefghij", new String(BoundedBody.read(new ByteArrayInputStream(twenty), 30), StandardCharsets.US_ASCII));
        ChallengeException e = assertThrows(ChallengeException.class,
                () -> BoundedBody.read(new ByteArrayInputStream(new byte[BoundedBody.MAX_BYTES + 10]), 10));
        assertEquals(413, e.error().httpStatus());
    }

    @Test
    void decodeWhenAsciiThenSameTextWhenMalformedAfterAsciiThenEmpty() {
        assertEquals(java.util.Optional.of("grant_type=x&y=%C3%A9"), Utf8.decode("grant_type=x&y=%C3%A9".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(java.util.Optional.empty(), Utf8.decode(new byte[] {'a', 'b', (byte) 0xC0, (byte) 0xAF}));
        assertEquals(java.util.Optional.of("caf\u00e9"), Utf8.decode("caf\u00e9".getBytes(StandardCharsets.UTF_8)));
    }
}
