package dev.identityservice.core.client;

/** The OAuth 2.0 grant types this service implements, with their RFC 6749 names. */
public enum GrantType {
    AUTHORIZATION_CODE("authorization_code"),
    PASSWORD("password"),
    REFRESH_TOKEN("refresh_token"),
    CLIENT_CREDENTIALS("client_credentials"),
    /**
     * The implicit grant (RFC 6749 §4.2; OIDC Core §3.2 and §3.3): tokens issued by the authorization endpoint
     * itself, in the front channel. Never a {@code grant_type} at the token endpoint. Discouraged (RFC 9700
     * §2.1.2) and usable only where the tenant enables it ({@code Tenant#implicitAndHybridFlows}).
     */
    IMPLICIT("implicit");

    private final String value;

    GrantType(String value) {
        this.value = value;
    }

    /** The {@code grant_type} parameter value. */
    public String value() {
        return value;
    }

    /** The grant type for a {@code grant_type} value, or {@code null} when unknown. */
    public static GrantType fromValue(String value) {
        for (GrantType type : values()) {
            if (type.value.equals(value)) {
                return type;
            }
        }
        return null;
    }
}
