package dev.identityservice.core.client;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The search key of a client's display name: the name found by a case-insensitive prefix search
 * ({@link ClientStore#search}). Compatibility-normalized (NFKC, so the fullwidth "Ａｐｐ" is "app"), lower-cased
 * without a locale (so a Turkish server finds "ID" by "id"), normalized again, and cut to
 * {@value #MAX_KEY_CHARS} characters, which keeps every key indexable whatever NFKC expands.
 */
public final class ClientNames {

    /** The longest key: 1000 characters; a prefix longer than that is cut the same way. */
    public static final int MAX_KEY_CHARS = 1000;

    private ClientNames() {
    }

    /** The key of {@code name}, or null for a client without a name. */
    public static String key(String name) {
        if (name == null) {
            return null;
        }
        String key = Normalizer.normalize(Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT),
                Normalizer.Form.NFKC);
        if (key.length() <= MAX_KEY_CHARS) {
            return key;
        }
        int end = Character.isHighSurrogate(key.charAt(MAX_KEY_CHARS - 1)) ? MAX_KEY_CHARS - 1 : MAX_KEY_CHARS;
        return key.substring(0, end);
    }
}
