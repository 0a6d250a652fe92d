package dev.identityservice.guard.verify;

/**
 * The verified-token cache's key: the exact token string, hashed over its last characters only.
 *
 * <p>A request brings a fresh {@code String}, whose {@link String#hashCode()} walks every character:
 * for a 700-character token that is most of a cache hit on JDK 17. A JWS ends in its signature, random
 * bytes that spread as well as the whole string would; and only tokens whose signature verified are ever
 * stored, so nobody can choose them to collide. Equality still compares the whole token.
 */
final class TokenKey {

    /** How many trailing characters the hash covers: 192 bits of base64url signature. */
    static final int HASHED_SUFFIX_CHARS = 32;

    private final String token;
    private final int hash;

    TokenKey(String token) {
        this.token = token;
        int h = token.length();
        for (int i = Math.max(0, token.length() - HASHED_SUFFIX_CHARS); i < token.length(); i++) {
            h = 31 * h + token.charAt(i);
        }
        this.hash = h;
    }

    int length() {
        return token.length();
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenKey key && key.hash == hash && key.token.equals(token);
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "TokenKey[" + token.length() + " chars]";
    }
}
