package dev.identityservice.core.client;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@code response_type} of the authorization endpoint (RFC 6749 §3.1.1, OAuth 2.0 Multiple Response Type
 * Encoding Practices §3, OIDC Core §3): a set of {@code code}, {@code id_token} and {@code token}, so
 * {@code "token id_token"} and {@code "id_token token"} are the same value. Only the six combinations OpenID
 * Connect defines for its flows are supported ({@link #SUPPORTED}); {@code token} alone and {@code none} are not.
 *
 * <p>Anything beyond {@code code} puts tokens in the front channel (the browser), which RFC 9700 §2.1.2
 * discourages: such types are accepted only where the tenant enables them ({@code Tenant#implicitAndHybridFlows}).
 *
 * @param code    the authorization endpoint returns a code (RFC 6749 §4.1)
 * @param idToken it returns an ID token (OIDC Core §3.2.2.5, §3.3.2.5)
 * @param token   it returns an access token (RFC 6749 §4.2.2)
 */
public record ResponseType(boolean code, boolean idToken, boolean token) {

    /** The authorization code flow's {@code code}: the default of every client (RFC 7591 §2). */
    public static final ResponseType CODE = new ResponseType(true, false, false);
    /** Every supported value, code first, in the order discovery lists them (OIDC Discovery §3). */
    public static final List<ResponseType> SUPPORTED = List.of(CODE, new ResponseType(false, true, false),
            new ResponseType(false, true, true), new ResponseType(true, true, false), new ResponseType(true, false, true),
            new ResponseType(true, true, true));

    /**
     * The response type a space-separated {@code value} names, its words in any order.
     *
     * @throws IllegalArgumentException when a word is unknown or repeated, or the combination is not {@link #SUPPORTED}
     */
    public static ResponseType parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("response type is empty");
        }
        Set<String> words = new LinkedHashSet<>();
        for (String word : value.strip().split(" +")) {
            if (!List.of("code", "id_token", "token").contains(word) || !words.add(word)) {
                throw new IllegalArgumentException("unsupported response type '" + value + "'");
            }
        }
        ResponseType type = new ResponseType(words.contains("code"), words.contains("id_token"), words.contains("token"));
        if (!SUPPORTED.contains(type)) {
            throw new IllegalArgumentException("unsupported response type '" + value + "'");
        }
        return type;
    }

    /** Whether tokens leave through the front channel: anything but {@code code} alone (RFC 9700 §2.1.2). */
    public boolean frontChannel() {
        return idToken || token;
    }

    /**
     * The grant types a client must have registered to use this response type (RFC 7591 §2.1): {@code code} needs
     * {@code authorization_code}, {@code id_token} and {@code token} need {@code implicit}.
     */
    public Set<GrantType> grantTypes() {
        Set<GrantType> grants = new LinkedHashSet<>();
        if (code) {
            grants.add(GrantType.AUTHORIZATION_CODE);
        }
        if (frontChannel()) {
            grants.add(GrantType.IMPLICIT);
        }
        return grants;
    }

    /** The canonical value: its words in the order {@code code id_token token}. */
    public String value() {
        StringBuilder s = new StringBuilder();
        if (code) {
            s.append("code");
        }
        if (idToken) {
            s.append(s.isEmpty() ? "" : " ").append("id_token");
        }
        if (token) {
            s.append(s.isEmpty() ? "" : " ").append("token");
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return value();
    }
}
