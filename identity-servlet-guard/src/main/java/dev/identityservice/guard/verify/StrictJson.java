package dev.identityservice.guard.verify;

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
 * <p>Linear in the length of the text, and bounded before any work: a text over {@value #MAX_CHARS}
 * characters or a number over {@value #MAX_NUMBER_CHARS} is refused unread. Our own code because no
 * JSON library on the guard's classpath refuses duplicate names (Nimbus's Gson keeps the last).
 *
 * <p>Values become {@link String}, {@link Boolean}, {@link Long} (integers that fit), {@link Double}
 * (other numbers), unmodifiable {@link List}s and {@link Map}s, or null.
 */
final class StrictJson {

    private static final int MAX_DEPTH = 32;
    /** The longest text parsed, in characters: 1 MiB, far above any token or introspection answer. */
    static final int MAX_CHARS = 1 << 20;
    /** The longest number, in characters; a NumericDate or a count needs 20. */
    static final int MAX_NUMBER_CHARS = 64;

    private final String text;
    private int pos;

    private StrictJson(String text) {
        this.text = text;
    }

    /**
     * Parses a JSON text that must be one object. The returned map is the parser's own, not a view: callers
     * read it and copy what they keep (as {@code VerifiedToken} does); nested objects and arrays are
     * unmodifiable.
     */
    static Map<String, Object> parseObject(String text) throws MalformedJsonException {
        if (text.length() > MAX_CHARS) {
            throw new MalformedJsonException("JSON longer than " + MAX_CHARS + " characters");
        }
        StrictJson parser = new StrictJson(text);
        parser.skipWhitespace();
        if (parser.peek() != '{') {
            throw new MalformedJsonException("not a JSON object");
        }
        Map<String, Object> result = parser.readObject(0);
        parser.skipWhitespace();
        if (parser.pos != text.length()) {
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

    private Object readValue(int depth) throws MalformedJsonException {
        skipWhitespace();
        char c = peek();
        switch (c) {
            case '{': return Collections.unmodifiableMap(readObject(depth + 1));
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

    /** An object's members, in a map the caller wraps where it escapes (the top level is copied by its users). */
    private Map<String, Object> readObject(int depth) throws MalformedJsonException {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> members = new HashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return members;
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
            if (members.containsKey(name)) {
                throw new MalformedJsonException("duplicate member name");
            }
            members.put(name, value);
            skipWhitespace();
            char c = next();
            if (c == '}') {
                return members;
            }
            if (c != ',') {
                throw new MalformedJsonException("expected , or } at " + (pos - 1));
            }
        }
    }

    private List<Object> readArray(int depth) throws MalformedJsonException {
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
            char c = next();
            if (c == ']') {
                return Collections.unmodifiableList(items);
            }
            if (c != ',') {
                throw new MalformedJsonException("expected , or ] at " + (pos - 1));
            }
        }
    }

    private String readString() throws MalformedJsonException {
        pos++; // opening quote
        int start = pos;
        // Fast path: no escapes.
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                return text.substring(start, pos++);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw new MalformedJsonException("control character in string at " + pos);
            }
            pos++;
        }
        // Sized by what was read so far, not by the rest of the text: that made many escaped strings quadratic.
        StringBuilder out = new StringBuilder(pos - start + 16).append(text, start, pos);
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new MalformedJsonException("control character in string at " + (pos - 1));
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escape = next();
            switch (escape) {
                case '"': out.append('"'); break;
                case '\\': out.append('\\'); break;
                case '/': out.append('/'); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'u': out.append(readHexChar()); break;
                default: throw new MalformedJsonException("bad escape at " + (pos - 1));
            }
        }
    }

    private char readHexChar() throws MalformedJsonException {
        if (pos + 4 > text.length()) {
            throw new MalformedJsonException("truncated \\u escape");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos++), 16);
            if (digit < 0) {
                throw new MalformedJsonException("bad \\u escape at " + (pos - 1));
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
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            digits();
            integral = false;
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
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
        double value = Double.parseDouble(text.substring(start, pos));
        if (Double.isInfinite(value)) {
            throw new MalformedJsonException("number out of range at " + start);
        }
        return value;
    }

    /** The integer in {@code text[start, pos)}, already checked to be an optional '-' and 1 to 18 digits. */
    private long integer(int start) {
        boolean negative = text.charAt(start) == '-';
        long value = 0;
        for (int i = negative ? start + 1 : start; i < pos; i++) {
            value = value * 10 + (text.charAt(i) - '0');
        }
        return negative ? -value : value;
    }

    private void digits() throws MalformedJsonException {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        if (pos == start) {
            throw new MalformedJsonException("expected a digit at " + pos);
        }
    }

    private Object literal(String word, Object value) throws MalformedJsonException {
        if (!text.startsWith(word, pos)) {
            throw new MalformedJsonException("unexpected literal at " + pos);
        }
        pos += word.length();
        return value;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() throws MalformedJsonException {
        if (pos >= text.length()) {
            throw new MalformedJsonException("unexpected end of JSON");
        }
        return text.charAt(pos);
    }

    private char next() throws MalformedJsonException {
        char c = peek();
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
