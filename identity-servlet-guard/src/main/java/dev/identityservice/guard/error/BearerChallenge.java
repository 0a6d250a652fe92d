package dev.identityservice.guard.error;

/**
 * The {@code WWW-Authenticate: Bearer} challenge of RFC 6750 §3; the one place that writes it.
 *
 * <p>Attribute values are quoted-strings; characters that RFC 6750 §3 does not allow in {@code
 * error_description} and {@code scope} are replaced, so a description built from token content can
 * never break the header.
 */
public final class BearerChallenge {

    /** The name of the response header carrying the challenge. */
    public static final String HEADER = "WWW-Authenticate";

    private BearerChallenge() {
    }

    /** The challenge for a request that carried no token: the realm and no error (RFC 6750 §3.1). */
    public static String withoutError(String realm) {
        StringBuilder header = new StringBuilder(48).append("Bearer");
        appendRealm(header, realm);
        return header.toString();
    }

    /** The challenge for a rejected request: realm, error, description and, if any, scope. */
    public static String forError(String realm, BearerError error) {
        StringBuilder header = new StringBuilder(128).append("Bearer");
        appendRealm(header, realm);
        appendAttribute(header, "error", error.code().value());
        if (!error.description().isEmpty()) {
            appendAttribute(header, "error_description", error.description());
        }
        if (!error.scope().isEmpty()) {
            appendAttribute(header, "scope", error.scope());
        }
        return header.toString();
    }

    private static void appendRealm(StringBuilder header, String realm) {
        if (realm != null && !realm.isEmpty()) {
            appendAttribute(header, "realm", realm);
        }
    }

    private static void appendAttribute(StringBuilder header, String name, String value) {
        header.append(header.length() == "Bearer".length() ? " " : ", ").append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E; no quote, no backslash, nothing outside ASCII.
            boolean allowed = c >= 0x20 && c <= 0x7E && c != '"' && c != '\\';
            header.append(allowed ? c : '?');
        }
        header.append('"');
    }
}
