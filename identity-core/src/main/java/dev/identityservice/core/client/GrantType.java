package dev.identityservice.core.client;

/** The OAuth 2.0 grant types this service implements, with their RFC 6749 names. */
public enum GrantType {
    AUTHORIZATION_CODE("authorization_code"),
    PASSWORD("password"),
    REFRESH_TOKEN("refresh_token"),
    CLIENT_CREDENTIALS("client_credentials");

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
