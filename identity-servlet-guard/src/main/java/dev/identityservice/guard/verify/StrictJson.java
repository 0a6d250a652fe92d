package dev.identityservice.guard.verify;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for JSON (RFC 8259) objects as found in JOSE headers and JWT claim sets. Unlike
 * lenient parsers that keep the last of two equal names, it rejects duplicate member names at any
 * depth, as RFC 7515 §5.2 and RFC 7519 §7.2 require, so that two components can never read two
 * different claims from one token.
 *
 * <p>It reads UTF-8 bytes as they come out of the base64url decoding, without a decoded copy of the
 * text: outside strings JSON is ASCII, and a string is copied once, as Latin-1 when it is ASCII without
 * escapes (nearly every claim), else decoded as strict UTF-8 (RFC 8259 §8.1: malformed input is refused
 * with {@link CharacterCodingException}, never replaced).
 *
 * <p>Linear in the length of the text, and bounded before any work: a text over {@value #MAX_CHARS}
 * bytes or a number over {@value #MAX_NUMBER_CHARS} characters is refused unread. Our own code because no
 * JSON library on the guard's classpath refuses duplicate names (Nimbus's Gson keeps the last).
 *
 * <p>Values become {@link String}, {@link Boolean}, {@link Long} (integers that fit), {@link Double}
 * (other numbers), unmodifiable {@link List}s, {@link JsonObject}s, or null.
 */
final class StrictJson {

    private static final int MAX_DEPTH = 32;
    /** The longest text parsed: 1 MiB (of UTF-8 bytes, or of characters for a string), far above any token. */
    static final int MAX_CHARS = 1 << 20;
    /** The longest number, in characters; a NumericDate or a count needs 20. */
    static final int MAX_NUMBER_CHARS = 64;

    private final byte[] text;
    private final int end;
    private int pos;
    private CharsetDecoder decoder;

    private StrictJson(byte[] text, int from, int to) {
        this.text = text;
        this.pos = from;
        this.end = to;
    }

    /**
     * Parses a JSON text that must be one object.
     *
     * @return the object, immutable
     * @throws MalformedJsonException if the text is not one strictly valid JSON object
     */
    static JsonObject parseObject(String text) throws MalformedJsonException {
        if (text.length() > MAX_CHARS) {
            throw new MalformedJsonException("JSON longer than " + MAX_CHARS + " characters");
        }
        ByteBuffer utf8;
        try {
            utf8 = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
        } catch (CharacterCodingException e) {
            throw new MalformedJsonException("not UTF-8"); // a lone surrogate, which getBytes would make a "?"
        }
        try {
            return parse(utf8.array(), 0, utf8.limit());
        } catch (CharacterCodingException e) {
            throw new MalformedJsonException("not UTF-8"); // cannot happen: the encoder wrote well-formed UTF-8
        }
    }

    /**
     * Parses the UTF-8 JSON text in {@code utf8[from, to)}, which must be one object.
     *
     * @return the object, immutable
     * @throws MalformedJsonException    if the text is not one strictly valid JSON object
     * @throws CharacterCodingException  if a string in it is not well-formed UTF-8
     */
    static JsonObject parseObject(byte[] utf8, int from, int to) throws MalformedJsonException, CharacterCodingException {
        if (to - from > MAX_CHARS) {
            throw new MalformedJsonException("JSON longer than " + MAX_CHARS + " characters");
        }
        return parse(utf8, from, to);
    }

    private static JsonObject parse(byte[] utf8, int from, int to) throws MalformedJsonException, CharacterCodingException {
        StrictJson parser = new StrictJson(utf8, from, to);
        parser.skipWhitespace();
        if (parser.peek() != '{') {
            throw new MalformedJsonException("not a JSON object");
        }
        JsonObject result = parser.readObject(0);
        parser.skipWhitespace();
        if (parser.pos != to) {
            throw new MalformedJsonException("trailing characters after the JSON object");
        }
        return result;
    }

    /** Thrown for any text that is not strictly valid JSON. */
    static final class MalformedJsonException extends Exception {
        MalformedJsonException(String message) {
            super(message, null, false, false);
        }
    }

    private Object readValue(int depth) throws MalformedJsonException, CharacterCodingException {
        skipWhitespace();
        int c = peek();
        switch (c) {
            case '{': return readObject(depth + 1);
            case '[': return readArray(depth + 1);
            case '"': return readString();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return readNumber();
                }
                throw new MalformedJsonException("unexpected character at " + pos);
        }
    }

    private JsonObject readObject(int depth) throws MalformedJsonException, CharacterCodingException {
        checkDepth(depth);
        pos++; // '{'
        HashMap<String, Object> members = new HashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return new JsonObject(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw new MalformedJsonException("expected a member name at " + pos);
            }
            String name = readString();
            skipWhitespace();
            expect(':');
            Object value = readValue(depth);
            int size = members.size();
            members.put(name, value);
            if (members.size() == size) { // one lookup; a null value would hide a duplicate from put's answer
                throw new MalformedJsonException("duplicate member name");
            }
            skipWhitespace();
            int c = next();
            if (c == '}') {
                return new JsonObject(members);
            }
            if (c != ',') {
                throw new MalformedJsonException("expected , or } at " + (pos - 1));
            }
        }
    }

    private List<Object> readArray(int depth) throws MalformedJsonException, CharacterCodingException {
        checkDepth(depth);
        pos++; // '['
        List<Object> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(items);
        }
        while (true) {
            items.add(readValue(depth));
            skipWhitespace();
            int c = next();
            if (c == ']') {
                return Collections.unmodifiableList(items);
            }
            if (c != ',') {
                throw new MalformedJsonException("expected , or ] at " + (pos - 1));
            }
        }
    }

    private String readString() throws MalformedJsonException, CharacterCodingException {
        int start = ++pos; // past the opening quote
        // Fast path: ASCII without escapes, copied as it is.
        while (pos < end) {
            int b = text[pos];
            if (b == '"') {
                return new String(text, start, pos++ - start, StandardCharsets.ISO_8859_1);
            }
            if (b == '\\' || b < 0) {
                return readStringSlowly(start);
            }
            if (b < 0x20) {
                throw new MalformedJsonException("control character in string at " + pos);
            }
            pos++;
        }
        throw new MalformedJsonException("unexpected end of JSON");
    }

    /**
     * A string with escapes or non-ASCII bytes, from its first byte {@code start}: its raw bytes up to the closing
     * quote are decoded as strict UTF-8 when any is non-ASCII (escapes are ASCII, so decoding first changes none),
     * then unescaped into a builder sized by the string itself, never by the rest of the text (that once made many
     * escaped strings quadratic).
     */
    private String readStringSlowly(int start) throws MalformedJsonException, CharacterCodingException {
        int close = start;
        boolean ascii = true;
        while (true) {
            if (close >= end) {
                throw new MalformedJsonException("unexpected end of JSON");
            }
            int b = text[close];
            if (b == '"') {
                break;
            }
            ascii &= b >= 0;
            close += b == '\\' ? 2 : 1; // an escaped character is ASCII: never the closing quote
        }
        CharSequence chars = ascii ? new String(text, start, close - start, StandardCharsets.ISO_8859_1)
                : utf8Decoder().reset().decode(ByteBuffer.wrap(text, start, close - start));
        int length = chars.length();
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            char c = chars.charAt(i);
            if (c < 0x20) {
                throw new MalformedJsonException("control character in string at " + start);
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escape = ++i < length ? chars.charAt(i) : 0;
            switch (escape) {
                case '"': out.append('"'); break;
                case '\\': out.append('\\'); break;
                case '/': out.append('/'); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'u':
                    out.append(hexChar(chars, i + 1, length));
                    i += 4;
                    break;
                default: throw new MalformedJsonException("bad escape in string at " + start);
            }
        }
        pos = close + 1;
        return out.toString();
    }

    /** One strict UTF-8 decoder per parse, made at its first non-ASCII string. */
    private CharsetDecoder utf8Decoder() {
        if (decoder == null) {
            decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        return decoder;
    }

    /** The four hex digits of a backslash-u escape: ASCII only (RFC 8259 §7, RFC 5234 HEXDIG), not any Unicode digit. */
    private static char hexChar(CharSequence chars, int from, int length) throws MalformedJsonException {
        if (from + 4 > length) {
            throw new MalformedJsonException("truncated \\u escape");
        }
        int value = 0;
        for (int i = from; i < from + 4; i++) {
            char c = chars.charAt(i);
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (digit < 0) {
                throw new MalformedJsonException("bad \\u escape");
            }
            value = value * 16 + digit;
        }
        return (char) value;
    }

    private Object readNumber() throws MalformedJsonException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else {
            digits();
        }
        boolean integral = true;
        if (pos < end && text[pos] == '.') {
            pos++;
            digits();
            integral = false;
        }
        if (pos < end && (text[pos] == 'e' || text[pos] == 'E')) {
            pos++;
            if (pos < end && (text[pos] == '+' || text[pos] == '-')) {
                pos++;
            }
            digits();
            integral = false;
        }
        if (pos - start > MAX_NUMBER_CHARS) {
            throw new MalformedJsonException("number longer than " + MAX_NUMBER_CHARS + " characters at " + start);
        }
        if (integral && pos - start <= 18) {
            return integer(start); // at most 18 digits: cannot overflow a long
        }
        double value = Double.parseDouble(new String(text, start, pos - start, StandardCharsets.ISO_8859_1));
        if (Double.isInfinite(value)) {
            throw new MalformedJsonException("number out of range at " + start);
        }
        return value;
    }

    /** The integer in {@code text[start, pos)}, already checked to be an optional '-' and 1 to 18 digits. */
    private long integer(int start) {
        boolean negative = text[start] == '-';
        long value = 0;
        for (int i = negative ? start + 1 : start; i < pos; i++) {
            value = value * 10 + (text[i] - '0');
        }
        return negative ? -value : value;
    }

    private void digits() throws MalformedJsonException {
        int start = pos;
        while (pos < end && text[pos] >= '0' && text[pos] <= '9') {
            pos++;
        }
        if (pos == start) {
            throw new MalformedJsonException("expected a digit at " + pos);
        }
    }

    private Object literal(String word, Object value) throws MalformedJsonException {
        if (end - pos < word.length()) {
            throw new MalformedJsonException("unexpected literal at " + pos);
        }
        for (int i = 0; i < word.length(); i++) {
            if (text[pos + i] != word.charAt(i)) {
                throw new MalformedJsonException("unexpected literal at " + pos);
            }
        }
        pos += word.length();
        return value;
    }

    private void skipWhitespace() {
        while (pos < end) {
            int c = text[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** The byte at the position, as an int (negative for a non-ASCII byte, which no JSON token starts with). */
    private int peek() throws MalformedJsonException {
        if (pos >= end) {
            throw new MalformedJsonException("unexpected end of JSON");
        }
        return text[pos];
    }

    private int next() throws MalformedJsonException {
        int c = peek();
        pos++;
        return c;
    }

    private void expect(char expected) throws MalformedJsonException {
        if (next() != expected) {
            throw new MalformedJsonException("expected " + expected + " at " + (pos - 1));
        }
    }

    private static void checkDepth(int depth) throws MalformedJsonException {
        if (depth > MAX_DEPTH) {
            throw new MalformedJsonException("JSON nested deeper than " + MAX_DEPTH);
        }
    }
}
