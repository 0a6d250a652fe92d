package dev.identityservice.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Optional;

/**
 * The one strict reading of UTF-8, the only encoding the forms (RFC 6749 Appendix B) and JSON bodies
 * (RFC 8259 §8.1) here are read in: malformed bytes (overlong forms such as {@code C0 AF}, encoded surrogates,
 * truncated sequences) are refused rather than replaced or, worse, decoded leniently.
 */
public final class Utf8 {

    private Utf8() {
    }

    /**
     * Whether a {@code charset} parameter names UTF-8: matched without regard to case (RFC 9110 §8.3.2) and by
     * any of its registered aliases ({@code utf8}, {@code unicode-1-1-utf-8}), as the JDK's charset registry
     * knows them.
     */
    public static boolean isUtf8(String charset) {
        try {
            return StandardCharsets.UTF_8.equals(Charset.forName(charset.strip()));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return false;
        }
    }

    /** The text of {@code bytes}; empty when they are not well-formed UTF-8. */
    public static Optional<String> decode(byte[] bytes) {
        if (isAscii(bytes)) {
            // ASCII is well-formed UTF-8 of the same characters: one copy instead of a decoder and a char buffer
            // twice the size (JFR: 11 KiB per introspection request, almost every form being ASCII).
            return Optional.of(new String(bytes, StandardCharsets.US_ASCII));
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}
